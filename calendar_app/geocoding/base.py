"""What every geocoder returns, and the protocol the rest of the project relies on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

RESOLVED = "resolved"
FUZZY = "fuzzy"  # a guess (typo, a region instead of a city): a curator should look
CORRECTED = "corrected"  # resolved, but the subdivision or country as written was wrong
NOT_FOUND = "not_found"
NOT_A_PLACE = "not_a_place"  # "Global", "Europe / Africa", "PDT Timezone": no flag

# Problem kinds: the Flag kinds the ingest raises for a Place.
ADMIN1_MISMATCH = "admin1_mismatch"
GEOCODE_FUZZY = "geocode_fuzzy"
GEOCODE_FAILED = "geocode_failed"
COUNTRY_CORRECTED = "country_corrected"


@dataclass
class GeoResult:
    """One geocoded place text. ``admin1`` is written the way editors write it."""

    status: str
    city: str = ""
    admin1: str = ""
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None
    timezone: str = ""
    geocoder: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)
    raw: dict = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.status in (RESOLVED, FUZZY, CORRECTED)


@runtime_checkable
class Geocoder(Protocol):
    """Turns one place text (``Nürnberg, BY, DE``) into a GeoResult."""

    name: str

    def geocode(self, text: str) -> GeoResult: ...
