"""How much work one feed may cost the reader: the limits in one place, and the helpers
that keep a hostile or broken feed within them.

A 250-byte ``RRULE:FREQ=MINUTELY`` with no end once ran a sync past 400 s and 2 GB; 200
endless daily events in 20 KB became 53,100 meetups. So a series with a frequency under a
day is refused before it is expanded, a series gives at most MAX_SERIES_OCCURRENCES within
the horizon, a feed at most MAX_FEED_OCCURRENCES, and reading one feed stops after
READ_BUDGET seconds (the source then fails alone). Each limit reached is a Problem, so the
sync says it on the source and in a flag.

Also here: the repair of a feed whose whole text would not parse because of one broken
component (a VTIMEZONE, a VTODO, a VALARM inside an event): that component is left out,
every valid event is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

MAX_SERIES_OCCURRENCES = 120  # twice a week for the whole horizon
MAX_FEED_OCCURRENCES = 500  # a Meetup group lists tens; each costs ~20 ms to merge
READ_BUDGET = 20.0  # seconds to read one feed (a fetch has 15)
SUB_DAILY = frozenset({"SECONDLY", "MINUTELY", "HOURLY"})  # no meetup repeats that often
MAX_PER_DAY = 4  # a rule's BYHOUR x BYMINUTE x BYSECOND: more is refused as sub-daily

# Problem kinds for the limits (records.py holds the others).
SUB_DAILY_RRULE = "sub_daily_rrule"  # a series repeating within a day: refused
SERIES_CAPPED = "series_capped"  # more occurrences than MAX_SERIES_OCCURRENCES
FEED_CAPPED = "feed_capped"  # more occurrences than MAX_FEED_OCCURRENCES
DUPLICATE_UID = "duplicate_uid"  # several events with one UID: the first is read
BROKEN_COMPONENT = "broken_component"  # a VTIMEZONE, VTODO, VALARM...: left out
BROKEN_TIMEZONE = "broken_timezone"  # its times read in the calendar's zone or UTC
LIMIT_KINDS = frozenset({SUB_DAILY_RRULE, SERIES_CAPPED, FEED_CAPPED, DUPLICATE_UID})


class OverBudget(Exception):
    """Reading the feed took longer than READ_BUDGET."""


def sub_daily(rules: Any) -> str:
    """How the first rule repeating within a day repeats ("" if none): its FREQ, or how
    many times a day its BYHOUR/BYMINUTE/BYSECOND make it. Read from the rule as parsed,
    before anything is expanded."""
    for rule in rules if isinstance(rules, list) else [rules]:
        try:
            freqs = rule.get("FREQ") or []
            per_day = 1
            for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
                values = rule.get(part) or []
                per_day *= max(1, len(values) if isinstance(values, list) else 1)
        except Exception:
            continue
        for freq in freqs if isinstance(freqs, list) else [freqs]:
            if str(freq).upper() in SUB_DAILY:
                return str(freq).upper()
        if per_day > MAX_PER_DAY:
            return f"{per_day} times a day"
    return ""


def _start(component: Any) -> datetime | None:
    try:
        value = component["DTSTART"].dt
    except Exception:
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=None)
    return None


def within(
    occurrences: Iterable[Any], until: datetime, cap: int, deadline: float, clock: Any
) -> tuple[list[Any], bool]:
    """The occurrences (in start order) starting before `until`, at most `cap`; and
    whether there were more. OverBudget once the clock passes `deadline`."""
    found: list[Any] = []
    iterator: Iterator[Any] = iter(occurrences)
    for occurrence in iterator:
        if clock() > deadline:
            raise OverBudget
        start = _start(occurrence)
        if start is not None and _after(start, until):
            return found, False
        if len(found) == cap:
            return found, True
        found.append(occurrence)
    return found, False


def _after(start: datetime, until: datetime) -> bool:
    if start.tzinfo is None:
        return start >= until.replace(tzinfo=None)
    return start >= until


# --- a feed that would not parse whole -----------------------------------------------------

_TOP_BLOCK = re.compile(
    r"^BEGIN:(?P<name>(?!VEVENT\b|VCALENDAR\b)[A-Z0-9-]+)[ \t]*\r?\n"
    r".*?^END:(?P=name)[ \t]*(?:\r?\n|$)",
    re.M | re.S | re.I,
)
_ALARM = re.compile(r"^BEGIN:VALARM[ \t]*\r?\n.*?^END:VALARM[ \t]*(?:\r?\n|$)", re.M | re.S | re.I)
_TZID_LINE = re.compile(r"^TZID[^:\r\n]*:(.*?)\r?$", re.M | re.I)


def other_blocks(frame: str) -> tuple[str, list[tuple[str, str]]]:
    """The calendar's frame without its top-level components other than VEVENT, and those
    components as (name, text), to be parsed one by one."""
    blocks = [(m.group("name").upper(), m.group(0)) for m in _TOP_BLOCK.finditer(frame)]
    return _TOP_BLOCK.sub("", frame), blocks


def without_alarms(block: str) -> str:
    """A VEVENT's text without its VALARMs (tried when the event would not parse)."""
    return _ALARM.sub("", block)


def zone_id(block: str) -> str:
    """The TZID a VTIMEZONE's text declares ("" if none)."""
    found = _TZID_LINE.search(block)
    return found.group(1).strip() if found else ""


def broken_zones(text: str, parsed: Iterable[str]) -> set[str]:
    """The TZIDs of the VTIMEZONEs the text declares but the parse left out (broken)."""
    declared = {
        zone_id(m.group(0))
        for m in _TOP_BLOCK.finditer(text)
        if m.group("name").upper() == "VTIMEZONE"
    }
    return {zone for zone in declared - set(parsed) if zone}
