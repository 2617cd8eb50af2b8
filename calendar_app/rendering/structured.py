"""schema.org data (JSON-LD), so search engines and chat apps understand the pages: an
Event for a meetup page (name, dates, how to attend, status, where, who organises it),
an ItemList of Events for a list of meetups."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from calendar_app.models import Attendance, Meetup, MeetupPlace, Status
from calendar_app.templatetags.calendar_tags import safe_url

ATTENDANCE_MODES = {
    Attendance.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
    Attendance.VIRTUAL: "https://schema.org/OnlineEventAttendanceMode",
    Attendance.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}


def event_json_ld(
    meetup: Meetup, page_url: str, *, venues: Sequence[MeetupPlace] | None = None
) -> dict[str, Any]:
    """One schema.org Event. With a time (a calendar's): start and end with their UTC
    offset, in the event's zone; else dates only (the newsletter gives days), the end
    inclusive as schema.org reads it. `venues`: the meetup's place rows (prefetched)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        **_event(meetup, page_url),
        "location": _locations(meetup, venues),
    }
    if meetup.description:
        data["description"] = meetup.description
    organisers = [
        {"@type": "Organization", "name": group.name, **_url(group.url)}
        for group in meetup.ordered_groups()
    ]
    if organisers:
        data["organizer"] = organisers if len(organisers) > 1 else organisers[0]
    if meetup.is_multi_day:
        data["duration"] = f"P{(meetup.end_date - meetup.start_date + timedelta(days=1)).days}D"
    return data


def _event(meetup: Meetup, page_url: str) -> dict[str, Any]:
    """What every Event says: its name, when, how to attend, its status and page."""
    start, end = meetup.local_start, meetup.local_end
    return {
        "@type": "Event",
        "name": meetup.title or "Rust meetup",
        "startDate": start.isoformat() if start else meetup.start_date.isoformat(),
        "endDate": end.isoformat() if end else meetup.end_date.isoformat(),
        "eventAttendanceMode": ATTENDANCE_MODES.get(
            Attendance(meetup.attendance), ATTENDANCE_MODES[Attendance.IN_PERSON]
        ),
        "eventStatus": "https://schema.org/EventCancelled"
        if meetup.status == Status.CANCELLED
        else "https://schema.org/EventScheduled",
        "url": page_url,
    }


def event_list_json_ld(
    meetups: Sequence[Meetup], page_url: Callable[[Meetup], str], *, first_position: int = 1
) -> dict[str, Any]:
    """A schema.org ItemList of the meetups one list page shows, in its order: each a
    ListItem (position on the whole list, the meetup's page) holding its Event."""
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "numberOfItems": len(meetups),
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": first_position + n,
                "url": page_url(meetup),
                "item": _event(meetup, page_url(meetup)),
            }
            for n, meetup in enumerate(meetups)
        ],
    }


def _url(url: str) -> dict[str, str]:
    safe = safe_url(url)
    return {"url": safe} if safe else {}


def _locations(meetup: Meetup, venues: Sequence[MeetupPlace] | None) -> list[dict[str, Any]]:
    """A Place per known place (named as its venue, with its street address and the
    venue's coordinates when a calendar gave them); a VirtualLocation for online
    attendance."""
    found: list[dict[str, Any]] = []
    rows = list(venues) if venues is not None else list(meetup.meetupplace_set.all())
    if meetup.attendance != Attendance.VIRTUAL:
        for row in rows:
            place = row.place
            address: dict[str, Any] = {"@type": "PostalAddress"}
            if row.address:
                address["streetAddress"] = row.address
            address["addressLocality"] = place.city or place.label
            if place.admin1:
                address["addressRegion"] = place.admin1
            if place.country:
                address["addressCountry"] = place.country
            item: dict[str, Any] = {
                "@type": "Place",
                "name": row.venue or place.label,
                "address": address,
            }
            lat, lon = (
                (row.latitude, row.longitude)
                if row.has_venue_coordinates
                else (place.latitude, place.longitude)
            )
            if lat is not None and lon is not None:
                item["geo"] = {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}
            found.append(item)
    if meetup.attendance != Attendance.IN_PERSON:
        found.append({"@type": "VirtualLocation", **_url(meetup.url or "")})
    return found
