"""A calendar meetup in person whose place the gazetteer cannot find (no country in its
LOCATION) is drafted with the calendar's own words and a warning, never as `Virtual`."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from calendar_app.models import Attendance, Meetup, Source
from calendar_app.rendering.export_twir import draft_twir
from calendar_app.services.sources_sync import sync_sources

pytestmark = pytest.mark.django_db

FEED = "/makespace.ics"


def calendar(location: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Meetup//RemoteApi//EN\r\n"
        "X-ORIGINAL-URL:https://www.meetup.com/rust-cambridge/events/ical/\r\n"
        "X-WR-CALNAME:Events - Rust Cambridge\r\n"
        "BEGIN:VEVENT\r\nDTSTAMP:20261201T120000Z\r\n"
        "DTSTART:20270114T183000Z\r\nDTEND:20270114T210000Z\r\n"
        "SUMMARY:Embedded Night\r\n"
        f"LOCATION:{location}\r\n"
        "URL:https://www.meetup.com/rust-cambridge/events/400000003/\r\n"
        "UID:event_400000003@meetup.com\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_an_unplaced_in_person_meetup_is_written_as_its_calendar_gives_it(server):
    server.bodies[FEED] = calendar("Makespace (16 Mill Lane\\, Atlantis)")
    source = Source.objects.create(url=server.url(FEED), name="Rust Cambridge")
    report = sync_sources(sources=[source], now=datetime(2027, 1, 6, tzinfo=UTC))
    assert (report.fetched, report.failed) == (1, 0)
    meetup = Meetup.objects.get(title="Embedded Night")
    assert meetup.attendance == Attendance.IN_PERSON
    assert not meetup.ordered_places()

    draft = draft_twir(start=date(2027, 1, 13), end=date(2027, 2, 10))

    line = next(line for line in draft.markdown.splitlines() if "2027-01-14" in line)
    assert "Virtual" not in line
    assert "| Makespace (16 Mill Lane, Atlantis) |" in line
    assert any(m == meetup and "place not found" in warning for m, warning in draft.warnings)
