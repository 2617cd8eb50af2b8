"""The read side of matching: the stored meetups a newsletter's entries could name, as values.

A fixed number of queries per newsletter: candidates by link, fallback key and organiser
and day; merges followed to their survivors; then the survivors with all their sightings
and relations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.db.models import Model

from calendar_app.matching.entries import issue_label, sighted, stored_entry
from calendar_app.matching.match import (
    MAX_MOVE,
    Issue,
    KnownMeetup,
    LinkValue,
    MeetupValues,
    Sighted,
)
from calendar_app.matching.survivor import follow_merges
from calendar_app.models import (
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Sighting,
    SourceEvent,
    Status,
)
from calendar_app.services.groups import GroupResolver
from calendar_app.services.history import history_of
from calendar_app.services.ingest.calendar_snapshot import calendar_sightings
from calendar_app.services.places import PlaceResolver
from calendar_app.twir.records import ParsedEntry


def candidate_ids(entries: Sequence[Sighted]) -> set[int]:
    """Meetups sharing a link (generic: same day; event link: within a move's reach), a
    fallback key, or an organiser and a day with an entry."""
    if not entries:
        return set()
    days = sorted({e.start_date for e in entries})
    links = {link.canonical: link.specific for e in entries for link in e.links}
    specific = [url for url, is_specific in links.items() if is_specific]
    reach = [shifted(days[0], -MAX_MOVE), shifted(days[-1], MAX_MOVE)]
    ids: set[int] = set()
    # Each query is led by one index and the rest is kept in Python: SQLite planned these
    # with every IN list at once as one probe per value per meetup of the days, which grew
    # to 38 s a group at 30 times the archive. Rows: the meetups of the group's days, and
    # the few holding one of its event pages.
    if links:
        ids.update(
            meetup
            for meetup, url in MeetupLink.objects.filter(meetup__start_date__in=days)
            .order_by()
            .values_list("meetup_id", "canonical_url")
            if url in links
        )
    if specific:
        ids.update(
            meetup
            for meetup, day in MeetupLink.objects.filter(
                canonical_url__in=specific, event_specific=True
            )
            .order_by()
            .values_list("meetup_id", "meetup__start_date")
            if reach[0] <= day <= reach[1]
        )
    fallbacks = sorted({e.fallback for e in entries if e.fallback})
    if fallbacks:
        ids.update(Meetup.objects.filter(fallback_key__in=fallbacks).values_list("id", flat=True))
    organisers = {g for e in entries if e.title for g in e.organisers}
    if organisers:
        ids.update(
            meetup
            for meetup, group in MeetupGroup.objects.filter(meetup__start_date__in=days)
            .order_by()
            .values_list("meetup_id", "group_id")
            if group in organisers
        )
    return ids


def shifted(day: date, by: timedelta) -> date:
    """`day + by`, held at the calendar's ends (an extreme date must not fail a file)."""
    try:
        return day + by
    except OverflowError:
        return date.max if by > timedelta(0) else date.min


def survivors(ids: Iterable[int]) -> set[int]:
    """The meetups `ids` stand for, following `duplicate_of` (a query per chain length)."""
    return set(survivor_of(ids).values())


def survivor_of(ids: Iterable[int]) -> dict[int, int]:
    """id -> the meetup it stands for now, following `duplicate_of` chains."""
    merged_into: dict[int, int | None] = {}
    pending = set(ids)
    while pending:
        rows = list(
            Meetup.objects.filter(pk__in=sorted(pending)).values_list("id", "duplicate_of_id")
        )
        merged_into.update(rows)
        pending = {t for _, t in rows if t is not None and t not in merged_into}
    return {i: follow_merges(i, merged_into) for i in merged_into}


class SightingValues:
    """Stored sightings as matching sees them, by sighting id, kept while they are in use.

    A sighting row does not change (a newsletter read again replaces its rows with new
    ones), so its values are read, decoded and resolved once instead of for every
    newsletter naming its meetup; those just written are `remember`ed as they were matched.
    Kept for two groups of an import (`next_group`): a meetup is listed by the issues of a
    few weeks, so what the group before used is what this one needs, and an archive import
    holds two groups' listings, not the archive's. What they name does change when two
    organisers are found to be one: then they are read again. Thrown away with a failed file.
    """

    def __init__(self) -> None:
        self.values: dict[int, Sighted | None] = {}  # read or written in this group
        self.older: dict[int, Sighted | None] = {}  # in the group before
        self.merges = 0  # GroupResolver.merges when these were read

    def next_group(self) -> None:
        """Forget what neither this group nor the one before it used."""
        self.older, self.values = self.values, {}

    def unread(self, pks: Iterable[int]) -> list[int]:
        """Of `pks`, those not kept (those kept in the group before are kept again)."""
        missing = []
        for pk in pks:
            if pk in self.values:
                continue
            if pk in self.older:
                self.values[pk] = self.older.pop(pk)
            else:
                missing.append(pk)
        return missing

    def remember(self, newsletter_id: int, number: int | None, entries: Sequence[Sighted]) -> None:
        """The entries just written as a newsletter's sightings, as a snapshot reads them."""
        ids = dict(Sighting.objects.filter(newsletter_id=newsletter_id).values_list("line", "id"))
        for entry in entries:
            issue = entry.issue
            if issue.label == issue_label(number, issue.date, issue.key):
                self.values[ids[entry.line]] = entry

    def follow(self, groups: GroupResolver) -> None:
        if groups.merges != self.merges:
            self.values.clear()
            self.older.clear()
            self.merges = groups.merges


class Snapshot:
    """Loads `KnownMeetup` values for survivors; organisers and places through resolvers.

    `seen`: sightings read before in the run (a snapshot reads each stored sighting once).
    """

    def __init__(
        self, places: PlaceResolver, groups: GroupResolver, seen: SightingValues | None = None
    ) -> None:
        self.places = places
        self.groups = groups
        self.seen = seen or SightingValues()

    def load(self, ids: set[int]) -> list[KnownMeetup]:
        if not ids:
            return []
        self.seen.follow(self.groups)
        keys = sorted(ids)
        rows = list(
            Sighting.objects.filter(meetup_id__in=keys)
            .order_by("id")
            .values_list("id", "meetup_id")
        )
        unread = self.seen.unread(pk for pk, _ in rows)
        if unread:
            self._read(unread)
        values = self.seen.values
        if self.groups.merges != self.seen.merges:  # merged while reading: all of them again
            self.seen.follow(self.groups)
            self._read([pk for pk, _ in rows])
            values = self.seen.values
        sightings: dict[int, list[Sighted]] = {}
        for pk, meetup_id in rows:
            if (value := values[pk]) is not None:
                sightings.setdefault(meetup_id, []).append(value)
        for meetup_id, found in calendar_sightings(ids, self.places, self.groups).items():
            sightings.setdefault(meetup_id, []).extend(found)
        return self._meetups(ids, sightings)

    def _read(self, pks: list[int]) -> None:
        """Sightings not read before in this run, from their stored values."""
        rows = list(
            Sighting.objects.filter(pk__in=pks)
            .order_by()
            .values_list(
                "id",
                "line",
                "section",
                "parsed",
                "newsletter__key",
                "newsletter__date",
                "newsletter__number",
            )
        )
        parsed = [(row, readable(row)) for row in rows]
        self.places.prepare(p.text for _, e in parsed if e for p in e.places)
        self.groups.prepare([g for _, e in parsed if e for g in e.groups])
        issues: dict[str, Issue] = {}
        for (pk, _, _, values, key, issued, number), entry in parsed:
            if entry is None:
                self.seen.values[pk] = None
                continue
            issue = issues.setdefault(key, Issue(key, issued, issue_label(number, issued, key)))
            self.seen.values[pk] = sighted(
                entry,
                issue,
                generic=frozenset(values.get("generic", ())),
                group_ids=self.groups.id_for,
                misnamed=self.groups.misnamed,
                place_ids=self.places.usable_id,
                region_of=self.places.regions,
            )

    def _meetups(self, ids: set[int], sightings: dict[int, list[Sighted]]) -> list[KnownMeetup]:
        keys = sorted(ids)
        places = _ordered(MeetupPlace, "place_id", keys, inferred=False)  # not listed
        groups = _ordered(MeetupGroup, "group_id", keys)
        links: dict[int, list[LinkValue]] = {}
        for meetup_id, url, canonical, label, primary, specific in (
            MeetupLink.objects.filter(meetup_id__in=keys)
            .order_by("position", "id")
            .values_list("meetup_id", "url", "canonical_url", "label", "primary", "event_specific")
        ):
            links.setdefault(meetup_id, []).append(
                LinkValue(url, canonical, label, primary, specific)
            )
        rows = list(
            Meetup.objects.filter(pk__in=keys)
            .order_by("id")
            .values_list(
                "id",
                "title",
                "start_date",
                "end_date",
                "attendance",
                "region",
                "sequence",
                "locked_fields",
                "source_date",
                "merge_record",
                "status",
            )
        )
        hidden = [row[0] for row in rows if row[10] == Status.HIDDEN and row[0] not in sightings]
        withdrawn = unheld(hidden) if hidden else set()
        known = []
        for pk, title, start, end, attendance, region, sequence, locked, source, record, _ in rows:
            values = MeetupValues(
                title=title,
                start_date=start,
                end_date=end,
                attendance=attendance,
                region=region,
                places=tuple(places.get(pk, ())),
                groups=tuple(groups.get(pk, ())),
                links=tuple(links.get(pk, ())),
                source_date=source,
            )
            known.append(
                KnownMeetup(
                    id=pk,
                    values=values,
                    sequence=sequence,
                    locked=frozenset(locked or ()),
                    sightings=tuple(sightings.get(pk, ())),
                    apart=frozenset((record or {}).get("apart", ())),
                    withdrawn=pk in withdrawn,
                )
            )
        return known


def unheld(ids: Iterable[int]) -> set[int]:
    """Those of `ids` nothing holds: no sighting, no calendar event, no curator's hand (no
    locked field, no edit by a person in their history, no submission). Ingest may hide
    them, and show them again when a newsletter lists them."""
    meetups = (
        Meetup.objects.filter(pk__in=list(ids), duplicate_of=None, sightings=None, submissions=None)
        .exclude(pk__in=SourceEvent.objects.filter(meetup__isnull=False).values("meetup_id"))
        .exclude(pk__in=history_of(Meetup).filter(history_user__isnull=False).values("id"))
    )
    return {pk for pk, locked in meetups.values_list("pk", "locked_fields") if not locked}


def readable(row: tuple) -> ParsedEntry | None:
    """A stored sighting as the parser's record; None when it holds no values to match on
    (made by hand, or by a version that stored none)."""
    try:
        return stored_entry(row[3], row[1], row[2])
    except (KeyError, TypeError, ValueError):
        return None


def _ordered(
    model: type[Model], column: str, keys: list[int], **where: object
) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for meetup_id, value in (
        model._default_manager.filter(meetup_id__in=keys, **where)
        .order_by("position", "id")
        .values_list("meetup_id", column)
    ):
        out.setdefault(meetup_id, []).append(value)
    return out
