"""September 2015 - early 2017: `* [10/13. San Diego Rust Meetup #9](url).` (month/day),
and unlinked `* 6/8. Rust Community Team Meeting at #rust-community on irc.mozilla.org.`

The text after the date is the title, ` - ` and all; IRC meetings are online.
"""

from __future__ import annotations

from datetime import date

from calendar_app.twir.eras.common import Era, dated_title_reader
from calendar_app.twir.eras.days import slash_day

ERA: Era = Era(
    "`[10/13. San Diego Rust Meetup #9](url).`",
    core=(date(2015, 9, 1), date(2017, 2, 28)),
    span=(date(2015, 8, 1), date(2017, 6, 30)),
    read=dated_title_reader(slash_day),
)
