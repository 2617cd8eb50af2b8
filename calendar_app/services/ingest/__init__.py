"""Ingest newsletters: `read` (sources) -> matching (calendar_app.matching, pure) -> `write`
(bulk), run by `run`."""

from __future__ import annotations

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
