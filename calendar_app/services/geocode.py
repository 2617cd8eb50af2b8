"""Geocoding Places: fill a Place from a GeoResult, and (re)geocode many of them.

One Place per normalised location text, so a text is geocoded once, not per entry;
a curator's ``locked`` Place is never touched. The geocoder comes from the settings
(``GEOCODER``, ``NOMINATIM_USER_AGENT``, ``NOMINATIM_URL``) and is one instance per
process, so its memo and Nominatim's one-request-per-second limit are shared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from calendar_app.geocoding import Geocoder, GeoResult, get_geocoder
from calendar_app.geocoding.regions import meetup_region, place_region
from calendar_app.models import (
    Flag,
    Meetup,
    MeetupPlace,
    Place,
    PlaceStatus,
    normalise_country_code,
)
from calendar_app.rules import FlagKind
from calendar_app.services.flags import flags_raise
from calendar_app.services.history import history_save

PLACE_FLAG_KINDS = (
    FlagKind.ADMIN1_MISMATCH,
    FlagKind.GEOCODE_FUZZY,
    FlagKind.GEOCODE_FAILED,
    FlagKind.COUNTRY_CORRECTED,
)
_RESULT_FIELDS = (
    "city",
    "admin1",
    "country",
    "latitude",
    "longitude",
    "timezone",
    "geocoder",
    "status",
    "raw",
    "geocoded_at",
)


@lru_cache(maxsize=4)
def _geocoder(name: str, user_agent: str, url: str) -> Geocoder:
    if name == "nominatim":
        return get_geocoder(name, user_agent=user_agent, url=url or None)
    return get_geocoder(name)


def default_geocoder() -> Geocoder:
    """The geocoder the settings name, one per process."""
    return _geocoder(
        getattr(settings, "GEOCODER", "offline") or "offline",
        getattr(settings, "NOMINATIM_USER_AGENT", ""),
        getattr(settings, "NOMINATIM_URL", ""),
    )


def apply_result(place: Place, result: GeoResult) -> None:
    """Copy a GeoResult onto a Place (not saved)."""
    place.city = result.city[:200]
    place.admin1 = result.admin1[:20]
    place.country = normalise_country_code(result.country)[:2]
    place.latitude = result.latitude
    place.longitude = result.longitude
    place.timezone = result.timezone[:64]
    place.geocoder = result.geocoder[:40]
    place.status = result.status
    place.raw = result.raw or {}
    place.geocoded_at = timezone.now()


def geocode_place(place: Place, *, geocoder: Geocoder | None = None) -> list[tuple[str, str]]:
    """Geocode one Place and save it; returns its problems as (flag kind, message).

    A locked Place is left alone (no problems). The caller raises the flags.
    """
    if place.locked:
        return []
    problems = fill_place(place, geocoder=geocoder)
    if place.pk:
        place.save(update_fields=_RESULT_FIELDS)
    else:
        place.save()
    return problems


def fill_place(place: Place, *, geocoder: Geocoder | None = None) -> list[tuple[str, str]]:
    """Geocode a Place without saving it (new places are saved in bulk); its problems."""
    result = (geocoder or default_geocoder()).geocode(place.written or place.text)
    apply_result(place, result)
    return list(result.problems)


@dataclass
class GeocodeReport:
    """What ``geocode_places`` did, for the command to print."""

    considered: int = 0
    geocoded: int = 0
    changed: int = 0
    flagged: int = 0
    meetups_updated: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def places_to_geocode(*, retry_failed: bool = False, everything: bool = False) -> QuerySet[Place]:
    """Unlocked Places: never geocoded; plus not-found ones; or all of them."""
    places = Place.objects.filter(locked=False)
    if everything:
        return places
    statuses = [PlaceStatus.PENDING]
    if retry_failed:
        statuses.append(PlaceStatus.NOT_FOUND)
    return places.filter(status__in=statuses)


def geocode_places(
    *, retry_failed: bool = False, everything: bool = False, geocoder: Geocoder | None = None
) -> GeocodeReport:
    """(Re)geocode Places, raise one open flag per problem, keep meetup regions right."""
    geocoder = geocoder or default_geocoder()
    report = GeocodeReport()
    for place in places_to_geocode(retry_failed=retry_failed, everything=everything).order_by("pk"):
        report.considered += 1
        before = tuple(getattr(place, name) for name in ("city", "admin1", "country", "status"))
        with transaction.atomic():
            problems = geocode_place(place, geocoder=geocoder)
            report.geocoded += 1
            after = tuple(getattr(place, name) for name in ("city", "admin1", "country", "status"))
            if after != before:
                report.changed += 1
                report.meetups_updated += refresh_regions(place=place)
            report.flagged += raise_place_flags(place=place, problems=problems)
        report.by_status[place.status] = report.by_status.get(place.status, 0) + 1
    return report


def raise_place_flags(*, place: Place, problems: list[tuple[str, str]]) -> int:
    """One open flag per (place, kind); stale open geocoding flags are closed."""
    kinds = {kind for kind, _ in problems}
    stale = place.flags.filter(resolved=False, kind__in=PLACE_FLAG_KINDS).exclude(kind__in=kinds)
    stale.update(resolved=True, resolved_at=timezone.now())
    return len(flags_raise(Flag(kind=k, message=m, place=place) for k, m in problems))


def places_region(places: Sequence[Place]) -> str:
    """The region a meetup takes from its ordered places: the rule ingest applies too."""
    return meetup_region(places, {p: place_region(p.country, p.status) for p in places[:1]})


def refresh_regions(*, place: Place, user: Any = None) -> int:
    """Meetups whose primary place this is get the region of its (new) country."""
    region = places_region([place])
    updated = 0
    meetup_ids = MeetupPlace.objects.filter(place=place).values_list("meetup_id", flat=True)
    for meetup in Meetup.objects.filter(pk__in=list(meetup_ids)):
        primary = meetup.primary_place
        if primary is None or primary.pk != place.pk or meetup.is_locked("region"):
            continue
        if meetup.region == region:
            continue
        meetup.region = region
        history_save(
            meetup,
            user=user,
            reason=f"Region from place {place}",
            update_fields=["region", "sequence", "updated"],
        )
        updated += 1
    return updated
