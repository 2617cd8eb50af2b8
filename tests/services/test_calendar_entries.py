"""Calendar events as matching sees them (pure: no database)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from calendar_app.calendars.records import CalendarEvent
from calendar_app.matching.calendar_entries import (
    calendar_issue,
    calendar_sighted,
    event_values,
    links_for_two_days,
)
from calendar_app.matching.match import Issue, LinkValue, Sighted, meetup_values, same_event

PAGE = "https://www.meetup.com/rust-prague/events/312345678/"


BASE = CalendarEvent(
    uid="event_312345678@meetup.com",
    recurrence_id=None,
    title="Async v Praze",
    start=datetime(2026, 12, 3, 23, 30, tzinfo=ZoneInfo("Europe/Prague")),
    end=datetime(2026, 12, 4, 1, 0, tzinfo=ZoneInfo("Europe/Prague")),
    timezone="Europe/Prague",
    urls=(PAGE,),
    location="",
    geo=None,
    online=False,
    status="CONFIRMED",
    organizer="",
    organizer_email="",
    last_modified=None,
    sequence=0,
    raw="",
)


def event(**changes: Any) -> CalendarEvent:
    return dataclasses.replace(BASE, **changes)


def sighted(
    e: CalendarEvent, zone: str = "Europe/Prague", generic: frozenset[str] = frozenset()
) -> Sighted:
    values = event_values(
        e, zone=zone, place="", feed_name="Events - Rust Prague", group=None, generic=generic
    )
    return calendar_sighted(
        values,
        calendar_issue(1, "Rust Prague"),
        group_ids=lambda group: 7 if group.url.endswith("/rust-prague/") else None,
        place_ids=lambda text: None,
        region_of={},
    )


def test_local_dates_come_from_the_events_zone():
    late = sighted(event())
    assert (late.start_date, late.end_date) == (date(2026, 12, 3), date(2026, 12, 4))
    utc = event(start=datetime(2026, 12, 3, 23, 30, tzinfo=UTC), end=None, timezone=None)
    assert sighted(utc, zone="America/Toronto").start_date == date(2026, 12, 3)
    assert sighted(utc, zone="Asia/Tokyo").start_date == date(2026, 12, 4)


def test_a_meetup_event_is_its_page_and_its_group():
    s = sighted(event())
    assert s.organisers == (7,) and s.name == "Rust Prague"
    assert [link.canonical for link in s.links] == [
        "https://meetup.com/rust-prague/events/312345678"
    ]
    assert s.links[0].specific


def test_the_calendar_gives_dates_and_title_the_newsletter_gives_places():
    calendar = sighted(event())
    listed = Sighted(
        issue=Issue("600", date(2026, 11, 25), "TWIR 600"),
        line=10,
        start_date=date(2026, 12, 4),
        end_date=date(2026, 12, 4),
        title="Async in Prague",
        name="Rust Prague",
        attendance="in_person",
        links=(LinkValue(PAGE, calendar.links[0].canonical, "Async in Prague", True, True),),
        organisers=(7,),
        places=(3,),
    )
    assert same_event(calendar, listed)  # one event page, the day moved
    values = meetup_values([listed, calendar], {3: "europe"})
    assert (values.title, values.start_date) == ("Async v Praze", date(2026, 12, 3))
    assert (values.places, values.region) == ((3,), "europe")
    assert values.links[0].label == "Async in Prague"  # the editors' label


def test_a_link_on_every_occurrence_of_a_series_identifies_none_of_them():
    weekly = [
        event(
            uid="series@google.com",
            recurrence_id=datetime(2026, 12, day, 19, tzinfo=UTC),
            start=datetime(2026, 12, day, 19, tzinfo=UTC),
            urls=("https://rust-nyc.example.org/hack-night",),
        )
        for day in (2, 9)
    ]
    generic = links_for_two_days(weekly)
    assert generic == {"https://rust-nyc.example.org/hack-night"}
    a, b = (sighted(e, generic=generic) for e in weekly)
    assert not a.specific and not b.specific  # never a move of one occurrence to another
    assert a.fallback != b.fallback and not same_event(a, b)
