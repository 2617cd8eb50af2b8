"""A feed's calendar from a queryset, with what rendering touches besides the meetups.

rendering/ical.py writes iCalendar from values; here is what is around it: VEVENTs kept
between renders in the `vevents` cache (Redis in production, shared by every worker),
under a digest of everything they were written from, and the `render_failed` flags of
meetups a feed had to leave out. HTTP caching (the whole feed kept under the data
version, ETags, 304s) is web/page_cache.py's. A GET writes no rows for this: the kept VEVENTs
are cache entries.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.db.models import QuerySet

from calendar_app.models import Flag
from calendar_app.rendering.ical import (
    RENDER_VERSION,
    EventBuilder,
    FeedMeetup,
    calendar_bytes,
    feed_meetups,
    written_events,
)
from calendar_app.rules import FlagKind
from calendar_app.services.flags import flags_raise

RENDER_FAILED = FlagKind.RENDER_FAILED  # a meetup a feed had to leave out
KEPT_FOR = 14 * 24 * 3600  # seconds a written VEVENT is kept (a digest never goes stale)
logger = logging.getLogger(__name__)


def render_calendar(
    queryset: QuerySet,
    *,
    description: str,
    source_url: str,
    site_url: str,
    keep: bool = False,
) -> bytes:
    """The calendar for `queryset`, in its order.

    `description` is the FilterSet's description, `source_url` the feed's own absolute URL,
    `site_url` the scheme and host the meetup pages are linked under. With `keep`, VEVENTs
    written before from exactly the same data are read back, and the others kept for next
    time (in the `vevents` cache).
    """
    builder = EventBuilder(site_url)
    meetups = feed_meetups(queryset)
    if keep:
        events = kept_events(queryset, meetups, builder)
    else:
        events = written_events(meetups, builder)
    flag_render_failures(builder.failed)
    return calendar_bytes(meetups, events, description=description, source_url=source_url)


def event_digest(meetup: FeedMeetup, site_url: str) -> str:
    """Names everything `EventBuilder.event` writes a VEVENT from, and how it writes it."""
    return hashlib.sha256(repr((RENDER_VERSION, site_url, meetup.key())).encode()).hexdigest()


def kept_events(
    queryset: QuerySet, meetups: list[FeedMeetup], builder: EventBuilder
) -> list[bytes]:
    """The VEVENTs of `meetups` (the rows of `queryset`): kept ones read, the others written.

    One cache read for the whole feed; what had to be written is kept for next time. A
    cache that does not answer only costs a rewrite, never the feed.
    """
    if not meetups:
        return []
    keys = [f"vevent:{event_digest(meetup, builder.site_url)}" for meetup in meetups]
    kept = _cache_call("read", lambda: caches["vevents"].get_many(keys)) or {}
    events: list[bytes] = []
    written: dict[str, bytes] = {}
    for meetup, key in zip(meetups, keys, strict=True):
        body = kept.get(key)
        if body is None:
            body = builder.vevent(meetup)
            if body is None:
                continue
            written[key] = body
        events.append(body)
    if written:
        _cache_call("write", lambda: caches["vevents"].set_many(written, timeout=KEPT_FOR))
    return events


def _cache_call(what: str, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except Exception as exc:  # Redis down or full: the feed is written without it
        logger.warning("VEVENT cache %s failed (%s); rendering without it", what, exc)
        return None


def flag_render_failures(pks: list[int]) -> None:
    """One open `render_failed` flag per meetup a feed left out, so a curator sees it.

    Never fails the feed: a busy database only means the flag is raised on a later render.
    """
    if not pks:
        return
    message = "A feed had to leave this meetup out: its VEVENT could not be written (see log)."
    try:
        with transaction.atomic():
            flags_raise(Flag(kind=RENDER_FAILED, meetup_id=pk, message=message) for pk in pks)
    except DatabaseError as exc:
        logger.warning("render_failed flags for meetups %s not raised (%s)", pks, exc)
