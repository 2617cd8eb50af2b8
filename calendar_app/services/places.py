"""Places: one row per distinct normalised location text, geocoded once when first seen."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from calendar_app.geocoding import normalise_location, region_for_country
from calendar_app.models import Flag, Newsletter, Place, PlaceStatus
from calendar_app.services.geocode import fill_place, geocode_place


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
        self.problems: list[tuple[Place, str, str]] = []

    def prepare(self, texts: Iterable[str]) -> None:
        written: dict[str, str] = {}
        for text in texts:
            written.setdefault(place_key(text), text.strip()[:500])
        written.pop("", None)
        rows = self._read(written)
        missing = [
            Place(text=key, written=text) for key, text in written.items() if key not in rows
        ]
        if missing:  # geocoded first, then created with their history in three queries
            problems = {place.text: fill_place(place) for place in missing}
            Place.objects.bulk_create(missing, ignore_conflicts=True)
            rows = self._read(written)
            for place in missing:
                place.pk = rows[place.text][0]
                self.problems += [(place, kind, message) for kind, message in problems[place.text]]
            Place.history.bulk_history_create(missing)
        pending = [
            pk
            for pk, status, locked, _ in rows.values()
            if status == PlaceStatus.PENDING and not locked
        ]
        for place in Place.objects.filter(pk__in=pending) if pending else ():
            for kind, message in geocode_place(place):
                self.problems.append((place, kind, message))
            rows[place.text] = (place.pk, place.status, place.locked, place.country)
        self.by_key = {
            key: KnownPlace(pk, status, country) for key, (pk, status, _, country) in rows.items()
        }
        self.by_id = {place.pk: place for place in self.by_key.values()}

    @staticmethod
    def _read(keys: Iterable[str]) -> dict[str, tuple[int, str, bool, str]]:
        rows = Place.objects.filter(text__in=keys).values_list(
            "text", "pk", "status", "locked", "country"
        )
        return {text: (pk, status, locked, country) for text, pk, status, locked, country in rows}

    def flags(self, newsletter: Newsletter) -> list[Flag]:
        """One flag per doubtful place, raised when it is first geocoded (not per entry)."""
        return [
            Flag(kind=kind, message=message, place=place, newsletter=newsletter)
            for place, kind, message in self.problems
        ]

    def usable_id(self, text: str) -> int | None:
        """The place to attach to a meetup; none for texts that are not places."""
        place = self.by_key.get(place_key(text))
        if place is None or place.status == PlaceStatus.NOT_A_PLACE:
            return None
        return place.pk

    def region(self, place_id: int) -> str:
        place = self.by_id.get(place_id)
        return region_for_country(place.country) if place and place.country else ""
