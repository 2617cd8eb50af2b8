"""schema.org Event data for a meetup page (JSON-LD), so search engines and chat apps
understand it: name, dates, how to attend, status, where, who organises it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from calendar_app.models import Attendance, Meetup, Status
from calendar_app.templatetags.calendar_tags import safe_url

ATTENDANCE_MODES = {
    Attendance.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
    Attendance.VIRTUAL: "https://schema.org/OnlineEventAttendanceMode",
    Attendance.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}


def event_json_ld(meetup: Meetup, page_url: str) -> dict[str, Any]:
    """One schema.org Event. Dates only (the newsletter gives days): ISO dates, the end
    inclusive as schema.org reads it."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": meetup.title or "Rust meetup",
        "startDate": meetup.start_date.isoformat(),
        "endDate": meetup.end_date.isoformat(),
        "eventAttendanceMode": ATTENDANCE_MODES.get(
            Attendance(meetup.attendance), ATTENDANCE_MODES[Attendance.IN_PERSON]
        ),
        "eventStatus": "https://schema.org/EventCancelled"
        if meetup.status == Status.CANCELLED
        else "https://schema.org/EventScheduled",
        "url": page_url,
        "location": _locations(meetup),
    }
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


def _locations(meetup: Meetup) -> list[dict[str, Any]]:
    """A Place per known place; a VirtualLocation for online attendance."""
    found: list[dict[str, Any]] = []
    if meetup.attendance != Attendance.VIRTUAL:
        for place in meetup.ordered_places():
            item: dict[str, Any] = {
                "@type": "Place",
                "name": place.label,
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": place.city or place.label,
                    **({"addressCountry": place.country} if place.country else {}),
                },
            }
            if place.has_coordinates:
                item["geo"] = {
                    "@type": "GeoCoordinates",
                    "latitude": place.latitude,
                    "longitude": place.longitude,
                }
            found.append(item)
    if meetup.attendance != Attendance.IN_PERSON:
        found.append({"@type": "VirtualLocation", **_url(meetup.url or "")})
    return found
