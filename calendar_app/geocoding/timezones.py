"""Time zone from coordinates, for places not taken from the gazetteer.

The gazetteer carries a zone per city; coordinates from Nominatim or typed by a
curator go through timezonefinder, whose data takes a moment to open: one lazily
created instance per process.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from timezonefinder import TimezoneFinder

_lock = threading.Lock()
_finder: TimezoneFinder | None = None


def _get_finder() -> TimezoneFinder:
    global _finder
    with _lock:
        if _finder is None:
            from timezonefinder import TimezoneFinder  # its data takes a moment to open

            _finder = TimezoneFinder()
        return _finder


def timezone_at(lat: float | None, lon: float | None) -> str:
    """IANA zone name at a point (``Europe/Berlin``); "" if unknown or no point."""
    if lat is None or lon is None:
        return ""
    finder = _get_finder()
    return finder.timezone_at(lng=float(lon), lat=float(lat)) or ""
