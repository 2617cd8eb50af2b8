"""Places: one row per distinct normalised location text, geocoded once when first seen."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from calendar_app.geocoding import normalise_location, region_for_country
from calendar_app.models import Flag, Newsletter, Place, PlaceStatus
from calendar_app.services.geocode import geocode_place


@lru_cache(maxsize=8192)  # the same place texts come back in every issue
def place_key(text: str) -> str:
    return normalise_location(text)[:500]


class PlaceResolver:
    """Finds or creates a newsletter's places in a few queries and geocodes the new ones."""

    def __init__(self) -> None:
        self.by_key: dict[str, Place] = {}
        self.by_id: dict[int, Place] = {}
        self.problems: list[tuple[Place, str, str]] = []

    def prepare(self, texts: Iterable[str]) -> None:
        written = {}
        for text in texts:
            written.setdefault(place_key(text), text.strip()[:500])
        written.pop("", None)
        known = Place.objects.filter(text__in=written).defer("raw")  # the geocoder's answer
        self.by_key = {p.text: p for p in known}
        missing = [Place(text=key, written=text) for key, text in written.items()
                   if key not in self.by_key]
        if missing:
            Place.objects.bulk_create(missing, ignore_conflicts=True)
            self.by_key = {p.text: p for p in known.all()}
        self.by_id = {p.pk: p for p in self.by_key.values()}
        for place in self.by_key.values():
            if place.status == PlaceStatus.PENDING and not place.locked:
                for kind, message in geocode_place(place):
                    self.problems.append((place, kind, message))

    def flags(self, newsletter: Newsletter) -> list[Flag]:
        """One flag per doubtful place, raised when it is first geocoded (not per entry)."""
        return [Flag(kind=kind, message=message, place=place, newsletter=newsletter)
                for place, kind, message in self.problems]

    def usable_id(self, text: str) -> int | None:
        """The place to attach to a meetup; none for texts that are not places."""
        place = self.by_key.get(place_key(text))
        if place is None or place.status == PlaceStatus.NOT_A_PLACE:
            return None
        return place.pk

    def region(self, place_id: int) -> str:
        place = self.by_id.get(place_id)
        return region_for_country(place.country) if place and place.country else ""
