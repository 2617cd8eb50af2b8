"""schema.org Event data for a meetup page (JSON-LD), so search engines and chat apps
understand it: name, dates, how to attend, status, where, who organises it."""

from __future__ import annotations

from collections.abc import Sequence
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
    start, end = meetup.local_start, meetup.local_end
    data: dict[str, Any] = {
        "@context": "https://schema.org",
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
