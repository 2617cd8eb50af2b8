"""The previous VEVENT builder, kept as the reference the fast one must match byte for byte.

Reads model instances through prefetches and sets every property with `Event.add()`, so
icalendar itself picks each value type; `_EventBuilder` sets the same types directly.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet
from icalendar import Event, vCalAddress

from calendar_app.models import (
    Attendance,
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Region,
    Sighting,
    Status,
)
from calendar_app.rendering.ical import PlainGeo
from calendar_app.rules import location_text


def for_feed(queryset: QuerySet) -> QuerySet:
    return queryset.prefetch_related(
        Prefetch("meetupgroup_set", queryset=MeetupGroup.objects.select_related("group")),
        Prefetch("meetupplace_set", queryset=MeetupPlace.objects.select_related("place")),
        Prefetch("links", queryset=MeetupLink.objects.order_by("position", "id")),
        Prefetch("sightings", queryset=Sighting.objects.select_related("newsletter")),
    )


def reference_event(meetup: Meetup, *, site_url: str) -> Event:
    changed = meetup.updated.astimezone(UTC)
    groups = meetup.ordered_groups()
    event = Event()
    event.add("UID", str(meetup.uid))
    event.add("DTSTAMP", changed)
    event.add("LAST-MODIFIED", changed)
    event.add("CREATED", (meetup.created or meetup.updated).astimezone(UTC))
    if meetup.starts_at is None:
        event.add("DTSTART", meetup.start_date)
        event.add("DTEND", meetup.end_date + timedelta(days=1))
    else:
        zone = ZoneInfo(meetup.event_timezone or "UTC")
        event.add("DTSTART", meetup.starts_at.astimezone(zone))
        if meetup.ends_at is not None:
            event.add("DTEND", meetup.ends_at.astimezone(zone))
    event.add("SEQUENCE", meetup.sequence)
    event.add("SUMMARY", meetup.title or (groups[0].name if groups else "Rust meetup"))
    rows = list(meetup.meetupplace_set.all())
    words = [
        ", ".join(filter(None, (r.venue, r.address)))
        if r.address
        else (f"{r.venue}, {r.place.label}" if r.venue else r.place.label)
        for r in rows
    ]
    where = location_text(meetup.attendance, words)
    if where:
        event.add("LOCATION", where)
    venue = next((r for r in rows if r.has_venue_coordinates), None)
    place = next((p for p in meetup.ordered_places() if p.has_coordinates), None)
    if venue is not None and venue.latitude is not None and venue.longitude is not None:
        event["GEO"] = PlainGeo((venue.latitude, venue.longitude))
    elif place is not None and place.latitude is not None and place.longitude is not None:
        event["GEO"] = PlainGeo((place.latitude, place.longitude))
    if meetup.url.startswith(("https://", "http://")):
        event.add("URL", meetup.url, parameters={"VALUE": "URI"})
    event.add("DESCRIPTION", _description(meetup, site_url=site_url))
    if groups:
        page = groups[0].url if groups[0].url.startswith(("https://", "http://")) else ""
        page = page or f"{site_url}{meetup.get_absolute_url()}"
        event.add("ORGANIZER", vCalAddress(page, params={"CN": groups[0].name}))
    categories = [Region(meetup.region).label] if meetup.region else []
    categories.append(Attendance(meetup.attendance).label)
    categories.extend(group.name for group in groups)
    event.add("CATEGORIES", categories)
    event.add("STATUS", "CANCELLED" if meetup.status == Status.CANCELLED else "CONFIRMED")
    event.add("TRANSP", "TRANSPARENT")
    return event


def _description(meetup: Meetup, *, site_url: str) -> str:
    lines: list[str] = []
    if meetup.status == Status.CANCELLED:
        lines.append("CANCELLED.")
    groups = meetup.ordered_groups()
    if groups:
        lines.append("Organised by " + ", ".join(group.name for group in groups) + ".")
    if meetup.description:
        lines.extend([meetup.description, ""])
    lines.extend(f"{link.label or 'Link'}: {link.url}" for link in meetup.ordered_links())
    seen: dict[int, str] = {}
    for sighting in sorted(meetup.sightings.all(), key=_oldest_first):
        newsletter = sighting.newsletter
        if newsletter.pk not in seen:
            name = (
                f"This Week in Rust {newsletter.number}" if newsletter.number else str(newsletter)
            )
            seen[newsletter.pk] = f"{name} ({newsletter.date})" if newsletter.date else name
    if seen:
        lines.append("Listed in " + ", ".join(seen.values()) + ".")
    lines.append(f"Details: {site_url}{meetup.get_absolute_url()}")
    return "\n".join(lines)


def _oldest_first(sighting: Sighting) -> tuple:
    """The feed's ORDER BY newsletter date (undated last), line, id."""
    day = sighting.newsletter.date
    return (day is None, day or date.min, sighting.line, sighting.id)
