"""VTIMEZONEs written with yearly RRULEs (as Meetup and Google write them), not one RDATE
listing every transition: ical.js reads only an RDATE's first value."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Timezone

from calendar_app.rendering.ical import vtimezone

ZONES = (
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "America/St_Johns",
)


@pytest.mark.parametrize("name", ZONES)
def test_rules_give_the_zones_offsets(name):
    text = vtimezone(name).decode()
    assert "RDATE" not in text
    [component] = Calendar.from_ical(
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{text}END:VCALENDAR\r\n"
    ).walk("VTIMEZONE")
    assert isinstance(component, Timezone)
    parsed = component.to_tz()
    zone = ZoneInfo(name)
    moment = datetime(2025, 1, 1, tzinfo=UTC)
    while moment.year < 2029:  # every six hours for four years, summer time included
        assert parsed.utcoffset(moment.astimezone(zone).replace(tzinfo=None)) == (
            moment.astimezone(zone).utcoffset()
        ), (name, moment)
        moment += timedelta(hours=6)


def test_europe_uses_the_last_sunday_rules():
    text = vtimezone("Europe/Berlin").decode()
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n" in text
    assert "DTSTART:19700329T020000\r\nRRULE" in text


def test_an_irregular_zone_keeps_its_list_of_transitions():
    # Morocco's summer time follows Ramadan: no yearly rule says it
    assert "RDATE" in vtimezone("Africa/Casablanca").decode()
