"""Keeps the folded search columns (Meetup.search_title, Group.search_name,
Place.search_text) in step with what they fold. Call `search_text_refresh` after any write
of a meetup's title, an organiser's name or a place's city, text, region or country: it
recomputes the given rows and writes those whose folded text changed (no signals, no
history: the columns are derived, never edited). Ingest folds the rows it writes as it
writes them (`folded`, `fold_into`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import models

from calendar_app.models import Group, Meetup, Place
from calendar_app.search_text import place_search_text, search_text
from calendar_app.services.data_version import data_changed

BATCH = 2000
T = TypeVar("T")


def batched(items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    return (items[start : start + size] for start in range(0, len(items), size))


# model -> (its folded column, the columns it is folded from, how)
SOURCES: dict[type[models.Model], tuple[str, tuple[str, ...], Callable[..., str]]] = {
    Meetup: ("search_title", ("title",), search_text),
    Group: ("search_name", ("name",), search_text),
    Place: ("search_text", ("city", "admin1", "country", "written", "text"), place_search_text),
}


def search_text_refresh(
    *,
    meetup_ids: Iterable[int] = (),
    group_ids: Iterable[int] = (),
    place_ids: Iterable[int] = (),
    everything: bool = False,
) -> int:
    """Recompute the folded search text of these meetups, organisers and places (of every
    row with `everything`); returns how many rows changed."""
    wanted = {Meetup: meetup_ids, Group: group_ids, Place: place_ids}
    changed = 0
    for model, ids in wanted.items():
        rows = model._default_manager.all()
        if everything:
            changed += _refresh(model, rows)
            continue
        for batch in batched(sorted({pk for pk in ids if pk is not None}), BATCH):
            changed += _refresh(model, rows.filter(pk__in=batch))
    if changed:
        data_changed()  # written without signals: cached pages searched the old text
    return changed


def folded(model: type[models.Model], values: Mapping[str, Any]) -> str:
    """The folded column of a `model` row with these values (field name -> value)."""
    _, sources, fold_row = SOURCES[model]
    return fold_row(*(values[name] for name in sources))


def fold_into(obj: models.Model) -> None:
    """Set an instance's folded column from what it folds, before it is written: ingest
    writes its rows in bulk, folded as they go, with no refresh afterwards."""
    column, sources, _ = SOURCES[type(obj)]
    setattr(obj, column, folded(type(obj), {name: getattr(obj, name) for name in sources}))


def _refresh(model: type[models.Model], rows: models.QuerySet) -> int:
    column, sources, fold_row = SOURCES[model]
    stale = [
        (text, pk)
        for pk, old, *values in rows.order_by().values_list("pk", column, *sources)
        if (text := fold_row(*values)) != old
    ]
    if stale:
        model._default_manager.bulk_update(
            [model(pk=pk, **{column: text}) for text, pk in stale], [column]
        )
    return len(stale)
