"""October 2020 - March 2021: `* [November 12, Berlin, DE - Rust Hack and Learn - Berline.rs](url)`.

`Month D, City, CC - Title - Group`: the title comes before the organiser now, and
the title may hold ` - ` itself (`Book #24 - Rust for Rustaceans - Los Gatos Reading Group`).
"""

from __future__ import annotations

import re
from datetime import date

from calendar_app.twir.eras.common import (
    Dated,
    Era,
    OldLine,
    dated_head,
    group_of_link,
    is_place,
    lead,
    named_group,
    online_meeting,
    parts_of,
    spelled_parts,
    untitled_head,
)
from calendar_app.twir.eras.days import month_day
from calendar_app.twir.head import Head

AFTER_DATE = re.compile(r"\s*,\s*")
_NAMED = re.compile(r"\b(?:rust\w*|meetup|group)\b", re.IGNORECASE)


def _is_location(part: str) -> bool:
    """The first part is the place here, spelt loosely too (`Tel Aviv, Israel`)."""
    return is_place(part) or ("," in part and not _NAMED.search(part.split(",")[0]))


def title_group_head(dated: Dated, line: OldLine) -> Head:
    """`City, CC - Title - Group` after the date."""
    parts = parts_of(dated.rest)
    if not parts or (online_meeting(dated.rest, line) and not _is_location(parts[0])):
        return untitled_head(dated, dated.rest, line)
    location = parts[0] if _is_location(parts[0]) else ""
    rest = parts[1:] if location else parts
    if len(rest) >= 2:
        named = min(spelled_parts(rest, line, trailing=True) or 1, len(rest) - 1)
        title = " - ".join(rest[:-named])
        groups = [named_group(" - ".join(rest[-named:]), line)]
    else:
        title = rest[0] if rest else ""
        groups = group_of_link(title, line)
    return dated_head(dated, line, title=title, location_text=location, groups=groups)


def read(line: OldLine, issue_date: date | None) -> Head | None:
    found = month_day(line.fields, issue_date)
    if found is None or re.search(r"\d{4}", line.fields[: found.end]):
        return None  # `June 8, 2021, ...` is the next layout
    dated = lead(found, line.fields, AFTER_DATE)
    return title_group_head(dated, line) if dated and dated.rest else None


ERA: Era = Era(
    "`[November 12, Berlin, DE - Rust Hack and Learn - Berline.rs](url)`",
    core=(date(2020, 10, 1), date(2021, 3, 31)),
    span=(date(2020, 8, 1), date(2021, 6, 30)),
    read=read,
)
