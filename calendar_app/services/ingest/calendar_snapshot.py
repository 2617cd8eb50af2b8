"""The calendar events stored with meetups, as sightings for matching (one query)."""

from __future__ import annotations

from collections.abc import Iterable

from calendar_app.matching.calendar_entries import (
    calendar_issue,
    calendar_sighted,
    stored_groups,
)
from calendar_app.matching.match import Issue, Sighted
from calendar_app.models import Source, SourceEvent
from calendar_app.services.groups import GroupResolver
from calendar_app.services.places import PlaceResolver
from calendar_app.services.sql.statements import decoded, marks, select, table


def calendar_sightings(
    ids: Iterable[int], places: PlaceResolver, groups: GroupResolver
) -> dict[int, list[Sighted]]:
    """meetup id -> the calendar events behind it (gone ones too: what they said stays)."""
    keys = sorted(ids)
    if not keys:
        return {}
    rows = [
        (meetup_id, source_id, name, values)
        for meetup_id, source_id, name, stored in select(
            'SELECT e.meetup_id, e.source_id, s.name, e."values" '
            f"FROM {table(SourceEvent)} e JOIN {table(Source)} s ON s.id = e.source_id "
            f"WHERE e.meetup_id IN ({marks(keys)})",
            keys,
        )
        if isinstance(values := decoded(stored), dict)
        and values.get("start_date")
        and values.get("uid")
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
