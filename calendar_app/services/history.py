"""One way to save a curated record: with who did it, why, and a baseline to compare with.

Ingest writes meetups in bulk, without history rows. Before the first curator edit of such
a record, its current (ingested) state is recorded as a baseline, so the history page shows
what the curator changed rather than a first record with nothing to compare it to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import models

BASELINE_REASON = "Ingested state (before the first curator edit)"


def history_of(model: type[models.Model]) -> Any:
    """`model.history`: simple_history's manager of its historical rows."""
    return model.history  # type: ignore[attr-defined]


def history_baseline(
    *, model: type[models.Model], pks: list[int], stored: Mapping[int, models.Model] | None = None
) -> int:
    """Record the stored state of those rows that have no history yet; return how many.

    `stored`: those rows as stored, when the caller read them already (no query for them).
    """
    if not pks:
        return 0
    with_history = set(history_of(model).filter(id__in=pks).values_list("id", flat=True))
    missing = [pk for pk in pks if pk not in with_history]
    if not missing:
        return 0
    if stored is None:
        rows = list(model._default_manager.filter(pk__in=missing))
    else:
        rows = [stored[pk] for pk in missing]
    history_rows(model=model, objs=rows, reason=BASELINE_REASON)
    return len(rows)


def history_rows(
    *,
    model: type[models.Model],
    objs: Sequence[models.Model],
    update: bool = False,
    reason: str = "",
) -> None:
    """History rows for these saved instances (written in bulk, so without the save signal
    that writes them otherwise): simple_history's `bulk_history_create`. `update`: a "~"
    row rather than a "+"; `reason`: the change reason of those that give none."""
    if objs:
        history_of(model).bulk_history_create(objs, update=update, default_change_reason=reason)


def history_save(
    obj: models.Model, *, user: Any, reason: str, update_fields: list[str] | None = None
) -> None:
    """Save `obj` with its history record naming the user and the reason."""
    if obj.pk and hasattr(type(obj), "history"):
        history_baseline(model=type(obj), pks=[obj.pk])
    if user is not None and getattr(user, "pk", None):
        obj._history_user = user  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]
    if update_fields is None:
        obj.save()
    else:
        obj.save(update_fields=update_fields)
