"""Plain multi-row INSERTs for ingest's hot path.

`bulk_create` builds a model instance per row and compiles one statement per batch; for the
tens of thousands of sightings, links and ordering rows of a large archive that is most of
an ingest's time. These rows need neither: no signals, no defaults beyond what is given.
"""

from __future__ import annotations

from django.db import connection, models


def insert_rows(model: type[models.Model], rows: list[dict], *,
                ignore_conflicts: bool = False) -> None:
    """INSERT `rows` (field name -> value, the same fields in every row) into `model`."""
    if not rows:
        return
    names = list(rows[0])
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({values}){conflict}"
    columns_of = list(zip(names, fields, strict=True))
    params = [
        [field.get_db_prep_save(row[name], connection) for name, field in columns_of]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
