"""April - November 2021:
`* [June 8, 2021, Seattle, WA, US - Monthly meetup - Seattle Rust Meetup](url)`.

`Month D, YYYY, City, ST, CC - Title - Group`; typos such as `June 29. 2021`, and ISO
dates (`2021-06-23, Zurich, CH - ...`).
"""

from __future__ import annotations

import re
from datetime import date

from calendar_app.twir.eras.common import Era, OldLine, lead
from calendar_app.twir.eras.days import Found, iso_day, month_day
from calendar_app.twir.eras.place_title_group import AFTER_DATE, title_group_head
from calendar_app.twir.head import Head


def leading_date(text: str, issue_date: date | None) -> Found | None:
    found = month_day(text, issue_date)
    if found and re.search(r"\d{4}", text[: found.end]):
        return found
    iso = iso_day(text)
    if iso and iso[1].start() == 0:
        return Found(iso[0], iso[1].end())
    return None


def read(line: OldLine, issue_date: date | None) -> Head | None:
    dated = lead(leading_date(line.fields, issue_date), line.fields, AFTER_DATE)
    return title_group_head(dated, line) if dated and dated.rest else None


ERA: Era = Era(
    "`[June 8, 2021, Seattle, WA, US - Monthly meetup - Seattle Rust Meetup](url)`",
    core=(date(2021, 4, 1), date(2021, 11, 15)),
    span=(date(2021, 2, 1), date(2021, 12, 31)),
    read=read,
)
