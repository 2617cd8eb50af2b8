"""iCalendar (RFC 5545 + RFC 7986) rendering of meetups, shared by the feeds and export_events.

Everything written comes from stored data (no `now()`, no random UIDs), so unchanged data
renders to identical bytes and calendar clients see no spurious updates.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from datetime import UTC, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from icalendar import Calendar, Event, vGeo, vText

from ..filters import MeetupFilter
from ..models import (
    Attendance,
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Region,
    Sighting,
    Status,
)

PRODID = "-//twirevents//Rust meetups from This Week in Rust//EN"
BASE_NAME = "Rust meetups"
# Clients that honour it poll twice a day; newsletters come out weekly, edits are rare.
REFRESH = timedelta(hours=12)
REFRESH_TTL = "PT12H"
CALENDAR_END = b"END:VCALENDAR\r\n"


class PlainGeo(vGeo):
    """GEO with at most six decimals in plain notation: the float repr writes `-5e-05`."""

    def to_ical(self) -> str:
        return f"{_plain(self.latitude)};{_plain(self.longitude)}"


def _plain(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def calendar_name(description: str) -> str:
    """'Rust meetups - Europe' for a filtered feed, 'Rust meetups' for all of them."""
    return f"{BASE_NAME} - {description}" if description else BASE_NAME


def for_feed(queryset: QuerySet) -> QuerySet:
    """Everything `meetup_event` reads, in one query per relation, without heavy columns.

    Like `for_display()` plus the newsletters, but without the columns a feed never shows
    (geocoder answers, parsed entries, raw lines): decoding them is wasted on thousands of rows.
    """
    return queryset.defer("locked_fields").prefetch_related(
        Prefetch(
            "meetupgroup_set",
            queryset=MeetupGroup.objects.select_related("group").only(
                "meetup_id", "position", "group__name"
            ),
        ),
        Prefetch(
            "meetupplace_set",
            queryset=MeetupPlace.objects.select_related("place").defer("place__raw"),
        ),
        Prefetch("links", queryset=MeetupLink.objects.order_by("position", "id")),
        Prefetch(
            "sightings",
            queryset=Sighting.objects.select_related("newsletter").only(
                "meetup_id", "newsletter__number", "newsletter__date", "newsletter__title",
                "newsletter__source",
            ),
        ),
    )


def render_calendar(
    queryset: QuerySet,
    *,
    description: str,
    source_url: str,
    site_url: str,
    cache: EventCache | None = None,
    generation: str = "",
) -> bytes:
    """The calendar for `queryset`, in its order.

    `description` is the FilterSet's description, `source_url` the feed's own absolute URL,
    `site_url` the scheme and host the meetup pages are linked under. With `cache`, a VEVENT
    rendered before for the same meetup (`pk` and `updated`) and `generation` (a token that
    changes with everything else a VEVENT shows: places, organisers, newsletters) is reused.
    """
    header = calendar_header(description=description, source_url=source_url)
    if cache is None:
        events = [meetup_event(m, site_url=site_url).to_ical() for m in for_feed(queryset)]
    else:
        events = _cached_events(queryset, cache, f"{generation}|{site_url}", site_url)
    return header + b"".join(events) + CALENDAR_END


def calendar_header(*, description: str, source_url: str) -> bytes:
    """The VCALENDAR properties, up to where the VEVENTs go.

    NAME and the X-WR- properties are passed as vText: given a str, icalendar 7.3 neither
    escapes them nor refuses a line break (a `q` with CRLF would inject content lines).
    """
    description = " ".join(description.split())  # a calendar name is one line
    name = calendar_name(description)
    summary = f"Rust community meetups{' (' + description + ')' if description else ''}, "
    summary += "as listed in This Week in Rust."
    cal = Calendar()
    cal.add("VERSION", "2.0")
    cal.add("PRODID", PRODID)
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", "PUBLISH")
    cal.add("NAME", vText(name))
    cal.add("X-WR-CALNAME", vText(name))
    cal.add("DESCRIPTION", vText(summary))
    cal.add("X-WR-CALDESC", vText(summary))
    cal.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("X-PUBLISHED-TTL", REFRESH_TTL)
    cal.add("SOURCE", source_url, parameters={"VALUE": "URI"})
    return cal.to_ical().removesuffix(CALENDAR_END)


def _cached_events(
    queryset: QuerySet, cache: EventCache, prefix: str, site_url: str
) -> list[bytes]:
    """VEVENT bytes in the queryset's order, rendering (in one batch) only those not kept."""
    keys = [(pk, f"{prefix}|{pk}|{updated.isoformat()}") for pk, updated in
            queryset.values_list("pk", "updated")]
    events = {pk: cache.get(key) for pk, key in keys}
    missing = {pk for pk, body in events.items() if body is None}
    if missing:
        for meetup in for_feed(Meetup.objects.filter(pk__in=missing)):
            events[meetup.pk] = meetup_event(meetup, site_url=site_url).to_ical()
        for pk, key in keys:
            if pk in missing:
                cache.put(key, events[pk])
    return [events[pk] for pk, _ in keys]


