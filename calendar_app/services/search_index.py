"""The folded search columns (Meetup.search_title, Group.search_name, Place.search_text)
for the writers that bypass the ORM: their one home is the model's `FOLD`
(calendar_app.models.content), which `save()`, `bulk_create`, `bulk_update` and `update`
apply by themselves. The plain SQL of ingest folds the rows it writes as it writes them
(`folded`, `fold_into`); `search_text_refresh` recomputes rows written any other way (a
database filled before a folding rule changed, bench data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import models

from calendar_app.models import Group, Meetup, Place
from calendar_app.models.content import Fold, refold

BATCH = 2000
T = TypeVar("T")


def batched(items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    return (items[start : start + size] for start in range(0, len(items), size))


def _spec(model: type[models.Model]) -> Fold:
    spec: Fold | None = getattr(model, "FOLD", None)
    assert spec is not None, f"{model.__name__} has no folded column"
    return spec


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
        rows = model._base_manager.all()
        if everything:
            changed += refold(model, rows)
            continue
        for batch in batched(sorted({pk for pk in ids if pk is not None}), BATCH):
            changed += refold(model, rows.filter(pk__in=batch))
    return changed


def folded(model: type[models.Model], values: Mapping[str, Any]) -> str:
    """The folded column of a `model` row with these values (field name -> value)."""
    spec = _spec(model)
    return spec.fold(*(values[name] for name in spec.sources))


def fold_into(obj: models.Model) -> None:
    """Set an instance's folded column from what it folds, before plain SQL writes it."""
    _spec(type(obj)).into(obj)
