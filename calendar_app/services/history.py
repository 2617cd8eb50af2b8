"""One way to save a curated record: with who did it, why, and a baseline to compare with.

Ingest writes meetups in bulk, without history rows. Before the first curator edit of such
a record, its current (ingested) state is recorded as a baseline, so the history page shows
what the curator changed rather than a first record with nothing to compare it to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from calendar_app.services.sql.bulk import insert_rows

BASELINE_REASON = "Ingested state (before the first curator edit)"


@cache
def history_of(model: type[models.Model]) -> Any:
    """`model.history`, made once: simple_history builds a manager class on every access
    (~1 ms; ingest writes history rows for a few hundred batches)."""
    return model.history  # type: ignore[attr-defined]


def history_baseline(
    *, model: type[models.Model], pks: list[int], stored: Mapping[int, models.Model] | None = None
) -> int:
    """Record the stored state of those rows that have no history yet; return how many.

    `stored`: those rows as stored, when the caller read them already (no query for them).
    """
    if not pks:
        return 0
    manager = history_of(model)
    historical = connection.ops.quote_name(manager.model._meta.db_table)
    with connection.cursor() as cursor:  # a plain SELECT: ingest asks once per joining plan
        cursor.execute(
            f"SELECT DISTINCT id FROM {historical} WHERE id IN ({', '.join(['%s'] * len(pks))})",
            pks,
        )
        with_history = {row[0] for row in cursor.fetchall()}
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
    """The history rows `bulk_history_create` writes for these saved instances, as one
    prepared INSERT: ingest writes some for most newsletters (new organisers and places,
    joins), and the ORM's statement building was most of their cost."""
    if not objs or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    historical = history_of(model).model
    now = timezone.now()
    rows = []
    for obj in objs:
        user = getattr(obj, "_history_user", None) or historical.get_default_history_user(obj)
        row = {field.attname: getattr(obj, field.attname) for field in historical.tracked_fields}
        row["history_date"] = getattr(obj, "_history_date", now)
        row["history_user_id"] = getattr(user, "pk", None)
        row["history_change_reason"] = getattr(obj, "_change_reason", "") or reason
        row["history_type"] = "~" if update else "+"
        if hasattr(historical, "history_relation"):
            row["history_relation_id"] = obj.pk
        rows.append(row)
    insert_rows(historical, rows)


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
