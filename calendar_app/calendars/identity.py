"""Which event a calendar entry or a newsletter link is: keys to match on.

Strongest first (see docs/sources.md): the calendar's UID; the event page, as the
Meetup event id (``/events/280440185/`` on any locale or case, and the UID
``event_280440185@meetup.com``) or the Luma slug (``lu.ma/<slug>`` and
``luma.com/<slug>`` are one event); any other page that names one event, in
canonical form. Pure functions of strings.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from calendar_app.calendars.records import CalendarEvent
from calendar_app.twir.urls import canonical_url, event_query_id, is_event_specific

_MEETUP_UID = re.compile(r"^event_([a-z0-9]+)@meetup\.com$", re.IGNORECASE)
_MEETUP_PATH = re.compile(r"^/[^/]+/events/([a-z0-9]+)$")
_LUMA_PATH = re.compile(r"^/((?:event/)?[a-z0-9-]+)$")
_YOUTUBE_LIVE = re.compile(r"^/live/([^/]+)$")
_SITES = ("meetup", "luma", "youtube", "gcal")


def _split(url: str) -> tuple[str, str]:
    try:
        parts = urlsplit(canonical_url(url))
    except ValueError:
        return "", ""
    return parts.hostname or "", parts.path


def meetup_event_id(value: str) -> str:
    """``event_280440185@meetup.com`` or a Meetup event page -> ``280440185``.

    Placeholder ids (``xvkdgtyhcgbfc``) come back as written, lower case; "" when
    the value names no Meetup event.
    """
    uid = _MEETUP_UID.match(value.strip())
    if uid:
        return uid.group(1).lower()
    host, path = _split(value)
    if host != "meetup.com" and not host.endswith(".meetup.com"):
        return ""
    if not is_event_specific(value):
        return ""
    match = _MEETUP_PATH.match(path)
    return match.group(1) if match else ""


def luma_slug(url: str) -> str:
    """``https://lu.ma/exynnx7d`` / ``https://luma.com/exynnx7d`` -> ``exynnx7d``; ""
    for anything that is not a Luma event page (a calendar page, another site)."""
    host, path = _split(url)
    if host != "luma.com" or not is_event_specific(url):
        return ""
    match = _LUMA_PATH.match(path)
    return match.group(1) if match else ""


def youtube_video(url: str) -> str:
    """``youtube.com/watch?v=<id>``, ``youtube.com/live/<id>``, ``youtu.be/<id>`` ->
    ``<id>``; "" for anything else (a channel, a bare `/watch`)."""
    host, path = _split(url)
    if host == "youtube.com":
        live = _YOUTUBE_LIVE.match(path)
        return live.group(1) if live else event_query_id(url)
    if host == "youtu.be" and is_event_specific(url):
        return path.strip("/").split("/")[0]
    return ""


def page_key(url: str) -> str:
    """The identity of the event a link names: ``meetup:<id>``, ``luma:<slug>``,
    ``youtube:<video>``, ``gcal:<event id>``, the canonical link of another one-event
    page, or "" (a group page, a video room, a video link without its video)."""
    event_id = meetup_event_id(url)
    if event_id:
        return f"meetup:{event_id}"
    if not is_event_specific(url):
        return ""
    for site, key in (
        ("luma", luma_slug(url)),
        ("youtube", youtube_video(url)),
        ("gcal", event_query_id(url)),
    ):
        if key:
            return f"{site}:{key}"
    return canonical_url(url)


def page_site(key: str) -> str:
    """The site of a `page_key`: ``meetup``, ``luma``, ``youtube``, ``gcal``, else the
    host of the link."""
    site, _, rest = key.partition(":")
    if site in _SITES:
        return site
    return urlsplit(key).hostname or ""


def event_keys(event: CalendarEvent) -> tuple[str, ...]:
    """Every key of a calendar event, strongest first: its UID (with the occurrence
    for a series), then the pages it links (a Meetup UID is its event page too)."""
    keys: list[str] = []
    if event.uid:
        occurrence = event.recurrence_id.isoformat() if event.recurrence_id else ""
        keys.append(f"uid:{event.uid}" + (f"#{occurrence}" if occurrence else ""))
        event_id = meetup_event_id(event.uid)
        if event_id:
            keys.append(f"meetup:{event_id}")
    keys.extend(filter(None, (page_key(url) for url in event.urls)))
    return tuple(dict.fromkeys(keys))
