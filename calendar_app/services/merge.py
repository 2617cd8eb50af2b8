"""Curators' merges: meetups the newsletters listed as several, and duplicated organisers.

A merged-away meetup is kept (its URL redirects, later ingests follow `duplicate_of`),
and it remembers in `merge_record` exactly which rows moved to the survivor, so that
`unmerge_meetup` can give them back. Rows the survivor already had an equivalent of (a
link with the same canonical URL, the same group or place) stay where they were.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from copy import copy
from typing import Any

from django.db import transaction
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
from calendar_app.services.bulk import update_values
from calendar_app.services.data_version import data_changed
from calendar_app.services.history import history_baseline, history_rows, history_save
from calendar_app.services.locking import lock_changed_fields, unlock_fields
from calendar_app.services.merge_rows import RowMoves
from calendar_app.services.search_index import search_text_refresh

# Relation -> the field a curator's merge locks on the survivor when rows of it moved.
_RELATION_LOCKS = {"links": "links", "groups": "groups", "places": "places"}
# What a curator may take from another meetup when merging: choice -> the fields it sets.
MERGE_CHOICES = {
    "title": ("title",),
    "dates": ("start_date", "end_date"),
    "attendance": ("attendance",),
    "places": ("places",),
    "links": ("links",),
}


@transaction.atomic
def merge_meetups(
    *,
    survivor: Meetup,
    others: list[Meetup],
    user=None,
    choices: Mapping[str, Meetup] | None = None,
) -> Meetup:
    """Fold `others` into `survivor`; they get `duplicate_of` and vanish from the public site.

    The survivor keeps its uid. What moved is locked on it (so the next ingest does not
    undo the merge), and so are its dates when the others had different ones. `choices`
    (keys of MERGE_CHOICES) name the meetup whose value survives, field by field: its
    title, dates or attendance are copied; its places or links come first (the primary).
    """
    data_changed()  # rows move with QuerySet.update: no signals
    if survivor.duplicate_of_id:
        raise ValueError(f"{survivor} is merged into another meetup; merge into that one.")
    others = [other for other in others if other.pk != survivor.pk]
    for other in others:
        if other.duplicate_of_id:
            raise ValueError(f"{other} is already merged into another meetup.")
    before = _calendar_view(survivor)
    for other in others:
        record = _move_to(other, survivor)
        other.duplicate_of = survivor
        other.merge_record = record
        _save(other, user, f"Merged into meetup #{survivor.pk}")
    if others:
        others[0].merge_record["survivor_before"] = _apply_choices(survivor, others, choices or {})
        others[0].save(update_fields=["merge_record"])
    survivor.note_changes(_changed_since(survivor, before, others))
    if others:
        _save(survivor, user, "Merged " + ", ".join(f"#{other.pk}" for other in others))
        search_text_refresh(meetup_ids=[survivor.pk])  # it may have taken another's title
    return survivor


def _apply_choices(survivor: Meetup, others: list[Meetup], choices: Mapping[str, Meetup]) -> dict:
    """Take the chosen meetups' values onto the survivor; return what it had, for unmerge."""
    before: dict = {}
    for choice, source in choices.items():
        if source.pk == survivor.pk or choice not in MERGE_CHOICES:
            continue
        if choice in ("places", "links"):
            before[choice] = _put_first(survivor, source, choice)
            continue
        for field in MERGE_CHOICES[choice]:
            before[field] = str(getattr(survivor, field))
            setattr(survivor, field, getattr(source, field))
        lock_changed_fields(survivor, MERGE_CHOICES[choice])
    return before


def _put_first(survivor: Meetup, source: Meetup, relation: str) -> list[list]:
    """Order the survivor's rows so those that came from `source` lead; return the old order."""
    model: type[MeetupPlace] | type[MeetupLink] = (
        MeetupPlace if relation == "places" else MeetupLink
    )
    moved = {row[0] for row in (source.merge_record or {}).get(relation, [])}
    rows: list[Any] = list(model.objects.filter(meetup=survivor).order_by("position", "id"))
    old = [[row.id, row.position, getattr(row, "primary", False)] for row in rows]
    if not moved:
        return old
    ordered = [row for row in rows if row.id in moved] + [
        row for row in rows if row.id not in moved
    ]
    if model is MeetupLink:
        model.objects.filter(meetup=survivor).update(primary=False)
    for position, row in enumerate(ordered):
        values: dict[str, Any] = {"position": position}
        if model is MeetupLink:
            values["primary"] = position == 0
        model.objects.filter(id=row.id).update(**values)
    lock_changed_fields(survivor, [relation])
    return old


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
        record["times"] = _adopt_times(other, copy(meetups[survivor_id]))
        record["locked"] = []
        record["reason"] = reason
        other.duplicate_of_id = survivor_id
        other.merge_record = record
        other.updated = now
        other._change_reason = f"Joined with meetup #{survivor_id} by ingest ({reason})"  # type: ignore[attr-defined]
    moves.save()
    joined = [meetups[pk] for pk in others]
    update_values(
        Meetup, ["merge_record", "updated"], [[m.merge_record, m.updated, m.pk] for m in joined]
    )
    history_rows(model=Meetup, objs=joined, update=True)


