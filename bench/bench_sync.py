"""A whole sync of followed calendars: 150 loopback Meetup-shaped feeds of 20 events each,
fetched, read, matched and written (a cold sync on an empty database), then the same
sync again, every feed answering 304.

Targets (issue 13, 2 cores): cold under 15 s, all-304 under 2 s. The feed server runs in
this process, so it competes with the sync for the cores. ``main()`` returns the rows for
bench/run_all.py.

`python bench/bench_sync.py --first N`: only a first sync of N such calendars (fresh
database), printed as JSON with its queries, duplicate comparisons and max RSS
(bench/bench_growth.py runs it for 150 and 1,500).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from _django import setup  # noqa: E402
from bench_sources_fetch import EVENTS, FEEDS, NOW, SOURCES, _Handler, feed  # noqa: E402

COLD_TARGET_S, UNCHANGED_TARGET_S = 15.0, 2.0


def main() -> list[dict]:
    setup("sync.sqlite3")
    from django.db import connection

    from calendar_app.models import Meetup, Source, SourceEvent
    from calendar_app.services.sources_sync import sync_sources

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        Source.objects.bulk_create(
            [Source(url=base + path, name=path.strip("/")) for path in FEEDS]
        )
        timings, reports, queries = [], [], []
        for _ in range(2):  # cold, then every feed unchanged
            count = [0]

            def counted(execute, sql, params, many, context, count=count):
                count[0] += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(counted):
                started = time.perf_counter()
                report = sync_sources(sources=Source.objects.order_by("pk"), now=NOW)
                timings.append(time.perf_counter() - started)
            reports.append(report)
            queries.append(count[0])
    finally:
        server.shutdown()
        server.server_close()
    cold, unchanged = reports
    assert cold.fetched == SOURCES and cold.failed == 0, cold.errors
    assert unchanged.not_modified == SOURCES, unchanged.as_dict()
    assert SourceEvent.objects.count() == SOURCES * EVENTS
    meetups = Meetup.objects.canonical().count()
    rows = [
        {
            "name": "sync: cold, 150 feeds",
            "median_ms": round(timings[0] * 1000, 1),
            "queries": queries[0],
            "detail": f"{cold.events} events -> {meetups} meetups; target < {COLD_TARGET_S:g} s",
        },
        {
            "name": "sync: all 304",
            "median_ms": round(timings[1] * 1000, 1),
            "queries": queries[1],
            "detail": f"{SOURCES} feeds unchanged; target < {UNCHANGED_TARGET_S:g} s",
        },
    ]
    for row in rows:
        print(
            f"{row['name']:<24} {row['median_ms']:>10,.1f} ms  {row['queries']} queries  "
            f"{row['detail']}"
        )
    return rows


def first_sync(calendars: int) -> dict:
    """A first sync of `calendars` feeds of EVENTS events each on a fresh database."""
    FEEDS.clear()
    FEEDS.update({f"/group-{k}.ics": feed(k) for k in range(calendars)})
    setup(f"sync-first-{calendars}.sqlite3")
    from django.db import connection

    from calendar_app.models import DuplicateCandidate, Source
    from calendar_app.services import duplicates
    from calendar_app.services.sources_sync import sync_sources

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    counts = {"queries": 0, "scored": 0}
    score = duplicates.pair_reason

    def scoring(a, b):
        counts["scored"] += 1
        return score(a, b)

    def counted(execute, sql, params, many, context):
        counts["queries"] += 1
        return execute(sql, params, many, context)

    duplicates.pair_reason = scoring
    try:
        Source.objects.bulk_create(
            [Source(url=base + path, name=path.strip("/")) for path in FEEDS]
        )
        with connection.execute_wrapper(counted):
            started, cpu = time.perf_counter(), time.process_time()
            report = sync_sources(sources=Source.objects.order_by("pk"), now=NOW)
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        server.shutdown()
        server.server_close()
    assert report.fetched == calendars and report.failed == 0, report.errors
    return {
        "calendars": calendars,
        "events": report.events,
        "wall_s": wall,
        "cpu_s": cpu,
        **counts,
        "proposed": DuplicateCandidate.objects.count(),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=int, help="only a first sync of this many calendars")
    options = parser.parse_args()
    if options.first:
        print(json.dumps(first_sync(options.first)))
    else:
        main()
