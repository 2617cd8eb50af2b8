"""Rules with one home each, shared by ingest, feeds, exports and the admin.

Plain values only (no models): the pure matching step and the readers' callers use them
without a database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import timedelta
from functools import lru_cache

from django.db import models

from calendar_app.twir import canonical_url, is_safe_url

# Feeds (and `export_events --format ics`) keep this much of the past, so calendar
# clients see cancellations and recent events.
FEED_PAST_WINDOW = timedelta(days=30)
# However a feed is asked for (`include_past`, an old `start`), it reaches no further back
# than this, and holds at most FEED_MAX_EVENTS meetups (the upcoming ones first, soonest
# first, then the past, newest first): one uncached render stays bounded in time and bytes
# whatever the size of the archive (bench/RESULTS.md).
FEED_MAX_PAST = timedelta(days=365)
FEED_MAX_EVENTS = 3000
# A newsletter's "Upcoming Events" cover four weeks from its date.
NEWSLETTER_WINDOW = timedelta(days=28)

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


class Attendance(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIRTUAL = "virtual", "Virtual"
    HYBRID = "hybrid", "Hybrid"


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
