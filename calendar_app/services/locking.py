"""Locked fields: what a curator set by hand, so that ingest leaves it alone.

These functions only change `meetup.locked_fields` in memory; the caller saves, so a
curator's edit and its lock land in one save (and one history record).
"""

from __future__ import annotations

from collections.abc import Iterable

from calendar_app.models import Meetup


def lock_changed_fields(meetup: Meetup, changed: Iterable[str]) -> list[str]:
    """Add the lockable ones among `changed` to the meetup's locks; return those newly locked."""
    locked = list(meetup.locked_fields or [])
    added = [f for f in dict.fromkeys(changed) if f in Meetup.LOCKABLE_FIELDS and f not in locked]
    meetup.locked_fields = sorted(locked + added, key=_field_order)
    return added


def _field_order(field: str) -> int:
    order = Meetup.LOCKABLE_FIELDS
    return order.index(field) if field in order else len(order)


def unlock_fields(meetup: Meetup, fields: Iterable[str]) -> list[str]:
    """Let ingest update these fields again; return those that were locked."""
    unlocking = set(fields)
    removed = [f for f in meetup.locked_fields or [] if f in unlocking]
    meetup.locked_fields = [f for f in meetup.locked_fields or [] if f not in unlocking]
    return removed
