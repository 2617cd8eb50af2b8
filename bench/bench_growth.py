"""Growth (issue 25): what grows with the archive and with the calendars followed.

For each scale S of `BENCH_GROWTH_SCALES` (default "1,10"; "1,10,30" for the record), a
synthetic archive S times today's (bench/synthetic.py `synthetic_archive`: the same 250
weekly issues, S times the events and organisers in them: ~3k, ~31k, ~94k meetups) is
imported whole into a fresh database in a fresh process (its max RSS is the import's), and
on that database, uncached (a dummy page cache, as a new query string would be):

- `/feeds/events.ics?include_past=1`: time and bytes
- `/groups/`: time and bytes
- the admin's meetup changelist, searched (`?q=rust`)

Then a first sync of each count of `BENCH_GROWTH_SYNCS` loopback calendars (default
"150,600"; "150,1500" for the record), 20 events each (bench/bench_sync.py), each in a
fresh process on an empty database: queries and duplicate comparisons per event show
whether the sync is linear in what it brings.

`make bench` runs the defaults (a few minutes); the record:
    BENCH_GROWTH_SCALES=1,10,30 BENCH_GROWTH_SYNCS=150,1500 \\
        .venv/bin/python bench/run_all.py --only growth --no-write
On SQLite (bench/out/), or on PostgreSQL when BENCH_GROWTH_DATABASE_URL names a database
(it is flushed before each scale and each sync).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _django import CHILD, OUT, ROOT

SCALES = [int(s) for s in os.environ.get("BENCH_GROWTH_SCALES", "1,10").split(",") if s]
SYNCS = [int(s) for s in os.environ.get("BENCH_GROWTH_SYNCS", "150,600").split(",") if s]
DATABASE = os.environ.get("BENCH_GROWTH_DATABASE_URL", "")

MEASURE = (
    CHILD
    + """
if os.environ["DATABASE_URL"].startswith("postgres"):
    call_command("flush", interactive=False, verbosity=0)
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import setup_test_environment
from calendar_app.models import Group, Meetup
from calendar_app.services.ingest import ingest_paths
out = {}
started, cpu = time.perf_counter(), time.process_time()
report = ingest_paths([sys.argv[1]])
out["import_s"] = time.perf_counter() - started
out["import_cpu_s"] = time.process_time() - cpu
out["entries"] = report.entries
out["errors"] = len(report.errors)
out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out["meetups"] = Meetup.objects.canonical().count()
out["organisers"] = Group.objects.count()
setup_test_environment()
from django.contrib.auth import get_user_model
admin = get_user_model().objects.create_superuser("growth", "growth@example.org", "x")
client = Client()
client.force_login(admin)
dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
with override_settings(CACHES=dummy):
    client.get("/events/?q=warm")  # templates, URLs, search loaded: not what is measured
for name, path in (
    ("feed", "/feeds/events.ics?include_past=1"),
    ("groups", "/groups/"),
    ("admin_search", "/admin/calendar_app/meetup/?q=rust"),
):
    count = [0]
    def counted(execute, sql, params, many, context, count=count):
        count[0] += 1
        return execute(sql, params, many, context)
    with override_settings(CACHES=dummy), connection.execute_wrapper(counted):
        started = time.perf_counter()
        response = client.get(path)
        body = b"".join(response) if response.streaming else response.content
        out[name] = {"ms": (time.perf_counter() - started) * 1000, "bytes": len(body),
                     "status": response.status_code, "queries": count[0]}
print(json.dumps(out))
"""
)


def _python() -> str:
    python = ROOT / ".venv" / "bin" / "python"
    return str(python if python.exists() else sys.executable)


def write_archive(folder: Path, scale: int) -> int:
    sys.path.insert(0, str(ROOT / "bench"))
    from datetime import date, timedelta

    from synthetic import synthetic_archive

    # The newest issues are this week's, so the feed's past and the upcoming weeks are full.
    first = date.today() - timedelta(weeks=246)
    archive = synthetic_archive(
        events=3150 * scale, organisers=530 * scale, moves=70 * scale, first_issue=first
    )
    for name, text in archive:
        (folder / name).write_text(text, encoding="utf-8")
    return len(archive)


def measure_scale(scale: int) -> dict:
    db = OUT / f"growth-{scale}x.sqlite3"
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        path.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": DATABASE or f"sqlite:///{db}"}
    with tempfile.TemporaryDirectory() as folder:
        write_archive(Path(folder), scale)
        result = subprocess.run(
            [_python(), "-c", MEASURE, folder],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_sync(calendars: int) -> dict:
    result = subprocess.run(
        [_python(), str(ROOT / "bench" / "bench_sync.py"), "--first", str(calendars)],
        cwd=ROOT,
        env={**os.environ, "BENCH_DATABASE_URL": DATABASE},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> list[dict]:
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    where = "PostgreSQL" if DATABASE.startswith("postgres") else "SQLite"
    for scale in SCALES:
        m = measure_scale(scale)
        size = f"{scale}x: {m['meetups']:,} meetups, {m['organisers']:,} organisers ({where})"
        rows.append(
            {
                "name": f"growth {scale}x: import whole archive",
                "median_ms": round(m["import_s"] * 1000, 1),
                "detail": f"{size}; {m['entries']:,} entries, {m['errors']} errors; "
                f"CPU {m['import_cpu_s']:.0f} s; max RSS {m['rss_mb']:.0f} MB",
            }
        )
        for key, label in (
            ("feed", "/feeds/events.ics?include_past=1"),
            ("groups", "/groups/"),
            ("admin_search", "admin meetups ?q=rust"),
        ):
            r = m[key]
            rows.append(
                {
                    "name": f"growth {scale}x: {label}",
                    "median_ms": round(r["ms"], 1),
                    "queries": r["queries"],
                    "detail": f"{size}; {r['bytes']:,} bytes, status {r['status']}, uncached",
                }
            )
    for calendars in SYNCS:
        s = measure_sync(calendars)
        rows.append(
            {
                "name": f"growth: first sync, {calendars:,} calendars",
                "median_ms": round(s["wall_s"] * 1000, 1),
                "queries": s["queries"],
                "detail": f"{s['events']:,} events; CPU {s['cpu_s']:.1f} s; "
                f"{s['queries'] / s['events']:.2f} queries and "
                f"{s['scored'] / s['events']:.1f} duplicate comparisons per event; "
                f"{s['proposed']:,} pairs proposed; max RSS {s['rss_mb']:.0f} MB",
            }
        )
    for row in rows:
        print(f"{row['name']:<52} {row['median_ms']:>12,.1f} ms  {row['detail']}")
    return rows


if __name__ == "__main__":
    main()
