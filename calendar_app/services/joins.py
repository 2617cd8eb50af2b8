"""The merges ingest makes itself, by the rules a curator's merge follows too.

Ingest joins meetups it finds listed twice (`join_meetups`) and folds organisers found
under two names (`merge_groups`); a curator's merge and unmerge (`services.merge`) build on
the same pieces and, after an unmerge, read the meetups again through ingest. So this
module imports neither ingest nor `services.merge`: both import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy

from django.db import transaction
from django.utils import timezone

from calendar_app.models import Group, GroupAlias, Meetup, MeetupGroup
from calendar_app.rules import group_alias_keys
from calendar_app.services.data_version import data_changed
from calendar_app.services.history import history_baseline, history_rows
from calendar_app.services.merge_rows import RowMoves


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
    data_changed()  # rows move with QuerySet.update: no signals
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
