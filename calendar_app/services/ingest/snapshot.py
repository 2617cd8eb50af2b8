"""The read side of matching: the stored meetups a newsletter's entries could name, as values.

A fixed number of queries per newsletter: candidates by link, fallback key and organiser
and day; merges followed to their survivors; then the survivors with all their sightings
and relations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.db.models import Q

from calendar_app.models import Meetup, MeetupGroup, MeetupLink, MeetupPlace, Sighting
from calendar_app.services.groups import GroupResolver
from calendar_app.services.ingest.calendar_snapshot import calendar_sightings
from calendar_app.services.ingest.entries import issue_label, sighted, stored_entry
from calendar_app.services.ingest.match import (
    MAX_MOVE,
    Issue,
    KnownMeetup,
    LinkValue,
    MeetupValues,
    Sighted,
)
from calendar_app.services.places import PlaceResolver
from calendar_app.services.survivor import follow_merges
from calendar_app.twir.records import ParsedEntry


def candidate_ids(entries: Sequence[Sighted]) -> set[int]:
    """Meetups sharing a link (generic: same day; event link: within a move's reach), a
    fallback key, or an organiser and a day with an entry."""
    if not entries:
        return set()
    days = {e.start_date for e in entries}
    links = {link.canonical: link.specific for e in entries for link in e.links}
    specific = [url for url, is_specific in links.items() if is_specific]
    reach = (shifted(min(days), -MAX_MOVE), shifted(max(days), MAX_MOVE))
    ids = set(
        MeetupLink.objects.filter(canonical_url__in=list(links))
        .filter(
            Q(meetup__start_date__in=days)
            | Q(canonical_url__in=specific, event_specific=True, meetup__start_date__range=reach)
        )
        .values_list("meetup_id", flat=True)
    )
    fallbacks = [e.fallback for e in entries if e.fallback]
    if fallbacks:
        ids |= set(Meetup.objects.filter(fallback_key__in=fallbacks).values_list("id", flat=True))
    organisers = {g for e in entries if e.title for g in e.organisers}
    if organisers:
        ids |= set(
            MeetupGroup.objects.filter(
                group_id__in=organisers, meetup__start_date__in=days
            ).values_list("meetup_id", flat=True)
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
    merged_into: dict[int, int | None] = {}
    pending = set(ids)
    while pending:
        rows = Meetup.objects.filter(id__in=pending).values_list("id", "duplicate_of_id")
        merged_into.update(rows)
        pending = {t for _, t in rows if t is not None and t not in merged_into}
    return {follow_merges(i, merged_into) for i in merged_into}


class Snapshot:
    """Loads `KnownMeetup` values for survivors; organisers and places through resolvers."""

    def __init__(self, places: PlaceResolver, groups: GroupResolver) -> None:
        self.places = places
        self.groups = groups

    def load(self, ids: set[int]) -> list[KnownMeetup]:
        if not ids:
            return []
        rows = list(
            Sighting.objects.filter(meetup_id__in=ids)
            .order_by()
            .values_list(
                "meetup_id",
                "line",
                "section",
                "parsed",
                "newsletter__key",
                "newsletter__date",
                "newsletter__number",
            )
        )
        parsed = [(row, entry) for row in rows if (entry := readable(row)) is not None]
        self.places.prepare(p.text for _, e in parsed for p in e.places)
        self.groups.prepare([g for _, e in parsed for g in e.groups])
        sightings: dict[int, list[Sighted]] = {}
        issues: dict[str, Issue] = {}
        for (meetup_id, _, _, values, key, day, number), entry in parsed:
            issue = issues.setdefault(key, Issue(key, day, issue_label(number, day, key)))
            sightings.setdefault(meetup_id, []).append(
                sighted(
                    entry,
                    issue,
                    generic=frozenset(values.get("generic", ())),
                    group_ids=self.groups.id_for,
                    place_ids=self.places.usable_id,
                    region_of=self.places.regions,
                )
            )
        for meetup_id, found in calendar_sightings(ids, self.places, self.groups).items():
            sightings.setdefault(meetup_id, []).extend(found)
        return self._meetups(ids, sightings)

    def _meetups(self, ids: set[int], sightings: dict[int, list[Sighted]]) -> list[KnownMeetup]:
        places = _ordered(MeetupPlace.objects.filter(meetup_id__in=ids), "place_id")
        groups = _ordered(MeetupGroup.objects.filter(meetup_id__in=ids), "group_id")
        links: dict[int, list[LinkValue]] = {}
        for meetup_id, url, canonical, label, primary, specific in (
            MeetupLink.objects.filter(meetup_id__in=ids)
            .order_by("position", "id")
            .values_list("meetup_id", "url", "canonical_url", "label", "primary", "event_specific")
        ):
            links.setdefault(meetup_id, []).append(
                LinkValue(url, canonical, label, primary, specific)
            )
        known = []
        for row in Meetup.objects.filter(id__in=ids).values(
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
        ):
            pk = row["id"]
            values = MeetupValues(
                title=row["title"],
                start_date=row["start_date"],
                end_date=row["end_date"],
                attendance=row["attendance"],
                region=row["region"],
                places=tuple(places.get(pk, ())),
                groups=tuple(groups.get(pk, ())),
                links=tuple(links.get(pk, ())),
                source_date=row["source_date"],
            )
            known.append(
                KnownMeetup(
                    id=pk,
                    values=values,
                    sequence=row["sequence"],
                    locked=frozenset(row["locked_fields"] or ()),
                    sightings=tuple(sightings.get(pk, ())),
                    apart=frozenset((row["merge_record"] or {}).get("apart", ())),
                )
            )
        return sorted(known, key=lambda m: m.id)


def readable(row: tuple) -> ParsedEntry | None:
    """A stored sighting as the parser's record; None when it holds no values to match on
    (made by hand, or by a version that stored none)."""
    try:
        return stored_entry(row[3], row[1], row[2])
    except (KeyError, TypeError, ValueError):
        return None


def _ordered(rows, column: str) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for meetup_id, value in rows.order_by("position", "id").values_list("meetup_id", column):
        out.setdefault(meetup_id, []).append(value)
    return out
