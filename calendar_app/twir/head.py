"""What a grammar reads from a bullet line (`Head`), and what a grammar is.

Its own module so that the grammars (`grammars`) and the older layouts they try
(`eras/`) both build on it without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from calendar_app.twir.dates import DateRange
from calendar_app.twir.records import ParsedGroup, ParsedLink, Problem


@dataclass
class Head:
    """What a bullet line says; title lines below it are read separately."""

    dates: DateRange
    date_text: str
    location_text: str
    groups: list[ParsedGroup] = field(default_factory=list)
    title: str = ""
    title_links: list[ParsedLink] = field(default_factory=list)  # a legacy line is its own title
    extra_links: list[ParsedLink] = field(default_factory=list)  # from the groups field
    problems: list[Problem] = field(default_factory=list)
    # Fields the era's layout does not have (`location`, `group`): missing, they are no flag.
    lacks: frozenset[str] = frozenset()
    online: bool = False  # an online meeting (an IRC channel): virtual, with no place


Grammar = Callable[[str, date | None], Head | None]
