"""The JSON item contract (ARCHITECTURE.md), shared by export_events and /api/events.json."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet

from calendar_app.models import Flag, MeetupGroup, MeetupLink, MeetupPlace, Sighting

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
            "url": "",
            "links": [],
            "groups": [],
            "places": [],
            "sightings": [],
            "flags": [],
        }
        for row in queryset.values(
            "id", "uid", "title", "start_date", "end_date", "attendance", "region", "status"
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
    return items


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
