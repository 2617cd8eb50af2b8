"""February - August 2015: `* [Feb. 9. Sydney Meetup][syd]. Huon Wilson ... will be attending.`

Reference-style links (resolved before the line is read, see `prepare`), free text after
the link, lines wrapped onto the next. The link text is the title; no place, no organiser.
"""

from __future__ import annotations

import re
from datetime import date

from calendar_app.twir.eras.common import Era, OldLine, lead, untitled_head
from calendar_app.twir.eras.days import month_day
from calendar_app.twir.grammars import Head

_AFTER_DATE = re.compile(r"\s*[.:]\s+")


def read(line: OldLine, issue_date: date | None) -> Head | None:
    dated = lead(month_day(line.fields, issue_date), line.fields, _AFTER_DATE)
    if dated is None or not dated.rest:
        return None
    return untitled_head(dated, dated.rest, line)


ERA: Era = Era(
    "`[Feb. 9. Sydney Meetup][syd]. Free text`",
    core=(date(2015, 2, 1), date(2015, 8, 31)),
    span=(date(2015, 1, 1), date(2015, 10, 31)),
    read=read,
)
