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
    Newsletter,
    Sighting,
    SourceEvent,
    Status,
)
from calendar_app.services.groups import GroupResolver
from calendar_app.services.history import history_of
from calendar_app.services.ingest.calendar_snapshot import calendar_sightings
from calendar_app.services.places import PlaceResolver
from calendar_app.services.sql.statements import day, decoded, marks, select, table
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
    if links:
        moved = (
            f" OR (l.canonical_url IN ({marks(specific)}) AND l.event_specific = %s"
            " AND m.start_date BETWEEN %s AND %s)"
            if specific
            else ""
        )
        rows = select(
            f"SELECT l.meetup_id FROM {table(MeetupLink)} l "
            f"JOIN {table(Meetup)} m ON m.id = l.meetup_id "
            f"WHERE l.canonical_url IN ({marks(links)}) "
            f"AND (m.start_date IN ({marks(days)}){moved})",
            [*links, *days, *((*specific, True, *reach) if specific else ())],
        )
        ids.update(row[0] for row in rows)
    fallbacks = sorted({e.fallback for e in entries if e.fallback})
    if fallbacks:
        rows = select(
            f"SELECT id FROM {table(Meetup)} WHERE fallback_key IN ({marks(fallbacks)})",
            fallbacks,
        )
        ids.update(row[0] for row in rows)
    organisers = sorted({g for e in entries if e.title for g in e.organisers})
    if organisers:
        rows = select(
            f"SELECT g.meetup_id FROM {table(MeetupGroup)} g "
            f"JOIN {table(Meetup)} m ON m.id = g.meetup_id "
            f"WHERE g.group_id IN ({marks(organisers)}) AND m.start_date IN ({marks(days)})",
            [*organisers, *days],
        )
        ids.update(row[0] for row in rows)
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
        rows = select(
            f"SELECT id, duplicate_of_id FROM {table(Meetup)} WHERE id IN ({marks(pending)})",
            sorted(pending),
        )
        merged_into.update(rows)
        pending = {t for _, t in rows if t is not None and t not in merged_into}
    return {i: follow_merges(i, merged_into) for i in merged_into}


class SightingValues:
    """Stored sightings as matching sees them, by sighting id, kept for a run.

    A sighting row does not change (a newsletter read again replaces its rows with new
    ones), so its values are read, decoded and resolved once per run instead of for every
    newsletter naming its meetup; those just written are `remember`ed as they were matched.
    What they name does change when two organisers are found to be one: then they are
    read again. Thrown away with a failed file.
    """

    def __init__(self) -> None:
        self.values: dict[int, Sighted | None] = {}
        self.merges = 0  # GroupResolver.merges when these were read

    def remember(self, newsletter_id: int, number: int | None, entries: Sequence[Sighted]) -> None:
        """The entries just written as a newsletter's sightings, as a snapshot reads them."""
        ids = dict(
            select(
                f"SELECT line, id FROM {table(Sighting)} WHERE newsletter_id = %s", [newsletter_id]
            )
        )
        for entry in entries:
            issue = entry.issue
            if issue.label == issue_label(number, issue.date, issue.key):
                self.values[ids[entry.line]] = entry

    def follow(self, groups: GroupResolver) -> None:
        if groups.merges != self.merges:
            self.values.clear()
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
        rows = select(
            f"SELECT id, meetup_id FROM {table(Sighting)} "
            f"WHERE meetup_id IN ({marks(keys)}) ORDER BY id",
            keys,
        )
        values = self.seen.values
        unread = [pk for pk, _ in rows if pk not in values]
        if unread:
            self._read(unread)
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
        rows = [
            (pk, line, section, decoded(values), key, day(stored_day), number)
            for pk, line, section, values, key, stored_day, number in select(
                "SELECT s.id, s.line, s.section, s.parsed, n.key, n.date, n.number "
                f"FROM {table(Sighting)} s JOIN {table(Newsletter)} n ON n.id = s.newsletter_id "
                f"WHERE s.id IN ({marks(pks)})",
                pks,
            )
        ]
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
        places = _ordered(MeetupPlace, "place_id", keys, "AND NOT inferred")  # not listed
        groups = _ordered(MeetupGroup, "group_id", keys)
        links: dict[int, list[LinkValue]] = {}
        for meetup_id, url, canonical, label, primary, specific in select(
            'SELECT meetup_id, url, canonical_url, label, "primary", event_specific '
            f"FROM {table(MeetupLink)} WHERE meetup_id IN ({marks(keys)}) "
            "ORDER BY position, id",
            keys,
        ):
            links.setdefault(meetup_id, []).append(
                LinkValue(url, canonical, label, bool(primary), bool(specific))
            )
        rows = select(
            "SELECT id, title, start_date, end_date, attendance, region, sequence, "
            f"locked_fields, source_date, merge_record, status FROM {table(Meetup)} "
            f"WHERE id IN ({marks(keys)}) ORDER BY id",
            keys,
        )
        hidden = [row[0] for row in rows if row[10] == Status.HIDDEN and row[0] not in sightings]
        withdrawn = unheld(hidden) if hidden else set()
        known = []
        for pk, title, start, end, attendance, region, sequence, locked, source, record, _ in rows:
            values = MeetupValues(
                title=title,
                start_date=day(start),  # type: ignore[arg-type]
                end_date=day(end),  # type: ignore[arg-type]
                attendance=attendance,
                region=region,
                places=tuple(places.get(pk, ())),
                groups=tuple(groups.get(pk, ())),
                links=tuple(links.get(pk, ())),
                source_date=day(source),
            )
            known.append(
                KnownMeetup(
                    id=pk,
                    values=values,
                    sequence=sequence,
                    locked=frozenset(decoded(locked) or ()),
                    sightings=tuple(sightings.get(pk, ())),
                    apart=frozenset((decoded(record) or {}).get("apart", ())),
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
    model: type[Model], column: str, keys: list[int], where: str = ""
) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for meetup_id, value in select(
        f"SELECT meetup_id, {column} FROM {table(model)} WHERE meetup_id IN ({marks(keys)}) "
        f"{where} ORDER BY position, id",
        keys,
    ):
        out.setdefault(meetup_id, []).append(value)
    return out
