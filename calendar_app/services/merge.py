"""Curators' merges: meetups the newsletters listed as several, and duplicated organisers.

A merged-away meetup is kept (its URL redirects, later ingests follow `duplicate_of`),
and it remembers in `merge_record` exactly which rows moved to the survivor, so that
`unmerge_meetup` can give them back. Rows the survivor already had an equivalent of (a
link with the same canonical URL, the same group or place) stay where they were. The
record names rows by keys that outlive them (merge_rows): after any number of re-reads
and syncs, an unmerge finds the rows that stand for what moved on the survivor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from calendar_app.models import (
    Meetup,
    MeetupLink,
)
from calendar_app.services.history import history_save
from calendar_app.services.ingest.run import refresh_meetups
from calendar_app.services.joins import RELATION_ROWS, adopt_times, give_back
from calendar_app.services.locking import lock_changed_fields, unlock_fields
from calendar_app.services.merge_rows import RowMoves

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
    user: Any = None,
    choices: Mapping[str, Meetup] | None = None,
) -> Meetup:
    """Fold `others` into `survivor`; they get `duplicate_of` and vanish from the public site.

    The survivor keeps its uid. What moved is locked on it (so the next ingest does not
    undo the merge), and so are its dates when the others had different ones. `choices`
    (keys of MERGE_CHOICES) name the meetup whose value survives, field by field: its
    title, dates or attendance are copied; its places or links come first (the primary).
    """
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
        before, locked = _apply_choices(survivor, others, choices or {})
        others[0].merge_record["survivor_before"] = before
        others[0].merge_record["locked"] += locked  # lifted again by the unmerge
        others[0].save(update_fields=["merge_record"])
    survivor.note_changes(_changed_since(survivor, before, others))
    if others:
        _save(survivor, user, "Merged " + ", ".join(f"#{other.pk}" for other in others))
    return survivor


def _apply_choices(
    survivor: Meetup, others: list[Meetup], choices: Mapping[str, Meetup]
) -> tuple[dict, list[str]]:
    """Take the chosen meetups' values onto the survivor; return what it had (for unmerge)
    and the fields this locked."""
    before: dict = {}
    locked: list[str] = []
    for choice, source in choices.items():
        if source.pk == survivor.pk or choice not in MERGE_CHOICES:
            continue
        if choice in ("places", "links"):
            before[choice] = _put_first(survivor, source, choice)
            locked += lock_changed_fields(survivor, [choice])
            continue
        for field in MERGE_CHOICES[choice]:
            before[field] = str(getattr(survivor, field))
            setattr(survivor, field, getattr(source, field))
        locked += lock_changed_fields(survivor, MERGE_CHOICES[choice])
    return before, locked


def _put_first(survivor: Meetup, source: Meetup, relation: str) -> list[list]:
    """Order the survivor's rows so those that came from `source` lead; return the old order."""
    model, column = RELATION_ROWS[relation]
    moved = {row[0] for row in (source.merge_record or {}).get(relation, [])}
    rows: list[Any] = list(model.objects.filter(meetup=survivor).order_by("position", "id"))
    old = [[getattr(row, column), row.position, getattr(row, "primary", False)] for row in rows]
    if not moved:
        return old
    ordered = [row for row in rows if getattr(row, column) in moved] + [
        row for row in rows if getattr(row, column) not in moved
    ]
    if model is MeetupLink:
        model.objects.filter(meetup=survivor).update(primary=False)
    for position, row in enumerate(ordered):
        values: dict[str, Any] = {"position": position}
        if model is MeetupLink:
            values["primary"] = position == 0
        model.objects.filter(id=row.id).update(**values)
    return old


@transaction.atomic
def unmerge_meetup(*, meetup: Meetup, user: Any = None) -> None:
    """Undo a merge: the rows that moved go back, and the meetup is listed again."""
    survivor = meetup.duplicate_of
    if survivor is None:
        raise ValueError(f"{meetup} is not merged into another meetup.")
    record = meetup.merge_record or {}
    before = _calendar_view(survivor)
    give_back(meetup=meetup, survivor=survivor)
    _restore_survivor(survivor, record.get("survivor_before", {}))
    unlock_fields(survivor, record.get("locked", []))
    survivor.note_changes(_changed_since(survivor, before, [meetup]))
    _save(survivor, user, f"Unmerged meetup #{meetup.pk}")
    meetup.duplicate_of = None
    # A curator said these are two events: ingest never joins them again by title.
    meetup.merge_record = {"apart": [survivor.pk]}
    _save(meetup, user, f"Unmerged from meetup #{survivor.pk}")
    # Each shows what its own sightings say again (what was not locked).
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
    for relation in ("places", "links"):
        model, column = RELATION_ROWS[relation]
        if relation == "links" and before.get(relation):
            MeetupLink.objects.filter(meetup=survivor).update(primary=False)
        for stable, position, primary in before.get(relation, []):
            values: dict[str, Any] = {"position": position}
            if model is MeetupLink:
                values["primary"] = primary
            model.objects.filter(meetup=survivor, **{column: stable}).update(**values)
    for field in ("title", "start_date", "end_date", "attendance"):
        if field in before:
            model_field: Any = survivor._meta.get_field(field)
            setattr(survivor, field, model_field.to_python(before[field]))


def _move_to(other: Meetup, survivor: Meetup, *, lock: bool = True) -> dict:
    """Move `other`'s rows to `survivor` (merge_rows has the rules); return what moved."""
    moves = RowMoves([other.pk, survivor.pk])
    record = moves.move(other=other.pk, survivor=survivor.pk)
    moves.save()
    record["times"] = adopt_times(other, survivor)
    changed = [field for key, field in _RELATION_LOCKS.items() if record[key]]
    if (other.start_date, other.end_date) != (survivor.start_date, survivor.end_date):
        changed += ["start_date", "end_date"]
    record["locked"] = lock_changed_fields(survivor, changed) if lock else []
    return record


def _save(meetup: Meetup, user: Any, reason: str) -> None:
    """Save with the curator and the reason recorded in the meetup's history."""
    history_save(meetup, user=user, reason=reason)
