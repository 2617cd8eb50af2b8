"""Calendar events as matching sees them: CalendarEvent -> stored values -> `Sighted`.

Pure: the values stored on a SourceEvent are plain JSON, and the organiser and place
lookups are handed in, so a calendar event becomes the same `Sighted` when it is read
from its feed and when it is loaded again with the meetup it belongs to.

A calendar event is a sighting whose issue is its calendar (`Issue.calendar`, no date):
it matches newsletter entries by the same rules (UID as its fallback key, the event page,
organiser + day + title), and `match.meetup_values` gives it precedence for the time,
the status and the title.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from calendar_app.calendars.details import calendar_owner_name
from calendar_app.calendars.details import meetup_group_page as group_page
from calendar_app.calendars.records import CalendarEvent
from calendar_app.matching.entries import (
    GroupIds,
    Misnamed,
    PlaceIds,
    entry_links,
    misnamed_listings,
)
from calendar_app.matching.match import Issue, Sighted
from calendar_app.online import IN_PERSON, VIRTUAL
from calendar_app.twir import canonical_url, is_safe_url
from calendar_app.twir.records import ParsedGroup

MAX_FALLBACK = 600  # Meetup.fallback_key


def occurrence_id(event: CalendarEvent) -> str:
    """SourceEvent.recurrence_id: the occurrence's original start, "" for a single event."""
    return event.recurrence_id.isoformat() if event.recurrence_id else ""


def event_fallback(uid: str, recurrence_id: str) -> str:
    """The identity of a calendar event whatever its links: its UID and occurrence."""
    return f"uid:{uid}#{recurrence_id}"[:MAX_FALLBACK]


def event_line(uid: str, recurrence_id: str) -> int:
    """A stable number for the event within its calendar (a sighting's `line`)."""
    return zlib.crc32(f"{uid}#{recurrence_id}".encode()) & 0x7FFF_FFFF


def calendar_issue(source_id: int, name: str) -> Issue:
    """The calendar as the `issue` of its events: undated (it is always current)."""
    return Issue(f"source:{source_id}", None, name or f"calendar {source_id}", calendar=True)


def meetup_group_page(urls: Sequence[str]) -> str:
    """`https://www.meetup.com/<group>/events/<id>/` -> the group's page, else ""."""
    return next(filter(None, (group_page(url) for url in urls)), "")


def event_organiser(
    event: CalendarEvent,
    feed_name: str,
    group: ParsedGroup | None,
    owner: ParsedGroup | None = None,
) -> list:
    """Who organises it: the source's group if a curator set one, else the Meetup group
    its page belongs to (named as the feed names itself), else whoever the calendar says
    it belongs to (`owner`: its group page, its name), else nobody known."""
    if group is not None:
        return [{"name": group.name, "url": group.url}]
    page = meetup_group_page(event.urls)
    if page:
        name = calendar_owner_name(feed_name) or page
        return [{"name": name, "url": page}]
    if owner is not None:
        return [{"name": owner.name, "url": owner.url}]
    return []


def feed_owner(
    *, feed_name: str, feed_page: str, source_name: str, source_url: str, listed_page: str = ""
) -> ParsedGroup | None:
    """Whose calendar a feed is, without a curator's `--group`: a Meetup feed by its group
    page (X-ORIGINAL-URL or its own address), a listed calendar (Luma) by the page the
    editors' list gives, any feed by its name (X-WR-CALNAME, else the name it was
    followed under)."""
    name = calendar_owner_name(feed_name) or calendar_owner_name(source_name)
    page = group_page(feed_page) or group_page(source_url) or listed_page
    if page:
        return ParsedGroup(name or page, page)
    return ParsedGroup(name, "") if name else None


def local_dates(event: CalendarEvent, zone: str) -> tuple[date, date]:
    """The days the event falls on in its own zone (an all-day DTEND is exclusive)."""
    if isinstance(event.start, datetime):
        tz = ZoneInfo(zone) if zone else UTC
        start = event.start.astimezone(tz).date()
        end = event.end.astimezone(tz).date() if isinstance(event.end, datetime) else start
        return start, max(start, end)
    end = event.end - timedelta(days=1) if isinstance(event.end, date) else event.start
    return event.start, max(event.start, end)


