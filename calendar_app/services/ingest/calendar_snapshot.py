"""The calendar events stored with meetups, as sightings for matching (one query)."""

from __future__ import annotations

from collections.abc import Iterable

from calendar_app.matching.calendar_entries import (
    calendar_issue,
    calendar_sighted,
    stored_groups,
)
from calendar_app.matching.match import Issue, Sighted
from calendar_app.models import SourceEvent
from calendar_app.services.groups import GroupResolver
from calendar_app.services.places import PlaceResolver


def calendar_sightings(
    ids: Iterable[int], places: PlaceResolver, groups: GroupResolver
) -> dict[int, list[Sighted]]:
    """meetup id -> the calendar events behind it (gone ones too: what they said stays)."""
    keys = sorted(ids)
    if not keys:
        return {}
    rows = [
        (meetup_id, source_id, name, values)
        for meetup_id, source_id, name, values in SourceEvent.objects.filter(meetup_id__in=keys)
        .order_by()
        .values_list("meetup_id", "source_id", "source__name", "values")
        if isinstance(values, dict) and values.get("start_date") and values.get("uid")
    ]
    if not rows:
        return {}
    places.prepare(values["place"] for *_, values in rows if values.get("place"))
    groups.prepare([group for *_, values in rows for group in stored_groups(values)])
    issues: dict[int, Issue] = {}
    out: dict[int, list[Sighted]] = {}
    for meetup_id, source_id, name, values in rows:
        issue = issues.setdefault(source_id, calendar_issue(source_id, name))
        out.setdefault(meetup_id, []).append(
            calendar_sighted(
                values,
                issue,
                group_ids=groups.id_for,
                misnamed=groups.misnamed,
                place_ids=places.usable_id,
                region_of=places.regions,
            )
        )
    return out
