"""Keeps the folded search columns (Meetup.search_title, Group.search_name,
Place.search_text) in step with what they fold. Call `search_text_refresh` after any write
of a meetup's title, an organiser's name or a place's city, text, region or country: it
recomputes the given rows and writes those whose folded text changed (no signals, no
history: the columns are derived, never edited).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from django.db import connection, models

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


class SearchTextQueue:
    """Rows whose folded search text is due, refreshed together by `flush`: an archive
    import reads the same organisers and places in newsletter after newsletter, and folds
    each once per batch instead of once per newsletter."""

    def __init__(self) -> None:
        self.meetup_ids: set[int] = set()
        self.group_ids: set[int] = set()
        self.place_ids: set[int] = set()

    def add(
        self,
        *,
        meetup_ids: Iterable[int] = (),
        group_ids: Iterable[int] = (),
        place_ids: Iterable[int] = (),
    ) -> None:
        self.meetup_ids.update(meetup_ids)
        self.group_ids.update(group_ids)
        self.place_ids.update(place_ids)

    def flush(self) -> int:
        """Refresh what is due (rows gone since, e.g. with a rolled-back file, are skipped)."""
        changed = search_text_refresh(
            meetup_ids=self.meetup_ids, group_ids=self.group_ids, place_ids=self.place_ids
        )
        self.meetup_ids, self.group_ids, self.place_ids = set(), set(), set()
        return changed


def _refresh(model: type[models.Model], rows: models.QuerySet) -> int:
    column, sources, fold_row = SOURCES[model]
    stale = [
        (text, pk)
        for pk, old, *values in rows.order_by().values_list("pk", column, *sources)
        if (text := fold_row(*values)) != old
    ]
    if stale:  # one prepared UPDATE for all (no model instances: ingest writes thousands)
        quote = connection.ops.quote_name
        table, key = quote(model._meta.db_table), quote(str(model._meta.pk.column))
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {quote(column)} = %s WHERE {key} = %s", stale)
    return len(stale)