def _instant(value: date | datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else None


def event_values(
    event: CalendarEvent,
    *,
    zone: str,
    place: str,
    feed_name: str,
    group: ParsedGroup | None,
    generic: frozenset[str],
    owner: ParsedGroup | None = None,
) -> dict[str, Any]:
    """What a SourceEvent stores of its event: enough to match it again and to time it.

    `zone`: the event's TZID, else its place's zone (Luma gives UTC only), else "".
    `place`: its LOCATION as the editors write places (`calendars.places.place_text`).
    `generic`: links this calendar gives to events on different days (a series' page).
    """
    start, end = local_dates(event, zone)
    urls = [url for url in event.urls if is_safe_url(url)]
    if event.page and is_safe_url(event.page) and event.page not in urls:
        urls.append(event.page)  # Google: the first link of the description
    return {
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "starts_at": _instant(event.start),
        "ends_at": _instant(event.end),
        "timezone": zone,
        "all_day": event.all_day,
        "title": event.title[:500],
        "attendance": VIRTUAL if event.online else IN_PERSON,
        "location": "" if event.online else event.location[:500],
        "place": "" if event.online else place[:500],
        "status": event.status,
        "links": [[url, "", n == 0] for n, url in enumerate(urls)],
        "generic": sorted(generic & {canonical_url(url) for url in urls}),
        "groups": event_organiser(event, feed_name, group, owner),
        "uid": event.uid,
        "recurrence_id": occurrence_id(event),
        "venue": "" if event.online else event.venue,
        "address": "" if event.online else event.address,
        "geo": list(event.geo) if event.geo and not event.online else None,
        "description": event.description,
        "host": event.organizer[:300] if "@" not in event.organizer else "",
        "series": event.series[:1000],
        "rule_text": event.rule_text[:200],
    }


def links_for_two_days(events: Sequence[CalendarEvent]) -> frozenset[str]:
    """Links a calendar gives to events on different days: a series' or group's page,
    never one event's (Google repeats one URL on every occurrence)."""
    days: dict[str, set[object]] = {}
    for event in events:
        start = event.start.date() if isinstance(event.start, datetime) else event.start
        for url in event.urls:
            if is_safe_url(url):
                days.setdefault(canonical_url(url), set()).add(start)
    return frozenset(url for url, seen in days.items() if len(seen) > 1)


def calendar_sighted(
    values: Mapping[str, Any],
    issue: Issue,
    *,
    group_ids: GroupIds,
    place_ids: PlaceIds,
    region_of: Mapping[int, str],
    misnamed: Misnamed | None = None,
) -> Sighted:
    """A stored (or just read) calendar event as matching sees it."""
    uid, occurrence = values["uid"], values.get("recurrence_id", "")
    links = entry_links(
        [(url, label, primary) for url, label, primary in values.get("links", [])],
        frozenset(values.get("generic", ())),
    )
    groups = [ParsedGroup(**group) for group in values.get("groups", [])]
    organisers = tuple(dict.fromkeys(i for i in map(group_ids, groups) if i is not None))
    place = place_ids(values["place"]) if values.get("place") else None
    places = (place,) if place is not None else ()
    start = date.fromisoformat(values["start_date"])
    return Sighted(
        issue=issue,
        line=event_line(uid, occurrence),
        start_date=start,
        end_date=max(date.fromisoformat(values["end_date"]), start),
        title=values.get("title", ""),
        name=groups[0].name if groups else values.get("place", ""),
        attendance=values.get("attendance", IN_PERSON),
        links=links,
        fallback=event_fallback(uid, occurrence),
        organisers=organisers,
        places=places,
        region=region_of.get(places[0], "") if places else "",
        misnamed=misnamed_listings(groups, misnamed),
    )


def stored_groups(values: Mapping[str, Any]) -> list[ParsedGroup]:
    return [ParsedGroup(**group) for group in values.get("groups", [])]
