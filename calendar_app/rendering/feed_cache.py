"""A feed's calendar from a queryset, with what rendering touches besides the meetups.

rendering/ical.py writes iCalendar from values; here are the database reads and writes
around it: VEVENTs kept between renders (`RenderedEvent`, keyed by a digest of what they
were written from) and the `render_failed` flags of meetups a feed had to leave out.
HTTP caching (ETags, the rendered feeds a process keeps) stays in web/feeds.py.
"""

from __future__ import annotations

import hashlib
import logging

from django.db import DatabaseError, transaction
from django.db.models import QuerySet

from calendar_app.models import Flag, RenderedEvent
from calendar_app.rendering.ical import (
    RENDER_VERSION,
    EventBuilder,
    FeedMeetup,
    calendar_bytes,
    feed_meetups,
    written_events,
)
from calendar_app.rules import FlagKind

RENDER_FAILED = FlagKind.RENDER_FAILED  # a meetup a feed had to leave out
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
    time (see RenderedEvent).
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

    One query reads what is kept for the whole queryset; what had to be written is stored
    for next time, if the database lets us now (a busy database only costs a rewrite).
    """
    if not meetups:
        return []
    kept = {
        pk: (digest, body)
        for pk, digest, body in RenderedEvent.objects.filter(
            meetup_id__in=queryset.order_by().values("pk")
        ).values_list("meetup_id", "digest", "body")
    }
    events: list[bytes] = []
    written: list[RenderedEvent] = []
    for meetup in meetups:
        digest = event_digest(meetup, builder.site_url)
        known = kept.get(meetup.pk)
        if known is not None and known[0] == digest:
            events.append(bytes(known[1]))  # PostgreSQL gives a memoryview
            continue
        body = builder.vevent(meetup)
        if body is None:
            continue
        events.append(body)
        written.append(RenderedEvent(meetup_id=meetup.pk, digest=digest, body=body))
    keep_events(written)
    return events


def keep_events(rows: list[RenderedEvent]) -> None:
    """Store written VEVENTs, replacing older ones; never fails the feed that wrote them."""
    if not rows:
        return
    rows.sort(key=lambda row: row.meetup_id)  # one order for every writer: no deadlocks
    try:
        with transaction.atomic():
            RenderedEvent.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["meetup"],
                update_fields=["digest", "body"],
            )
    except DatabaseError as exc:  # locked, or a meetup deleted meanwhile
        logger.info("%d VEVENTs not kept (%s); they are written again next time", len(rows), exc)


def flag_render_failures(pks: list[int]) -> None:
    """One open `render_failed` flag per meetup a feed left out, so a curator sees it.

    Never fails the feed: a busy database only means the flag is raised on a later render.
    """
    if not pks:
        return
    message = "A feed had to leave this meetup out: its VEVENT could not be written (see log)."
    try:
        with transaction.atomic():
            for pk in sorted(set(pks)):
                Flag.objects.get_or_create(
                    kind=RENDER_FAILED, meetup_id=pk, resolved=False, defaults={"message": message}
                )
    except DatabaseError as exc:
        logger.warning("render_failed flags for meetups %s not raised (%s)", pks, exc)
