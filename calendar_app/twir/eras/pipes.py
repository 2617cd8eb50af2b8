"""November 2021 - February 2022:
`* [December 3, 2021 | New York City, NY, US | **Title** | Group](url)`.

Pipes inside one link text. The bold part is the title, whatever it holds (`|`, `||`,
` - `); what follows is the organiser, `|` and all.
"""

from __future__ import annotations

import re
from datetime import date

from calendar_app.twir.eras.common import (
    EDGES,
    Dated,
    Era,
    OldLine,
    dated_head,
    group_of_link,
    named_group,
)
from calendar_app.twir.eras.dated_title_group import leading_date
from calendar_app.twir.head import Head
from calendar_app.twir.links import plain

_FIELD = re.compile(r"(?<!\|)\|(?!\|)")  # `||` inside a title or name splits nothing
_BOLD_TITLE = re.compile(r"^\s*\*\*(?P<title>.+?)\*\*\s*(?:\|(?P<group>.*))?$", re.DOTALL)


def _title_and_group(rest: str) -> tuple[str, str]:
    if bold := _BOLD_TITLE.match(rest):
        return plain(bold["title"]), plain(bold["group"] or "").strip(EDGES)
    fields = _FIELD.split(rest, maxsplit=1)
    return plain(fields[0]).strip(EDGES), plain(fields[1] if len(fields) > 1 else "").strip(EDGES)


def read(line: OldLine, issue_date: date | None) -> Head | None:
    fields = _FIELD.split(line.written.lstrip(" *"), maxsplit=2)
    if len(fields) < 3:
        return None
    found = leading_date(plain(fields[0]).strip(EDGES), issue_date)
    if found is None:
        return None
    date_text = plain(fields[0]).strip(EDGES)
    dated = Dated(found.dates, date_text, found.problems, "")
    title, group = _title_and_group(fields[2])
    groups = [named_group(group, line)] if group else group_of_link(title, line)
    location = plain(fields[1]).strip(EDGES)
    return dated_head(dated, line, title=title, location_text=location, groups=groups)


ERA: Era = Era(
    "`[December 3, 2021 | New York City, NY, US | **Title** | Group](url)`",
    core=(date(2021, 11, 15), date(2022, 2, 28)),
    span=(date(2021, 9, 1), date(2022, 6, 30)),
    read=read,
)
