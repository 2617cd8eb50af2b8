"""Raising flags: the one home of the rule every writer follows.

A flag concerns a subject (a newsletter line, a meetup, a place; a feed-level problem
has none and is told apart by its message). There is one open flag per subject and
kind: raising it again while it is open adds nothing. A flag a curator resolved stays
resolved: the same subject and kind with the same raw text is not raised again, while a
changed raw line (the entry was rewritten) raises it anew.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from calendar_app.models import Flag

Key = tuple[str, int | None, int | None, int | None, int | None, str]


def flag_key(flag: Flag) -> Key:
    """Kind and subject; the message stands in for a subject only when there is none."""
    subject = (flag.newsletter_id, flag.line, flag.meetup_id, flag.place_id)
    message = flag.message if subject == (None, None, None, None) else ""
    return (flag.kind, *subject, message)


def flags_raise(flags: Iterable[Flag]) -> list[Flag]:
    """Store the flags not already open (or resolved on the same raw text); returns them."""
    wanted: dict[Key, Flag] = {}
    for flag in flags:
        wanted.setdefault(flag_key(flag), flag)
    if not wanted:
        return []
    stored = _stored(wanted.values())
    new = [
        flag
        for key, flag in wanted.items()
        if not any(not resolved or raw == flag.raw for resolved, raw in stored.get(key, ()))
    ]
    Flag.objects.bulk_create(new)
    return new


def _stored(flags: Iterable[Flag]) -> dict[Key, list[tuple[bool, str]]]:
    """The stored flags that share a kind and subject with `flags`, in one query."""
    flags = list(flags)
    subjects = Q()
    for field in ("newsletter_id", "meetup_id", "place_id"):
        ids = {getattr(flag, field) for flag in flags} - {None}
        if ids:
            subjects |= Q(**{f"{field}__in": ids})
    bare = {flag.message for flag in flags if flag_key(flag)[-1]}
    if bare:
        subjects |= Q(newsletter=None, meetup=None, place=None, message__in=bare)
    found: dict[Key, list[tuple[bool, str]]] = {}
    rows = Flag.objects.filter(subjects, kind__in={flag.kind for flag in flags})
    for row in rows.only(
        "kind", "newsletter_id", "line", "meetup_id", "place_id", "message", "raw", "resolved"
    ):
        found.setdefault(flag_key(row), []).append((row.resolved, row.raw))
    return found