class EventCache:
    """Rendered VEVENTs by version key, least recently used dropped first, bounded in bytes.

    Rendering is the slow part of a feed (about 0.5 ms per meetup with icalendar), while
    most meetups do not change between two requests, or between two filtered feeds. Per
    process: each worker holds at most `max_bytes`.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = body
            self._size += len(body)
            while self._size > self.max_bytes:
                self._size -= len(self._items.popitem(last=False)[1])

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


def meetup_event(meetup: Meetup, *, site_url: str) -> Event:
    """One all-day VEVENT; DTSTAMP is the meetup's last change so output is reproducible."""
    changed = meetup.updated.astimezone(UTC)
    groups = meetup.ordered_groups()
    event = Event()
    event.add("UID", str(meetup.uid))
    event.add("DTSTAMP", changed)
    event.add("LAST-MODIFIED", changed)
    event.add("CREATED", (meetup.created or meetup.updated).astimezone(UTC))
    event.add("DTSTART", meetup.start_date)
    event.add("DTEND", meetup.end_date + timedelta(days=1))  # exclusive: the day after
    event.add("SEQUENCE", meetup.sequence)
    event.add("SUMMARY", meetup.title or (groups[0].name if groups else "Rust meetup"))
    where = location(meetup)
    if where:
        event.add("LOCATION", where)
    place = next((p for p in meetup.ordered_places() if p.has_coordinates), None)
    if place is not None:
        event["GEO"] = PlainGeo((place.latitude, place.longitude))
    if meetup.url.startswith(("https://", "http://")):
        event.add("URL", meetup.url, parameters={"VALUE": "URI"})
    event.add("DESCRIPTION", description(meetup, site_url=site_url))
    event.add("CATEGORIES", categories(meetup))
    event.add("STATUS", "CANCELLED" if meetup.status == Status.CANCELLED else "CONFIRMED")
    event.add("TRANSP", "TRANSPARENT")  # an all-day listing should not block the day
    return event


def location(meetup: Meetup) -> str:
    """Place names joined with '; ', 'Online' for a virtual meetup without a place."""
    names = "; ".join(place.display_name for place in meetup.ordered_places())
    if not names:
        return "" if meetup.attendance == Attendance.IN_PERSON else "Online"
    if meetup.attendance == Attendance.HYBRID:
        return f"{names} (and online)"
    if meetup.attendance == Attendance.VIRTUAL:
        return f"Online ({names})"  # run by a local group, but not held there
    return names


def categories(meetup: Meetup) -> list[str]:
    """Region, attendance and organisers, as separate categories."""
    values = [Region(meetup.region).label] if meetup.region else []
    values.append(Attendance(meetup.attendance).label)
    values.extend(group.name for group in meetup.ordered_groups())
    return values


def description(meetup: Meetup, *, site_url: str) -> str:
    """Organisers, every link with its label, the issues that listed it, the meetup page."""
    lines: list[str] = []
    if meetup.status == Status.CANCELLED:
        lines.append("CANCELLED.")
    groups = meetup.ordered_groups()
    if groups:
        lines.append("Organised by " + ", ".join(group.name for group in groups) + ".")
    lines.extend(f"{link.label or 'Link'}: {link.url}" for link in meetup.ordered_links())
    issues = _issues(meetup)
    if issues:
        lines.append("Listed in " + ", ".join(issues) + ".")
    lines.append(f"Details: {site_url}{meetup.get_absolute_url()}")
    return "\n".join(lines)


def _issues(meetup: Meetup) -> list[str]:
    """'This Week in Rust 532 (2024-01-31)' once per newsletter, oldest first."""
    seen: dict[int, str] = {}
    for sighting in meetup.sightings.all():
        newsletter = sighting.newsletter
        if newsletter.pk in seen:
            continue
        name = (
            f"This Week in Rust {newsletter.number}" if newsletter.number else str(newsletter)
        )
        seen[newsletter.pk] = f"{name} ({newsletter.date})" if newsletter.date else name
    return list(seen.values())


def canonical_query(data: Mapping[str, Any]) -> str:
    """The filter part of a query string, sorted, empty values and unknown keys dropped.

    Used for SOURCE and the ETag, so neither depends on parameter order or on junk such as
    `utm_source`; accepts a QueryDict (all values of a key) or a plain dict.
    """
    known = MeetupFilter.base_filters
    items = data.lists() if hasattr(data, "lists") else ((k, [v]) for k, v in data.items())
    pairs = sorted(
        (key, str(value).strip())
        for key, values in items
        if key in known
        for value in values
        if value is not None and str(value).strip()
    )
    return urlencode(pairs)


def feed_url(base_url: str, data: Mapping[str, Any]) -> str:
    """Absolute URL of the feed for these filters: what SOURCE says."""
    query = canonical_query(data)
    return f"{base_url}{reverse('events_ics')}" + (f"?{query}" if query else "")
