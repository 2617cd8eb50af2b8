"""February - August 2015: `* [Feb. 9. Sydney Meetup][syd]. Huon Wilson ... will be attending.`

Reference-style links (resolved before the line is read, see `prepare`), free text after
the link, lines wrapped onto the next. The link text is the title; no place, no organiser.
"""

from __future__ import annotations

from datetime import date

from calendar_app.twir.eras.common import Era, dated_title_reader
from calendar_app.twir.eras.days import leading_day

ERA: Era = Era(
    "`[Feb. 9. Sydney Meetup][syd]. Free text`",
    core=(date(2015, 2, 1), date(2015, 8, 31)),
    span=(date(2015, 1, 1), date(2015, 10, 31)),
    read=dated_title_reader(leading_day),
)
