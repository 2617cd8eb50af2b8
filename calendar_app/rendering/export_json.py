"""The JSON item contract (ARCHITECTURE.md), shared by export_events and /api/events.json."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from calendar_app.models import (
    Flag,
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Series,
    Sighting,
    SourceEvent,
    Status,
    zone_or_none,
)
from calendar_app.rules import event_timezone

PLACE_FIELDS = ("text", "city", "admin1", "country", "latitude", "longitude", "timezone", "status")
LINK_ROW_FIELDS = ("venue", "address", "latitude", "longitude", "inferred")
SERIES_NEXT = 5  # upcoming dates of a series shown with each of its occurrences


def json_items(queryset: QuerySet, *, source_urls: bool = False) -> list[dict[str, Any]]:
    """Every meetup of `queryset` as a JSON item, in its order, read as plain values.

    `source_urls`: each calendar's address too (export_events only: a calendar's address
    can be a secret, the public API never shows it).

    Eight queries whatever the number of meetups, and no model instances: building instances
    and prefetch caches (and decoding each sighting's parsed JSON, which no item shows) cost
    the API most of its time. A test checks the items against a model-based reference
    (tests/feeds/json_reference.py).
    """
    items = [
        {
            "id": row["id"],
            "uid": str(row["uid"]),
            "title": row["title"],
            "start_date": row["start_date"].isoformat(),
            "end_date": row["end_date"].isoformat(),
            "attendance": row["attendance"],
            "region": row["region"],
            "status": row["status"],
            "start": row["starts_at"],  # made ISO in its zone once the places are known
            "end": row["ends_at"],
            "all_day": row["starts_at"] is None,
            "timezone": row["timezone"],
            "description": row["description"],
            "series": row["series_id"],  # made an object below
            "url": "",
            "links": [],
            "groups": [],
            "places": [],
            "sightings": [],
            "sources": [],
            "flags": [],
        }
        for row in queryset.values(
            "id",
            "uid",
            "title",
            "start_date",
            "end_date",
            "attendance",
            "region",
            "status",
            "starts_at",
            "ends_at",
            "timezone",
            "description",
            "series_id",
        )
    ]
    by_id = {item["id"]: item for item in items}
    if not by_id:
        return items
    ids = list(by_id)
    _add_links(by_id, MeetupLink.objects.filter(meetup_id__in=ids).order_by("position", "id"))
    for meetup_id, name, url, slug in (
        MeetupGroup.objects.filter(meetup_id__in=ids)
        .order_by("position", "id")
        .values_list("meetup_id", "group__name", "group__url", "group__slug")
    ):
        by_id[meetup_id]["groups"].append({"name": name, "url": url, "slug": slug})
    for meetup_id, *values in (
        MeetupPlace.objects.filter(meetup_id__in=ids)
        .order_by("position", "id")
        .values_list("meetup_id", *(f"place__{name}" for name in PLACE_FIELDS), *LINK_ROW_FIELDS)
    ):
        place = dict(zip(PLACE_FIELDS, values, strict=False))
        venue, address, latitude, longitude, inferred = values[len(PLACE_FIELDS) :]
        place.update(venue=venue, address=address, inferred=inferred)
        place.update(venue_latitude=latitude, venue_longitude=longitude)
        by_id[meetup_id]["places"].append(place)
    for meetup_id, number, day, section, line in Sighting.objects.filter(
        meetup_id__in=ids
    ).values_list("meetup_id", "newsletter__number", "newsletter__date", "section", "line"):
        by_id[meetup_id]["sightings"].append(
            {
                "newsletter": number,
                "newsletter_date": day.isoformat() if day else None,
                "section": section,
                "line": line,
            }
        )
    for meetup_id, kind, message in Flag.objects.filter(
        meetup_id__in=ids, resolved=False
    ).values_list("meetup_id", "kind", "message"):
        by_id[meetup_id]["flags"].append({"kind": kind, "message": message})
    _add_sources(
        by_id, SourceEvent.objects.filter(meetup_id__in=ids).order_by("id"), urls=source_urls
    )
    _add_series(items)
    for item in items:
        places = item["places"]
        zone = event_timezone(item["timezone"], places[0]["timezone"] if places else "")
        item.update(times_item(item["start"], item["end"], zone))
    return items


def times_item(start: datetime | None, end: datetime | None, zone: str) -> dict[str, Any]:
    """`start`/`end` in the event's own zone (its TZID, else its place's) with the UTC
    offset; null when only the dates are known. The one rule of the JSON's times."""
    tz = zone_or_none(zone) or ZoneInfo("UTC")
    return {
        "start": start.astimezone(tz).isoformat() if start else None,
        "end": end.astimezone(tz).isoformat() if end else None,
        "all_day": start is None,
        "timezone": zone or None,
    }


