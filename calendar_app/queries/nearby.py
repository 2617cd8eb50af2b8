"""Near me by a typed city: a point and words for it, or the question to ask.

"Berlin" -> 52.52,13.40 and "Berlin, Germany"; "Cambridge" -> "Cambridge, England, UK or
Cambridge, Massachusetts, US?"; "Berln" -> Berlin, with a note saying so. The FilterSet
calls `find_city` for `near_city`, so the list page, the feeds and the API agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Count
from rapidfuzz import fuzz, process

from calendar_app.geocoding import get_offline_gazetteer
from calendar_app.geocoding.distance import distance_km
from calendar_app.geocoding.names import place_label
from calendar_app.geocoding.text import fold
from calendar_app.models import Place

MAX_CHOICES = 4
# Another city of the same name at least half as big as the biggest makes a name ambiguous
# (Cambridge, England / Ontario / Massachusetts); Portland, Maine next to Oregon does not.
AMBIGUOUS_SHARE = 0.5
AMBIGUOUS_MIN_POPULATION = 50_000
# A typo is read as a city of at least this size (a typed city is usually a known one).
TYPO_MIN_POPULATION = 50_000
TYPO_CUTOFF = 80.0


@dataclass(frozen=True)
class Choice:
    """One reading of an ambiguous name: its words (also what the link searches for)."""

    label: str


@dataclass(frozen=True)
class CityLookup:
    """What a typed city became: a point with its label, choices to ask, or nothing."""

    typed: str
    point: tuple[float, float] | None = None
    label: str = ""
    corrected: bool = False  # a typo read as another name: say what was understood
    choices: tuple[Choice, ...] = field(default_factory=tuple)

    @property
    def error(self) -> str:
        if self.point is not None:
            return ""
        if self.choices:
            names = " or ".join(choice.label for choice in self.choices)
            return f"Which one did you mean: {names}?"
        return f"We could not find a city called “{self.typed[:80]}”. Try a nearby larger city."


def find_city(typed: str) -> CityLookup:
    """Resolve a typed city: one small query; the gazetteer's answers are cached (the feeds
    resolve the same names on every poll)."""
    typed = " ".join(typed.split())[:200]
    if not typed:
        return CityLookup(typed)
    if "," not in typed:
        choices = _ambiguous(fold(typed))
        if len(choices) > 1:
            return CityLookup(typed, choices=tuple(choices))
    known = _known_place(typed)
    if known is not None:
        return known
    return _from_gazetteer(typed)


@lru_cache(maxsize=1024)
def _ambiguous(key: str) -> list[Choice]:
    """Cities called `key` of comparable size, biggest first (one or none: no question)."""
    g = get_offline_gazetteer()
    # Main names only when there are some: Newton, Massachusetts is "Cambridge" to nobody.
    named = g.lookup_names(key) or g.lookup_alternates(key)
    slots = sorted(set(named), key=lambda slot: -g.populations[slot])
    if not slots:
        return []
    floor = max(g.populations[slots[0]] * AMBIGUOUS_SHARE, AMBIGUOUS_MIN_POPULATION)
    labels = [
        place_label(g.names[slot], g.admin1[slot], g.countries[slot], with_region=True)
        for slot in slots
        if g.populations[slot] >= floor
    ]
    return [Choice(label) for label in dict.fromkeys(labels)][:MAX_CHOICES]


def _known_place(typed: str) -> CityLookup | None:
    """A place meetups already use, by its city name (curators may have corrected it)."""
    place = (
        Place.objects.filter(city__iexact=typed, latitude__isnull=False, longitude__isnull=False)
        .annotate(uses=Count("meetups"))
        .order_by("-uses", "id")
        .first()
    )
    if place is None or place.latitude is None or place.longitude is None:
        return None
    return CityLookup(typed, (place.latitude, place.longitude), place.label)


@lru_cache(maxsize=1024)
def _from_gazetteer(typed: str) -> CityLookup:
    """The offline geocoder's reading, else the closest big city's name (a typo)."""
    from calendar_app.geocoding import get_geocoder

    result = get_geocoder().geocode(typed)
    if result.found and result.latitude is not None and result.longitude is not None:
        g = get_offline_gazetteer()
        slot = result.raw.get("slot")
        key = fold(typed.split(",")[0])
        exact = slot in g.lookup_names(key) or slot in g.lookup_alternates(key)
        label = place_label(result.city, result.admin1, result.country)
        point = (result.latitude, result.longitude)
        return CityLookup(typed, point, label, corrected=not exact)
    return _typo(typed)


def _typo(typed: str) -> CityLookup:
    key = fold(typed.split(",")[0])
    if len(key) < 4:
        return CityLookup(typed)
    names, slots = _big_cities()
    match = process.extractOne(
        key, names, scorer=fuzz.ratio, processor=None, score_cutoff=TYPO_CUTOFF
    )
    if match is None:
        return CityLookup(typed)
    g = get_offline_gazetteer()
    slot = slots[match[2]]
    label = place_label(g.names[slot], g.admin1[slot], g.countries[slot])
    return CityLookup(typed, (g.latitudes[slot], g.longitudes[slot]), label, corrected=True)


NAMED_POSITION_KM = 30  # a position this close to a big city is said to be near it


@lru_cache(maxsize=1024)
def city_near(lat: float, lon: float) -> str:
    """ "Berlin, Germany" for a position within NAMED_POSITION_KM of it ("" if none): words
    for a position from "Use my location". The biggest such city, not a district of it."""
    g = get_offline_gazetteer()
    _, slots = _big_cities()
    best: int | None = None
    for slot in slots:
        # A cheap box first: a degree of latitude is 111 km.
        if abs(g.latitudes[slot] - lat) > 0.5 or abs(g.longitudes[slot] - lon) > 1:
            continue
        if distance_km((lat, lon), (g.latitudes[slot], g.longitudes[slot])) > NAMED_POSITION_KM:
            continue
        if best is None or g.populations[slot] > g.populations[best]:
            best = slot
    if best is None:
        return ""
    return place_label(g.names[best], g.admin1[best], g.countries[best])


@lru_cache(maxsize=1)
def _big_cities() -> tuple[list[str], list[int]]:
    """Folded names of the cities a typo may stand for, with their gazetteer slots."""
    g = get_offline_gazetteer()
    seen: dict[str, int] = {}
    for slot, population in enumerate(g.populations):
        if population >= TYPO_MIN_POPULATION:
            seen.setdefault(fold(g.names[slot]), slot)  # rows are biggest first
    return list(seen), list(seen.values())
