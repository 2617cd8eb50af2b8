"""The write side: a matching `Plan` applied with the ORM's bulk writes, in a few queries.

Order matters: new meetups (and their relations) first, then the sightings, then merges
(which move rows to the survivor), then the survivors' changes, diffed against what the
merges left, then flags.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.utils import timezone

from calendar_app.matching.match import (
    DERIVED_FLAG_KINDS,
    Change,
    FlagValue,
    KnownMeetup,
    LinkValue,
    MeetupRef,
    New,
    Plan,
)
from calendar_app.models import (
    Flag,
    FlagKind,
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Newsletter,
    Sighting,
    Status,
    region_label,
)
from calendar_app.rules import section_region
from calendar_app.services.history import history_rows
from calendar_app.services.joins import join_meetups
from calendar_app.services.search_index import fold_into, folded
from calendar_app.twir.records import ParsedEntry

CHANGED_FIELDS = ["title", "start_date", "end_date", "attendance", "region", "sequence"]
WITHDRAWN = "Withdrawn: a newsletter read again no longer lists it"
LISTED_AGAIN = "Published again: a newsletter lists it again"


@dataclass
class Written:
    """What applying a plan did, for the report."""

    created: int = 0
    updated: int = 0
    flags: list[Flag] = field(default_factory=list)


class PlanWriter:
    """Applies one plan; `ids` maps each planned meetup to its row once it exists."""

    def __init__(self, plan: Plan, known: Sequence[KnownMeetup]) -> None:
        self.plan = plan
        self.known = {m.id: m for m in known}
        self.ids: dict[MeetupRef, int] = {m.id: m.id for m in known}

    def id_of(self, ref: MeetupRef) -> int:
        return self.ids[ref]

    def apply_new(self) -> Written:
        """The new meetups: the sightings can point at them next."""
        return Written(created=self.create())

    def apply_rest(self, written: Written) -> None:
        """Merges, changes to stored meetups, their derived flags (to save with the others)."""
        self.merge()
        written.updated = self.change() + self.publish_again()
        written.flags = self.derived_flags()

    def create(self) -> int:
        now = timezone.now()
        meetups = [
            Meetup(
                title=new.values.title,
                search_title=folded(Meetup, {"title": new.values.title}),
                start_date=new.values.start_date,
                end_date=new.values.end_date,
                attendance=new.values.attendance,
                region=new.values.region,
                source_date=new.values.source_date,
                fallback_key=new.fallback_key,
                updated=now,
            )
            for new in self.plan.new
        ]
        ids = [meetup.pk for meetup in Meetup.objects.bulk_create(meetups)]
        relations = Relations()
        for index, (new, pk) in enumerate(zip(self.plan.new, ids, strict=True)):
            self.ids[New(index)] = pk
            relations.replace(pk, new.values.places, new.values.groups, replace=False)
            first = new.values.links if new.first_links is None else new.first_links
            relations.links(pk, first, current=[])
        relations.save()
        return len(ids)

    def publish_again(self) -> int:
        """Withdrawn meetups a newsletter lists again: public again, with a history row."""
        if not self.plan.published:
            return 0
        meetups = list(Meetup.objects.filter(pk__in=self.plan.published, status=Status.HIDDEN))
        Meetup.objects.filter(pk__in=[m.pk for m in meetups]).update(status=Status.PUBLISHED)
        for meetup in meetups:
            meetup.status = Status.PUBLISHED
        history_rows(model=Meetup, objs=meetups, update=True, reason=LISTED_AGAIN)
        return len(meetups)

    def merge(self) -> None:
        join_meetups(
            joins=[
                (self.id_of(merge.survivor), self.id_of(merge.other), merge.reason)
                for merge in self.plan.merges
            ]
        )

    def change(self) -> int:
        """Fields and relations of stored meetups; returns how many changed visibly."""
        changed: list[Meetup] = []
        dated: dict[date, list[int]] = {}
        relations = Relations()
        link_changes = [c for c in self.plan.changes if c.links is not None]
        joined = {  # created this plan, others joined to it: all their links in order now
            self.ids[New(index)]: new.values.links
            for index, new in enumerate(self.plan.new)
            if new.first_links is not None
        }
        current = current_links([*(c.id for c in link_changes), *joined])
        for pk, links in joined.items():
            relations.links(pk, links, current=current.get(pk, []))
        for change in self.plan.changes:
            if not change.visible:
                if change.source_date is not None:  # most changes: no instance needed
                    dated.setdefault(change.source_date, []).append(change.id)
                continue
            meetup = self.meetup(change)
            if change.places is not None or change.groups is not None:
                relations.replace(change.id, change.places, change.groups, replace=True)
            if change.links is not None:
                relations.links(change.id, change.links, current=current.get(change.id, []))
            changed.append(meetup)
        relations.save()
        if changed:
            Meetup.objects.bulk_update(
                changed, [*CHANGED_FIELDS, "search_title", "source_date", "updated"]
            )
        for source_date, ids in dated.items():  # which issue speaks for it: unseen
            Meetup.objects.filter(pk__in=ids).update(source_date=source_date)
        return len(changed)

    def meetup(self, change: Change) -> Meetup:
        """A stored meetup as an instance (no query), with the change applied in memory."""
        known = self.known[change.id]
        values = known.values
        meetup = Meetup(
            pk=known.id,
            title=values.title,
            start_date=values.start_date,
            end_date=values.end_date,
            attendance=values.attendance,
            region=values.region,
            sequence=known.sequence,
            source_date=change.source_date or values.source_date,
        )
        for name, value in change.fields.items():
            setattr(meetup, name, value)
        if change.fields:
            meetup.updated = timezone.now()
        # what calendar clients must pick up (a new place included) raises SEQUENCE once
        meetup.note_changes([*change.fields, *(["places"] if change.places is not None else [])])
        fold_into(meetup)
        return meetup

    def derived_flags(self) -> list[Flag]:
        """Flags recomputed from a survivor's sightings: stale ones go, missing ones come."""
        wanted = {self.id_of(ref): flags for ref, flags in self.plan.flags.items()}
        if not wanted:
            return []
        # A meetup this plan creates has none yet (only new ones are merged into it).
        stored = [ref for ref in self.plan.flags if not isinstance(ref, New)]
        existing: dict[int, dict[FlagValue, list[int]]] = {}
        kinds = [kind.value for kind in DERIVED_FLAG_KINDS]
        for pk, meetup_id, kind, message in (
            Flag.objects.filter(meetup_id__in=stored, kind__in=kinds).values_list(
                "id", "meetup_id", "kind", "message"
            )
            if stored
            else ()
        ):
            existing.setdefault(meetup_id, {}).setdefault(FlagValue(kind, message), []).append(pk)
        stale: list[int] = []
        new: list[Flag] = []
        for meetup_id, flags in wanted.items():
            have = existing.get(meetup_id, {})
            for value, ids in have.items():
                stale += ids if value not in flags else ids[1:]
            new += [
                Flag(kind=v.kind, message=v.message, meetup_id=meetup_id)
                for v in dict.fromkeys(flags)
                if v not in have
            ]
        if stale:
            Flag.objects.filter(id__in=stale).delete()
        return new


