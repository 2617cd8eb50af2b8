"""Great-circle distance: the one formula.

The near-me filter writes it in SQL, in queries/filters.py.
"""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Kilometres between two (latitude, longitude) points on a spherical Earth."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    cosine = math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(
        lon2 - lon1
    )
    return EARTH_RADIUS_KM * math.acos(max(-1.0, min(1.0, cosine)))  # rounding may pass 1
