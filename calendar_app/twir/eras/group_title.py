"""2015 - 2018: `* [Mar  9. Columbus Rust Society - Monthly Meeting](url).`

`Mon D.` (one or two spaces), then `Group - Title` or just a title; no place field.
Multi-day, often bold: `* **[Sep 30 - Oct 1. RustFest Zürich](url).**`.
"""

from __future__ import annotations

import re
from datetime import date

from calendar_app.twir.eras.common import (
    NO_PLACE_OR_GROUP,
    Dated,
    Era,
    OldLine,
    dated_head,
    lead,
    named_group,
    online_meeting,
    parts_of,
    spelled_parts,
    untitled_head,
)
from calendar_app.twir.eras.days import MONTHS, month_day
from calendar_app.twir.head import Head

AFTER_DATE = re.compile(r"\s*[.:]\s+")  # `Mar  9. `, `Sep 23: `
# A last part that only continues the title: `Monthly Meetup - March`, `Meetup - #7`.
_TITLE_TAIL = re.compile(
    rf"^(?:{'|'.join(m[:3] for m in MONTHS)})[a-z]*\.?(?:\s+\d{{4}})?$|^#?\d+$|^\d{{4}}$",
    re.IGNORECASE,
)


def group_and_title(parts: list[str], line: OldLine) -> tuple[str, str] | None:
    """(group, title) of `Group - Title`; None when the parts are one title, or one
    organiser's name with ` - ` in it (spelled like its Meetup group)."""
    named = spelled_parts(parts, line) or 1
    if named >= len(parts):
        return None
    if named == 1 and len(parts) == 2 and _TITLE_TAIL.match(parts[1]):
        return None  # `Monthly Meetup - March`
    return " - ".join(parts[:named]), " - ".join(parts[named:])


def group_title_head(dated: Dated, parts: list[str], line: OldLine, **place: str) -> Head:
    """`Group - Title` after the date (and the place, when the era has one)."""
    whole = " - ".join(parts)
    if online_meeting(whole, line) or not (split := group_and_title(parts, line)):
        if place:
            return dated_head(
                dated,
                line,
                title=whole,
                location_text=place["location_text"],
                groups=untitled_head(dated, whole, line).groups,
                lacks=frozenset({"group"}),
            )
        return untitled_head(dated, whole, line)
    group, title = split
    return dated_head(
        dated,
        line,
        title=title,
        groups=[named_group(group, line)],
        location_text=place.get("location_text", ""),
        lacks=frozenset({"group"}) if place else NO_PLACE_OR_GROUP,
    )


def read(line: OldLine, issue_date: date | None) -> Head | None:
    dated = lead(month_day(line.fields, issue_date), line.fields, AFTER_DATE)
    if dated is None or not dated.rest:
        return None
    return group_title_head(dated, parts_of(dated.rest), line)


ERA: Era = Era(
    "`[Mar  9. Columbus Rust Society - Monthly Meeting](url).`",
    core=(date(2015, 6, 1), date(2017, 5, 31)),
    span=(date(2015, 1, 1), date(2018, 12, 31)),
    read=read,
)
