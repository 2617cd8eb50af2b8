"""A calendar's LOCATION as the editors write places: `Berlin, DE`, `Austin, TX, US`.

Calendars write venues and street addresses (`Venue (Street 1, District, City, Country
12345)`, `Venue, 815 St. Laurent Blvd, Ottawa, ON`); the newsletter writes the city. The
address's own parts are tried, from the end, against the offline gazetteer (no network),
and the first one that names a city becomes the place text, so a calendar's event lands on
the same Place as the newsletter's entries. Pure Python, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from calendar_app.geocoding import RESOLVED, Geocoder, OfflineGeocoder

SUBDIVISION_COUNTRIES = frozenset({"US", "CA", "AU"})  # `City, ST, CC`
_POSTAL = re.compile(r"\b[A-Z]{0,2}\d[\dA-Z]*(?:[ -]\d+)?\b")


@lru_cache(maxsize=1)
def _gazetteer() -> Geocoder:
    return OfflineGeocoder()


def address_parts(location: str) -> list[str]:
    """The comma parts that may name places: within the parentheses if there are some,
    without postal codes, without parts that hold house numbers."""
    text = location.strip()
    if text.endswith(")") and "(" in text:
        text = text[text.index("(") + 1 : -1]
    parts = [_POSTAL.sub("", part).strip(" -") for part in text.split(",")]
    raw = [part.strip() for part in text.split(",")]
    return [
        part
        for part, original in zip(parts, raw, strict=True)
        if part and not any(ch.isdigit() for ch in original.split()[0] if original)
    ]


def _candidates(parts: list[str]) -> Iterator[str]:
    for size in (3, 2):
        if len(parts) >= size:
            yield ", ".join(parts[-size:])
    for part in reversed(parts[:-2]):
        yield f"{part}, {parts[-1]}"


def place_text(location: str, geocoder: Geocoder | None = None) -> str:
    """`City, CC` (`City, ST, CC` in the US, Canada and Australia) for a LOCATION, or ""
    when none of its parts is a city the gazetteer knows."""
    parts = address_parts(location)
    if len(parts) < 2:
        return ""
    geocoder = geocoder or _gazetteer()
    for candidate in _candidates(parts):
        result = geocoder.geocode(candidate)
        if result.status == RESOLVED and result.city and result.country:
            if result.country in SUBDIVISION_COUNTRIES and result.admin1:
                return f"{result.city}, {result.admin1}, {result.country}"
            return f"{result.city}, {result.country}"
    return ""
