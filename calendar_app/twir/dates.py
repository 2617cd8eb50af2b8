"""Date fields as editors write them, and the check against the issue's window.

Multi-day forms seen in the archive: `2024-10-17 - 2024-10-18`, `2023-02-16, 2023-02-17`,
`2024-05-28 & 2024-05-29`, `2022-05-19 & 05-20`, `2024-01-27-28`,
`2025-09-02 * 2025-09-05`; unpadded `2023-10-9`. Older issues write `June 8, 2021`
or `Jun 10.` with the year implied by the issue date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from calendar_app.twir.records import Problem

_FIRST = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?![\d:])")
_NEXT = re.compile(
    r"""
    \s* (?: - | – | — | to | through | until | till | , | & | and | \* | / | \+ ) \s*
    (?: (\d{4}) - )? (?: (\d{1,2}) - )? (\d{1,2})   # a full date, MM-DD or DD
    (?! [\d:] )                                      # not a time of day
    """,
    re.VERBOSE | re.IGNORECASE,
)


# Rust meetups began in 2013; a date outside these bounds is a typo or an attack, and
# 0001-01-01 or 9999-12-31 overflow wherever a day is added (feeds, windows).
EARLIEST = date(2010, 1, 1)
LATEST = date(2100, 12, 31)


class InvalidDate(ValueError):
    """A date-shaped field naming no real day (`2023-02-30`) or no plausible one."""


def plausible_date(year: int, month: int, day: int) -> date | None:
    """The day, if it exists and lies between EARLIEST and LATEST."""
    try:
        return make_date(year, month, day)
    except InvalidDate:
        return None


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date
    problems: list[Problem] = field(default_factory=list)


def make_date(year: int, month: int, day: int) -> date:
    """The day, or InvalidDate when it does not exist or lies outside EARLIEST..LATEST."""
    try:
        result = date(year, month, day)
    except (ValueError, OverflowError) as error:
        raise InvalidDate(f"{year:04}-{month:02}-{day:02} is not a date") from error
    if not EARLIEST <= result <= LATEST:
        raise InvalidDate(f"{result} is not a plausible date ({EARLIEST} - {LATEST})")
    return result


def _following(previous: date, match: re.Match[str]) -> date:
    """A later day of a multi-day event; a partial date continues the previous one."""
    year, month, day = match.groups()
    if year:
        return make_date(int(year), int(month or 0), int(day))
    if month:
        result = make_date(previous.year, int(month), int(day))
        return result if result >= previous else make_date(previous.year + 1, int(month), int(day))
    result = make_date(previous.year, previous.month, int(day))
    if result >= previous:
        return result
    next_month = previous + relativedelta(months=1)  # previous <= LATEST: no overflow
    return make_date(next_month.year, next_month.month, int(day))


def _ordered(start: date, end: date, text: str) -> DateRange:
    if end < start:
        return DateRange(
            start,
            start,
            [Problem("end_before_start", f"{text!r}: the last day is before the first")],
        )
    return DateRange(start, end)


def parse_iso_dates(text: str) -> tuple[DateRange, int] | None:
    """The first..last day of an ISO date field and where the dates end; None when
    the field holds no date."""
    first = _FIRST.search(text)
    if not first:
        return None
    start = make_date(*map(int, first.groups()))
    days = [start]
    position = first.end()
    while match := _NEXT.match(text, position):
        try:
            days.append(_following(days[-1], match))
        except InvalidDate as error:
            result = _ordered(start, days[-1], text.strip())
            return DateRange(
                result.start, result.end, [*result.problems, Problem("unclear_dates", str(error))]
            ), position
        position = match.end()
    return _ordered(start, days[-1], text.strip()), position


def nearest_year(month: int, day: int, issue_date: date) -> date:
    """The year that puts the day closest to the issue's four weeks."""
    middle = issue_date + timedelta(days=14)
    candidates = []
    for year in (middle.year - 1, middle.year, middle.year + 1):
        candidate = plausible_date(year, month, day)
        if candidate:
            candidates.append(candidate)
    if not candidates:
        raise InvalidDate(f"{month:02}-{day:02} is not a date")
    return min(candidates, key=lambda d: abs(d - middle))


def _with_year(day: date, year: int) -> date | None:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return None


def check_window(dates: DateRange, window: tuple[date, date]) -> DateRange:
    """Correct a wrong year (2022-10-31 in an October 2024 issue) or flag a date
    outside the window the issue announces; both become review flags."""
    first, last = window
    if dates.end >= first and dates.start <= last:
        return dates
    for year in sorted({first.year, last.year}):
        start = _with_year(dates.start, year)
        end = _with_year(dates.end, year + dates.end.year - dates.start.year)
        if start and end and start != dates.start and end >= first and start <= last:
            message = f"{dates.start} read as {start}: outside the window {first} - {last}"
            return DateRange(start, end, [*dates.problems, Problem("year_corrected", message)])
    message = f"{dates.start} is outside the issue's window {first} - {last}"
    return DateRange(
        dates.start, dates.end, [*dates.problems, Problem("date_outside_window", message)]
    )
