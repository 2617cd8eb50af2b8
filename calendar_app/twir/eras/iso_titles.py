"""2014 - early 2015, `## Upcoming Meetups` / `# Meetups`: the date inside the title.

`* [2014-12-08 Seattle Rust Meetup](url)`, prose such as `[Rust Paris, December 18th](url)`,
or a link with its date on the next line. No place or organiser fields.
"""

from __future__ import annotations

import re
from datetime import date

from calendar_app.twir.dates import DateRange
from calendar_app.twir.eras.common import EDGES, Dated, Era, OldLine, untitled_head
from calendar_app.twir.eras.days import iso_day, prose_day
from calendar_app.twir.head import Head

_ISO_FIRST = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:\s|$)")
_DANGLING = frozenset({"on", "at", "in", "for", "the"})  # `Rust Paris on December 18th`


def _date_in(text: str, issue_date: date | None) -> tuple[DateRange, re.Match[str]] | None:
    return iso_day(text) or prose_day(text, issue_date)


def read(line: OldLine, issue_date: date | None) -> Head | None:
    fields = line.fields
    if re.match(r"^\d{4}-\d", fields) and not _ISO_FIRST.match(fields):
        return None  # `2021-06-23, Zurich, CH - ...` is a 2021 line
    found = _date_in(fields, issue_date)
    title = fields
    if found:
        dates, match = found
        title = fields[: match.start()] + " " + fields[match.end() :]
    elif line.rest and (found := _date_in(line.rest, issue_date)):
        dates, match = found
    else:
        return None
    words = title.strip(EDGES).split()
    while words and words[-1].casefold() in _DANGLING:
        words.pop()
    while words and words[0].casefold() in {"on", "at"}:
        words.pop(0)
    title = " ".join(words).strip(EDGES)
    return untitled_head(Dated(dates, match.group(), (), ""), title, line)


ERA: Era = Era(
    "`[2014-12-08 Seattle Rust Meetup](url)`",
    core=(date(2014, 11, 1), date(2015, 1, 31)),
    span=(date(2014, 1, 1), date(2015, 3, 31)),
    read=read,
)
