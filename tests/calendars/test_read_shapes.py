"""The three feed shapes of docs/sources.md, field by field."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from calendar_app.calendars import CalendarEvent, read_calendar
from tests.calendars.conftest import NOW, read_fixture

PRAGUE = ZoneInfo("Europe/Prague")
NEW_YORK = ZoneInfo("America/New_York")


def by_uid(events: tuple[CalendarEvent, ...]) -> dict[str, CalendarEvent]:
    out = {e.uid: e for e in events}
    assert len(out) == len(events), "one occurrence per UID expected here"
    return out


# --- Meetup ----------------------------------------------------------------------------


def test_meetup_feed_reads_zoned_times_and_every_field():
    feed = read_fixture("meetup_group.ics")
    assert (feed.ok, feed.error, feed.name, feed.timezone) == (True, "", "Events - Rust Prague", "")
    assert feed.problems == ()
    events = by_uid(feed.events)
    talk = events["event_312345678@meetup.com"]
    assert talk.title == "Rust Prague: Async v Praze, díl 3"
    assert talk.start == datetime(2026, 12, 3, 18, 30, tzinfo=PRAGUE)
    assert isinstance(talk.start, datetime) and talk.start.utcoffset() == timedelta(hours=1)
    assert talk.end == datetime(2026, 12, 3, 20, 30, tzinfo=PRAGUE)
    assert (talk.timezone, talk.all_day, talk.recurrence_id) == ("Europe/Prague", False, None)
    assert talk.urls == ("https://www.meetup.com/rust-prague/events/312345678/",)
    assert talk.url == talk.urls[0]
    assert talk.location == (
        "Svornosti 3321/2 (Svornosti 3321/2, Smíchov, Praha-Praha 5, Czech Republic 150 00)"
    )
    assert (talk.geo, talk.online) == ((50.08, 14.43), False)
    assert (talk.status, talk.cancelled, talk.sequence) == ("CONFIRMED", False, 0)
    assert talk.last_modified == datetime(2026, 11, 2, 14, 51, 30, tzinfo=UTC)
    assert (talk.organizer, talk.organizer_email) == ("", "")
    assert talk.problems == ()
    assert talk.raw.startswith("BEGIN:VEVENT") and "UID:event_312345678@meetup.com" in talk.raw
    assert "Praha 5\\, Cz\r\n ech Republic" in talk.raw  # as written, folding and all


def test_meetup_cancelled_and_online_events():
    events = by_uid(read_fixture("meetup_group.ics").events)
    cancelled = events["event_312345679@meetup.com"]
    assert (cancelled.status, cancelled.cancelled, cancelled.sequence) == ("CANCELLED", True, 2)
    online = events["event_312345680@meetup.com"]
    assert (online.online, online.location, online.geo) == (True, "", None)
    assert online.start == datetime(2027, 1, 14, 19, 0, tzinfo=PRAGUE)


def test_events_outside_the_horizon_are_left_out():
    events = by_uid(read_fixture("meetup_group.ics").events)
    assert "event_300000001@meetup.com" not in events  # March 2026: long past
    assert len(events) == 3
    later = by_uid(read_fixture("meetup_group.ics", now=datetime(2027, 1, 1, tzinfo=UTC)).events)
    # a month back from 1 January still holds 3 and 10 December
    assert set(later) == set(events)
    much_later = read_fixture("meetup_group.ics", now=datetime(2027, 6, 1, tzinfo=UTC))
    assert much_later.events == ()


# --- Luma ------------------------------------------------------------------------------


def test_luma_feed_utc_times_page_from_the_description():
    feed = read_fixture("luma_calendar.ics")
    assert (feed.ok, feed.name, feed.problems) == (True, "Rust Ottawa", ())
    events = by_uid(feed.events)
    meeting = events["evt-1j8nckxA60kEVWq@events.lu.ma"]
    assert meeting.start == datetime(2026, 12, 19, 22, 30, tzinfo=UTC)
    assert meeting.end == datetime(2026, 12, 20, 0, 30, tzinfo=UTC)
    assert meeting.timezone is None  # UTC only: the place's zone applies later
    assert meeting.urls == ("https://luma.com/exynnx7d",)
    assert meeting.location == "Incubator13, 815 St. Laurent Blvd, Ottawa, ON"
    assert (meeting.geo, meeting.online, meeting.sequence) == ((45.43, -75.66), False, 3)
    assert (meeting.organizer, meeting.organizer_email) == ("Fatima", "calendar-invite@lu.ma")
    assert meeting.title == "Rust Ottawa monthly meeting (December)"


def test_luma_online_event_has_its_page_as_location_and_a_folded_link():
    events = by_uid(read_fixture("luma_calendar.ics").events)
    online = events["evt-9Zq2online77xYz@events.lu.ma"]
    assert online.online is True
    assert online.location == ""  # the page is no place
    # the description folds the link mid-word; both spellings are one page
    assert online.urls == ("https://lu.ma/rust0nl1",)
    assert online.organizer == "Rust Ottawa"


# --- Google ----------------------------------------------------------------------------


def test_google_weekly_series_with_count_exdate_and_a_moved_occurrence():
    feed = read_fixture("google_calendar.ics")
    assert (feed.ok, feed.name, feed.timezone, feed.problems) == (
        True,
        "Rust Community",
        "America/New_York",
        (),
    )
    series = [e for e in feed.events if e.uid == "7kq3rustnyc0weekly@google.com"]
    starts = [e.start for e in series]
    assert starts == [
        datetime(2026, 12, 2, 19, 0, tzinfo=NEW_YORK),
        datetime(2026, 12, 9, 19, 0, tzinfo=NEW_YORK),
        # 16 December: EXDATE
        datetime(2026, 12, 24, 18, 0, tzinfo=NEW_YORK),  # moved from the 23rd
        datetime(2026, 12, 30, 19, 0, tzinfo=NEW_YORK),
        datetime(2027, 1, 6, 19, 0, tzinfo=NEW_YORK),  # COUNT=6 ends here
    ]
    assert [e.recurrence_id for e in series] == [
        datetime(2026, 12, 2, 19, 0, tzinfo=NEW_YORK),
        datetime(2026, 12, 9, 19, 0, tzinfo=NEW_YORK),
        datetime(2026, 12, 23, 19, 0, tzinfo=NEW_YORK),
        datetime(2026, 12, 30, 19, 0, tzinfo=NEW_YORK),
        datetime(2027, 1, 6, 19, 0, tzinfo=NEW_YORK),
    ]
    assert all(e.timezone == "America/New_York" for e in series)  # floating -> X-WR zone
    first = series[0].start
    assert isinstance(first, datetime)
    assert first.astimezone(UTC) == datetime(2026, 12, 3, 0, 0, tzinfo=UTC)
    moved = series[2]
    assert moved.title == "Rust NYC hack night (moved to Thursday)"
    assert moved.end == datetime(2026, 12, 24, 20, 0, tzinfo=NEW_YORK)
    assert "RECURRENCE-ID" in moved.raw
    usual = series[0]
    assert usual.title == "Rust NYC hack night"
    assert "RRULE:FREQ=WEEKLY;COUNT=6" in usual.raw
    assert usual.sequence == 1 and usual.last_modified == datetime(2026, 11, 20, 12, tzinfo=UTC)


def test_google_links_are_unwrapped_and_only_event_pages_kept_from_html():
    events = {e.uid: e for e in read_fixture("google_calendar.ics").events}
    weekly = events["7kq3rustnyc0weekly@google.com"]
    # the RSVP link, unwrapped from google.com/url?q= with &amp; decoded; not the slides
    assert weekly.urls == ("https://www.meetup.com/rust-nyc/events/312000111/",)
    conference = events["2b9rustconfx0day@google.com"]
    assert conference.urls == ("https://rustconf-north.example.org/2027",)


def test_google_all_day_event_has_dates():
    events = {e.uid: e for e in read_fixture("google_calendar.ics").events}
    conference = events["2b9rustconfx0day@google.com"]
    assert conference.all_day is True
    assert (conference.start, conference.end) == (date(2027, 3, 10), date(2027, 3, 13))
    assert type(conference.start) is date and conference.timezone is None
    assert conference.recurrence_id is None
    assert conference.location == "Montréal, QC, Canada"


def test_google_utc_times_and_a_video_link_as_place():
    events = {e.uid: e for e in read_fixture("google_calendar.ics").events}
    talk = events["5utcrustsf0talk@google.com"]
    assert talk.start == datetime(2026, 12, 8, 0, 0, tzinfo=UTC)  # same instant
    assert talk.timezone == "America/New_York"  # the calendar's zone, per x-wr-timezone
    assert (talk.online, talk.location, talk.status) == (True, "", "TENTATIVE")
    assert talk.urls == ("https://meet.jit.si/rust-community-talks",)


def test_events_come_sorted_by_start():
    feed = read_fixture("google_calendar.ics")
    instants = [
        e.start if isinstance(e.start, datetime) else datetime(*e.start.timetuple()[:3], tzinfo=UTC)
        for e in feed.events
    ]
    assert instants == sorted(instants)


def test_records_are_frozen_values():
    event = read_fixture("luma_calendar.ics").events[0]
    try:
        event.title = "changed"
    except AttributeError:
        pass
    else:  # pragma: no cover - the assertion below explains
        raise AssertionError("CalendarEvent must be frozen")
    assert read_fixture("luma_calendar.ics").events[0] == event  # same input, same value


def test_str_input_and_a_calendar_we_write_ourselves():
    cal = icalendar.Calendar()
    cal.add("prodid", "-//test//EN")
    cal.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", "written@test")
    event.add("dtstamp", NOW)
    event.add("dtstart", datetime(2026, 12, 1, 18, tzinfo=ZoneInfo("Europe/Berlin")))
    event.add("summary", "Rust Berlin")
    cal.add_component(event)
    cal.add_missing_timezones()
    feed = read_calendar(cal.to_ical().decode(), now=NOW)
    assert [(e.uid, e.timezone, e.end) for e in feed.events] == [
        ("written@test", "Europe/Berlin", None)  # no DTEND, no DURATION: no end
    ]