def _add_sources(by_id: dict[int, dict[str, Any]], events: QuerySet, *, urls: bool) -> None:
    """The calendars that list a meetup, one item per (feed, UID) however many occurrences:
    the calendar's name and kind, its address only when `urls` (export_events)."""
    seen: set[tuple[int, int, str]] = set()
    for meetup_id, source_id, url, name, kind, uid in events.values_list(
        "meetup_id", "source_id", "source__url", "source__name", "source__kind", "uid"
    ):
        if (meetup_id, source_id, uid) not in seen:
            seen.add((meetup_id, source_id, uid))
            item = {"name": name, "kind": kind, "uid": uid}
            by_id[meetup_id]["sources"].append({**item, "url": url} if urls else item)


def _add_series(items: list[dict[str, Any]]) -> None:
    """`series`: null, or the series' id, its rule in words and its next dates (ISO, in
    each occurrence's own zone; dates for untimed ones)."""
    wanted = {item["series"] for item in items if item["series"] is not None}
    if not wanted:
        return
    found = series_next(wanted)
    for item in items:
        if item["series"] is not None:
            item["series"] = found.get(item["series"])


def series_next(series_ids: set[int], *, today: date | None = None) -> dict[int, dict[str, Any]]:
    """Each series as the JSON shows it: {id, rule_text, next} (one rule for the API, the
    export and the meetup page)."""
    today = today or timezone.localdate()
    found: dict[int, dict[str, Any]] = {
        pk: {"id": pk, "rule_text": rule, "next": []}
        for pk, rule in Series.objects.filter(pk__in=series_ids).values_list("pk", "rule_text")
    }
    upcoming = (
        Meetup.objects.canonical()
        .exclude(status=Status.HIDDEN)
        .filter(series_id__in=found, start_date__gte=today)
        .order_by("start_date", "starts_at", "id")
        .values_list("series_id", "start_date", "starts_at", "timezone")
    )
    for series_id, day, starts, zone in upcoming:
        shown = found[series_id]["next"]
        if len(shown) < SERIES_NEXT:
            moment = times_item(starts, None, zone)["start"] if starts else day.isoformat()
            shown.append(moment)
    return found


def _add_links(by_id: dict[int, dict[str, Any]], links: QuerySet) -> None:
    """Links in order; `url` is the primary one's, else the first one's (Meetup.url)."""
    with_primary: set[int] = set()
    for meetup_id, url, label, primary in links.values_list("meetup_id", "url", "label", "primary"):
        item = by_id[meetup_id]
        if meetup_id not in with_primary and (primary or not item["links"]):
            item["url"] = url
            if primary:
                with_primary.add(meetup_id)
        item["links"].append({"url": url, "label": label})


def export_json(queryset: QuerySet) -> str:
    """The whole queryset as a JSON list, in the queryset's order (with each calendar's
    address: the operator's export)."""
    return json.dumps(json_items(queryset, source_urls=True), ensure_ascii=False, indent=2)
