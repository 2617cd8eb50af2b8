"""Feed benchmark: the iCalendar feed and JSON API over 5,000 synthetic meetups.

Targets: the full feed (all 5,000 meetups) under 500 ms; the 304 answer to a client that
revalidates with its ETag under 10 ms. Requests go through Django's test client (the whole
middleware stack, no network), on SQLite in bench/out/feeds.sqlite3. "first render" rows
write every VEVENT with icalendar (nothing kept: what happens once, the first time a meetup
is in any feed); "VEVENTs kept" rows read the VEVENTs written before from the same data
(in the `vevents` cache): a new worker or a restart, another filter over the same
meetups, or the feed after a few meetups changed; the "repeat" row is the same feed again,
served from the shared cache under the data version (`calendar_app.web.page_cache`).
Each row's detail gives the median CPU time (time.process_time) too: the machine may be shared.

    .venv/bin/python bench/bench_feeds.py
"""

from __future__ import annotations

import statistics
import time

from _django import setup

MEETUPS = 5000
RUNS = 15
FEED = "/feeds/events.ics"


def measure(client, path: str, headers: dict[str, str], status: int, before) -> dict:
    """Median and 95th percentile of RUNS requests, after one warm-up, plus the query count.

    `before` (if any) runs before each request, untimed: it empties or dirties the cache.
    """
    from django.db import connection

    client.get(path, headers=headers)  # warm-up: imports, SQLite page cache, kept VEVENTs
    if before:
        before()
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    # Not CaptureQueriesContext: Django empties connection.queries when a request starts.
    with connection.execute_wrapper(count):
        response = client.get(path, headers=headers)
    assert response.status_code == status, (path, headers, response.status_code)
    timings, cpu = [], []
    for _ in range(RUNS):
        if before:
            before()
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(path, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
        "queries": len(executed),
        "detail": f"cpu {statistics.median(cpu):.1f} ms; {len(response.content):,} bytes",
    }


def main() -> list[dict]:
    setup("feeds.sqlite3")
    from django.core.cache import caches
    from django.test import Client
    from django.test.utils import setup_test_environment
    from synthetic import make_synthetic_meetups

    from calendar_app.models import Meetup
    from calendar_app.models.content import data_version_bump

    setup_test_environment(debug=False)  # lets the test client's host in
    make_synthetic_meetups(MEETUPS, years=2, seed=0)
    client = Client()
    everything = f"{FEED}?include_past=1"
    first = client.get(everything)
    validators = {"If-None-Match": first["ETag"]}
    since = {"If-Modified-Since": first["Last-Modified"]}
    total = Meetup.objects.published().count()
    meetup = Meetup.objects.published().first()
    assert meetup is not None

    def edit_one() -> None:
        meetup.title = f"Edited {time.perf_counter()}"
        meetup.save()

    def cold() -> None:
        caches["vevents"].clear()
        data_version_bump()

    warm, kept = None, data_version_bump  # kept: a new data version, the VEVENTs still there
    # The 304 rows first: a render under a new data version (the rows below) is newer.
    cases = [  # name, path, request headers, expected status, before each request
        ("feed: 304 If-None-Match", everything, validators, 304, warm),
        ("feed: 304 If-Modified-Since", everything, since, 304, warm),
        (f"feed: all {total} meetups, first render", everything, {}, 200, cold),
        (f"feed: all {total} meetups, VEVENTs kept", everything, {}, 200, kept),
        (f"feed: all {total} meetups, repeat", everything, {}, 200, warm),
        ("feed: default window, VEVENTs kept", FEED, {}, 200, kept),
        ("feed: region=europe, VEVENTs kept", f"{FEED}?region=europe", {}, 200, kept),
        ("feed: default window, first render", FEED, {}, 200, cold),
        ("one meetup .ics, first render", f"/events/{meetup.pk}.ics", {}, 200, cold),
        ("api: first page (100)", "/api/events.json", {}, 200, warm),
        (f"feed: all {total}, one just edited", everything, {}, 200, edit_one),  # last: edits
    ]
    return [
        {"name": name, **measure(client, path, headers, status, before)}
        for name, path, headers, status, before in cases
    ]


if __name__ == "__main__":
    for row in main():
        print(
            f"{row['name']:<30} median {row['median_ms']:>7.1f} ms  p95 {row['p95_ms']:>7.1f} ms"
            f"  {row['queries']:>2} queries  {row['detail']}"
        )
