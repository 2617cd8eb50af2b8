"""The JSON item as the models read it (instances, related managers): what `json_items`,
which reads plain values for speed, must give item for item."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from calendar_app.models import Meetup


def for_json(queryset: QuerySet) -> QuerySet:
    """Everything `meetup_to_dict` reads, in a fixed number of queries."""
    return queryset.for_display().prefetch_related("sightings__newsletter", "flags")  # type: ignore[attr-defined]


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
        "start": meetup.local_start.isoformat() if meetup.local_start else None,
        "end": meetup.local_end.isoformat() if meetup.local_end else None,
        "all_day": meetup.all_day,
        "timezone": meetup.event_timezone or None,
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
                "inferred": place.inferred,
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
        "sources": list(
            {
                (event.source.url, event.uid): {"url": event.source.url, "uid": event.uid}
                for event in meetup.source_events.order_by("id")
            }.values()
        ),
        "flags": [
            {"kind": flag.kind, "message": flag.message}
            for flag in meetup.flags.all()
            if not flag.resolved
        ],
    }
