"""The JSON item contract (ARCHITECTURE.md), shared by export_events and /api/events.json."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Prefetch

from calendar_app.models import Meetup, MeetupQuerySet, SourceEvent


def for_json(queryset: MeetupQuerySet) -> MeetupQuerySet:
    """Everything `meetup_to_dict` reads, in a fixed number of queries."""
    return queryset.for_display().prefetch_related(
        "sightings__newsletter",
        "flags",
        Prefetch("source_events", queryset=SourceEvent.objects.select_related("source")),
    )


def meetup_to_dict(meetup: Meetup) -> dict[str, Any]:
    """One meetup as a JSON-ready dict; dates as ISO strings, open flags only."""
    return {
        "id": meetup.pk,
        "uid": str(meetup.uid),
        "title": meetup.title,
        "start_date": meetup.start_date.isoformat(),
        "end_date": meetup.end_date.isoformat(),
        "attendance": meetup.attendance,
        "region": meetup.region,
        "status": meetup.status,
        **times_to_dict(meetup),
        "url": meetup.url,
        "links": [{"url": link.url, "label": link.label} for link in meetup.ordered_links()],
        "groups": [
            {"name": group.name, "url": group.url, "slug": group.slug}
            for group in meetup.ordered_groups()
        ],
        "places": [
            {
                "text": place.text,
                "city": place.city,
                "admin1": place.admin1,
                "country": place.country,
                "latitude": place.latitude,
                "longitude": place.longitude,
                "timezone": place.timezone,
                "status": place.status,
            }
            for place in meetup.ordered_places()
        ],
        "sightings": [
            {
                "newsletter": sighting.newsletter.number,
                "newsletter_date": (
                    sighting.newsletter.date.isoformat() if sighting.newsletter.date else None
                ),
                "section": sighting.section,
                "line": sighting.line,
            }
            for sighting in meetup.sightings.all()
        ],
        "sources": sources_to_list(meetup),
        "flags": [
            {"kind": flag.kind, "message": flag.message}
            for flag in meetup.flags.all()
            if not flag.resolved
        ],
    }


def times_to_dict(meetup: Meetup) -> dict[str, Any]:
    """`start`/`end` in the event's own zone with its UTC offset; null when only dates."""
    start, end = meetup.local_start, meetup.local_end
    return {
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
        "all_day": meetup.all_day,
        "timezone": meetup.event_timezone or None,
    }


def sources_to_list(meetup: Meetup) -> list[dict[str, str]]:
    """The calendars that list the meetup, one item per (feed, UID) however many occurrences."""
    pairs = {(event.source.url, event.uid): None for event in meetup.source_events.all()}
    return [{"url": url, "uid": uid} for url, uid in pairs]


def export_json(queryset: MeetupQuerySet) -> str:
    """The whole queryset as a JSON list, in the queryset's order."""
    items = [meetup_to_dict(meetup) for meetup in for_json(queryset)]
    return json.dumps(items, ensure_ascii=False, indent=2)
