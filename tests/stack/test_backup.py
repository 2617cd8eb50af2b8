"""deploy/backup.sh and deploy/restore.sh against the stack's PostgreSQL: a dump restores
into another database with the same rows."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[2]
COUNT = "SELECT count(*) FROM calendar_app_meetup"


def stack_database_url() -> str:
    output = subprocess.run(
        [sys.executable, "deploy/stack.py", "env"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    values = dict(line.split("=", 1) for line in output.splitlines() if "=" in line)
    return values["DATABASE_URL"]


def psql(url: str, sql: str) -> str:
    result = subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-tAc", sql], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_backup_then_restore_into_another_database(stack_url, tmp_path):
    url = stack_database_url()
    parts = urlsplit(url)
    scratch = urlunsplit(parts._replace(path="/twirevents_restore_test"))
    psql(url, "DROP DATABASE IF EXISTS twirevents_restore_test")
    psql(url, "CREATE DATABASE twirevents_restore_test")
    try:
        env = dict(os.environ, DATABASE_URL=url, BACKUP_DIR=str(tmp_path), BACKUP_KEEP="2")
        dumps = []
        for _ in range(3):  # three backups (names are per second), the newest two kept
            time.sleep(1.1)
            result = subprocess.run(
                ["deploy/backup.sh"], cwd=ROOT, env=env, capture_output=True, text=True
            )
            assert result.returncode == 0, result.stderr
            dumps.append(Path(result.stdout.strip()))
        assert sorted(tmp_path.glob("*.dump")) == dumps[1:]
        assert not list(tmp_path.glob("*.partial"))
        refused = subprocess.run(
            ["deploy/restore.sh", str(dumps[-1])],
            cwd=ROOT,
            env=dict(env, DATABASE_URL=scratch),
            capture_output=True,
            text=True,
        )
        assert refused.returncode == 2 and "--yes" in refused.stderr
        restored = subprocess.run(
            ["deploy/restore.sh", str(dumps[-1]), "--yes"],
            cwd=ROOT,
            env=dict(env, DATABASE_URL=scratch),
            capture_output=True,
            text=True,
        )
        assert restored.returncode == 0, restored.stderr
        assert psql(scratch, COUNT) == psql(url, COUNT)
        assert int(psql(scratch, COUNT)) > 0
    finally:
        psql(url, "DROP DATABASE IF EXISTS twirevents_restore_test")
