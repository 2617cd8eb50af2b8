"""Values the parser produces. Pure data: the ingest service turns them into models."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date

from calendar_app.online import HYBRID, IN_PERSON, VIRTUAL

__all__ = ["HYBRID", "IN_PERSON", "VIRTUAL"]  # the attendance values of calendar_app.online


@dataclass(frozen=True)
class Problem:
    """Something doubtful about an entry; becomes a Flag of this kind."""

    kind: str  # e.g. "unparsed", "year_corrected", "date_outside_window", "no_title"
    message: str


@dataclass(frozen=True)
class ParsedPlace:
    """One place as written in the location field (before geocoding)."""

    text: str  # the place as written, e.g. "Nürnberg, BY, DE" or "Biel/Bienne, CH"
    city: str  # "Nürnberg", "Biel/Bienne"
    subdivision: str = ""  # "BY", "" when absent
    country: str = ""  # as written: "DE", "UK", "AUS", "Israel", "" when absent


@dataclass(frozen=True)
class ParsedGroup:
    name: str
    url: str = ""  # "" for an unlinked group


@dataclass(frozen=True)
class ParsedLink:
    url: str
    label: str  # the link text, without ** (e.g. "Mirror: Rust Hack n Learn", "Stream")
    primary: bool = False  # the first link of the first title line


@dataclass
class ParsedEntry:
    line: int  # 1-based line number of the top-level bullet in the file
    section: str  # region heading as written, without "### " and trailing colon ("Virtual")
    raw: str  # the raw lines of the entry (bullet + nested lines), joined with "\n"
    start_date: date | None
    end_date: date | None  # == start_date for one-day events
    attendance: str  # IN_PERSON | VIRTUAL | HYBRID
    location_text: str  # the location field as written (stripped)
    places: list[ParsedPlace] = field(default_factory=list)
    groups: list[ParsedGroup] = field(default_factory=list)
    title: str = ""  # text of the primary link, without ** ("" if no title line)
    links: list[ParsedLink] = field(default_factory=list)  # title-line links, in order
    problems: list[Problem] = field(default_factory=list)
    original_dates: str = ""  # the date field as written, kept when a year was corrected

    @property
    def ok(self) -> bool:
        """False when the entry could not be read at all (no date): an `unparsed` flag."""
        return self.start_date is not None


@dataclass
class ParsedNewsletter:
    number: int | None
    date: dt.date | None
    title: str
    window_start: dt.date | None
    window_end: dt.date | None
    has_events_section: bool
    entries: list[ParsedEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # file-level (no section, ...)
    repaired: bool = False  # text repair changed something
