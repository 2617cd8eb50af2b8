"""Reading the calendars the editors follow (Meetup, Luma, Google Calendar).

Pure Python, no Django: iCalendar text in, frozen records out. The ingest matches
them with newsletter entries; nothing here touches the database or the network.
"""

from __future__ import annotations

from calendar_app.calendars.identity import (
    event_keys,
    luma_slug,
    meetup_event_id,
    page_key,
    page_site,
)
from calendar_app.calendars.read import HORIZON_AHEAD, HORIZON_PAST, read_calendar
from calendar_app.calendars.records import CalendarEvent, CalendarFeed, Problem

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
