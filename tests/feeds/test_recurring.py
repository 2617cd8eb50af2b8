"""A calendar library (recurring-ical-events) finds each meetup on exactly its own days."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
from django.core.management import call_command

from calendar_app.models import Meetup
from tests.feeds.helpers import parse_strictly

pytestmark = pytest.mark.django_db

SEEDS = sorted(str(p) for p in Path("tests/fixtures/samples").glob("00*.txt"))


def days_by_uid(body: bytes, first: date, last: date) -> dict[str, list[date]]:
    """Every day in [first, last] on which the library says each UID takes place."""
    calendar = recurring_ical_events.of(icalendar.Calendar.from_ical(body))
    found: dict[str, list[date]] = defaultdict(list)
    day = first
    while day <= last:
        for event in calendar.at(day):
            found[str(event["UID"])].append(day)
        day += timedelta(days=1)
    return found


def expected_days(meetup: Meetup) -> list[date]:
    count = (meetup.end_date - meetup.start_date).days + 1
    return [meetup.start_date + timedelta(days=n) for n in range(count)]


def assert_each_on_its_days(body: bytes, meetups: list[Meetup]) -> None:
    first = min(m.start_date for m in meetups) - timedelta(days=3)
    last = max(m.end_date for m in meetups) + timedelta(days=3)
    found = days_by_uid(body, first, last)
    assert set(found) == {str(m.uid) for m in meetups}
    for meetup in meetups:
        assert found[str(meetup.uid)] == expected_days(meetup), meetup


def test_factory_meetups_fall_on_their_days(client, sample):
    body = client.get("/feeds/events.ics").content
    assert_each_on_its_days(body, sample.in_feed)


def test_seed_newsletters_fall_on_their_days(client, monkeypatch):
    from datetime import timedelta

    from calendar_app.queries import selectors

    # the seeds are years old: this test is about days, not the feed's past bound
    monkeypatch.setattr(selectors, "FEED_MAX_PAST", timedelta(days=365 * 50))
    pytest.importorskip(
        "calendar_app.services.ingest", reason="ingest not importable yet", exc_type=ImportError
    )
    assert len(SEEDS) == 5
    call_command("ingest_twir", *SEEDS, verbosity=0)
    meetups = list(Meetup.objects.published())
    assert len(meetups) > 50
    body = client.get("/feeds/events.ics?include_past=1").content
    parse_strictly(body)
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    assert_each_on_its_days(body, meetups)