LinkRow = tuple[int, str, bool, int, str, str]  # id, canonical, primary, position, label, url


def current_links(ids: list[int]) -> dict[int, list[LinkRow]]:
    """meetup id -> its link rows (id, canonical, primary, position, label, url), in order."""
    rows: dict[int, list[LinkRow]] = {}
    if ids:
        for meetup_id, *row in (
            MeetupLink.objects.filter(meetup_id__in=ids)
            .order_by("position", "id")
            .values_list("meetup_id", "id", "canonical_url", "primary", "position", "label", "url")
        ):
            rows.setdefault(meetup_id, []).append(tuple(row))  # type: ignore[arg-type]
    return rows


class Relations:
    """Places, organisers and links of many meetups, written in a few queries."""

    def __init__(self) -> None:
        self.replaced: dict[type[models.Model], set[int]] = {MeetupPlace: set(), MeetupGroup: set()}
        self.rows: dict[type[models.Model], list[dict]] = {MeetupPlace: [], MeetupGroup: []}
        self.new_links: list[dict] = []
        self.moved_links: list[MeetupLink] = []

    def replace(
        self,
        meetup_id: int,
        places: Sequence[int] | None,
        groups: Sequence[int] | None,
        *,
        replace: bool,
    ) -> None:
        for model, column, ids in (
            (MeetupPlace, "place_id", places),
            (MeetupGroup, "group_id", groups),
        ):
            if ids is None:
                continue
            if replace:
                self.replaced[model].add(meetup_id)
            self.rows[model] += [
                {"meetup_id": meetup_id, column: pk, "position": i} for i, pk in enumerate(ids)
            ]

    def links(
        self,
        meetup_id: int,
        links: Sequence[LinkValue],
        *,
        current: list[LinkRow],
    ) -> None:
        """Links in `links` order; rows kept (a curator's unmerge gives them back), each
        spelled as `links` spell it."""
        rows = {row[1]: (row[0], row[2], row[3], row[4], row[5]) for row in current}
        wanted = {link.canonical for link in links}
        if any(link.primary for link in links):  # a kept row is primary no more
            self.moved_links += [
                MeetupLink(
                    pk=pk, meetup_id=meetup_id, primary=False, position=at, label=label, url=url
                )
                for canonical, (pk, primary, at, label, url) in rows.items()
                if primary and canonical not in wanted
            ]
        for position, link in enumerate(links):
            if link.canonical not in rows:
                self.new_links.append(
                    {
                        "meetup_id": meetup_id,
                        "url": link.url[:1000],
                        "canonical_url": link.canonical[:1000],
                        "label": link.label[:300],
                        "primary": link.primary,
                        "event_specific": link.specific,
                        "position": position,
                    }
                )
                continue
            pk, primary, at, label, url = rows[link.canonical]
            target = (link.primary, position, link.label[:300], link.url[:1000])
            if (primary, at, label, url) != target:
                self.moved_links.append(
                    MeetupLink(
                        pk=pk,
                        meetup_id=meetup_id,
                        primary=link.primary,
                        position=position,
                        label=link.label[:300],
                        url=link.url[:1000],
                    )
                )

    def save(self) -> None:
        self._keep_venues()
        for model, meetup_ids in self.replaced.items():
            if meetup_ids:
                model._default_manager.filter(meetup_id__in=meetup_ids).delete()
        for model, rows in self.rows.items():
            model._default_manager.bulk_create([model(**row) for row in rows])
        # no primary link at all for a moment: a meetup has at most one
        fields = ["primary", "position", "label", "url"]
        for primary in (False, True):
            moved = [link for link in self.moved_links if bool(link.primary) == primary]
            if moved:
                MeetupLink.objects.bulk_update(moved, fields)
        MeetupLink.objects.bulk_create(
            [MeetupLink(**row) for row in self.new_links], ignore_conflicts=True
        )

    def _keep_venues(self) -> None:
        """A newsletter names a town, never a venue: the venue, address and coordinates a
        calendar (or a curator) gave a meetup's place stay on its rewritten row."""
        meetup_ids = self.replaced[MeetupPlace]
        if not meetup_ids:
            return
        kept = {
            (meetup_id, place_id): dict(zip(MeetupPlace.VENUE_FIELDS, values, strict=True))
            for meetup_id, place_id, *values in MeetupPlace.objects.filter(meetup_id__in=meetup_ids)
            .exclude(venue="", address="", latitude__isnull=True)
            .values_list("meetup_id", "place_id", *MeetupPlace.VENUE_FIELDS)
        }
        if not kept:
            return
        none = dict.fromkeys(MeetupPlace.VENUE_FIELDS) | {"venue": "", "address": ""}
        placed = {(row["meetup_id"], row["place_id"]) for row in self.rows[MeetupPlace]}
        # a venue whose place the newsletter names otherwise ("Prague" for "Smíchov")
        # goes to the meetup's new primary place
        moved: dict[int, dict] = {}
        for (meetup_id, place_id), venue in kept.items():
            if (meetup_id, place_id) not in placed:
                moved.setdefault(meetup_id, venue)
        for row in self.rows[MeetupPlace]:
            own = kept.get((row["meetup_id"], row["place_id"]))
            if own is None and row["position"] == 0:
                own = moved.get(row["meetup_id"])
            row.update(own or none)


