"""Set up Django for a benchmark on its own SQLite file in bench/out/ (never the dev db)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def setup(db_name: str, *, fresh: bool = True) -> Path:
    """Point DATABASE_URL at bench/out/<db_name>, set Django up and migrate.

    `BENCH_DATABASE_URL` (a PostgreSQL database of its own, say) is used instead when set,
    and flushed when `fresh`. DEBUG is off as in production: with it on, Django keeps and
    quotes every query it runs.
    """
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / db_name
    other = os.environ.get("BENCH_DATABASE_URL", "")
    if fresh and not other:  # the database and its WAL files
        for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            path.unlink(missing_ok=True)
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = other or f"sqlite:///{db}"
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twirevents.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    if fresh and other:
        call_command("flush", interactive=False, verbosity=0)
    return db


# The start of a benchmark's child process (`python -c CHILD + ...`, run from the project's
# root with DATABASE_URL set): production-like settings, Django set up, the schema migrated.
CHILD = """
import json, os, resource, sys, time
sys.path.insert(0, ".")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
os.environ["DJANGO_SETTINGS_MODULE"] = "twirevents.settings"
import django
from django.core.management import call_command
django.setup()
call_command("migrate", verbosity=0)
"""
