"""A Meetup LOCATION's venue city, state and country, and how the editors' tool writes them.

The editors' Meetup tool (`tools/events/meetup-automation` in the TWIR repository) writes
an event's place from Meetup's venue: the city through `string.capwords`, the state and
the country code upper-case, no state for GB (Meetup puts part of the postcode there).
A Meetup feed's LOCATION is `Venue (street, [district,] City, [ST,] Country postcode)`;
this reads the same three parts from it. Pure Python, no Django, no gazetteer.
"""

from __future__ import annotations

import re
import string
from typing import NamedTuple

from calendar_app.geocoding.countries import normalise_country

NO_STATE = frozenset({"GB"})
_STATE = re.compile(r"^[A-Za-z]{2,3}$")
_POSTCODE_TAIL = re.compile(r"(?:\s+[A-Z]{0,2}\d[\dA-Z-]*)+$")


class Venue(NamedTuple):
    city: str
    state: str
    country: str  # ISO 3166-1 alpha-2


def meetup_venue(location: str) -> Venue | None:
    """`Google (1600 Amphitheatre Pkwy, Mountain View, CA, USA 94043)` ->
    Venue("Mountain View", "CA", "US"); None when no country closes the address."""
    text = location.strip()
    if text.endswith(")") and "(" in text:
        text = text[text.rindex("(") + 1 : -1]
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if len(parts) < 2:
        return None
    country = normalise_country(_POSTCODE_TAIL.sub("", parts[-1]).strip())
    if not country:
        return None
    rest = parts[:-1]
    state = ""
    if len(rest) >= 2 and _STATE.match(rest[-1]):
        state, rest = rest[-1].upper(), rest[:-1]
    # The city is the last part that holds no digit (a postcode part, `EC2M 7EB`, has one).
    city = next((part for part in reversed(rest) if not any(c.isdigit() for c in part)), "")
    return Venue(city, state, country) if city else None


def tool_location(venue: Venue) -> str:
    """`Mountain View, CA, US`; `London, GB` (no state for GB), as the editors' tool writes."""
    parts = [string.capwords(venue.city)]
    if venue.state and venue.country not in NO_STATE:
        parts.append(venue.state.upper())
    parts.append(venue.country.upper())
    return ", ".join(parts)
