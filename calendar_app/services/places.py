"""Places: one row per distinct normalised location text, geocoded once when first seen."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from calendar_app.geocoding import normalise_location
from calendar_app.geocoding.regions import place_region
from calendar_app.models import Flag, Place, PlaceStatus
from calendar_app.services.geocode import fill_place, geocode_place
from calendar_app.services.history import history_rows
from calendar_app.services.search_index import fold_into


@lru_cache(maxsize=8192)  # the same place texts come back in every issue
def place_key(text: str) -> str:
    return normalise_location(text)[:500]


class KnownPlace(NamedTuple):
    """What matching and regions need of a Place (not the whole row)."""

    pk: int
    status: str
    country: str


class PlaceResolver:
    """Finds or creates a newsletter's places in a few queries and geocodes the new ones."""

    def __init__(self) -> None:
        self.by_key: dict[str, KnownPlace] = {}
        self.by_id: dict[int, KnownPlace] = {}
        self.regions: dict[int, str] = {}  # place id -> region slug ("" when unknown)
        self.problems: list[tuple[Place, str, str]] = []

    def prepare(self, texts: Iterable[str]) -> None:
        written: dict[str, str] = {}
        for text in texts:
            written.setdefault(place_key(text), text.strip()[:500])
        written.pop("", None)
        for key in self.by_key:  # known from an earlier call
            written.pop(key, None)
        if not written:
            return
        rows = self._read(written)
        missing = [
            Place(text=key, written=text) for key, text in written.items() if key not in rows
        ]
        if missing:  # geocoded first, then created with their history in three queries
            problems = {place.text: fill_place(place) for place in missing}
            for place in missing:
                fold_into(place)
            Place.objects.bulk_create(missing, ignore_conflicts=True)
            rows = self._read(written)
            for place in missing:
                place.pk = rows[place.text][0]
                self.problems += [(place, kind, message) for kind, message in problems[place.text]]
            history_rows(model=Place, objs=missing)
        pending = [
            pk
            for pk, status, locked, _ in rows.values()
            if status == PlaceStatus.PENDING and not locked
        ]
        for place in Place.objects.filter(pk__in=pending) if pending else ():
            for kind, message in geocode_place(place):
                self.problems.append((place, kind, message))
            rows[place.text] = (place.pk, place.status, place.locked, place.country)
        for key, (pk, status, _, country) in rows.items():
            self.by_key[key] = self.by_id[pk] = KnownPlace(pk, status, country)
            self.regions[pk] = place_region(country, status)

    @staticmethod
    def _read(keys: Iterable[str]) -> dict[str, tuple[int, str, bool, str]]:
        texts = sorted(keys)
        rows = Place.objects.filter(text__in=texts).values_list(
            "text", "id", "status", "locked", "country"
        )
        return {text: (pk, status, locked, country) for text, pk, status, locked, country in rows}

    def flags(self) -> list[Flag]:
        """One flag per doubtful place, raised when it is first geocoded (not per entry).

        It concerns the place, not the newsletter that happened to name it first (which
        depends on the order of ingestion).
        """
        flags = [
            Flag(kind=kind, message=message, place=place) for place, kind, message in self.problems
        ]
        self.problems = []
        return flags

    def usable_id(self, text: str) -> int | None:
        """The place to attach to a meetup; none for texts that are not places."""
        place = self.by_key.get(place_key(text))
        if place is None or place.status == PlaceStatus.NOT_A_PLACE:
            return None
        return place.pk
