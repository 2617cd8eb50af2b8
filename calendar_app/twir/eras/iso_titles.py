"""2014 - early 2015, `## Upcoming Meetups` / `# Meetups`: the date inside the title.

`* [2014-12-08 Seattle Rust Meetup](url)`, `* 2014-12-18: [Bay Area Rust](url)`, prose
such as `[Rust Paris, December 18th](url)`, `[Rust Paris](url) on the 15th of December`,
`[Bay Area Rust](url), Thursday Dec. 18 at 7pm`, or a link with its date on the next line.
No place or organiser fields. Other eras' lines that no other era reads end here too.
"""

from __future__ import annotations

import re
from datetime import date

from calendar_app.twir.eras.common import EDGES, Dated, Era, OldLine, untitled_head
from calendar_app.twir.eras.days import any_day
from calendar_app.twir.head import Head

# `2021-06-23, Zurich, CH - ...` is a line of 2021, with a place after the comma.
_LATER_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}\s*,")
_DANGLING = frozenset({"on", "at", "in", "for", "the", "of"})  # `Rust Paris on December 18th`
# A time right after the day (`December 18th at 7pm`, `@ 18:30`) goes with it.
_TIME = re.compile(r"\s*,?\s*(?:at|@|from)?\s*\d{1,2}(?:[:.h]\d{2})?\s*(?:[ap]\.?m\.?)?(?![\w:])")


def read(line: OldLine, issue_date: date | None) -> Head | None:
    fields = line.fields
    if _LATER_ISO.match(fields):
        return None
    title = fields
    if found := any_day(fields, issue_date):
        day, start = found
        end = day.end
        if (time := _TIME.match(fields, end)) and re.search(r"[ap]\.?m|[:h.]\d|at|@", time[0]):
            end = time.end()
        title = fields[:start] + " " + fields[end:]
        written = fields[start : day.end]
    elif line.rest and (found := any_day(line.rest, issue_date)):
        day, start = found
        written = line.rest[start : day.end]
    else:
        return None
    words = title.strip(EDGES).split()
    while words and words[-1].casefold() in _DANGLING:
        words.pop()
    while words and words[0].casefold() in {"on", "at"}:
        words.pop(0)
    title = " ".join(words).strip(EDGES)
    return untitled_head(Dated(day.dates, written.strip(EDGES), day.problems, ""), title, line)


ERA: Era = Era(
    "`[2014-12-08 Seattle Rust Meetup](url)`",
    core=(date(2014, 11, 1), date(2015, 1, 31)),
    span=(date(2014, 1, 1), date(2015, 3, 31)),
    read=read,
)