@transaction.atomic
def unmerge_meetup(*, meetup: Meetup, user=None) -> None:
    """Undo a merge: the rows that moved go back, and the meetup is listed again."""
    data_changed()  # rows move with QuerySet.update: no signals
    survivor = meetup.duplicate_of
    if survivor is None:
        raise ValueError(f"{meetup} is not merged into another meetup.")
    record = meetup.merge_record or {}
    before = _calendar_view(survivor)
    Sighting.objects.filter(id__in=record.get("sightings", [])).update(meetup=meetup)
    SourceEvent.objects.filter(id__in=record.get("source_events", [])).update(meetup=meetup)
    if record.get("times"):  # the survivor had no time of day before the merge
        survivor.starts_at = survivor.ends_at = None
        survivor.timezone = ""
    Flag.objects.filter(id__in=record.get("flags", [])).update(meetup=meetup)
    for model, key in ((MeetupLink, "links"), (MeetupGroup, "groups"), (MeetupPlace, "places")):
        for row_id, position, primary in record.get(key, []):
            values = {"meetup": meetup, "position": position}
            if model is MeetupLink:
                values["primary"] = primary
            model.objects.filter(id=row_id).update(**values)
    Meetup.objects.filter(id__in=record.get("repointed", []), duplicate_of=survivor).update(
        duplicate_of=meetup
    )
    _restore_survivor(survivor, record.get("survivor_before", {}))
    unlock_fields(survivor, record.get("locked", []))
    survivor.note_changes(_changed_since(survivor, before, [meetup]))
    _save(survivor, user, f"Unmerged meetup #{meetup.pk}")
    meetup.duplicate_of = None
    # A curator said these are two events: ingest never joins them again by title.
    meetup.merge_record = {"apart": [survivor.pk]}
    _save(meetup, user, f"Unmerged from meetup #{survivor.pk}")
    search_text_refresh(meetup_ids=[meetup.pk, survivor.pk])  # the survivor's title is back
    # Each shows what its own sightings say again (what was not locked).
    from calendar_app.services.ingest.run import refresh_meetups  # ingest merges too

    refresh_meetups([meetup.pk, survivor.pk])


_CALENDAR_VALUES = ("start_date", "end_date", "starts_at", "ends_at", "timezone", "attendance")


def _calendar_view(meetup: Meetup) -> dict[str, Any]:
    return {name: getattr(meetup, name) for name in _CALENDAR_VALUES}


def _changed_since(survivor: Meetup, before: dict[str, Any], moved: list[Meetup]) -> list[str]:
    """What a merge or unmerge changed on the survivor: its fields, "places" when place rows
    moved to it or from it (`rules.bumps_sequence` decides what raises SEQUENCE)."""
    changed = [name for name, value in before.items() if getattr(survivor, name) != value]
    if any((other.merge_record or {}).get("places") for other in moved):
        changed.append("places")
    return changed


def _restore_survivor(survivor: Meetup, before: dict) -> None:
    """Give the survivor back the values and row order it had before the merge's choices."""
    relations: tuple[tuple[str, Any], ...] = (("places", MeetupPlace), ("links", MeetupLink))
    for relation, model in relations:
        for row_id, position, primary in before.get(relation, []):
            values: dict[str, Any] = {"position": position}
            if model is MeetupLink:
                values["primary"] = primary
            model.objects.filter(id=row_id, meetup=survivor).update(**values)
    for field in ("title", "start_date", "end_date", "attendance"):
        if field in before:
            model_field: Any = survivor._meta.get_field(field)
            setattr(survivor, field, model_field.to_python(before[field]))


def _move_to(other: Meetup, survivor: Meetup, *, lock: bool = True) -> dict:
    """Move `other`'s rows to `survivor` (merge_rows has the rules); return what moved."""
    moves = RowMoves([other.pk, survivor.pk])
    record = moves.move(other=other.pk, survivor=survivor.pk)
    moves.save()
    record["times"] = _adopt_times(other, survivor)
    changed = [field for key, field in _RELATION_LOCKS.items() if record[key]]
    if (other.start_date, other.end_date) != (survivor.start_date, survivor.end_date):
        changed += ["start_date", "end_date"]
    record["locked"] = lock_changed_fields(survivor, changed) if lock else []
    return record


def _adopt_times(other: Meetup, survivor: Meetup) -> bool:
    """A survivor known by date only takes the time of day of a merged meetup on its day
    (typically one a calendar gave): whether it did, for unmerge."""
    if survivor.starts_at is not None or other.starts_at is None:
        return False
    if other.start_date != survivor.start_date:
        return False
    survivor.starts_at, survivor.ends_at = other.starts_at, other.ends_at
    survivor.timezone = other.timezone
    return True


def _save(meetup: Meetup, user, reason: str) -> None:
    """Save with the curator and the reason recorded in the meetup's history."""
    history_save(meetup, user=user, reason=reason)


@transaction.atomic
def merge_groups(*, survivor: Group, others: list[Group]) -> Group:
    """Fold duplicated organisers into one; their aliases move, so later imports land here."""
    data_changed()  # rows move with QuerySet.update: no signals
    for other in others:
        if other.pk == survivor.pk:
            continue
        GroupAlias.objects.filter(group=other).update(group=survivor)
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
