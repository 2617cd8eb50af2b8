"""The JSON export of the shared corpus, byte for byte, from this tree and another.

Ingests the shared corpus and seeds (tests/fixtures/samples), then corpus-history
(tests/fixtures/history), each a `manage.py ingest_twir` run, into an empty SQLite file,
then `manage.py export_events --format json`.
`export(tree)` returns the bytes (each random UUID replaced by its order: a fresh
ingest makes new ones); bench_targets compares the tree before the plain-Django
change with this one in the same run (issue 21: the export must not change).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

from _django import OUT, ROOT

# the shared corpus (7 modern issues and 5 seeds) and corpus-history (12), as the tests keep them
INPUTS = (ROOT / "tests/fixtures/samples", ROOT / "tests/fixtures/history")


_UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def normalised(export: bytes) -> bytes:
    """The export with each meetup's random UUID (uuid4, made at insert) replaced by its
    order of first appearance: everything else must match byte for byte."""
    seen: dict[bytes, bytes] = {}
    return _UUID.sub(lambda m: seen.setdefault(m[0], b"uuid-%d" % len(seen)), export)


def export(tree: Path, label: str) -> bytes | None:
    """The export's bytes for `tree`; None when the shared corpus is not on this machine."""
    if not all(folder.is_dir() for folder in INPUTS):
        return None
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / f"export-{label}.sqlite3"
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        path.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-" + "x" * 40),
        "DJANGO_SETTINGS_MODULE": "twirevents.settings",
    }

    def manage(*args: str) -> bytes:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=tree,
            env=env,
            capture_output=True,
            check=True,
        ).stdout

    manage("migrate", "--verbosity", "0")
    for folder in INPUTS:
        manage("ingest_twir", str(folder))
    return normalised(manage("export_events", "--format", "json"))


if __name__ == "__main__":
    out = export(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT, "cli")
    if out is None:
        sys.exit("no shared corpus here")
    print(hashlib.sha256(out).hexdigest(), len(out))
