"""Dates as the older layouts write them, the year implied by the issue date.

`Feb. 9.`, `Feb.19`, `Mar  9.`, `Sep 23:`, `Jun 28-29.`, `Sep 30 - Oct 1.`, `10/13.`,
`November 12,`, `June 8, 2021,`, `June 29. 2021`, `December 18th` and the typo `Dex  6.`;
the day first (`15 December`, `18th of Dec.`, `30 Sep - 1 Oct`) and a weekday before
any of them (`Thursday, December 18th`, `Thu 2/19`). A December issue lists January
events: the year is the one nearest the issue's weeks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from calendar_app.twir.dates import (
    DateRange,
    InvalidDate,
    make_date,
    nearest_year,
    parse_iso_dates,
)
from calendar_app.twir.records import Problem

MONTHS = (
    "january february march april may june july august september october november december"
).split()
_ABBREVIATIONS = {name[:3]: number for number, name in enumerate(MONTHS, start=1)}
_NAMES = {name: number for number, name in enumerate(MONTHS, start=1)} | _ABBREVIATIONS
_NAMES["sept"] = 9

_MONTH = r"[A-Za-z]{3,9}"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# `Thursday, `, `Thu `, `Mon. `: a weekday before the date says nothing more.
WEEKDAY = (
    r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?"
    r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day),?\s+"
)
_RANGE = r"\s*(?:[-–—&]|to|through|until|and)\s*"
# `Sep 30 - Oct 1`, `Jun 28-29`, `Feb. 9`, `Feb.19`: the month and day at the start of the fields.
MONTH_DAY = re.compile(
    rf"""^(?:{WEEKDAY})?(?P<month>{_MONTH})(?:\.\s*|\s+)(?P<day>{_DAY})
    (?:{_RANGE}(?:(?P<last_month>{_MONTH})(?:\.\s*|\s+))?(?P<last_day>{_DAY}))?
    (?!\d|:\d)""",
    re.VERBOSE | re.IGNORECASE,
)
# `15 December`, `18th of Dec.`, `18-19 December`, `30 Sep - 1 Oct`: the day first.
DAY_MONTH = re.compile(
    rf"""^(?:{WEEKDAY})?(?:the\s+)?(?P<day>{_DAY})\.?
    (?:{_RANGE}(?P<last_day>{_DAY})\.?(?=\s+(?:of\s+)?[A-Za-z]))?
    \s+(?:of\s+)?(?P<month>{_MONTH})\.?
    (?:{_RANGE}(?P<last_day2>{_DAY})\.?\s+(?:of\s+)?(?P<last_month>{_MONTH})\.?)?
    (?![A-Za-z])""",
    re.VERBOSE | re.IGNORECASE,
)
_YEAR_AFTER = re.compile(r"\s*[,.]?\s*(?P<year>\d{4})(?![\d-])")  # `June 8, 2021`, `June 29. 2021`
# `10/13`, `6/8`, `9/30-10/1`, `Thu 2/19`
SLASH_DAY = re.compile(
    rf"^(?:{WEEKDAY})?(?P<month>\d{{1,2}})/(?P<day>\d{{1,2}})"
    r"(?:\s*[-–]\s*(?:(?P<last_month>\d{1,2})/)?(?P<last_day>\d{1,2}))?(?![\d/])",
    re.IGNORECASE,
)
# `December 18th` or `Dec 18` anywhere in prose (2014).
PROSE_DAY = re.compile(rf"\b(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b")
ISO_DAY = re.compile(r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?!\d|:\d)")  # `2014-12-18: `


@dataclass(frozen=True)
class Found:
    """Dates read from the start of a text, where they end, and what was doubtful."""

    dates: DateRange
    end: int
    problems: tuple[Problem, ...] = ()


def month_number(name: str) -> tuple[int | None, Problem | None]:
    """`Mar`, `March`, `Sept` -> 3, 3, 9; a one-letter slip (`Dex`) is read with a flag."""
    key = name.lower()
    if key in _NAMES:
        return _NAMES[key], None
    if len(key) != 3:
        return None, None
    near = [
        n
        for abbr, n in _ABBREVIATIONS.items()
        if sum(a != b for a, b in zip(abbr, key, strict=True)) == 1
    ]
    near = [n for n in near if MONTHS[n - 1][0] == key[0]]
    if len(near) != 1:
        return None, None
    month = near[0]
    return month, Problem("date_typo", f"{name!r} read as {MONTHS[month - 1][:3].title()}")


def _day(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def in_year(month: int, day: int, year: int | None, issue_date: date | None) -> date | None:
    """The day in the year written, else the one nearest the issue (None: no way to tell)."""
    if year:
        return make_date(year, month, day)
    if issue_date is None:
        return None
    try:
        return nearest_year(month, day, issue_date)
    except OverflowError as error:  # an issue dated at the end of time
        raise InvalidDate(f"{month:02}-{day:02} near {issue_date}") from error


def span(first: date, month: int, day: int, text: str) -> DateRange:
    """First..last day; a last day in an earlier month runs into the next year."""
    last = make_date(first.year, month, day)
    if last < first:
        last = make_date(first.year + 1, month, day)
    if (last - first).days > 31:
        message = f"{text!r}: more than a month between the first and last day"
        return DateRange(first, first, [Problem("unclear_dates", message)])
    return DateRange(first, last)


def read_range(
    match: re.Match[str], month: int, issue_date: date | None, year: int | None = None
) -> DateRange | None:
    """A `MONTH_DAY` or `SLASH_DAY` match as a DateRange (month already read)."""
    first = in_year(month, _day(match["day"]), year, issue_date)
    if first is None:
        return None
    if not match["last_day"]:
        return DateRange(first, first)
    last_month = month
    if match["last_month"]:
        named, _ = (
            (int(match["last_month"]), None)
            if match["last_month"].isdigit()
            else month_number(match["last_month"])
        )
        if named is None:
            return DateRange(first, first)
        last_month = named
    return span(first, last_month, _day(match["last_day"]), match.group())


def month_day(text: str, issue_date: date | None) -> Found | None:
    """`Mar  9`, `Feb. 9`, `Sep 30 - Oct 1`, `June 8, 2021` at the start of text."""
    match = MONTH_DAY.match(text)
    if not match:
        return None
    month, typo = month_number(match["month"])
    if month is None:
        return None
    year = _YEAR_AFTER.match(text, match.end())
    dates = read_range(match, month, issue_date, int(year["year"]) if year else None)
    if dates is None:
        return None
    return Found(dates, year.end() if year else match.end(), (typo,) if typo else ())


def day_month(text: str, issue_date: date | None) -> Found | None:
    """`15 December`, `18th of Dec.`, `18-19 December`, `30 Sep - 1 Oct` at the start of text."""
    match = DAY_MONTH.match(text)
    if not match:
        return None
    month, typo = month_number(match["month"])
    if month is None or len(match["month"]) < 3:
        return None
    year = _YEAR_AFTER.match(text, match.end())
    first = in_year(month, _day(match["day"]), int(year["year"]) if year else None, issue_date)
    if first is None:
        return None
    dates = DateRange(first, first)
    if match["last_day"]:
        dates = span(first, month, _day(match["last_day"]), match.group())
    elif match["last_day2"]:
        last_month, _ = month_number(match["last_month"])
        if last_month is not None:
            dates = span(first, last_month, _day(match["last_day2"]), match.group())
    return Found(dates, year.end() if year else match.end(), (typo,) if typo else ())


def leading_day(text: str, issue_date: date | None) -> Found | None:
    """A day at the start of text in any notation of the older layouts, month first
    (`Feb. 9`), day first (`15 December`) or month/day (`10/13`)."""
    for read in (month_day, day_month, slash_day):
        found = read(text, issue_date)
        if found:
            return found
    return None


# Where a day may start inside prose: a word (a weekday, a month, `the`) or a number.
_WORD_START = re.compile(r"(?<![\w/.:-])(?=[A-Za-z]{3}|\d)")
# `12/18` ends there, not `1/2in`, `12/18/2014` or a fraction (`1/2 day`)
_SLASH_ALONE = re.compile(r"(?![\w/-])(?!\s*(?:days?|hours?|hrs?)\b)", re.IGNORECASE)


def any_day(text: str, issue_date: date | None) -> tuple[Found, int] | None:
    """The first day written anywhere in text (2014 prose: `Rust Paris, December 18th`,
    `on the 15th of December`, `(2014-12-18)`, `Thursday Dec. 18 at 7pm`, `12/18`), and
    where it starts; a multi-day range is read whole (`Dec 18-19`, `2014-12-18/19`).
    A month read through a typo (`Jam 3`) counts only when no day is written right."""
    doubtful: tuple[Found, int] | None = None
    for start in (match.start() for match in _WORD_START.finditer(text)):
        rest = text[start:]
        try:
            if iso := ISO_DAY.match(rest):  # with its range: `2014-12-18/19`
                day = make_date(*map(int, iso.groups()))
                dates, end = parse_iso_dates(rest) or (DateRange(day, day), iso.end())
                return Found(dates, start + end), start
            found = month_day(rest, issue_date) or day_month(rest, issue_date)
            if not found and (found := slash_day(rest, issue_date)):
                found = found if _SLASH_ALONE.match(rest, found.end) else None
            found = found or numeric_day_first(rest, issue_date)
        except InvalidDate:
            continue
        if found and not found.problems:
            return Found(found.dates, start + found.end), start
        if found and doubtful is None:
            doubtful = Found(found.dates, start + found.end, found.problems), start
    return doubtful


# `18.12.`, `8.12.2014`, `18/12` (the day first, as Europe writes it; `12/18` is m/d).
_NUMERIC_DAY_FIRST = re.compile(
    r"^(?P<day>\d{1,2})(?:\.(?P<month>\d{2})\.(?:\s?(?P<year>\d{4}))?(?![\d.])"
    r"|/(?P<slash_month>\d{1,2})(?![\w/-]))"
)


def numeric_day_first(text: str, issue_date: date | None) -> Found | None:
    """`18.12.` or `18/12` at the start of text: a slash only when the first number
    cannot be a month (`12/11` is December 11 as the older layouts write it)."""
    match = _NUMERIC_DAY_FIRST.match(text)
    if not match:
        return None
    day, month = int(match["day"]), int(match["month"] or match["slash_month"])
    if match["slash_month"] and day <= 12:
        return None
    if match["month"] and len(match["day"]) < 2 and not match["year"]:
        return None  # `Rust 1.10.`: a version, not the first of October
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    first = in_year(month, day, int(match["year"]) if match["year"] else None, issue_date)
    return Found(DateRange(first, first), match.end()) if first else None


def slash_day(text: str, issue_date: date | None) -> Found | None:
    """`10/13`, `6/8` (month/day) at the start of text."""
    match = SLASH_DAY.match(text)
    if not match or not 1 <= int(match["month"]) <= 12:
        return None
    dates = read_range(match, int(match["month"]), issue_date)
    return Found(dates, match.end()) if dates else None


def iso_day(text: str) -> tuple[DateRange, re.Match[str]] | None:
    """The first ISO date anywhere in text, and where it is."""
    match = ISO_DAY.search(text)
    if not match:
        return None
    day = make_date(*map(int, match.groups()))
    return DateRange(day, day), match


def prose_day(text: str, issue_date: date | None) -> tuple[DateRange, re.Match[str]] | None:
    """The first `December 18th` / `Dec 18` anywhere in text, and where it is."""
    for match in PROSE_DAY.finditer(text):
        if match["month"].lower() not in _NAMES:
            continue
        day = in_year(_NAMES[match["month"].lower()], int(match["day"]), None, issue_date)
        if day:
            return DateRange(day, day), match
    return None
