"""Syncing the calendars the site follows: fetch (`sources`), read (`calendars`), then the
newsletters' own match and write (`ingest`), so that a calendar event and a newsletter
entry for one real event are one meetup, whatever the order they arrive in.

Each feed is merged in its own transaction, in this one process: its events become
SourceEvents (the provenance, like Sightings), the meetups they match get the calendar's
title, dates, times and status (a curator's lock first), and what the feed says is wrong
or no longer lists becomes a flag. Nothing already known is deleted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from calendar_app import calendars
from calendar_app.calendars import CalendarEvent, CalendarFeed
from calendar_app.calendars.bounds import LIMIT_KINDS
from calendar_app.calendars.places import place_text
from calendar_app.geocoding import timezone_at
from calendar_app.matching.calendar_entries import (
    calendar_issue,
    calendar_sighted,
    event_values,
    feed_owner,
    links_for_two_days,
    occurrence_id,
    stored_groups,
)
from calendar_app.matching.match import Issue, KnownMeetup, New, Sighted, match
from calendar_app.models import (
    Flag,
    FlagKind,
    Meetup,
    MeetupPlace,
    Place,
    Series,
    Source,
    SourceEvent,
    Status,
)
from calendar_app.services.duplicates import duplicates_refresh
from calendar_app.services.flags import flags_raise
from calendar_app.services.groups import GroupResolver
from calendar_app.services.history import history_rows
from calendar_app.services.ingest.run import refresh_regrouped
from calendar_app.services.ingest.snapshot import Snapshot, candidate_ids, survivor_of, survivors
from calendar_app.services.ingest.write import PlanWriter
from calendar_app.services.places import PlaceResolver
from calendar_app.services.rewrite import rewrite
from calendar_app.services.sources import (
    FETCH_WORKERS,
    FeedError,
    MergeCounts,
    Progress,
    SyncReport,
    listed_pages,
    sources_sync,
)
from calendar_app.services.sources_fetch import TIMEOUT
from calendar_app.services.times import meetup_set_times
from calendar_app.services.usual_places import usual_places_refresh
from calendar_app.text import one_line
from calendar_app.twir.records import ParsedGroup

MAX_RAW = 20_000  # a VEVENT kept for curators; longer ones are cut


def sync_sources(
    *,
    sources: Iterable[Source],
    workers: int = FETCH_WORKERS,
    timeout: float = TIMEOUT,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> SyncReport:
    """Fetch `sources` and merge every feed that changed; one failing feed never stops
    the others and never removes anything."""

    merge = FeedMerger(now)
    report = sources_sync(
        sources=sources, merge=merge, workers=workers, timeout=timeout, progress=progress
    )
    usual_places_refresh()
    report.meetups_total = Meetup.objects.canonical().count()
    if report.meetup_ids:
        duplicates_refresh(meetup_ids=report.meetup_ids)
    return report


class FeedMerger:
    """Merges the feeds of one sync one after another with one organiser resolver: every
    organiser's listings and aliases are read once per sync, not once per feed (which made
    a first sync grow with the square of the calendars followed). Forgotten when a feed's
    writes are rolled back (`sources_sync` calls `forget`): what it knew may be gone."""

    def __init__(self, now: datetime | None) -> None:
        self.now = now
        self.groups = GroupResolver()

    def __call__(self, source: Source, body: bytes) -> MergeCounts:
        try:
            return merge_feed(
                source=source, body=body, now=self.now or timezone.now(), groups=self.groups
            )
        except BaseException:
            self.forget()
            raise

    def forget(self) -> None:
        self.groups = GroupResolver()


def merge_feed(
    *, source: Source, body: bytes, now: datetime, groups: GroupResolver | None = None
) -> MergeCounts:
    """Read one fetched feed and merge its events; FeedError if it is no calendar.
    `groups`: an organiser resolver shared with the feeds merged before in this sync."""
    feed = calendars.read_calendar(body, now=now)  # the reader loads on first use
    if not feed.ok:
        raise FeedError(f"Not a calendar: {feed.error}")
    return FeedMerge(source, feed, now, groups=groups).run()


class FeedMerge:
    """One feed's events matched and written (see the module doc)."""

    def __init__(
        self,
        source: Source,
        feed: CalendarFeed,
        now: datetime,
        *,
        groups: GroupResolver | None = None,
    ) -> None:
        self.source, self.feed, self.now = source, feed, now
        self.issue: Issue = calendar_issue(source.pk, source.name)
        self.label = source.name or feed.name or source.url
        self.places, self.groups = PlaceResolver(), groups or GroupResolver()
        self.counts = MergeCounts()
        self.flags: list[Flag] = []
        self.series_by_key: dict[str, Series] = {}
        unique: dict[tuple[str, str], CalendarEvent] = {}
        for event in feed.events:
            if event.uid:
                unique.setdefault((event.uid, occurrence_id(event)), event)
        self.events = list(unique.values())

    def run(self) -> MergeCounts:
        values = self.read_values()
        entries = [self.sighted(v) for v in values]
        known = self.known(entries)
        self.flags += self.places.flags()
        plan = match(entries, known, region_of=self.places.regions)
        writer = PlanWriter(plan, known)
        written = writer.apply_new()
        ids = [writer.id_of(ref) for ref in plan.assigned]
        self.save_events(values, ids)
        writer.apply_rest(written)
        self.flags += written.flags
        changed = self.apply_calendar(values, ids)
        self.counts.events = len(entries)
        self.counts.meetups_created = written.created
        counted = {c.id for c in plan.changes if c.visible}
        counted |= {writer.id_of(ref) for ref in plan.assigned if isinstance(ref, New)}
        self.counts.meetups_updated = written.updated + len(changed - counted)
        self.mark_gone()
        self.problem_flags(ids)
        self.save_flags()
        self.counts.notes = self.limits()
        refresh_regrouped(self.groups)
        return self.counts

    # --- reading ----------------------------------------------------------------------

    def read_values(self) -> list[dict[str, Any]]:
        """Each event's stored values: its place as the editors write places, and its
        zone: the TZID, else the zone at its GEO, else its place's (Luma: UTC only)."""
        texts = {e.location: place_text(e.location) for e in self.events if not e.online}
        self.places.prepare(text for text in texts.values() if text)
        zones = place_zones(self.places.usable_id(text) for text in texts.values() if text)
        group = self.source.group
        parsed = ParsedGroup(group.name, group.url) if group is not None else None
        owner = feed_owner(
            feed_name=self.feed.name,
            feed_page=self.feed.page,
            source_name=self.source.name,
            source_url=self.source.url,
            listed_page=listed_pages().get(self.source.url, ""),
        )
        generic = links_for_two_days(self.events)
        values = []
        for event in self.events:
            place = "" if event.online else texts[event.location]
            zone = event.timezone or (timezone_at(*event.geo) if event.geo else "")
            if not zone and place:
                zone = zones.get(self.places.usable_id(place) or 0, "")
            values.append(
                event_values(
                    event,
                    zone=zone,
                    place=place,
                    feed_name=self.feed.name,
                    group=parsed,
                    generic=generic,
                    owner=owner,
                )
            )
        self.groups.prepare([g for v in values for g in stored_groups(v)])
        return values

    def sighted(self, values: dict[str, Any]) -> Sighted:
        return calendar_sighted(
            values,
            self.issue,
            group_ids=self.groups.id_for,
            misnamed=self.groups.misnamed,
            place_ids=self.places.usable_id,
            region_of=self.places.regions,
        )

    def known(self, entries: Sequence[Sighted]) -> list[KnownMeetup]:
        """The stored meetups these events could be, with this feed's stored events
        replaced by what it says now."""
        ids = candidate_ids(entries)
        uids = [event.uid[:1000] for event in self.events]
        ids |= set(
            SourceEvent.objects.filter(uid__in=uids, meetup__isnull=False)
            .order_by()
            .values_list("meetup_id", flat=True)
        )
        known = Snapshot(self.places, self.groups).load(survivors(ids))
        now = {(s.issue.key, s.line): s for s in entries}
        return [
            dataclasses.replace(
                meetup,
                sightings=tuple(now.get((s.issue.key, s.line), s) for s in meetup.sightings),
            )
            for meetup in known
        ]

    # --- writing ----------------------------------------------------------------------

    def save_events(self, values: list[dict[str, Any]], ids: list[int]) -> None:
        SourceEvent.objects.bulk_create(
            [
                SourceEvent(
                    source=self.source,
                    uid=event.uid[:1000],
                    recurrence_id=occurrence_id(event)[:40],
                    raw=event.raw[:MAX_RAW],
                    values=value,
                    meetup_id=meetup_id,
                    first_seen=self.now,
                    last_seen=self.now,
                    gone=False,
                )
                for event, value, meetup_id in zip(self.events, values, ids, strict=True)
            ],
            update_conflicts=True,
            unique_fields=["source", "uid", "recurrence_id"],
            update_fields=["raw", "values", "meetup", "last_seen", "gone"],
        )

    def apply_calendar(self, values: list[dict[str, Any]], ids: list[int]) -> set[int]:
        """Times, status and details from the calendar (first event per meetup), written
        together for the feed's meetups; changed ids."""
        meetups = current_meetups(ids)
        self.counts.meetup_ids = {meetup.pk for meetup in meetups.values()}
        changed: set[int] = set()
        done: set[int] = set()
        written: list[Meetup] = []
        for value, meetup_id in zip(values, ids, strict=True):
            meetup = meetups[meetup_id]
            if meetup.pk in done:
                continue
            done.add(meetup.pk)
            before = calendar_fields(meetup)
            if set_times(meetup, value):
                changed.add(meetup.pk)
            if self.set_status(meetup, value):
                changed.add(meetup.pk)
            if set_details(meetup, value, series=self.series(value)):
                changed.add(meetup.pk)
            if calendar_fields(meetup) != before:
                written.append(meetup)
        save_meetups(written)
        set_venues(
            [
                (meetups[i].pk, self.places.usable_id(v["place"]) if v.get("place") else None, v)
                for v, i in zip(values, ids, strict=True)
            ]
        )
        return changed

    def series(self, value: dict[str, Any]) -> Series | None:
        """The Series of a recurring event, made when first seen, its rule kept current."""
        key = value.get("series", "")
        if not key:
            return None
        if key not in self.series_by_key:
            series, _ = Series.objects.get_or_create(
                key=key, defaults={"rule_text": value.get("rule_text", "")}
            )
            rule = value.get("rule_text", "")
            if rule and series.rule_text != rule:
                series.rule_text = rule
                series.save(update_fields=["rule_text"])
            self.series_by_key[key] = series
        return self.series_by_key[key]

    def set_status(self, meetup: Meetup, value: dict[str, Any]) -> bool:
        if meetup.is_locked("status") or meetup.status == Status.HIDDEN:
            return False
        cancelled = value.get("status") == "CANCELLED"
        if not meetup.set_status(Status.CANCELLED if cancelled else Status.PUBLISHED):
            return False
        self.counts.cancelled += cancelled
        return True

    def mark_gone(self) -> None:
        """Events the feed no longer lists: kept (gone); a curator hears of future ones."""
        listed = {(e.uid[:1000], occurrence_id(e)[:40]) for e in self.events}
        vanished = [
            row
            for row in SourceEvent.objects.filter(source=self.source, gone=False).values_list(
                "id", "uid", "recurrence_id", "meetup_id", "values", "raw"
            )
            if (row[1], row[2]) not in listed
        ]
        if not vanished:
            return
        SourceEvent.objects.filter(id__in=[row[0] for row in vanished]).update(gone=True)
        today = timezone.localdate(self.now)
        for _, uid, _, meetup_id, values, raw in vanished:
            day = (values or {}).get("start_date", "")
            if meetup_id and day and date.fromisoformat(day) >= today:
                title = (values or {}).get("title") or uid
                self.flags.append(
                    Flag(
                        kind=FlagKind.GONE_FROM_CALENDAR,
                        meetup_id=meetup_id,
                        raw=raw,  # the VEVENT as the feed last gave it, for the curator
                        message=f"{self.label} no longer lists {title!r} on {day}: "
                        "cancelled, deleted or moved? It stays until a curator decides.",
                    )
                )

    def problem_flags(self, ids: list[int]) -> None:
        """What the reader found wrong: one flag per meetup that survived it, naming each
        problem once (a series' occurrences share their master's problems); one flag per
        problem of the feed itself."""
        on_meetup: dict[int, dict[str, str]] = {}
        for event, meetup_id in zip(self.events, ids, strict=True):
            for problem in event.problems:
                message = one_line(f"{self.label}: {problem.uid or 'the feed'}: {problem.message}")
                on_meetup.setdefault(meetup_id, {}).setdefault(message, problem.raw[:MAX_RAW])
        for meetup_id, found in on_meetup.items():
            self.flags.append(
                Flag(
                    kind=FlagKind.CALENDAR_PROBLEM,
                    meetup_id=meetup_id,
                    raw="\n".join(dict.fromkeys(found.values()))[:MAX_RAW],
                    message="\n".join(found),
                )
            )
        for problem in self.feed.problems:
            self.flags.append(
                Flag(
                    kind=FlagKind.CALENDAR_PROBLEM,
                    raw=problem.raw[:MAX_RAW],
                    message=f"{self.label}: {problem.uid or 'the feed'}: {problem.message}",
                )
            )

    def limits(self) -> str:
        """What the reader left out to stay within its limits, for the source's notes."""
        said = (f"{p.uid or 'the feed'}: {p.message}" for p in self.feed.problems)
        kept = [m for p, m in zip(self.feed.problems, said, strict=True) if p.kind in LIMIT_KINDS]
        return "; ".join(dict.fromkeys(kept))

    def save_flags(self) -> None:
        """New flags only: a feed read again raises what it raised before once."""
        self.counts.flagged = len(flags_raise(self.flags))


