"""What reading a calendar feed gives: event records, problems, and the feed itself.

Frozen values with no behaviour beyond a few derived properties: the matching step
compares them, the writer stores them, tests assert on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

# Problem kinds. An event with a problem it survived (a dropped link, stripped
# characters) is still an event; one it did not survive is only a problem.
NO_DTSTART = "no_dtstart"
BAD_DATE = "bad_date"  # DTSTART/DTEND unreadable, or a date mixed with a date-time
UNKNOWN_TZID = "unknown_tzid"
FLOATING_TIME = "floating_time"  # a local time with no zone at all
ENDLESS_RRULE = "endless_rrule"  # expanded only within the horizon
BAD_RECURRENCE = "bad_recurrence"  # RRULE/EXDATE/RECURRENCE-ID the expander refused
BROKEN_EVENT = "broken_event"  # a VEVENT the iCalendar parser could not read
CONTROL_CHARACTERS = "control_characters"  # stripped
UNSAFE_URL = "unsafe_url"  # not http(s): dropped
BAD_GEO = "bad_geo"
BAD_PROPERTY = "bad_property"  # a line the parser could not read: ignored
NO_UID = "no_uid"
BAD_ENCODING = "bad_encoding"  # not UTF-8: undecodable bytes replaced
BAD_CALENDAR_TIMEZONE = "bad_calendar_timezone"  # an X-WR-TIMEZONE we cannot apply


@dataclass(frozen=True)
class Problem:
    """Something wrong in a feed; ``uid`` and ``raw`` say which VEVENT, if one."""

    kind: str
    message: str
    uid: str = ""
    raw: str = ""


@dataclass(frozen=True)
class CalendarEvent:
    """One occurrence of one event as its calendar describes it.

    ``start``/``end`` are dates for all-day events (``end`` exclusive, as in
    iCalendar) and aware datetimes otherwise. ``timezone`` is the event's own zone
    (its TZID), None when the feed gives UTC only (Luma): the place's zone applies.
    ``recurrence_id`` is the occurrence's original start within a recurring series,
    None for a single event.
    """

    uid: str
    recurrence_id: date | datetime | None
    title: str
    start: date | datetime
    end: date | datetime | None
    timezone: str | None
    urls: tuple[str, ...]
    location: str  # a place as written; "" for online events and links
    geo: tuple[float, float] | None
    online: bool
    status: str  # CONFIRMED, TENTATIVE, CANCELLED, or ""
    organizer: str  # the organiser's name (CN), else its address
    organizer_email: str
    last_modified: datetime | None
    sequence: int
    raw: str  # the VEVENT as the feed gave it (the series' master for an occurrence)
    problems: tuple[Problem, ...] = ()
    venue: str = ""  # the venue's name as LOCATION gives it ("" online or unknown)
    address: str = ""  # its street address as given
    description: str = ""  # plain text, bounded (details.plain_description)
    page: str = ""  # the event's own page: URL, Luma's page, else the description's first link
    series: str = ""  # the series' id (its UID) for an occurrence of an RRULE; "" otherwise
    rule_text: str = ""  # the series' rule in words: "every Thursday, 18:30"

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    @property
    def url(self) -> str:
        """The event's page: its first link."""
        return self.urls[0] if self.urls else ""

    @property
    def cancelled(self) -> bool:
        return self.status == "CANCELLED"


@dataclass(frozen=True)
class CalendarFeed:
    """A whole feed: its events within the horizon, its problems, or why it is none.

    ``error`` is set (and ``events`` empty) when the text is no calendar at all:
    garbage bytes, an HTML page, an empty answer.
    """

    events: tuple[CalendarEvent, ...] = ()
    problems: tuple[Problem, ...] = ()
    name: str = ""  # X-WR-CALNAME
    timezone: str = ""  # X-WR-TIMEZONE
    error: str = ""
    page: str = ""  # X-ORIGINAL-URL (Meetup: the group's feed address)

    @property
    def ok(self) -> bool:
        return not self.error
