"""Plain SELECTs for the hot reads of matching: they skip the ORM's query building (~1 ms
each, and ingest runs several per newsletter)."""

from __future__ import annotations

import json
from collections.abc import Sequence, Sized
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Model


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def quoted(column: str) -> str:
    return connection.ops.quote_name(column)


def select(sql: str, params: Sequence[Any]) -> list[tuple]:
    """Rows of a plain SELECT."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def marks(values: Sized) -> str:
    return ", ".join(["%s"] * len(values))


def decoded(value: object) -> Any:
    """A JSON column as a plain cursor hands it over (text on SQLite), decoded."""
    return json.loads(value) if isinstance(value, str) else value


def day(value: object) -> date | None:
    """A date column as a plain cursor hands it over (text on SQLite, a date on PostgreSQL)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)  # type: ignore[arg-type]
