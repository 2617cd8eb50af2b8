"""Public data, and the two things every write of it must do, in one place that no writer
can skip: bump the data version, and keep the folded search columns in step.

**The data version**: one number for "the public data as it is now", kept in the shared
cache. Pages, feeds and the JSON API are cached under it (calendar_app.web.page_cache);
`data_changed()` bumps it at once and once more when the writing transaction commits: a page
another process renders in between (from the data as it was before the commit) is cached
under the middle version and dropped by the second bump; reads inside the writing
transaction itself (a command that writes then exports, a test, which never commits) see a
fresh version too.

It is reached from every way of writing a `Content` model: `save()` and `delete()` (the
post_save/post_delete/m2m_changed signals connected in calendar_app.signals for every
subclass), and the QuerySet's writes that send no signals (`update`, `bulk_create`,
`bulk_update`, `delete`) through `ContentQuerySet`, every content model's manager (the
ingest writes through these too: there is no plain SQL writer left).

**Folded search columns** (`Meetup.search_title`, `Group.search_name`, `Place.search_text`,
see search_text.py): a model names its column, the columns it is folded from and how
(`FOLD`); `save()`, `bulk_create`, `bulk_update` and `update` fill it. The folding is
Python (the gazetteer's other names of big cities), so no database expression could.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

KEY = "data-version"
FOLD_BATCH = 2000
logger = logging.getLogger(__name__)


def data_version() -> str:
    """The current version; a fresh one when the cache has none (empty, or restarted)."""
    version = cache.get(KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(KEY, version, timeout=None):  # another process was first
            version = cache.get(KEY) or version
    return version


def data_version_bump() -> None:
    """A new version: every page cached under the old one is stale from now on."""
    cache.set(KEY, uuid.uuid4().hex, timeout=None)


def data_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Bump the version now, and once more when the current transaction commits.

    The commit bump is scheduled once per transaction, however many rows it writes; a cache
    that cannot be reached is logged, never fails the write (pages expire by their timeout).
    """
    _bump_quietly()
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and any(
        func is _bump_quietly for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_bump_quietly, using=using)


def _bump_quietly() -> None:
    try:
        data_version_bump()
    except Exception:  # the data is written; a stale page is better than a failed write
        logger.exception("data version not bumped: the shared cache is unreachable")


@dataclass(frozen=True)
class Fold:
    """A folded column: its name, the fields it is folded from, and how."""

    column: str
    sources: tuple[str, ...]
    fold: Callable[..., str]

    def value(self, obj: models.Model) -> str:
        return self.fold(*(getattr(obj, name) for name in self.sources))

    def into(self, obj: models.Model) -> None:
        setattr(obj, self.column, self.value(obj))

    def touches(self, names: Iterable[str]) -> bool:
        return not self.sources_set.isdisjoint(names)

    @property
    def sources_set(self) -> frozenset[str]:
        return frozenset(self.sources)


def fold_of(model: type[models.Model]) -> Fold | None:
    return getattr(model, "FOLD", None)


def refold(model: type[models.Model], rows: models.QuerySet) -> int:
    """Recompute the folded column of `rows` and write those whose text changed; how many.

    One prepared UPDATE for all, no instances, no signals (the column is derived, never
    edited): what `update` and a full refresh (`search_text_refresh`) use.
    """
    spec = fold_of(model)
    if spec is None:
        return 0
    stale = [
        (text, pk)
        for pk, old, *values in rows.order_by().values_list("pk", spec.column, *spec.sources)
        if (text := spec.fold(*values)) != old
    ]
    if stale:
        connection = connections[rows.db]
        quote = connection.ops.quote_name
        table, key = quote(model._meta.db_table), quote(str(model._meta.pk.column))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {quote(spec.column)} = %s WHERE {key} = %s", stale
            )
        data_changed(rows.db)
    return len(stale)


class ContentQuerySet(models.QuerySet):
    """Every write that sends no signal still bumps the data version and keeps the folded
    column in step: `update`, `bulk_create`, `bulk_update`, `delete`."""

    def update(self, **kwargs: Any) -> int:
        spec = fold_of(self.model)
        pks: list[Any] = []
        if spec is not None and spec.touches(kwargs) and spec.column not in kwargs:
            pks = list(self.values_list("pk", flat=True))  # before: the filter may not match after
        rows = super().update(**kwargs)
        for start in range(0, len(pks), FOLD_BATCH):
            refold(
                self.model,
                self.model._base_manager.using(self.db).filter(
                    pk__in=pks[start : start + FOLD_BATCH]
                ),
            )
        data_changed(self.db)
        return rows

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        spec = fold_of(self.model)
        if spec is not None:
            for obj in objs:
                spec.into(obj)
        created = super().bulk_create(objs, *args, **kwargs)
        if objs:
            data_changed(self.db)
        return created

    bulk_create.alters_data = True  # type: ignore[attr-defined]

    def bulk_update(
        self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        objs, fields = list(objs), list(fields)
        spec = fold_of(self.model)
        if spec is not None and spec.touches(fields):
            for obj in objs:
                spec.into(obj)
            if spec.column not in fields:
                fields.append(spec.column)
        rows = super().bulk_update(objs, fields, batch_size=batch_size)
        if objs:
            data_changed(self.db)
        return rows

    bulk_update.alters_data = True  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        deleted = super().delete()
        data_changed(self.db)
        return deleted

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class Content(models.Model):
    """A model of public data: pages, feeds or the API show it (calendar_app.signals
    connects every subclass). `FOLD` names its folded search column, if it has one."""

    FOLD: ClassVar[Fold | None] = None

    objects = ContentQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        spec = self.FOLD
        if spec is not None:
            spec.into(self)
            fields = kwargs.get("update_fields")
            if fields is not None and spec.touches(fields):
                kwargs["update_fields"] = {*fields, spec.column}
        super().save(*args, **kwargs)
