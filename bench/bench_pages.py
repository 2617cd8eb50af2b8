"""Page benchmark: month view, filtered list and meetup page over 20,000 synthetic meetups.

Target: server-side median under 50 ms each. Requests go through Django's test client (the
whole middleware and template stack, no network) on SQLite in bench/out/pages.sqlite3;
the query count of each page is reported too (it must not grow with the data).

    .venv/bin/python bench/bench_pages.py
"""

from __future__ import annotations

import os
import statistics
import time

from _django import setup

MEETUPS = 20_000
RUNS = 30
WARMUP = 3
TARGET_MS = 50
DUMMY_CACHE = "django.core.cache.backends.dummy.DummyCache"


def measure(client, path: str) -> dict:
    """Median and 95th percentile of RUNS requests after WARMUP ones, plus the query count."""
    from django.db import connection

    for _ in range(WARMUP):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        # Not CaptureQueriesContext: request_started resets connection.queries mid-capture.
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(path)
    timings, cpu = [], []
    for _ in range(RUNS):
        started, cpu_started = time.perf_counter(), time.process_time()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 1),
        # CPU time of this process: what the page costs when other jobs share the CPUs.
        "cpu_median_ms": round(statistics.median(cpu), 1),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
        "queries": len(queries),
        "detail": f"{len(response.content):,} bytes",
    }


def main() -> list[dict]:
    setup("pages.sqlite3")
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment
    from django.utils import timezone
    from synthetic import make_synthetic_meetups

    from calendar_app.models import Meetup

    setup_test_environment()  # lets the test client's host in
    make_synthetic_meetups(MEETUPS, years=2, seed=0)
    today = timezone.localdate()
    meetup = (
        Meetup.objects.published()
        .filter(region="europe", start_date__gte=today)
        .order_by("start_date")
        .first()
    )
    cases = [
        ("pages: month view /", "/"),
        (
            f"pages: month view /calendar/{today:%Y/%m}/?region=europe",
            f"/calendar/{today:%Y/%m}/?region=europe",
        ),
        ("pages: list /events/?region=europe", "/events/?region=europe"),
        ("pages: list near Berlin 500 km", "/events/?near=52.52,13.40&radius_km=500"),
        # a city named in another language (the places say München), and a word in every title
        ("pages: search /events/?q=munich", "/events/?q=munich"),
        ("pages: search /events/?q=rust", "/events/?q=rust"),
        ("pages: meetup /events/<id>/", f"/events/{meetup.pk if meetup else 0}/"),
    ]
    client = Client()
    rows = []
    # What rendering costs: the shared page cache would answer every repeat (and a search
    # is mostly a first request), so it is a dummy here.
    with override_settings(CACHES={"default": {"BACKEND": DUMMY_CACHE}}):
        for name, path in cases:
            rows.append({"name": name, **measure(client, path)})
    return rows


def print_table(rows: list[dict]) -> None:
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; target {TARGET_MS} ms")
    print(f"{'page':58} {'median ms':>10} {'cpu ms':>7} {'p95 ms':>8} {'queries':>8}  size")
    for row in rows:
        flag = "" if row["median_ms"] < TARGET_MS else "  (over target)"
        print(
            f"{row['name']:58} {row['median_ms']:>10} {row['cpu_median_ms']:>7} "
            f"{row['p95_ms']:>8} {row['queries']:>8}  {row['detail']}{flag}"
        )


if __name__ == "__main__":
    print_table(main())
