"""Bad feeds and bad events: problems to report, never an exception that loses the feed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_app.calendars import CalendarFeed, read_calendar
from calendar_app.calendars.read import HORIZON_AHEAD
from tests.calendars.conftest import FIXTURES, NOW, read_fixture

CONTROL = set(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 127, 0x202E]))


def kinds(feed: CalendarFeed) -> dict[str, str]:
    return {p.uid: p.kind for p in feed.problems}


def test_broken_events_are_problems_and_the_rest_is_read():
    feed = read_fixture("bad_events.ics")
    assert feed.ok and feed.name == "Broken things"
    assert {e.uid for e in feed.events} == {
        "good-1@example.org",
        "good-2@example.org",  # after the unreadable VEVENT
        "hostile@example.org",
        "endless@example.org",
    }
    assert kinds(feed) == {
        "unreadable@example.org": "broken_event",
        "no-start@example.org": "no_dtstart",
        "unknown-zone@example.org": "unknown_tzid",
        "bad-date@example.org": "bad_date",
        "floating@example.org": "floating_time",
        "endless@example.org": "endless_rrule",
    }
    dropped = {p.uid: p for p in feed.problems}
    assert "Mars/Olympus_Mons" in dropped["unknown-zone@example.org"].message
    assert dropped["no-start@example.org"].raw.startswith("BEGIN:VEVENT")
    assert "END:VTODO" in dropped["unreadable@example.org"].raw


def test_an_endless_series_is_expanded_within_the_horizon_only():
    feed = read_fixture("bad_events.ics")
    monthly = [e for e in feed.events if e.uid == "endless@example.org"]
    assert len(monthly) == 12  # first Tuesdays, December 2026 to November 2027
    assert max(e.start for e in monthly) <= NOW + HORIZON_AHEAD
    assert [p.kind for p in feed.problems if p.uid == "endless@example.org"] == ["endless_rrule"]
    assert all(e.recurrence_id == e.start for e in monthly)


def test_hostile_text_is_cleaned_and_reported():
    hostile = next(e for e in read_fixture("bad_events.ics").events if e.uid.startswith("hostile"))
    assert hostile.title == "Bell and[31m escape txet"  # BEL, ESC and U+202E stripped
    assert hostile.location == "Town hall"
    assert hostile.urls == ()  # javascript: dropped
    assert hostile.geo is None  # 123° latitude is no position
    found = [p.kind for p in hostile.problems]
    assert found.count("control_characters") == 2  # SUMMARY, LOCATION
    assert "unsafe_url" in found and "bad_geo" in found
    assert found.count("bad_property") == 2  # the organiser line and a line with no colon
    for problem in hostile.problems:
        assert problem.uid == "hostile@example.org"
        assert not CONTROL & set(problem.message)
    assert not CONTROL & set(hostile.raw)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00garbage", "not an iCalendar feed"),
        (bytes(range(256)) * 4, "not an iCalendar feed"),
        (b"<!DOCTYPE html><html><body>Sign in to Meetup</body></html>", "HTML"),
        (b"<?xml version='1.0'?><feed/>", "HTML or XML"),
        (b'{"events": []}', "not an iCalendar feed"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ferris\r\nEND:VCARD\r\n", "not an iCalendar feed"),
    ],
)
def test_a_non_calendar_is_a_clear_feed_error(data, says):
    feed = read_calendar(data, now=NOW)
    assert not feed.ok and says in feed.error
    assert feed.events == ()
    assert not CONTROL & set(feed.error)


def test_a_calendar_without_events_is_fine():
    feed = read_calendar(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", now=NOW)
    assert (feed.ok, feed.events, feed.problems) == (True, (), ())


def test_a_truncated_feed_keeps_its_complete_events():
    data = (FIXTURES / "meetup_group.ics").read_bytes()
    cut = data[: data.index(b"UID:event_312345680@meetup.com")]  # mid third event
    feed = read_calendar(cut, now=NOW)
    assert feed.ok
    assert [p.kind for p in feed.problems] == ["broken_event"]
    assert "cut short" in feed.problems[0].message
    assert [e.uid for e in feed.events] == [
        "event_312345678@meetup.com",
        "event_312345679@meetup.com",
    ]


def test_bytes_that_are_not_utf8_are_replaced_and_reported():
    data = (FIXTURES / "luma_calendar.ics").read_bytes().replace(b"Fatima", b"F\xe1tima")
    feed = read_calendar(data, now=NOW)
    assert [p.kind for p in feed.problems] == ["bad_encoding"]
    assert feed.events[0].organizer == "F\ufffdtima"
    assert len(feed.events) == 2


def test_a_bom_and_lf_line_ends_are_accepted():
    data = (FIXTURES / "luma_calendar.ics").read_bytes().replace(b"\r\n", b"\n")
    feed = read_calendar(b"\xef\xbb\xbf" + data, now=NOW)
    assert (feed.ok, len(feed.events), feed.problems) == (True, 2, ())


def test_a_windows_zone_name_is_understood():
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:w@x\r\n"
        b"DTSTART;TZID=Pacific Standard Time:20261201T180000\r\nSUMMARY:Outlook\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    event = read_calendar(data, now=NOW).events[0]
    assert event.timezone == "America/Los_Angeles"
    assert isinstance(event.start, datetime)
    assert event.start.astimezone(UTC) == datetime(2026, 12, 2, 2, tzinfo=UTC)


def test_an_unknown_calendar_zone_leaves_floating_times_as_problems():
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-WR-TIMEZONE:Nowhere/Land\r\n"
        b"BEGIN:VEVENT\r\nUID:f@x\r\nDTSTART:20261201T180000\r\nSUMMARY:float\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:z@x\r\nDTSTART:20261201T180000Z\r\nSUMMARY:utc\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    feed = read_calendar(data, now=NOW)
    assert [e.uid for e in feed.events] == ["z@x"]
    assert kinds(feed)["f@x"] == "floating_time"


def test_an_rrule_the_expander_refuses_is_a_problem_for_that_series_only():
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        b"BEGIN:VEVENT\r\nUID:r@x\r\nDTSTART:20261201T180000Z\r\nRRULE:FREQ=SOMETIMES\r\n"
        b"SUMMARY:bad rule\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:ok@x\r\nDTSTART:20261202T180000Z\r\nSUMMARY:fine\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    feed = read_calendar(data, now=NOW)
    assert [e.uid for e in feed.events] == ["ok@x"]
    assert feed.problems and {p.uid for p in feed.problems} == {"r@x"}


def test_no_uid_is_reported_but_the_event_kept():
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\n"
        b"DTSTART:20261201T180000Z\r\nSUMMARY:anonymous\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (event,) = read_calendar(data, now=NOW).events
    assert (event.uid, [p.kind for p in event.problems]) == ("", ["no_uid"])


_FIXTURE_BYTES = [
    (FIXTURES / name).read_bytes() for name in sorted(p.name for p in FIXTURES.glob("*.ics"))
]


@settings(max_examples=150)
@given(
    which=st.integers(0, len(_FIXTURE_BYTES) - 1),
    cut=st.integers(0, 4000),
    junk=st.binary(max_size=40),
)
def test_no_damage_to_a_feed_raises(which, cut, junk):
    data = _FIXTURE_BYTES[which]
    cut %= len(data)
    feed = read_calendar(data[:cut] + junk + data[cut:], now=NOW)
    assert isinstance(feed, CalendarFeed)
    assert feed.ok or not feed.events


@settings(max_examples=100)
@given(st.binary(max_size=300))
def test_no_bytes_raise(data):
    assert isinstance(read_calendar(b"BEGIN:VCALENDAR\r\n" + data, now=NOW), CalendarFeed)


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="aware"):
        read_calendar(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", now=datetime(2026, 11, 25))
