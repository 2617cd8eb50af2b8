"""The JSON item contract (ARCHITECTURE.md), shared by export_events and /api/events.json."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from calendar_app.models import (
    Flag,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Sighting,
    SourceEvent,
    zone_or_none,
)
from calendar_app.rules import event_timezone

PLACE_FIELDS = ("text", "city", "admin1", "country", "latitude", "longitude", "timezone", "status")


def json_items(queryset: QuerySet) -> list[dict[str, Any]]:
    """Every meetup of `queryset` as a JSON item, in its order, read as plain values.

    Six queries whatever the number of meetups, and no model instances: building instances
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
        .values_list("meetup_id", *(f"place__{name}" for name in PLACE_FIELDS))
    ):
        by_id[meetup_id]["places"].append(dict(zip(PLACE_FIELDS, values, strict=True)))
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
    _add_sources(by_id, SourceEvent.objects.filter(meetup_id__in=ids).order_by("id"))
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


def _add_sources(by_id: dict[int, dict[str, Any]], events: QuerySet) -> None:
    """The calendars that list a meetup, one item per (feed, UID) however many occurrences."""
    seen: set[tuple[int, str, str]] = set()
    for meetup_id, url, uid in events.values_list("meetup_id", "source__url", "uid"):
        if (meetup_id, url, uid) not in seen:
            seen.add((meetup_id, url, uid))
            by_id[meetup_id]["sources"].append({"url": url, "uid": uid})


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
    """The whole queryset as a JSON list, in the queryset's order."""
    return json.dumps(json_items(queryset), ensure_ascii=False, indent=2)
