"""Setting a meetup's times: instants, the event's zone, and the local dates that follow."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError

from calendar_app.models import Meetup, zone_or_none


def meetup_set_times(
    *,
    meetup: Meetup,
    starts_at: datetime | None,
    ends_at: datetime | None = None,
    timezone: str = "",
    save: bool = True,
) -> Meetup:
    """Give `meetup` its start and end instants, its zone and the local dates they fall on.

    `timezone` is the calendar's TZID; when it is empty or unknown the primary place's zone
    is used (Luma feeds give UTC times only). start_date/end_date become the dates in that
    zone, so pages, filters and the newsletter export keep working on local dates. With
    `starts_at` None the meetup goes back to dates only. Fields a curator locked are kept.
    `save`: False for a caller that writes many meetups at once (a calendar sync).
    """
    if starts_at is not None and starts_at.tzinfo is None:
        raise ValidationError("starts_at must be an aware datetime.")
    if ends_at is not None and (starts_at is None or ends_at.tzinfo is None):
        raise ValidationError("ends_at needs an aware starts_at and must be aware itself.")
    if starts_at is not None and ends_at is not None and ends_at < starts_at:
        raise ValidationError("ends_at is before starts_at.")
    before = _when(meetup)
    if not _locked(meetup):
        meetup.starts_at, meetup.ends_at, meetup.timezone = starts_at, ends_at, ""
        if starts_at is not None:
            meetup.timezone = (timezone if zone_or_none(timezone) else "") or _place_zone(meetup)
            _set_local_dates(meetup)
    after = _when(meetup)
    meetup.note_changes([name for name in _WHEN if before[name] != after[name]])
    if save:
        meetup.save()
    return meetup


_WHEN = ("starts_at", "ends_at", "timezone", "start_date", "end_date")


def _when(meetup: Meetup) -> dict[str, object]:
    """The meetup's time as it stands, field by field (what changed may raise SEQUENCE)."""
    return {name: getattr(meetup, name) for name in _WHEN}


def _locked(meetup: Meetup) -> bool:
    return any(meetup.is_locked(f) for f in ("starts_at", "ends_at", "timezone"))


def _place_zone(meetup: Meetup) -> str:
    place = meetup.primary_place
    return place.timezone if place and zone_or_none(place.timezone) else ""


def _set_local_dates(meetup: Meetup) -> None:
    """The local dates of the instants, unless a curator locked the dates."""
    start, end = meetup.local_start, meetup.local_end
    if start is None or meetup.is_locked("start_date"):
        return
    meetup.start_date = start.date()
    if not meetup.is_locked("end_date"):
        meetup.end_date = max(end.date() if end else start.date(), meetup.start_date)
