"""A meetup whose listings name no place takes its organiser's usual place, marked inferred.

Older issues (2014-2017) name only the organiser of nearly every in-person meetup. An
organiser's usual place is the place of most of its in-person meetups (their first place;
ties: the place's text, so that the result never depends on the order of reading). An
in-person meetup with no place of its own, whose places no curator locked, shows its
first organiser's usual place as an `inferred` row (matching never reads those rows:
ingest/snapshot.py). Rows no longer wanted go.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from calendar_app.models import Attendance, Meetup, MeetupGroup, MeetupPlace, Place


def usual_places_refresh() -> int:
    """Set every inferred place as it should be now; return how many rows changed."""
    canonical = {"meetup__duplicate_of": None}
    groups: dict[int, list[int]] = defaultdict(list)
    for meetup_id, group_id in (
        MeetupGroup.objects.filter(**canonical)
        .order_by("position", "id")
        .values_list("meetup_id", "group_id")
    ):
        groups[meetup_id].append(group_id)
    first_place: dict[int, int] = {}
    for meetup_id, place_id in (
        MeetupPlace.objects.filter(
            inferred=False, meetup__attendance=Attendance.IN_PERSON, **canonical
        )
        .order_by("position", "id")
        .values_list("meetup_id", "place_id")
    ):
        first_place.setdefault(meetup_id, place_id)
    counts: dict[int, Counter[int]] = defaultdict(Counter)
    for meetup_id, place_id in first_place.items():
        for group_id in groups.get(meetup_id, ()):
            counts[group_id][place_id] += 1
    texts = dict(Place.objects.values_list("pk", "text"))
    usual = {
        group: min(places, key=lambda p: (-places[p], texts.get(p, ""), p))
        for group, places in counts.items()
    }
    placeless = (
        Meetup.objects.canonical()
        .filter(attendance=Attendance.IN_PERSON)
        .exclude(meetupplace__inferred=False)
        .values_list("pk", "locked_fields")
    )
    wanted = {
        pk: usual[groups[pk][0]]
        for pk, locked in placeless
        if groups.get(pk) and groups[pk][0] in usual and "places" not in (locked or [])
    }
    existing = {
        (meetup_id, place_id): pk
        for pk, meetup_id, place_id in MeetupPlace.objects.filter(inferred=True).values_list(
            "pk", "meetup_id", "place_id"
        )
    }
    stale = [pk for (meetup, place), pk in existing.items() if wanted.get(meetup) != place]
    new = [
        MeetupPlace(meetup_id=meetup_id, place_id=place_id, position=0, inferred=True)
        for meetup_id, place_id in wanted.items()
        if (meetup_id, place_id) not in existing
    ]
    if stale or new:
        MeetupPlace.objects.filter(pk__in=stale).delete()
        MeetupPlace.objects.bulk_create(new)
    return len(stale) + len(new)
