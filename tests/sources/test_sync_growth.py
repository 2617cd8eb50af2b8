"""A first sync costs what it brings (issue 25): four times the calendars, four times the
queries and the duplicate comparisons, not sixteen.

Every calendar lists its events in one city on the same two days (the shape of
bench/bench_sync.py, where following ten times more calendars cost twenty-five times
more): each day's place and title words are crowded blocking keys for the duplicate
queue, and every calendar brings an organiser of its own. Counted, never timed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from calendar_app.models import DuplicateCandidate, Meetup, Source
from calendar_app.services import duplicates
from calendar_app.services.duplicates import pair_reason
from calendar_app.services.sources_sync import sync_sources

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
EVENTS = 2  # per calendar, one on each of two days
CROSS_POSTED = "Rust Praha: Embedded Hack Night"


def feed(k: int) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Meetup//RemoteApi//EN"]
    for i in range(EVENTS):
        eid = 300_000_000 + k * 100 + i
        page = f"https://www.meetup.com/group-{k}/events/{eid}/"
        # Calendars 1 and 2 both list one co-hosted evening: a duplicate to propose.
        title = CROSS_POSTED if (k in (1, 2) and i == 0) else f"Rust meetup {k}/{i}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:event_{eid}@meetup.com",
            f"DTSTART;TZID=Europe/Prague:202612{1 + 2 * i:02d}T183000",
            "DURATION:PT2H",
            f"SUMMARY:{title}",
            f"URL:{page}",
            "LOCATION:Svornosti 3321/2 (Praha 5\\, Czech Republic)",
            "GEO:50.08;14.43",
            "END:VEVENT",
        ]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def first_sync(server, calendars: int, monkeypatch) -> dict[str, int]:
    from django.db import connection

    Source.objects.all().delete()
    Meetup.objects.all().delete()
    DuplicateCandidate.objects.all().delete()
    sources = []
    for k in range(calendars):
        path = f"/growth-{calendars}-{k}.ics"
        server.bodies[path] = feed(k)
        sources.append(Source.objects.create(url=server.url(path), name=f"group {k}"))
    counts = {"queries": 0, "scored": 0}
    score = pair_reason

    def counting(a, b):
        counts["scored"] += 1
        return score(a, b)

    def counted(execute, sql, params, many, context):
        counts["queries"] += 1
        return execute(sql, params, many, context)

    monkeypatch.setattr(duplicates, "pair_reason", counting)
    with connection.execute_wrapper(counted):
        report = sync_sources(sources=sources, now=NOW)
    assert report.failed == 0, report.errors
    assert report.events == calendars * EVENTS
    assert Meetup.objects.canonical().count() == calendars * EVENTS
    counts["events"] = report.events
    pages = {
        frozenset(pair)
        for pair in DuplicateCandidate.objects.values_list("first__title", "second__title")
    }
    counts["cross_posted_proposed"] = int(frozenset({CROSS_POSTED}) in pages)
    counts["proposed"] = DuplicateCandidate.objects.count()
    return counts


def test_a_first_sync_of_four_times_the_calendars_costs_four_times(server, monkeypatch):
    small = first_sync(server, 40, monkeypatch)  # 40 events a day: a crowded day already
    large = first_sync(server, 160, monkeypatch)  # 160 a day
    assert large["events"] == 4 * small["events"]
    # Queries: a fixed number per calendar (and per sync), none per meetup already known.
    assert large["queries"] <= 4 * small["queries"]
    # Duplicate comparisons and proposals per event stay about flat (a crowded key's
    # edges aside); every pair of a day, as before, would be 16 times.
    assert large["scored"] <= 5 * small["scored"]
    assert large["proposed"] <= 5 * small["proposed"]
    # The co-hosted evening two calendars list is proposed however crowded the day.
    assert small["cross_posted_proposed"] == large["cross_posted_proposed"] == 1
