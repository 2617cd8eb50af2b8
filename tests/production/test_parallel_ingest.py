"""Two `ingest_twir` processes over the same files at once leave exactly what one run leaves.

Runs on PostgreSQL only (DATABASE_URL=postgres://...), in two databases of its own created
next to the configured one (the role needs CREATEDB): outside pytest-django's test
transaction, so the two processes really race. The sequential run in a fresh database is the
reference: same row counts in every table (history excepted) and the same JSON export.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = "tests/fixtures/samples"
DATABASE_URL = os.environ.get("DATABASE_URL", "")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not DATABASE_URL.startswith(("postgres://", "postgresql://")),
        reason="needs DATABASE_URL=postgres://...",
    ),
]

# Compared by row count: everything ingest writes. History tables are left out: two racing
# runs may record an update that one run does not, and history is an audit log, not data.
TABLES = [
    "calendar_app_newsletter",
    "calendar_app_meetup",
    "calendar_app_sighting",
    "calendar_app_group",
    "calendar_app_groupalias",
    "calendar_app_place",
    "calendar_app_flag",
    "calendar_app_meetuplink",
    "calendar_app_meetupgroup",
    "calendar_app_meetupplace",
]


def admin_connection():
    import psycopg

    config = dj_database_url.parse(DATABASE_URL)
    return psycopg.connect(
        dbname=config["NAME"],
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )


def url_for(name: str) -> str:
    config = dj_database_url.parse(DATABASE_URL)
    auth = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    host = config["HOST"] or "localhost"
    port = f":{config['PORT']}" if config["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{name}"


@pytest.fixture
def fresh_database() -> Iterator:
    """A factory of empty, migrated databases; dropped at the end."""
    created: list[str] = []

    def make(label: str) -> str:
        name = f"twirevents_{label}_{uuid.uuid4().hex[:8]}"
        with admin_connection() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        url = url_for(name)
        result = manage("migrate", "--noinput", url=url)
        assert result.returncode == 0, result.stderr
        return url

    yield make
    with admin_connection() as conn:
        for name in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def env_for(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ENV", "DEBUG"}}
    env.update(DATABASE_URL=url, GEOCODER="offline", CONN_MAX_AGE="0")
    return env


def manage(*args: str, url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env_for(url),
        capture_output=True,
        text=True,
        timeout=600,
    )


def ingest_in_parallel(url: str, copies: int = 2) -> list[subprocess.CompletedProcess]:
    command = [sys.executable, "manage.py", "ingest_twir", SAMPLES, "--json"]
    processes = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=env_for(url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(copies)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def _one(conn, sql: str) -> int:
    row = conn.execute(sql).fetchone()
    assert row is not None
    return row[0]


def counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        result = {table: _one(conn, f"SELECT count(*) FROM {table}") for table in TABLES}
        for kind, n in conn.execute(
            "SELECT kind, count(*) FROM calendar_app_flag GROUP BY kind"
        ).fetchall():
            result[f"flag:{kind}"] = n
        result["meetups_canonical"] = _one(
            conn, "SELECT count(*) FROM calendar_app_meetup WHERE duplicate_of_id IS NULL"
        )
    return result


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def without_ids(value, key: str = ""):
    """The export minus what differs between two databases by construction (ids, uuids).

    Flags are compared as a set (their order falls back on creation time); other lists keep
    their order, which is data (primary place first, ...).
    """
    if isinstance(value, dict):
        return {k: without_ids(v, k) for k, v in value.items() if k not in {"id", "uid"}}
    if isinstance(value, list):
        items = [without_ids(v) for v in value]
        return sorted(items, key=canonical_json) if key in {"flags", ""} else items
    return value


def export(url: str):
    result = manage("export_events", "--format", "json", url=url)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return without_ids(data.get("events", data) if isinstance(data, dict) else data)


def test_two_parallel_ingests_equal_one(fresh_database):
    sequential = fresh_database("seq")
    result = manage("ingest_twir", SAMPLES, "--json", url=sequential)
    assert result.returncode == 0, result.stderr
    expected_counts, expected_export = counts(sequential), export(sequential)
    assert expected_counts["calendar_app_meetup"] > 0

    parallel = fresh_database("par")
    runs = ingest_in_parallel(parallel)
    for run in runs:
        assert run.returncode == 0, run.stderr[-3000:]
        json.loads(run.stdout.strip().splitlines()[-1])  # each run still reports its summary
    assert counts(parallel) == expected_counts
    assert export(parallel) == expected_export

    # Again, both at once over the same files: nothing changes.
    runs = ingest_in_parallel(parallel)
    for run in runs:
        assert run.returncode == 0, run.stderr[-3000:]
    assert counts(parallel) == expected_counts
    assert export(parallel) == expected_export
