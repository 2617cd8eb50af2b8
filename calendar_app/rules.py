"""Rules with one home each, shared by ingest, feeds, exports and the admin.

Plain values only (no models): the pure matching step and the readers' callers use them
without a database.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import models
from rapidfuzz import fuzz

from calendar_app import online
from calendar_app.geocoding.text import strip_accents
from calendar_app.twir import canonical_url, is_safe_url
from calendar_app.windows import FEED_PAST_WINDOW, NEWSLETTER_WINDOW

__all__ = ["FEED_PAST_WINDOW", "NEWSLETTER_WINDOW"]  # their home is calendar_app.windows


SECTION_REGIONS = {
    "africa": "africa",
    "asia": "asia",
    "europe": "europe",
    "north america": "north-america",
    "oceania": "oceania",
    "south america": "south-america",
}


def section_region(section: str) -> str:
    """The region a newsletter's section heading names (`North America:` -> north-america)."""
    return SECTION_REGIONS.get(section.strip().rstrip(":").casefold(), "")


# What calendar clients show of a meetup and must pick up when it changes (RFC 5545 asks
# for a new SEQUENCE then): when (dates, times, zone), whether it happens (status) and
# where (its places and whether it is online: LOCATION and GEO). Its title is not one.
CALENDAR_FIELDS = frozenset(
    {"start_date", "end_date", "starts_at", "ends_at", "timezone", "status", "attendance", "places"}
)


def bumps_sequence(changed: Iterable[str]) -> bool:
    """Does changing these fields (or relations: "places") raise the iCalendar SEQUENCE?

    The one rule for every writer: ingest, calendar sync, a curator's edit, merge, unmerge.
    """
    return not CALENDAR_FIELDS.isdisjoint(changed)


def zone_or_none(name: str | None) -> ZoneInfo | None:
    """The IANA zone called `name`, or None for an empty or unknown name."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def event_timezone(own: str, place_zone: str) -> str:
    """The name of the zone an event's times are shown in: its own (a calendar's TZID, or
    the one a curator set), else its primary place's; "" when neither is known.

    The one rule of the event page, the JSON, the month grid and the .ics (which writes a
    TZID and its VTIMEZONE for it, UTC only when there is none).
    """
    return own or place_zone


def event_zone(own: str, place_zone: str) -> ZoneInfo | None:
    """The zone `event_timezone` names; None when it names none (or an unknown one)."""
    return zone_or_none(event_timezone(own, place_zone))


# --- titles alike -------------------------------------------------------------------------

# One title spelt two ways ("Rust Hack & Learn", "Rust Hack and Learn", "Zürich", "Zurich"):
# matching joins such titles (one organiser, one day), the duplicate queue proposes them.
TITLES_ALIKE = 88  # rapidfuzz token_sort_ratio of the folded titles, 0-100
# One title's own words said by the other ("RustConf", "RustConf 2030"): not the same
# title, but a curator should look (the queue proposes, matching never joins on it).
TITLES_SHARE_WORDS = 85  # rapidfuzz token_set_ratio of the distinctive words, 0-100
# Words every Rust meetup title has: they make unrelated titles look alike.
COMMON_TITLE_WORDS = frozenset(
    {"rust", "meetup", "the", "and", "of", "a", "in", "at", "with", "for", "rustaceans"}
)
_NOT_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=16384)
def fold_title(title: str) -> str:
    """`Rust Zürich: Hack & Learn!` -> `rust zurich hack learn`: accents (as search folds
    them), case and punctuation gone, other scripts kept."""
    return " ".join(_NOT_WORD.sub(" ", strip_accents(title).casefold()).split())


def distinctive_words(title: str) -> str:
    """The folded title without the words every Rust meetup title has."""
    return " ".join(w for w in fold_title(title).split() if w not in COMMON_TITLE_WORDS)


@dataclass(frozen=True)
class TitleLikeness:
    """How alike two titles are: the one notion matching and the duplicate queue share."""

    whole: float  # token_sort_ratio of the folded titles (100 when they fold the same)
    shared: float  # token_set_ratio of their distinctive words (0 when one has none)
    distinctive: bool  # both have words of their own (not only "Rust Meetup")

    @property
    def alike(self) -> bool:
        """One title spelt two ways."""
        return self.whole >= TITLES_ALIKE

    @property
    def share_words(self) -> bool:
        """Alike, or one's own words are (nearly all) the other's."""
        return self.alike or self.shared >= TITLES_SHARE_WORDS

    @property
    def score(self) -> float:
        return max(self.whole, self.shared)


def title_likeness(a: str, b: str) -> TitleLikeness:
    """How alike titles `a` and `b` are (see TitleLikeness); an empty title is like none."""
    folded_a, folded_b = fold_title(a), fold_title(b)
    if not folded_a or not folded_b:
        return TitleLikeness(0.0, 0.0, False)
    whole = 100.0 if folded_a == folded_b else float(fuzz.token_sort_ratio(folded_a, folded_b))
    words_a, words_b = distinctive_words(a), distinctive_words(b)
    distinctive = bool(words_a and words_b)
    shared = float(fuzz.token_set_ratio(words_a, words_b)) if distinctive else 0.0
    return TitleLikeness(whole, shared, distinctive)


def titles_alike(a: str, b: str) -> bool:
    """Are `a` and `b` one title spelt two ways (`title_likeness(a, b).alike`)?"""
    return title_likeness(a, b).alike


class Attendance(models.TextChoices):
    """How one attends; the values are calendar_app.online's (the readers write them)."""

    IN_PERSON = online.IN_PERSON, "In person"
    VIRTUAL = online.VIRTUAL, "Virtual"
    HYBRID = online.HYBRID, "Hybrid"


