"""The fast VEVENT path: the same bytes as icalendar's `add()`; kept VEVENTs never go stale."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calendar_app.models import Meetup, MeetupLink, Newsletter
from calendar_app.rendering.feed_cache import render_calendar
from calendar_app.rendering.ical import FeedMeetup, feed_events, feed_meetups
from tests.factories import make_group, make_meetup, make_newsletter, make_place, make_sighting
from tests.feeds.helpers import parse_strictly
from tests.feeds.reference import for_feed, reference_event

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
CALENDAR = dict(description="Test", source_url=f"{SITE}/feeds/events.ics", site_url=SITE)


@pytest.fixture
def odd(sample) -> list[Meetup]:
    """Meetups exercising every branch of the builder, with text that folds mid-character."""
    today = timezone.localdate()
    nowhere = make_place("Somewhere", city="", country="", latitude=None, longitude=None)
    zurich = make_place(
        "Zürich, CH",
        city="Zürich",
        country="CH",
        admin1="ZH",
        latitude=47.376887,
        longitude=8.541694,
    )
    meetups = [
        make_meetup(
            "Ünïcödé " * 20 + "🦀" * 30,
            start=today,
            places=[nowhere, zurich],
            links=[("https://a.example/" + "x" * 120, ""), ("ftp://b.example/", "FTP")],
        ),
        make_meetup("", start=today, groups=[make_group("Rust Zürich"), make_group("Ferris")]),
        make_meetup("", start=today, groups=[], places=[], links=[]),
        make_meetup(
            "Online, run from Zürich", start=today, attendance="virtual", places=[zurich], region=""
        ),
        make_meetup(
            "Not a web link",
            start=today + timedelta(days=1),
            links=[("mailto:x@example.org", "Mail")],
        ),
        make_meetup(
            "Timed, in its place's zone",
            start=today,
            places=[zurich],
            starts_at=datetime.combine(today, time(18, 30), tzinfo=ZoneInfo("Europe/Zurich")),
            ends_at=datetime.combine(today, time(21), tzinfo=ZoneInfo("Europe/Zurich")),
        ),
        make_meetup(
            "Timed in UTC, no end",
            start=today,
            places=[],
            starts_at=datetime.combine(today, time(17), tzinfo=UTC),
        ),
    ]
    MeetupLink.objects.filter(meetup=meetups[4]).update(primary=False)
    undated = Newsletter.objects.create(
        key="extra", title="A special issue", source="x.md", content_hash="h"
    )
    older = make_newsletter(500, date(2023, 6, 21))
    for line, meetup in enumerate(meetups, start=100):
        make_sighting(meetup, older, line=line)
        make_sighting(meetup, undated, line=line)
        make_sighting(meetup, older, line=line + 50)  # listed twice in one issue: once
    return meetups


def test_events_are_byte_identical_to_the_add_based_reference(odd):
    queryset = Meetup.objects.published().order_by("pk")
    expected = [reference_event(m, site_url=SITE).to_ical() for m in for_feed(queryset)]
    assert [event.to_ical() for event in feed_events(queryset, site_url=SITE)] == expected
    assert len(expected) >= 9


def test_kept_render_equals_a_fresh_render_and_parses(odd, django_assert_num_queries):
    queryset = Meetup.objects.published()
    fresh = render_calendar(queryset, **CALENDAR)
    assert render_calendar(queryset, **CALENDAR, keep=True) == fresh
    assert len(kept_vevents()) == queryset.count()
    with django_assert_num_queries(5):  # the five reads; kept VEVENTs come from the cache
        assert render_calendar(queryset, **CALENDAR, keep=True) == fresh
    parse_strictly(fresh)


def test_kept_events_cannot_serve_what_changed_without_a_stamp(odd):
    """Digests are of the data itself: an edit that bypasses Meetup.save still shows."""
    queryset = Meetup.objects.published()
    before = render_calendar(queryset, **CALENDAR, keep=True)
    MeetupLink.objects.filter(meetup=odd[3]).update(label="Renamed by update()")
    Meetup.objects.filter(pk=odd[1].pk).update(title="Retitled by update()")
    after = render_calendar(queryset, **CALENDAR, keep=True)
    assert after != before
    assert b"Renamed by update()" in after and b"Retitled by update()" in after
    assert after == render_calendar(queryset, **CALENDAR)
    other_site = dict(CALENDAR, site_url="https://example.org")
    assert b"https://example.org/events/" in render_calendar(queryset, **other_site, keep=True)


def test_the_digest_covers_every_field(odd):
    meetup = feed_meetups(Meetup.objects.filter(pk=odd[0].pk))[0]
    assert len(meetup.key()) == len(fields(FeedMeetup))
    hash(meetup.key())


def test_a_cache_that_does_not_answer_does_not_fail_the_feed(odd, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(caches["vevents"], "get_many", down)
    monkeypatch.setattr(caches["vevents"], "set_many", down)
    queryset = Meetup.objects.published()
    assert render_calendar(queryset, **CALENDAR, keep=True) == render_calendar(queryset, **CALENDAR)


def test_a_feed_request_writes_no_rows(odd, client):
    """A GET of a feed only reads: the VEVENTs it wrote are kept in the cache."""
    client.get("/feeds/events.ics")
    with CaptureQueriesContext(connection) as queries:
        from calendar_app.models.content import data_version_bump

        data_version_bump()  # the kept answer is stale
        assert client.get("/feeds/events.ics").status_code == 200
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE", "REPLACE"}
    ]
    assert writes == []


def test_render_queries_do_not_grow(odd, django_assert_num_queries):
    with django_assert_num_queries(5):  # meetups, organisers, places, links, newsletters
        render_calendar(Meetup.objects.published(), **CALENDAR)
    with django_assert_num_queries(1):
        render_calendar(Meetup.objects.filter(pk=-1), **CALENDAR)  # nothing to join


def kept_vevents() -> list[str]:
    cache = caches["vevents"]
    return [key for key in cache._cache if ":vevent:" in key]  # type: ignore[attr-defined]
