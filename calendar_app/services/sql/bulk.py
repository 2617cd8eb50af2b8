"""Plain multi-row INSERTs and UPDATEs for ingest's hot path.

`bulk_create` and `bulk_update` compile a statement per batch (and `bulk_update` one CASE
per field and row); for the tens of thousands of meetups, sightings, links and ordering rows
of a large archive that is most of an ingest's time. These rows need none of it: no signals,
no defaults beyond what is given, one prepared statement run for every row.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

from calendar_app.models.content import data_changed

# Values of these types reach the database unchanged through Django's conversion for these
# fields; skipping it for them saves most of the per-value cost. Anything else is converted.
_AS_IS: dict[str, tuple[type, ...]] = (
    {kind: (str, type(None)) for kind in ("CharField", "TextField", "SlugField", "URLField")}
    | {
        kind: (int, type(None))
        for kind in (
            "AutoField",
            "BigAutoField",
            "IntegerField",
            "BigIntegerField",
            "PositiveIntegerField",
            "SmallIntegerField",
            "PositiveSmallIntegerField",
        )
    }
    | {"BooleanField": (bool, type(None)), "DateField": (date, type(None))}
    | {"DateTimeField": (type(None),)}  # a time of day is converted (zone, backend)
)


_UNSET = object()


def _converter(field: Any, connection: Any) -> Callable[[object], object]:
    prep = field.get_db_prep_save
    kind = (field.target_field if field.is_relation else field).get_internal_type()
    as_is = _AS_IS.get(kind, ())
    last: list = [_UNSET, None]  # the value converted last, and what it became

    def convert(value: object) -> object:
        # type(), not isinstance(): a datetime is a date, but not one to store as it is
        if type(value) in as_is:
            return value
        # Rows written together share values (one `now` for a batch): converted once.
        if value is not last[0]:
            last[0], last[1] = value, prep(value, connection)
        return last[1]

    return convert


def _prepared(fields: Sequence[Any], rows: Sequence[Sequence]) -> list[list]:
    connection = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the per-call proxy
    converters = [_converter(field, connection) for field in fields]
    return [
        [convert(value) for convert, value in zip(converters, row, strict=True)] for row in rows
    ]


def _execute(sql: str, params: list[list]) -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.executemany(sql, params)
    data_changed()  # no signals here: the data version is bumped for these rows


def insert_rows(
    model: type[models.Model], rows: list[dict], *, ignore_conflicts: bool = False
) -> None:
    """INSERT `rows` (field name -> value, the same fields in every row) into `model`."""
    if not rows:
        return
    names = list(rows[0])
    fields: list[Any] = [model._meta.get_field(name) for name in names]
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({values}){conflict}"
    _execute(sql, _prepared(fields, [[row[name] for name in names] for row in rows]))


def insert_objects(objs: Sequence[models.Model], *, key: str) -> None:
    """INSERT unsaved instances of one model and give them their primary keys.

    `key`: a unique field each instance already has a value for (see `_insert`).
    """
    if not objs:
        return
    model = type(objs[0])
    fields: list[Any] = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = [[f.pre_save(obj, add=True) for f in fields] for obj in objs]
    for obj, pk in zip(objs, _insert(model, fields, rows, key), strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS


def insert_returning(model: type[models.Model], rows: list[dict], *, key: str) -> list[int]:
    """INSERT `rows` (field name -> value) and return their primary keys, in order.

    The fields a row leaves out take their defaults, as `Model()` would give them (a new
    value per row for a unique field such as a UUID, `now` for `auto_now_add`), without an
    instance per row: for thousands of rows that is most of the cost.
    """
    if not rows:
        return []
    fields: list[Any] = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    given = [field.name for field in fields if field.name in rows[0]]
    same: dict[str, object] = {}  # one value for every row
    own: dict[str, Callable[[], object]] = {}  # a value made for each row
    for field in fields:
        if field.name in rows[0]:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            same[field.name] = now
        elif field.unique:
            own[field.name] = field.get_default
        else:
            same[field.name] = field.get_default()
    values = [
        [*(row[name] for name in given), *same.values(), *(make() for make in own.values())]
        for row in rows
    ]
    ordered: list[Any] = [model._meta.get_field(name) for name in [*given, *same, *own]]
    return _insert(model, ordered, values, key)


def _insert(model: type[models.Model], fields: list[Any], rows: list[list], key: str) -> list[int]:
    """The primary keys of `rows` (values of `fields`) inserted into `model`, in order.

    Many rows per statement, each statement returning the keys it made, matched back by
    `key`: a unique field among `fields` (the order of RETURNING rows is not promised).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    key_field: Any = model._meta.get_field(key)
    at = fields.index(key_field)
    prepared = _prepared(fields, rows)
    head = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) VALUES "
    )
    returning = f" RETURNING {quote(str(model._meta.pk.column))}, {quote(key_field.column)}"
    one_row = f"({', '.join(['%s'] * len(fields))})"
    per_statement = max(1, min(500, connection.ops.bulk_batch_size(fields, rows)))
    pks: dict[object, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(prepared), per_statement):
            batch = prepared[start : start + per_statement]
            cursor.execute(
                head + ", ".join([one_row] * len(batch)) + returning,
                [value for row in batch for value in row],
            )
            pks.update((key_field.to_python(stored), pk) for pk, stored in cursor.fetchall())
    data_changed()  # no signals here: the data version is bumped for these rows
    return [pks[key_field.to_python(row[at])] for row in rows]


def update_objects(objs: Sequence[models.Model], names: list[str]) -> None:
    """UPDATE the fields `names` of saved instances of one model, by primary key."""
    if not objs:
        return
    model = type(objs[0])
    fields: list[Any] = [model._meta.get_field(name) for name in names]
    attnames = [field.attname for field in fields]
    update_values(model, names, [[getattr(o, a) for a in attnames] + [o.pk] for o in objs])


def update_values(model: type[models.Model], names: list[str], rows: list[Sequence]) -> None:
    """UPDATE the fields `names` of `model`'s rows: each row its values, then its key.

    For rows known by key alone: no instance is made (most of the cost of a small update).
    """
    if not rows:
        return
    fields: list[Any] = [model._meta.get_field(name) for name in names]
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "
        f"WHERE {quote(str(model._meta.pk.column))} = %s"
    )
    pk: Any = model._meta.pk
    _execute(sql, _prepared([*fields, pk], rows))


@contextmanager
def bulk_session() -> Iterator[None]:
    """Settings for a long run of bulk writes (an archive import), put back afterwards.

    The garbage collector runs less often: the rows being written make many short-lived
    objects and almost no cycles, and it spent a twentieth of an import walking them. On
    SQLite the write-ahead log is checkpointed once at the end instead of every 4 MB, so
    pages written again and again (indexes) are copied to the database once.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 20_000), *threshold[1:])
    connection = connections[DEFAULT_DB_ALIAS]
    # Checkpointing is for the database file, outside any transaction (not in tests).
    sqlite = connection.vendor == "sqlite" and not connection.in_atomic_block
    try:
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_autocheckpoint = 100000")
        yield
    finally:
        gc.set_threshold(*threshold)
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_autocheckpoint = 1000")  # SQLite's default
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