def write_sightings(
    newsletter: Newsletter,
    pairs: list[tuple[ParsedEntry, int, str, dict]],
) -> list[Flag]:
    """Sightings (entry, meetup id, its place's region, parsed values), then their flags."""
    sightings = Sighting.objects.bulk_create(
        [
            Sighting(
                newsletter=newsletter,
                line=entry.line,
                section=entry.section[:100],
                raw=entry.raw,
                parsed=parsed,
                meetup_id=meetup_id,
            )
            for entry, meetup_id, _, parsed in pairs
        ]
    )
    flags: list[Flag] = []
    for entry, meetup_id, region, _ in pairs:
        for problem in entry.problems:
            flags.append(
                Flag(
                    kind=problem.kind,
                    message=problem.message,
                    newsletter=newsletter,
                    line=entry.line,
                    meetup_id=meetup_id,
                )
            )
        listed = section_region(entry.section)
        if listed and region and listed != region:
            flags.append(
                Flag(
                    kind=FlagKind.SECTION_MISMATCH,
                    newsletter=newsletter,
                    line=entry.line,
                    meetup_id=meetup_id,
                    message=f"Listed under {entry.section}, but {entry.location_text} is in "
                    f"{region_label(region)}.",
                )
            )
    if flags:  # each points at its line's sighting; most newsletters need none
        ids = {sighting.line: sighting.pk for sighting in sightings}
        for flag in flags:
            flag.sighting_id = ids[flag.line or 0]
    return flags
