"""The bundled sample calendars (for `make demo`): valid iCalendar in the three shapes of
the feeds the editors follow, each with an open-ended series, so the demo has upcoming
timed meetups whatever today's date is."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
import recurring_ical_events
from django.core.management import call_command
from django.utils import timezone

from calendar_app.models import Source
from calendar_app.services.sources import DATA_DIR, fetch_source

SAMPLES = sorted((DATA_DIR / "sample_calendars").glob("*.ics"))


def test_there_are_samples_named_as_such():
    assert [path.name for path in SAMPLES] == [
        "sample-google-calendar.ics",
        "sample-luma-calendar.ics",
        "sample-meetup-group.ics",
    ]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.name)
def test_each_sample_has_timed_meetups_in_the_coming_month(path):
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    assert all(not component.errors for component in calendar.walk())
    assert "SAMPLE" in str(calendar["X-WR-CALNAME"])
    today = timezone.localdate()
    occurrences = recurring_ical_events.of(calendar).between(today, today + timedelta(days=30))
    assert occurrences
    for event in occurrences:
        start = event.decoded("DTSTART")
        assert start.tzinfo is not None  # a time of day in a known zone
        assert str(event["SUMMARY"]).startswith("SAMPLE: ")
    for event in calendar.walk("VEVENT"):
        rule = event["RRULE"]
        assert "UNTIL" not in rule and "COUNT" not in rule


@pytest.mark.django_db
def test_the_samples_can_be_followed_and_read():
    for path in SAMPLES:
        call_command("add_source", str(path), "--name", path.stem)
    for source in Source.objects.all():
        assert source.url.startswith("file:///")
        result = fetch_source(source)
        assert result.ok and b"BEGIN:VEVENT" in result.body
