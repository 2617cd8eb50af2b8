"""Which era reads a line: those whose time the issue falls in first, then the others.

A line of another era's shape (a stray) is still read, with a flag saying so, because
the order of title and organiser changed between eras and a stray may be read wrong.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from calendar_app.twir.eras import (
    dated_title_group,
    group_title,
    iso_titles,
    pipes,
    place_group_title,
    place_title_group,
    references,
    slash_dates,
)
from calendar_app.twir.eras.common import Era, OldLine
from calendar_app.twir.head import Head
from calendar_app.twir.records import Problem

ERAS: tuple[Era, ...] = (
    iso_titles.ERA,
    references.ERA,
    slash_dates.ERA,
    group_title.ERA,
    place_group_title.ERA,
    place_title_group.ERA,
    dated_title_group.ERA,
    pipes.ERA,
)


def _distance(day: date, first: date, last: date) -> int:
    return max((first - day).days, (day - last).days, 0)


@lru_cache(maxsize=4096)
def eras_for(issue_date: date | None) -> tuple[tuple[Era, bool], ...]:
    """(era, expected) in the order to try: eras of the issue's time, nearest first."""
    if issue_date is None:
        return tuple((era, True) for era in ERAS)

    def order(era: Era) -> tuple[int, int]:
        return _distance(issue_date, *era.core), _distance(issue_date, *era.span)

    ordered = sorted(ERAS, key=order)  # stable: ties keep the archive's order
    return tuple((era, _distance(issue_date, *era.span) == 0) for era in ordered)


def history(text: str, issue_date: date | None) -> Head | None:
    """The Head of an old entry line, or None when no era's shape fits."""
    line = OldLine.read(text)
    for era, expected in eras_for(issue_date):
        head = era.read(line, issue_date)
        if head is None:
            continue
        if not expected:
            head.problems.append(
                Problem(
                    "unexpected_layout",
                    f"read in the layout of {era.core[0].year}-{era.core[1].year} "
                    f"({era.layout}) in an issue of {issue_date}: check title and organiser",
                )
            )
        return head
    return None