def location_text(attendance: str, place_names: Sequence[str]) -> str:
    """Where a meetup is, in words: its places joined with '; ', online attendance said.

    The one wording of the feeds' LOCATION, the "add to Google Calendar" link and exports.
    """
    names = "; ".join(place_names)
    if not names:
        return "" if attendance == Attendance.IN_PERSON else "Online"
    if attendance == Attendance.HYBRID:
        return f"{names} (and online)"
    if attendance == Attendance.VIRTUAL:
        return f"Online ({names})"  # run by a local group, but not held there
    return names


@lru_cache(maxsize=8192)  # an archive names the same few hundred organisers again and again
def group_alias_keys(name: str, url: str = "") -> tuple[str, ...]:
    """An organiser's GroupAlias keys: `url:` first (a URL identifies it better), `name:`."""
    keys = []
    if url and is_safe_url(url):
        keys.append(f"url:{organiser_page(url)}"[:1100])
    if name.strip():
        keys.append(f"name:{' '.join(name.split()).casefold()}"[:1100])
    return tuple(keys)


def organiser_page(url: str) -> str:
    """The canonical page an organiser's link stands for: a Meetup group's page whatever
    part of it is linked (`/<group>/events/` is `/<group>`)."""
    canonical = canonical_url(url)
    prefix = "https://meetup.com/"
    if canonical.startswith(prefix) and "/" in canonical[len(prefix) :]:
        return prefix + canonical[len(prefix) :].split("/", 1)[0]
    return canonical


def listing_keys(name: str, url: str = "") -> tuple[str, str]:
    """(name key, url key) of one listing of an organiser: either may be ""."""
    name_key = url_key = ""
    for key in group_alias_keys(name, url):
        if key.startswith("url:"):
            url_key = key
        else:
            name_key = key
    return name_key, url_key


def listing_digest(name_key: str, url_key: str) -> str:
    """GroupListing.key: one row per (name, page) pair."""
    return hashlib.sha256(f"{name_key}\n{url_key}".encode()).hexdigest()


class FlagKind(models.TextChoices):
    """Every kind of Flag; the readers (pure Python, no Django) write the same values."""

    UNPARSED = "unparsed", "Unparsed line"
    DATE_OUTSIDE_WINDOW = "date_outside_window", "Date outside the window"
    YEAR_CORRECTED = "year_corrected", "Year corrected"
    NO_TITLE = "no_title", "No title"
    SECTION_MISMATCH = "section_mismatch", "Section and place disagree"
    ADMIN1_MISMATCH = "admin1_mismatch", "Region code mismatch"
    COUNTRY_CORRECTED = "country_corrected", "Country corrected"
    GEOCODE_FUZZY = "geocode_fuzzy", "Fuzzy geocode"
    GEOCODE_FAILED = "geocode_failed", "Geocoding failed"
    POSSIBLE_DUPLICATE = "possible_duplicate", "Possible duplicate"
    RESCHEDULED = "rescheduled", "Rescheduled"
    NO_EVENTS_SECTION = "no_events_section", "No events section"
    NO_ISSUE_DATE = "no_issue_date", "No issue date"
    NO_GROUP = "no_group", "No organiser"
    NO_LOCATION = "no_location", "No location"
    UNCLEAR_DATES = "unclear_dates", "Unclear dates"
    END_BEFORE_START = "end_before_start", "End before start"
    MALFORMED = "malformed", "Malformed"
    UNSAFE_URL = "unsafe_url", "Unsafe link"
    NO_WINDOW = "no_window", "No window announced"
    RENDER_FAILED = "render_failed", "Could not be written in a feed"
    DATE_TYPO = "date_typo", "Month name misspelt"
    UNEXPECTED_LAYOUT = "unexpected_layout", "Layout of another era"
    CALENDAR_PROBLEM = "calendar_problem", "Calendar event problem"
    GONE_FROM_CALENDAR = "gone_from_calendar", "Gone from its calendar"
    ORGANISER_NAME_MISMATCH = "organiser_name_mismatch", "Organiser's name with another's page"
    LINK_OF_ANOTHER_EVENT = "link_of_another_event", "Link of another event"
    DATE_DIFFERS_FROM_CALENDAR = "date_differs_from_calendar", "Date differs from its calendar"