# What a calendar sets on a meetup (times, status, details): written in bulk per feed.
CALENDAR_FIELDS = (
    "starts_at",
    "ends_at",
    "timezone",
    "start_date",
    "end_date",
    "status",
    "sequence",
    "description",
    "series",
)


def calendar_fields(meetup: Meetup) -> tuple[Any, ...]:
    return tuple(getattr(meetup, "series_id" if f == "series" else f) for f in CALENDAR_FIELDS)


def save_meetups(meetups: list[Meetup]) -> None:
    """The meetups a feed changed, in one write and one history row each (saved one by
    one, twice each, they were two thirds of a first sync's time)."""
    if not meetups:
        return
    now = timezone.now()
    for meetup in meetups:
        meetup.updated = now
    rewrite(Meetup, meetups, fields=[*CALENDAR_FIELDS, "updated"])
    history_rows(model=Meetup, objs=meetups, update=True)


def set_details(meetup: Meetup, value: dict[str, Any], *, series: Series | None) -> bool:
    """The calendar's description (unless a curator locked it) and series on the meetup
    (written by `save_meetups`); True when what a calendar client sees changed."""
    fields: list[str] = []
    description = value.get("description", "")
    if not meetup.is_locked("description") and description and meetup.description != description:
        meetup.description = description
        fields.append("description")
    series_id = series.pk if series is not None else None
    if series_id is not None and meetup.series_id != series_id:
        meetup.series_id = series_id
        fields.append("series")
    return "description" in fields


