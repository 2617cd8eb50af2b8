"""Ingest benchmark: a cold ingest beside the parser's own time on the same files.

The archive is bench/synthetic.py's `synthetic_archive()`: 250 weekly issues with the real
archive's variety (~10,000 entry lines, ~470 location texts, 530 organisers, ~3,300 event
links, ~70 moved events, hybrids listed twice, placeholder ids, query strings). Each
measurement runs in a fresh process (its peak RSS is the ingest's, the parsing worker's
counted apart): parse only, then a cold ingest into an empty database and an unchanged
re-run. The ratio to parse only is shown for information (its old 2x target is retired,
issue 21: bench_targets.py measures the product targets).

`python bench/bench_ingest.py [--tree PATH]...` also measures other checkouts (e.g. a git
worktree of main) on the same files in the same run: the before/after of a change.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _django import CHILD, OUT, ROOT

NAMES = ("ingest: parse only", "ingest: cold", "ingest: unchanged re-run")

PARSE_ONLY = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, ".")
from calendar_app.twir import parse_newsletter
files = sorted(Path(sys.argv[1]).iterdir())
texts = [f.read_text(encoding="utf-8") for f in files]
started, cpu = time.perf_counter(), time.process_time()
entries = sum(len(parse_newsletter(t).entries) for t in texts)
print(json.dumps({"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu,
    "entries": entries, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

INGEST = (
    CHILD
    + """
from calendar_app.models import Meetup
from calendar_app.services.ingest import ingest_paths
out = {}
for name in ("cold", "rerun"):
    started, cpu = time.perf_counter(), time.process_time()
    report = ingest_paths([sys.argv[1]])
    out[name] = {"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu,
        "entries": report.entries, "created": report.meetups_created,
        "skipped": report.skipped_unchanged, "errors": len(report.errors),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}
out["meetups"] = Meetup.objects.canonical().count()
print(json.dumps(out))
"""
)


def write_archive(folder: Path) -> int:
    sys.path.insert(0, str(ROOT / "bench"))
    from synthetic import synthetic_archive

    archive = synthetic_archive()
    for name, text in archive:
        (folder / name).write_text(text, encoding="utf-8")
    return len(archive)


def _run(tree: Path, code: str, folder: Path, db: Path | None = None) -> dict:
    env = {**os.environ}
    if db is not None:
        for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            path.unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{db}"
    python = tree / ".venv" / "bin" / "python"
    result = subprocess.run(
        [str(python if python.exists() else sys.executable), "-c", code, str(folder)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(tree: Path, folder: Path, files: int, label: str) -> list[dict]:
    OUT.mkdir(parents=True, exist_ok=True)
    parse = _run(tree, PARSE_ONLY, folder)
    ingest = _run(tree, INGEST, folder, OUT / f"ingest-{label}.sqlite3")
    cold, rerun = ingest["cold"], ingest["rerun"]
    ratio = cold["wall"] / parse["wall"]
    common = f"{label}: {files} files, {cold['entries']} entries"
    return [
        {
            "name": f"{NAMES[0]} ({label})",
            "median_ms": round(parse["wall"] * 1000, 1),
            "cpu_median_ms": round(parse["cpu"] * 1000, 1),
            "detail": f"{common}; {parse['rss_mb']:.0f} MB",
        },
        {
            "name": f"{NAMES[1]} ({label})",
            "median_ms": round(cold["wall"] * 1000, 1),
            "cpu_median_ms": round(cold["cpu"] * 1000, 1),
            "detail": f"{common}, {cold['created']} created, {ingest['meetups']} meetups; "
            f"{ratio:.2f}x parse only; max RSS {cold['rss_mb']:.0f} MB "
            f"(parsing worker {cold['worker_rss_mb']:.0f} MB); {cold['errors']} errors",
        },
        {
            "name": f"{NAMES[2]} ({label})",
            "median_ms": round(rerun["wall"] * 1000, 1),
            "cpu_median_ms": round(rerun["cpu"] * 1000, 1),
            "detail": f"{common}, {rerun['skipped']} skipped",
        },
    ]


def main(trees: list[tuple[str, Path]] | None = None) -> list[dict]:
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as folder:
        files = write_archive(Path(folder))
        for label, tree in [*(trees or []), ("this tree", ROOT)]:
            rows += measure(tree, Path(folder), files, label)
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tree", action="append", default=[], help="LABEL=PATH of another checkout to measure"
    )
    options = parser.parse_args()
    others = [(item.split("=", 1)[0], Path(item.split("=", 1)[1])) for item in options.tree]
    for row in main(others):
        print(
            f"{row['name']:<40} {row['median_ms']:>10.1f} ms (CPU {row['cpu_median_ms']:.1f} ms)"
            f"  {row['detail']}"
        )
