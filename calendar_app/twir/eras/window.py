"""The window announced by the 2021-22 intro: `Rusty Events between 12/01-12/15 🦀` or
`1/12/2022 - 2/9/2022` (month/day, the year from the issue). Issues before November
2021 announce none: that is the era, not a problem to flag."""

from __future__ import annotations

import re
from datetime import date

from calendar_app.twir.dates import InvalidDate
from calendar_app.twir.eras.days import in_year
from calendar_app.twir.sections import Line

ANNOUNCED_SINCE = date(2021, 11, 1)
_SLASH_WINDOW = re.compile(
    r"events\s+between\s+(\d{1,2})/(\d{1,2})(?:/(\d{4}))?\s*(?:-|–|—|to|and|until)\s*"
    r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?",
    re.IGNORECASE,
)


def expects_window(issue_date: date | None) -> bool:
    """Does an issue of this date announce its window (so that a missing one is odd)?"""
    return issue_date is None or issue_date >= ANNOUNCED_SINCE


def slash_window(section: list[Line], issue_date: date | None) -> tuple[date, date] | None:
    """`Rusty Events between 12/01-12/15`: the window, its year from the issue's."""
    for line in section:
        match = _SLASH_WINDOW.search(line.text)
        if not match:
            continue
        month, day, year, last_month, last_day, last_year = (
            int(g) if g else None for g in match.groups()
        )
        try:
            first = in_year(month or 0, day or 0, year, issue_date)
            last = in_year(last_month or 0, last_day or 0, last_year, issue_date)
        except InvalidDate:
            return None
        if first and last and first <= last:
            return first, last
    return None
