"""Times end to end in what clients read: the JSON instants and the iCalendar DTSTART/TZID."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from calendar_app.models import Source, SourceEvent
from calendar_app.services.times import meetup_set_times
from tests.factories import make_meetup, make_place
from tests.feeds.helpers import parse_strictly, values

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
API = "/api/events.json"
FEED = "/feeds/events.ics"


@pytest.fixture
def day() -> date:
    """A Thursday in summer next year: CEST (UTC+2), whatever today is."""
    today = timezone.localdate()
    summer = date(today.year + 1, 7, 1)
    return summer + timedelta(days=(3 - summer.weekday()) % 7)


@pytest.fixture
def timed(day):
    """18:30-21:00 in Berlin, its zone taken from its place."""
    return make_meetup(
        "Rust Hack and Learn",
        start=day,
        starts_at=datetime.combine(day, time(18, 30), tzinfo=BERLIN),
        ends_at=datetime.combine(day, time(21), tzinfo=BERLIN),
    )


@pytest.fixture
def luma(day):
    """A UTC-only (Luma) event in Ottawa late in the evening: the local day is the 1st."""
    ottawa = make_place(
        "Ottawa, ON, CA",
        city="Ottawa",
        country="CA",
        latitude=45.42,
        longitude=-75.69,
        timezone_name="America/Toronto",
    )
    starts = datetime.combine(day + timedelta(days=1), time(2, 30), tzinfo=UTC)
    return make_meetup(
        "RISC-V Ottawa",
        start=day + timedelta(days=1),
        places=[ottawa],
        region="north-america",
        attendance="virtual",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )


@pytest.fixture
def dated(day):
    return make_meetup("Date only", start=day)


def _item(client, meetup) -> dict:
    events = client.get(API).json()["events"]
    return next(item for item in events if item["id"] == meetup.pk)


def test_json_gives_the_instant_with_the_events_offset(client, timed):
    item = _item(client, timed)
    assert item["start"] == f"{timed.start_date.isoformat()}T18:30:00+02:00"
    assert item["end"] == f"{timed.start_date.isoformat()}T21:00:00+02:00"
    assert datetime.fromisoformat(item["start"]) == timed.starts_at
    assert item["all_day"] is False
    assert item["timezone"] == "Europe/Berlin"


def test_a_utc_feed_time_is_shown_in_the_places_zone_on_its_local_day(client, luma, day):
    item = _item(client, luma)
    assert item["timezone"] == "America/Toronto"
    assert item["start"] == f"{day.isoformat()}T22:30:00-04:00"
    assert item["start_date"] == day.isoformat()  # the local date, not the UTC one


def test_a_date_only_meetup_has_no_instants(client, dated):
    item = _item(client, dated)
    assert (item["start"], item["end"], item["all_day"]) == (None, None, True)
    assert item["timezone"] == "Europe/Berlin"  # its place's zone
    assert item["sources"] == []


def test_json_lists_the_calendars_that_gave_the_meetup(client, timed):
    source = Source.objects.create(
        url="https://www.meetup.com/rust-berlin/events/ical/", name="Rust Berlin"
    )
    for recurrence in ("", "2026-07-02T18:30:00+02:00"):
        SourceEvent.objects.create(
            source=source, uid="event_1@meetup.com", recurrence_id=recurrence, meetup=timed
        )
    item = _item(client, timed)
    # the calendar's name and kind, never its address (it can be a secret)
    assert item["sources"] == [{"name": "Rust Berlin", "kind": "ics", "uid": "event_1@meetup.com"}]
    assert "rust-berlin/events/ical" not in client.get(API, {"include_past": "1"}).content.decode()
    out = io.StringIO()
    call_command("export_events", "--format", "json", stdout=out)
    [exported] = [i for i in json.loads(out.getvalue()) if i["id"] == timed.pk]
    assert exported["sources"] == [
        {
            "name": "Rust Berlin",
            "kind": "ics",
            "uid": "event_1@meetup.com",
            "url": "https://www.meetup.com/rust-berlin/events/ical/",
        }
    ]


def test_export_json_carries_the_same_times(timed, capsys):
    call_command("export_events", "--format", "json")
    items = json.loads(capsys.readouterr().out)
    assert items[0]["start"] == f"{timed.start_date.isoformat()}T18:30:00+02:00"


def test_feed_writes_timed_meetups_with_tzid_and_vtimezone(client, timed, luma, dated):
    body = client.get(FEED).content
    cal = parse_strictly(body)
    events = {str(event["SUMMARY"]): event for event in cal.walk("VEVENT")}
    start = events["Rust Hack and Learn"].decoded("DTSTART")
    assert start == timed.starts_at and start.tzinfo.key == "Europe/Berlin"
    assert events["Rust Hack and Learn"].decoded("DTEND") == timed.ends_at
    assert "DTSTART;TZID=Europe/Berlin:" + f"{timed.start_date:%Y%m%d}T183000" in body.decode()
    toronto = events["RISC-V Ottawa"].decoded("DTSTART")
    assert toronto == luma.starts_at and toronto.tzinfo.key == "America/Toronto"
    assert events["Date only"].decoded("DTSTART") == dated.start_date
    assert "DTSTART;VALUE=DATE:" + f"{dated.start_date:%Y%m%d}" in body.decode()
    assert sorted(str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")) == [
        "America/Toronto",
        "Europe/Berlin",
    ]
    assert cal.get_missing_tzids() == set()
    assert values(body, "TZID") == ["America/Toronto", "Europe/Berlin"]  # one each, sorted


def test_a_time_change_raises_the_sequence(timed):
    before = timed.sequence
    meetup_set_times(
        meetup=timed, starts_at=timed.starts_at + timedelta(hours=1), ends_at=timed.ends_at
    )
    assert timed.sequence == before + 1
    meetup_set_times(meetup=timed, starts_at=timed.starts_at, ends_at=timed.ends_at)
    assert timed.sequence == before + 1  # the same times again: nothing for clients to pick up
