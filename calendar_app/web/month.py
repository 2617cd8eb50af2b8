"""The month view's grid: weeks of days, each listing the meetups it holds.

Presentation only: the meetups come from selectors (one query for the month, one for the
places of the meetups shown), and what a cell prints is computed here once per meetup.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.http import QueryDict
from django.utils import dateformat, timezone
from django.utils.html import escape

from calendar_app.models import Attendance, Meetup, Status
from calendar_app.queries import selectors
from calendar_app.queries.filters import MeetupFilter
from calendar_app.rules import event_zone
from calendar_app.web.querystring import filter_query

MAX_PER_DAY = 6  # a month cell lists this many meetups, then "+N more" links to the list

ATTENDANCE_LABELS = dict(Attendance.choices)


@dataclass(slots=True)
class CalendarItem:
    """A meetup as a month cell shows it: plain values, no model instance (cells are many).

    What the template prints is computed once per meetup here, not per cell in the
    template: the grid has up to 42 x MAX_PER_DAY entries and template lookups are slow.
    """

    id: int
    title: str
    start_date: date
    end_date: date
    attendance: str
    status: str
    starts_at: datetime | None = None
    timezone: str = ""
    city: str = ""
    tooltip: str = ""  # full title (cells cut it short), where, how: escaped once per meetup
    url: str = ""
    display_title: str = ""
    attendance_label: str = ""
    cancelled: bool = False
    time: str = ""  # the event's own local time, "18:30"; empty when only the date is known
    zone_abbr: str = ""  # its zone's abbreviation then ("CEST"): the time without script
    start_iso: str = ""

    def __post_init__(self) -> None:
        self.url = f"{EVENTS_PATH}{self.id}/"
        self.display_title = self.title or "Rust meetup"
        self.attendance_label = ATTENDANCE_LABELS.get(self.attendance, self.attendance)
        self.cancelled = self.status == Status.CANCELLED

    def set_time(self, place_zone: str) -> None:
        """The event's own local time: in `rules.event_zone` (its own, else its place's)."""
        if self.starts_at is not None:
            local = self.starts_at.astimezone(event_zone(self.timezone, place_zone) or UTC)
            self.time = local.strftime("%H:%M")
            self.zone_abbr = local.tzname() or ""
            self.start_iso = local.isoformat()


@dataclass(slots=True)
class Entry:
    """A meetup on one day of the grid; `continued` when it began on an earlier day.

    `css` (the cell's class list) and `note` (the screen-reader suffix) are precomputed.
    """

    item: CalendarItem
    continued: bool
    continues: bool
    css: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        css = f"entry att-{self.item.attendance}"
        if self.continued:
            css += " cont-before"
        if self.continues:
            css += " cont-after"
        if self.item.cancelled:
            css += " is-cancelled"
        self.css = css
        self.note = self.item.attendance_label + (", continued" if self.continued else "")

    @property
    def follows_visitor(self) -> bool:
        """An online meetup of one day: local-time.js moves it to the visitor's own day
        (an in-person one stays on the day of the town it is in)."""
        return self.item.attendance == Attendance.VIRTUAL and not (self.continued or self.continues)


@dataclass(slots=True)
class Day:
    date: date
    in_month: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)
    more: int = 0
    iso: str = ""  # 2025-03-14, for <time datetime> and the "+N more" link
    label: str = ""  # Friday 14 March
    more_url: str = ""  # the list of this day's meetups, with the month's other filters

    @property
    def css(self) -> str:
        return (
            "day"
            + ("" if self.in_month else " out")
            + (" today" if self.is_today else "")
            + ("" if self.entries else " empty")
        )


@dataclass
class MonthGrid:
    year: int
    month: int
    weeks: list[list[Day]]
    filterset: MeetupFilter
    total: int
    # For an empty month: the most recent meetups before it and the next ones after it.
    recent: list[Meetup] = field(default_factory=list)
    coming: list[Meetup] = field(default_factory=list)

    @property
    def earlier(self) -> date | None:
        return self.recent[0].start_date if self.recent else None

    @property
    def later(self) -> date | None:
        return self.coming[0].start_date if self.coming else None

    @property
    def days_with_meetups(self) -> int:
        return sum(1 for week in self.weeks for day in week if day.in_month and day.entries)


EVENTS_PATH = "/events/"


def month_grid(year: int, month: int, params: QueryDict, *, today: date | None = None) -> MonthGrid:
    """A Monday-first grid of the month; each meetup sits in every day it spans.

    One query fetches the meetups overlapping the grid; a second fetches the cities of
    only those shown (a busy day shows MAX_PER_DAY and a "+N more" link).
    """
    today = today or timezone.localdate()
    dates = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    grid_start, grid_end = dates[0][0], dates[-1][-1]
    filterset, rows = selectors.month_rows(params, grid_start, grid_end, today=today)
    days = {d: Day(d, d.month == month, d == today) for week in dates for d in week}
    one_day = timedelta(days=1)
    shown: dict[int, CalendarItem] = {}  # only meetups a cell shows become CalendarItems
    for row in rows:
        item = None
        start, end = row[2], row[3]
        day = max(start, grid_start)
        last = min(end, grid_end)
        while day <= last:
            cell = days[day]
            if len(cell.entries) < MAX_PER_DAY:
                if item is None:
                    item = shown[row[0]] = CalendarItem(*row)
                cell.entries.append(Entry(item, day > start, day < end))
            else:
                cell.more += 1
            day += one_day
    places = selectors.primary_places(list(shown))
    for meetup_id, item in shown.items():
        item.city, where, zone = places.get(meetup_id, ("", "", ""))
        item.set_time(zone)
        parts = (item.display_title, where, item.attendance_label)
        item.tooltip = escape(" · ".join(part for part in parts if part))
    more_query = filter_query(params, without=("start", "end"))
    more_query = f"&{more_query}" if more_query else ""
    for cell in days.values():
        cell.iso = cell.date.isoformat()
        cell.label = dateformat.format(cell.date, "l j F")
        if cell.more:
            cell.more_url = f"{EVENTS_PATH}?start={cell.iso}&end={cell.iso}{more_query}"
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    in_month = sum(1 for row in rows if row[2] <= last and row[3] >= first)
    weeks = [[days[d] for d in week] for week in dates]
    grid = MonthGrid(year, month, weeks, filterset, in_month)
    if not in_month and filterset.is_valid():
        grid.recent, grid.coming = selectors.nearest_meetups(params, first, last)
    return grid
