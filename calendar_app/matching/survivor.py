"""Which meetup stands for a set of meetups: the survivor rule and following merges.

Pure functions of values (no Django), shared by curators' merges and ingest's matching.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol, TypeVar


def follow_merges(meetup_id: int, merged_into: Mapping[int, int | None]) -> int:
    """The meetup `meetup_id` was merged into, following chains (and surviving loops)."""
    seen = {meetup_id}
    while (target := merged_into.get(meetup_id)) is not None and target not in seen:
        seen.add(target)
        meetup_id = target
    return meetup_id


def pick_survivor(candidates: Iterable[tuple[int, int]]) -> int:
    """Of (meetup id, number of curator locks), the one that keeps its uid and URL.

    A meetup a curator worked on survives (its locks hold the curator's values); among
    equals, the oldest (lowest id), whose uid calendar clients have had longest.
    """
    return min(candidates, key=lambda item: (-item[1], item[0]))[0]


class _Stored(Protocol):
    pk: int
    locked_fields: list[str] | None


StoredMeetup = TypeVar("StoredMeetup", bound=_Stored)


def surviving(meetups: Sequence[StoredMeetup]) -> StoredMeetup:
    """Of stored meetups, the one `pick_survivor` keeps: what a curator's merge suggests
    and ingest's merges pick alike."""
    chosen = pick_survivor((m.pk, len(m.locked_fields or [])) for m in meetups)
    return next(m for m in meetups if m.pk == chosen)
