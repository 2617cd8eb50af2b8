"""What a merge moves from one meetup to another, read once for many merges, written once.

A merge moves the merged meetup's sightings, calendar events, flags and the meetups already
merged into it, and those of its links, organisers and places the survivor has no
equivalent of (after the survivor's own rows, never primary there). It records exactly
which rows moved and where they were, so that unmerge can give them back, by keys that
outlive the rows: a newsletter read again, or a calendar synced again, writes its rows
anew. A sighting is its newsletter's key and line; a calendar event its source, UID and
recurrence id; a link its canonical URL; an organiser or place row the organiser or place
it names. Flags are recorded by id (those of the moved sightings follow them on unmerge).

`RowMoves` reads the rows of every meetup involved in a few queries, applies the merges in
memory in their order (a meetup may take rows in one merge and be merged itself in the
next), then writes where each row ended up: ingest joins a hundred meetups in an archive,
curators one at a time, by the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from calendar_app.models import (
    Flag,
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Place,
    PlaceStatus,
    Sighting,
    SourceEvent,
)

_PLACE_FIELDS = ("pk", "status", "city", "admin1", "country")  # what its identity reads
_RESOLVED = {PlaceStatus.RESOLVED, PlaceStatus.FUZZY, PlaceStatus.CORRECTED}
# Rows that follow their meetup whole: record key -> model.
_FOLLOWING: dict[str, type[Model]] = {
    "sightings": Sighting,
    "source_events": SourceEvent,
    "flags": Flag,
}
# What a following row is recorded by: record key -> (id, meetup id, its key's fields).
_STABLE = {
    "sightings": ("id", "meetup_id", "newsletter__key", "line"),
    "source_events": ("id", "meetup_id", "source_id", "uid", "recurrence_id"),
    "flags": ("id", "meetup_id", "id"),
}


def place_identity(place: Place) -> tuple:
    """Two place texts geocoded to one city are one place (`Montréal` and `Montreal, QC`)."""
    if place.status in _RESOLVED and place.city and place.country:
        return (place.city.casefold(), place.admin1.casefold(), place.country)
    return ("pk", place.pk)


@dataclass
class _Row:
    """A link, organiser or place row of a meetup: `key` says what it is (equivalence)."""

    id: int
    meetup: int
    position: int
    primary: bool
    key: object
    stable: object  # what the record names it by (see the module's docstring)
    moved: bool = False


class RowMoves:
    """The rows of `meetup_ids` (and of the meetups merged into them), moved in memory."""

    def __init__(self, meetup_ids: Iterable[int]) -> None:
        ids = sorted(set(meetup_ids))
        self.following: dict[str, dict[int, int]] = {key: {} for key in _FOLLOWING}
        self.stable: dict[str, dict[int, object]] = {key: {} for key in _FOLLOWING}
        for key, columns in _STABLE.items():
            rows = _FOLLOWING[key]._default_manager.filter(meetup_id__in=ids).order_by()
            for pk, meetup, *stable in rows.values_list(*columns):
                self.following[key][pk] = meetup
                self.stable[key][pk] = stable[0] if len(stable) == 1 else stable
        self.moved: dict[str, set[int]] = {key: set() for key in _FOLLOWING}
        self.merged_into: dict[int, int] = dict(
            Meetup.objects.filter(duplicate_of_id__in=ids).values_list("id", "duplicate_of_id")
        )
        self.redirected: set[int] = set()  # meetups whose `duplicate_of` changed
        order = ("position", "id")
        self.rows: dict[str, list[_Row]] = {
            "links": [
                _Row(pk, meetup, position, primary, url, url)
                for pk, meetup, position, primary, url in MeetupLink.objects.filter(
                    meetup_id__in=ids
                )
                .order_by(*order)
                .values_list("id", "meetup_id", "position", "primary", "canonical_url")
            ],
            "groups": [
                _Row(pk, meetup, position, False, group, group)
                for pk, meetup, position, group in MeetupGroup.objects.filter(meetup_id__in=ids)
                .order_by(*order)
                .values_list("id", "meetup_id", "position", "group_id")
            ],
            "places": [
                _Row(pk, meetup, position, False, place_identity(place), place.pk)
                for pk, meetup, position, *values in MeetupPlace.objects.filter(meetup_id__in=ids)
                .order_by(*order)
                .values_list("id", "meetup_id", "position", *(f"place__{f}" for f in _PLACE_FIELDS))
                for place in [Place(**dict(zip(_PLACE_FIELDS, values, strict=True)))]
            ],
        }

    def move(self, *, other: int, survivor: int) -> dict[str, Any]:
        """Move `other`'s rows to `survivor` (in memory); return the record of what moved."""
        record: dict[str, Any] = {"keys": "stable"}  # (migration 0017 rewrote older ones)
        moving = {
            key: sorted(pk for pk, meetup in owners.items() if meetup == other)
            for key, owners in self.following.items()
        }
        for key, pks in moving.items():
            record[key] = [self.stable[key][pk] for pk in pks]
        record["repointed"] = sorted(pk for pk, into in self.merged_into.items() if into == other)
        for key in ("links", "groups", "places"):
            record[key] = self._move_rows(self.rows[key], other, survivor)
        for key, pks in moving.items():
            for pk in pks:
                self.following[key][pk] = survivor
            self.moved[key].update(pks)
        for pk in record["repointed"]:
            self.merged_into[pk] = survivor
        self.merged_into[other] = survivor
        self.redirected.update([*record["repointed"], other])
        return record

    @staticmethod
    def _move_rows(rows: list[_Row], other: int, survivor: int) -> list[list]:
        """`other`'s rows whose key the survivor lacks (once each), after the survivor's own."""
        ours = [row for row in rows if row.meetup == survivor]
        seen = {row.key for row in ours}
        moving = []
        for row in sorted((r for r in rows if r.meetup == other), key=lambda r: (r.position, r.id)):
            if row.key not in seen:
                seen.add(row.key)
                moving.append(row)
        start = max((row.position for row in ours), default=0) + 1
        record = []
        for offset, row in enumerate(moving):
            record.append([row.stable, row.position, row.primary])
            row.meetup, row.position, row.primary, row.moved = survivor, start + offset, False, True
        return record

    def save(self) -> None:
        """Write where every moved row is now, and what each merged meetup is merged into."""
        for key, model in _FOLLOWING.items():
            owners = self.following[key]
            _repoint(model, "meetup_id", {pk: owners[pk] for pk in self.moved[key]})
        _repoint(Meetup, "duplicate_of_id", {pk: self.merged_into[pk] for pk in self.redirected})
        for key, model, names in (
            ("links", MeetupLink, ["meetup", "position", "primary"]),
            ("groups", MeetupGroup, ["meetup", "position"]),
            ("places", MeetupPlace, ["meetup", "position"]),
        ):
            moved: list[Any] = [
                model(pk=row.id, meetup_id=row.meetup, position=row.position, primary=row.primary)
                if model is MeetupLink
                else model(pk=row.id, meetup_id=row.meetup, position=row.position)
                for row in self.rows[key]
                if row.moved
            ]
            if moved:
                model._default_manager.bulk_update(moved, names)


def _repoint(model: type[Model], column: str, targets: dict[int, int]) -> None:
    """Set `column` of the rows `targets` names (id -> the id it points at now)."""
    by_target: dict[int, list[int]] = {}
    for pk, target in targets.items():
        by_target.setdefault(target, []).append(pk)
    for target, pks in by_target.items():
        model._default_manager.filter(pk__in=pks).update(**{column: target})
