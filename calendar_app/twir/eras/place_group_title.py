"""Mid 2017 - 2020: `* [Mar  8. Columbus, US - Columbus Rust Society - Monthly Meeting](url).`

`Mon D. City, CC - Group - Title`; with two parts `City, CC - Title`. Lines of the
layout before (no place: IRC meetings, `Rust release triage`, `Rust NYC - Hack & Learn`)
run on, and strays put the place second (`Triangle Rustaceans - Durham, NC - Hack Night`).
Only a part shaped like a place is a place: `Rust NYC` is never geocoded.
"""

from __future__ import annotations

from datetime import date

from calendar_app.twir.eras.common import (
    Era,
    OldLine,
    dated_head,
    is_place,
    lead,
    named_group,
    parts_of,
)
from calendar_app.twir.eras.days import month_day
from calendar_app.twir.eras.group_title import AFTER_DATE, group_title_head
from calendar_app.twir.head import Head


def read(line: OldLine, issue_date: date | None) -> Head | None:
    dated = lead(month_day(line.fields, issue_date), line.fields, AFTER_DATE)
    if dated is None or not dated.rest:
        return None
    parts = parts_of(dated.rest)
    if is_place(parts[0]):
        return group_title_head(dated, parts[1:], line, location_text=parts[0])
    if len(parts) >= 3 and is_place(parts[1]):  # `Triangle Rustaceans - Durham, NC - Hack Night`
        return dated_head(
            dated,
            line,
            title=" - ".join(parts[2:]),
            location_text=parts[1],
            groups=[named_group(parts[0], line)],
        )
    return group_title_head(dated, parts, line)


ERA: Era = Era(
    "`[Mar  8. Columbus, US - Columbus Rust Society - Monthly Meeting](url).`",
    core=(date(2017, 6, 1), date(2020, 10, 15)),
    span=(date(2017, 3, 1), date(2020, 12, 31)),
    read=read,
)
