"""What every geocoder returns, and the protocol the rest of the project relies on."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from calendar_app.geocoding.text import normalise_location

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


class MemoGeocoder:
    """A geocoder that resolves each normalised text once per process (thread-safe).

    Subclasses implement ``_resolve``; ``_keep`` says whether an answer may be reused
    (a failed request should be tried again next time).
    """

    def __init__(self) -> None:
        self._memo: dict[str, GeoResult] = {}
        self._lock = threading.Lock()
        self.lookups = 0  # resolutions done (memo misses), for tests and benchmarks

    def geocode(self, text: str) -> GeoResult:
        key = normalise_location(text)
        with self._lock:
            hit = self._memo.get(key)
        if hit is not None:
            return copy_result(hit)
        result = self._resolve(text)
        with self._lock:
            self.lookups += 1
            if self._keep(result):
                self._memo[key] = result
        return copy_result(result)

    def _resolve(self, text: str) -> GeoResult:
        raise NotImplementedError

    def _keep(self, result: GeoResult) -> bool:
        return True


def copy_result(result: GeoResult) -> GeoResult:
    """Callers may edit what they get; the memo keeps its own copy."""
    return GeoResult(
        **{**result.__dict__, "problems": list(result.problems), "raw": dict(result.raw)}
    )
