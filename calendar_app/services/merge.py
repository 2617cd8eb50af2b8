"""Curators' merges: meetups the newsletters listed as several, and duplicated organisers.

A merged-away meetup is kept (its URL redirects, later ingests follow `duplicate_of`),
and it remembers in `merge_record` exactly which rows moved to the survivor, so that
`unmerge_meetup` can give them back. Rows the survivor already had an equivalent of (a
link with the same canonical URL, the same group or place) stay where they were.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from calendar_app.models import (
    Flag,
    Group,
    GroupAlias,
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Sighting,
)
from calendar_app.services.data_version import data_changed
from calendar_app.services.locking import lock_changed_fields, unlock_fields

# Relation -> the field a curator's merge locks on the survivor when rows of it moved.
_RELATION_LOCKS = {"links": "links", "groups": "groups", "places": "places"}


@transaction.atomic
def merge_meetups(*, survivor: Meetup, others: list[Meetup], user=None) -> Meetup:
    """Fold `others` into `survivor`; they get `duplicate_of` and vanish from the public site.

    The survivor keeps its uid. What moved is locked on it (so the next ingest does not
    undo the merge), and so are its dates when the others had different ones.
    """
    data_changed()  # rows move with QuerySet.update: no signals
    if survivor.duplicate_of_id:
        raise ValueError(f"{survivor} is merged into another meetup; merge into that one.")
    others = [other for other in others if other.pk != survivor.pk]
    for other in others:
        if other.duplicate_of_id:
            raise ValueError(f"{other} is already merged into another meetup.")
    for other in others:
        record = _move_to(other, survivor)
        other.duplicate_of = survivor
        other.merge_record = record
        _save(other, user, f"Merged into meetup #{survivor.pk}")
    if any(other.merge_record["places"] for other in others):
        survivor.sequence += 1
    if others:
        _save(survivor, user, "Merged " + ", ".join(f"#{other.pk}" for other in others))
    return survivor


@transaction.atomic
def unmerge_meetup(*, meetup: Meetup, user=None) -> None:
    """Undo a merge: the rows that moved go back, and the meetup is listed again."""
    data_changed()  # rows move with QuerySet.update: no signals
    survivor = meetup.duplicate_of
    if survivor is None:
        raise ValueError(f"{meetup} is not merged into another meetup.")
    record = meetup.merge_record or {}
    Sighting.objects.filter(id__in=record.get("sightings", [])).update(meetup=meetup)
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
    unlock_fields(survivor, record.get("locked", []))
    if record.get("places"):
        survivor.sequence += 1
    _save(survivor, user, f"Unmerged meetup #{meetup.pk}")
    meetup.duplicate_of = None
    meetup.merge_record = {}
    _save(meetup, user, f"Unmerged from meetup #{survivor.pk}")


def _move_to(other: Meetup, survivor: Meetup) -> dict:
    """Move `other`'s rows to `survivor`; return what moved, for unmerge."""
    record = {
        "sightings": list(other.sightings.values_list("id", flat=True)),
        "flags": list(other.flags.values_list("id", flat=True)),
        "repointed": list(Meetup.objects.filter(duplicate_of=other).values_list("id", flat=True)),
        "links": _move_rows(
            MeetupLink.objects.filter(meetup=other).exclude(
                canonical_url__in=survivor.links.values("canonical_url")
            ),
            survivor,
        ),
        "groups": _move_rows(
            MeetupGroup.objects.filter(meetup=other).exclude(
                group__in=survivor.meetupgroup_set.values("group")
            ),
            survivor,
        ),
        "places": _move_rows(
            MeetupPlace.objects.filter(meetup=other).exclude(
                place__in=survivor.meetupplace_set.values("place")
            ),
            survivor,
        ),
    }
    Sighting.objects.filter(id__in=record["sightings"]).update(meetup=survivor)
    other.flags.update(meetup=survivor)
    Meetup.objects.filter(id__in=record["repointed"]).update(duplicate_of=survivor)
    changed = [lock for key, lock in _RELATION_LOCKS.items() if record[key]]
    if (other.start_date, other.end_date) != (survivor.start_date, survivor.end_date):
        changed += ["start_date", "end_date"]
    record["locked"] = lock_changed_fields(survivor, changed)
    return record


def _move_rows(rows, survivor: Meetup) -> list[list]:
    """Re-point link/group/place rows to the survivor, after its own (never primary there)."""
    model = rows.model
    start = (model.objects.filter(meetup=survivor).aggregate(m=Max("position"))["m"] or 0) + 1
    moved = []
    for offset, row in enumerate(rows.order_by("position", "id")):
        moved.append([row.id, row.position, getattr(row, "primary", False)])
        values = {"meetup": survivor, "position": start + offset}
        if model is MeetupLink:
            values["primary"] = False
        model.objects.filter(id=row.id).update(**values)
    return moved


def _save(meetup: Meetup, user, reason: str) -> None:
    """Save with the curator and the reason recorded in the meetup's history."""
    if user is not None:
        meetup._history_user = user
    meetup._change_reason = reason
    meetup.save()


@transaction.atomic
def merge_groups(*, survivor: Group, others: list[Group]) -> Group:
    """Fold duplicated organisers into one; their aliases move, so later imports land here."""
    data_changed()  # rows move with QuerySet.update: no signals
    for other in others:
        if other.pk == survivor.pk:
            continue
        GroupAlias.objects.filter(group=other).update(group=survivor)
        GroupAlias.objects.update_or_create(
            key=f"name:{other.name.casefold()}", defaults={"group": survivor}
        )
        for row in MeetupGroup.objects.filter(group=other):
            if MeetupGroup.objects.filter(meetup_id=row.meetup_id, group=survivor).exists():
                row.delete()
            else:
                MeetupGroup.objects.filter(id=row.id).update(group=survivor)
        other.delete()
    return survivor
