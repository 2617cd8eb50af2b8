"""Hostile and broken feeds (issue 25): the reader's work is bounded, one broken component
loses nothing else, and no mutation of a feed makes it raise."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_app.calendars import CalendarFeed, read_calendar
from calendar_app.calendars import bounds as b
from tests.calendars.conftest import FIXTURES, NOW


def calendar(*events: str, head: str = "") -> bytes:
    text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n" + head
    return (text + "".join(events) + "END:VCALENDAR\r\n").encode()


def vevent(uid: str, start: str = "DTSTART:20261201T180000Z", extra: str = "") -> str:
    return f"BEGIN:VEVENT\r\nUID:{uid}\r\n{start}\r\nSUMMARY:{uid}\r\n{extra}END:VEVENT\r\n"


def kinds(feed: CalendarFeed) -> list[tuple[str, str]]:
    return [(p.kind, p.uid) for p in feed.problems]


def test_sub_daily_series_are_refused_before_expansion_and_the_rest_is_read():
    feed = read_calendar(
        calendar(
            vevent("m@x", extra="RRULE:FREQ=MINUTELY\r\n"),
            vevent("s@x", extra="RRULE:FREQ=SECONDLY;INTERVAL=1\r\n"),
            vevent("h@x", extra="RRULE:FREQ=HOURLY;COUNT=100000\r\n"),
            vevent("ok@x"),
        ),
        now=NOW,
    )
    assert [e.uid for e in feed.events] == ["ok@x"]
    refused = [(k, u) for k, u in kinds(feed) if k == b.SUB_DAILY_RRULE]
    assert refused == [(b.SUB_DAILY_RRULE, u) for u in ("m@x", "s@x", "h@x")]
    assert "MINUTELY" in feed.problems[0].message and feed.problems[0].raw


def test_200_endless_daily_series_stop_at_the_feed_cap():
    feed = read_calendar(
        calendar(*(vevent(f"d{i}@x", extra="RRULE:FREQ=DAILY\r\n") for i in range(200))),
        now=NOW,
    )
    assert len(feed.events) == b.MAX_FEED_OCCURRENCES  # not 79,000
    capped = [p for p in feed.problems if p.kind == b.SERIES_CAPPED]
    assert capped and f"more than {b.MAX_SERIES_OCCURRENCES}" in capped[0].message
    assert [p.kind for p in feed.problems].count(b.FEED_CAPPED) == 1
    first = [e for e in feed.events if e.uid == "d0@x"]
    assert len(first) == b.MAX_SERIES_OCCURRENCES  # the first occurrences, in order
    assert first == sorted(first, key=lambda e: e.start)


def test_a_daily_rule_expanding_within_the_day_is_refused_too():
    """FREQ=DAILY with every hour, minute and second would be 86,400 a day."""
    rule = "RRULE:FREQ=DAILY;BYHOUR=" + ",".join(map(str, range(24)))
    rule += ";BYMINUTE=" + ",".join(map(str, range(60)))
    rule += ";BYSECOND=" + ",".join(map(str, range(60))) + "\r\n"
    twice = "RRULE:FREQ=WEEKLY;COUNT=4;BYHOUR=10,18\r\n"  # twice a day is fine
    feed = read_calendar(
        calendar(vevent("busy@x", extra=rule), vevent("twice@x", extra=twice)), now=NOW
    )
    assert [e.uid for e in feed.events] == ["twice@x"] * 4
    [problem] = feed.problems
    assert (problem.kind, problem.uid) == (b.SUB_DAILY_RRULE, "busy@x")
    assert "86400 times a day" in problem.message


def test_a_series_is_cut_at_its_cap():
    feed = read_calendar(calendar(vevent("d@x", extra="RRULE:FREQ=DAILY;COUNT=300\r\n")), now=NOW)
    assert len(feed.events) == b.MAX_SERIES_OCCURRENCES
    assert kinds(feed) == [(b.SERIES_CAPPED, "d@x")]


def test_a_feed_over_its_time_budget_is_an_error():
    feed = read_calendar(calendar(vevent("d@x", extra="RRULE:FREQ=DAILY\r\n")), now=NOW, budget=0)
    assert not feed.ok and "more than 0 s" in feed.error and feed.events == ()


def test_5000_events_with_one_uid_are_one_event_and_a_problem():
    feed = read_calendar(calendar(*(vevent("same@x") for _ in range(5000))), now=NOW)
    assert len(feed.events) == 1
    [problem] = feed.problems
    assert (problem.kind, problem.uid) == (b.DUPLICATE_UID, "same@x")
    assert "5000 events share this UID" in problem.message


def test_moved_occurrences_of_a_series_are_not_duplicates():
    feed = read_calendar(
        calendar(
            vevent("w@x", extra="RRULE:FREQ=WEEKLY;COUNT=3\r\n"),
            vevent("w@x", "DTSTART:20261208T190000Z", extra="RECURRENCE-ID:20261208T180000Z\r\n"),
        ),
        now=NOW,
    )
    assert [e.start.hour for e in feed.events] == [18, 19, 18]
    assert b.DUPLICATE_UID not in [p.kind for p in feed.problems]


BROKEN_ZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Custom/Broken\r\nBEGIN:STANDARD\r\nDTSTART:garbage\r\n"
    "TZOFFSETFROM:+zz00\r\nTZOFFSETTO:nonsense\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
)


def test_a_broken_vtimezone_falls_back_to_the_calendar_zone_and_keeps_every_event():
    feed = read_calendar(
        calendar(
            BROKEN_ZONE,
            vevent("zoned@x", "DTSTART;TZID=Custom/Broken:20261210T190000"),
            vevent("utc@x"),
            head="X-WR-TIMEZONE:Europe/Berlin\r\n",
        ),
        now=NOW,
    )
    assert feed.ok and {e.uid for e in feed.events} == {"zoned@x", "utc@x"}
    zoned = next(e for e in feed.events if e.uid == "zoned@x")
    assert zoned.start == datetime(2026, 12, 10, 18, tzinfo=UTC)
    assert zoned.timezone == "Europe/Berlin"
    assert (b.BROKEN_COMPONENT, "") in kinds(feed)
    assert (b.BROKEN_TIMEZONE, "zoned@x") in kinds(feed)


def test_without_a_calendar_zone_a_broken_zone_is_read_as_utc():
    feed = read_calendar(
        calendar(BROKEN_ZONE, vevent("zoned@x", "DTSTART;TZID=Custom/Broken:20261210T190000")),
        now=NOW,
    )
    [event] = feed.events
    assert event.start == datetime(2026, 12, 10, 19, tzinfo=UTC)
    assert "read in UTC" in feed.problems[-1].message


def test_a_broken_valarm_or_vtodo_loses_only_itself():
    alarm = "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:soon-ish\r\nEND:VALARM\r\n"
    todo = "BEGIN:VTODO\r\nUID:t@x\r\nDUE:whenever\r\nDTSTART:garbage\r\nEND:VTODO\r\n"
    feed = read_calendar(calendar(todo, vevent("a@x", extra=alarm), vevent("b@x")), now=NOW)
    assert feed.ok and [e.uid for e in feed.events] == ["a@x", "b@x"]
    messages = [p.message for p in feed.problems]
    assert any("unreadable VTODO" in m for m in messages)
    assert any("unreadable VALARM" in m for m in messages)


_FIXTURES = [p.read_bytes().split(b"\r\n") for p in sorted(FIXTURES.glob("*.ics"))]
_TOKENS = [
    b"RRULE:FREQ=WEEKLY;COUNT=x",
    b"RRULE:FREQ=MINUTELY",
    b"RRULE:FREQ=DAILY;UNTIL=20261201",
    b"DTSTART;VALUE=DATE:20261301",
    b"DTSTART;TZID=Nowhere:20261201T180000",
    b"DURATION:P",
    b"EXDATE:foo",
    b"RDATE;VALUE=PERIOD:20261201T000000Z/20261201T010000",
    b"RECURRENCE-ID:20261203T183000",
    b"RECURRENCE-ID;VALUE=DATE:20261201",
    b"SEQUENCE:abc",
    b"GEO:1",
    b"BEGIN:VALARM",
    b"END:VALARM",
    b"BEGIN:VEVENT",
    b"END:VEVENT",
    b"BEGIN:VTIMEZONE",
    b"END:VTIMEZONE",
    b"TZOFFSETFROM:+zz",
    b"UID:dup@x",
    b"X-WR-TIMEZONE:Mars/Base",
]


@settings(max_examples=150, deadline=None)
@given(
    which=st.integers(0, len(_FIXTURES) - 1),
    edits=st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 3), st.sampled_from(_TOKENS)),
        min_size=1,
        max_size=5,
    ),
)
def test_mutated_feeds_give_events_and_problems_never_an_exception(which, edits):
    """Lines dropped, cut, repeated, or replaced by hostile ones (the fuzz that found a
    TypeError): the reader answers with a feed, and a feed that still has a valid event
    outside the damage keeps it."""
    lines = list(_FIXTURES[which])
    for at, how, token in edits:
        at %= len(lines)
        if how == 0:
            del lines[at]
        elif how == 1:
            lines.insert(at, token)
        elif how == 2:
            lines[at] = lines[at][: len(lines[at]) // 2]
        else:
            lines.insert(at, lines[(at * 7) % len(lines)])
        if not lines:
            lines = [b""]
    feed = read_calendar(b"\r\n".join(lines), now=NOW)
    assert isinstance(feed, CalendarFeed)
    assert feed.ok or not feed.events
    assert all(isinstance(e.uid, str) for e in feed.events)