def set_venues(found: list[tuple[int, int | None, dict[str, Any]]]) -> None:
    """The calendar's venue, street address and GEO on each meetup's link row of the place
    it names (else its primary place), first event per meetup. A newsletter names cities,
    never venues: this is the only writer of them besides a curator, whose lock on the
    places keeps theirs."""
    wanted: dict[int, tuple[int | None, dict[str, Any]]] = {}
    for meetup_id, place_id, value in found:
        wanted.setdefault(meetup_id, (place_id, value))
    locked = {
        pk
        for pk, fields in Meetup.objects.filter(pk__in=wanted).values_list("pk", "locked_fields")
        if "places" in (fields or [])
    }
    rows: dict[int, list[MeetupPlace]] = {}
    for row in MeetupPlace.objects.filter(meetup_id__in=wanted).order_by("position", "id"):
        rows.setdefault(row.meetup_id, []).append(row)
    changed: list[MeetupPlace] = []
    for meetup_id, (place_id, value) in wanted.items():
        links = rows.get(meetup_id, [])
        if meetup_id in locked or not links:
            continue
        row = next((r for r in links if r.place_id == place_id), links[0])
        geo = value.get("geo") or [None, None]
        new = (value.get("venue", "")[:300], value.get("address", "")[:300], geo[0], geo[1])
        if not any(new):
            continue  # an event without a venue leaves what is known
        if tuple(getattr(row, f) for f in MeetupPlace.VENUE_FIELDS) != new:
            row.venue, row.address, row.latitude, row.longitude = new
            changed.append(row)
    rewrite(MeetupPlace, changed, fields=MeetupPlace.VENUE_FIELDS)


def place_zones(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(
        Place.objects.filter(pk__in=wanted).exclude(timezone="").values_list("pk", "timezone")
    )


def current_meetups(ids: Iterable[int]) -> dict[int, Meetup]:
    """id -> the meetup it is now (a meetup merged away stands for its survivor)."""
    target = survivor_of(i for i in ids if i is not None)
    meetups = Meetup.objects.in_bulk(set(target.values()))
    return {pk: meetups[survivor] for pk, survivor in target.items() if survivor in meetups}


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def set_times(meetup: Meetup, value: dict[str, Any]) -> bool:
    """The calendar's start and end instants and zone on the meetup, if they differ."""
    starts, ends = _instant(value.get("starts_at")), _instant(value.get("ends_at"))
    zone = value.get("timezone", "")
    if ends is not None and starts is not None and ends < starts:
        ends = None
    same_zone = not zone or zone == meetup.timezone
    if (meetup.starts_at, meetup.ends_at) == (starts, ends) and (starts is None or same_zone):
        return False
    before = meetup.sequence
    meetup_set_times(meetup=meetup, starts_at=starts, ends_at=ends, timezone=zone, save=False)
    return meetup.sequence != before


__all__ = ["merge_feed", "sync_sources"]
