"""The merges ingest makes itself, by the rules a curator's merge follows too.

Ingest joins meetups it finds listed twice (`join_meetups`) and folds organisers found
under two names (`merge_groups`); a curator's merge and unmerge (`services.merge`) build on
the same pieces and, after an unmerge, read the meetups again through ingest. So this
module imports neither ingest nor `services.merge`: both import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from functools import reduce
from operator import or_
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from calendar_app.models import (
    Flag,
    Group,
    GroupAlias,
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Sighting,
    SourceEvent,
)
from calendar_app.rules import group_alias_keys
from calendar_app.services.history import history_baseline, history_rows, history_save
from calendar_app.services.merge_rows import RowMoves

# Relation -> its rows, and the column the merge record names a row by.
RELATION_ROWS: dict[str, tuple[Any, str]] = {  # (model class, column)
    "links": (MeetupLink, "canonical_url"),
    "groups": (MeetupGroup, "group_id"),
    "places": (MeetupPlace, "place_id"),
}


@transaction.atomic
def join_meetups(*, joins: Sequence[tuple[int, int, str]]) -> None:
    """Ingest's merges, in order: (survivor id, other id, reason) each (see ingest.match).

    Like a curator's merge, but it locks nothing (later issues keep updating the survivor)
    and records why, so a curator can see it and unmerge it. Done in bulk: the rows are
    read once for all the joins, and each joined meetup gets its history row (after a
    baseline of its ingested state) as one `_save` would give it.
    """
    if not joins:
        return
    meetups = Meetup.objects.in_bulk(
        {pk for survivor, other, _ in joins for pk in (survivor, other)}
    )
    moves = RowMoves(meetups)
    others = [other for _, other, _ in joins]
    history_baseline(model=Meetup, pks=others, stored=meetups)  # their state before the joins
    now = timezone.now()
    for survivor_id, other_id, reason in joins:
        other = meetups[other_id]
        record = moves.move(other=other_id, survivor=survivor_id)
        # a copy: each join sees the survivor as stored (its adopted times are not saved)
        record["times"] = adopt_times(other, copy(meetups[survivor_id]))
        record["locked"] = []
        record["reason"] = reason
        other.duplicate_of_id = survivor_id
        other.merge_record = record
        other.updated = now
        other._change_reason = f"Joined with meetup #{survivor_id} by ingest ({reason})"  # type: ignore[attr-defined]
    moves.save()
    joined = [meetups[pk] for pk in others]
    Meetup.objects.bulk_update(joined, ["merge_record", "updated"])
    history_rows(model=Meetup, objs=joined, update=True)


def adopt_times(other: Meetup, survivor: Meetup) -> bool:
    """A survivor known by date only takes the time of day of a merged meetup on its day
    (typically one a calendar gave): whether it did, for unmerge."""
    if survivor.starts_at is not None or other.starts_at is None:
        return False
    if other.start_date != survivor.start_date:
        return False
    survivor.starts_at, survivor.ends_at = other.starts_at, other.ends_at
    survivor.timezone = other.timezone
    return True


@transaction.atomic
@transaction.atomic
def merge_groups(*, survivor: Group, others: list[Group], name_alias: bool = True) -> Group:
    """Fold duplicated organisers into one; their aliases move, so later imports land here.

    `name_alias`: the others' names become the survivor's too (a curator's merge; not when
    ingest finds an emptied organiser's pages to be another's)."""
    for other in others:
        if other.pk == survivor.pk:
            continue
        GroupAlias.objects.filter(group=other).update(group=survivor)
        if name_alias:
            GroupAlias.objects.update_or_create(
                key=group_alias_keys(other.name)[-1], defaults={"group": survivor}
            )
        for row in MeetupGroup.objects.filter(group=other):
            if MeetupGroup.objects.filter(meetup_id=row.meetup_id, group=survivor).exists():
                row.delete()
            else:
                MeetupGroup.objects.filter(id=row.id).update(group=survivor)
        other.delete()
    return survivor


def give_back(*, meetup: Meetup, survivor: Meetup, keys: Sequence[Sequence[Any]] = ()) -> None:
    """The rows a merge moved from `meetup` to `survivor` go back, as its merge record names
    them by stable keys (newsletter and line, calendar UID, link, organiser, place), with
    the listings of `keys` (newsletter key, line) too. The survivor's time of day, when
    it was adopted, is cleared in memory: the caller saves both meetups."""
    record = meetup.merge_record or {}
    sightings = _sighting_ids(survivor, [*record.get("sightings", []), *keys])
    Sighting.objects.filter(id__in=sightings).update(meetup=meetup)
    # flags recorded by id, and those of the sightings going back (written anew by a re-read)
    Flag.objects.filter(meetup=survivor).filter(
        Q(id__in=record.get("flags", [])) | Q(sighting_id__in=sightings)
    ).update(meetup=meetup)
    events = [
        Q(source_id=source, uid=uid, recurrence_id=recurrence)
        for source, uid, recurrence in record.get("source_events", [])
    ]
    if events:
        SourceEvent.objects.filter(reduce(or_, events), meetup=survivor).update(meetup=meetup)
    if record.get("times"):  # the survivor had no time of day before the merge
        survivor.starts_at = survivor.ends_at = None
        survivor.timezone = ""
    for key, (model, column) in RELATION_ROWS.items():
        for stable, position, primary in record.get(key, []):
            values = {"meetup": meetup, "position": position}
            if model is MeetupLink:
                values["primary"] = primary
            model.objects.filter(meetup=survivor, **{column: stable}).update(**values)
    Meetup.objects.filter(id__in=record.get("repointed", []), duplicate_of=survivor).update(
        duplicate_of=meetup
    )


def _sighting_ids(survivor: Meetup, keys: Sequence[Sequence[Any]]) -> list[int]:
    """The survivor's sightings of these (newsletter key, line) pairs, as they are now."""
    lines: dict[str, list[int]] = {}
    for newsletter, line in keys:
        lines.setdefault(newsletter, []).append(line)
    if not lines:
        return []
    of = reduce(or_, (Q(newsletter__key=key, line__in=at) for key, at in lines.items()))
    return list(Sighting.objects.filter(of, meetup=survivor).values_list("id", flat=True))


@transaction.atomic
def split_join(*, meetup: Meetup, keys: Sequence[Sequence[Any]]) -> None:
    """Undo a join ingest made by title that a later reading shows to be two events: the
    joined meetup gets its rows back and the listings of `keys`, and is listed again. It
    is no curator's unmerge: the two may be joined again if a later reading says so."""
    survivor = meetup.duplicate_of
    if survivor is None:
        return
    give_back(meetup=meetup, survivor=survivor, keys=keys)
    if (meetup.merge_record or {}).get("times"):
        survivor.save(update_fields=["starts_at", "ends_at", "timezone"])
    meetup.duplicate_of = None
    meetup.merge_record = {}
    reason = f"Split from meetup #{survivor.pk} by ingest: two events after all"
    history_save(meetup, user=None, reason=reason)
