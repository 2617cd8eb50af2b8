"""Reading the calendars the editors follow (Meetup, Luma, Google Calendar).

Pure Python, no Django: iCalendar text in, frozen records out. The ingest matches
them with newsletter entries; nothing here touches the database or the network.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from calendar_app.calendars.identity import (
    event_keys,
    luma_slug,
    meetup_event_id,
    page_key,
    page_site,
)
from calendar_app.calendars.records import CalendarEvent, CalendarFeed, Problem

if TYPE_CHECKING:
    from calendar_app.calendars.read import HORIZON_AHEAD, HORIZON_PAST, read_calendar

_READER = ("HORIZON_AHEAD", "HORIZON_PAST", "read_calendar")


def __getattr__(name: str) -> object:
    """The reader's names, imported when first asked for: it loads icalendar and
    recurring_ical_events, a tenth of every command's start-up, and only a sync reads a
    calendar (identity and records are all the rest of the site needs)."""
    if name in _READER:
        from calendar_app.calendars import read

        return getattr(read, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "HORIZON_AHEAD",
    "HORIZON_PAST",
    "CalendarEvent",
    "CalendarFeed",
    "Problem",
    "event_keys",
    "luma_slug",
    "meetup_event_id",
    "page_key",
    "page_site",
    "read_calendar",
]
