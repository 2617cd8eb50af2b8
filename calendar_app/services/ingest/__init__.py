"""Ingest newsletters: `read` (sources) -> `match` (pure) -> `write` (bulk), run by `run`.

The public names are importable from here. They load on first use, so that the pure
modules (`match`, `entries`) can be imported, and tested, without Django set up.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from calendar_app.services.ingest.read import expand_paths, read_source
    from calendar_app.services.ingest.report import IngestReport
    from calendar_app.services.ingest.run import (
        COMMIT_EVERY,
        Refused,
        ingest_and_refresh_duplicates,
        ingest_newsletter,
        ingest_one,
        ingest_parsed,
        ingest_paths,
        refresh_meetups,
    )
    from calendar_app.services.ingest.storage import StorageFailure, storage_failure

_HOMES = {
    "IngestReport": "report",
    "StorageFailure": "storage",
    "storage_failure": "storage",
    "Refused": "run",
    "expand_paths": "read",
    "read_source": "read",
    "COMMIT_EVERY": "run",
    "ingest_and_refresh_duplicates": "run",
    "ingest_newsletter": "run",
    "ingest_one": "run",
    "ingest_parsed": "run",
    "ingest_paths": "run",
    "refresh_meetups": "run",
}
__all__ = [
    "COMMIT_EVERY",
    "IngestReport",
    "Refused",
    "StorageFailure",
    "expand_paths",
    "ingest_and_refresh_duplicates",
    "ingest_newsletter",
    "ingest_one",
    "ingest_parsed",
    "ingest_paths",
    "read_source",
    "refresh_meetups",
    "storage_failure",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
