"""Failures of the storage itself (disk full, read-only database): they stop a whole run.

Every other failure is one file's (reported, the others go on); these would fail every
file the same way, so the run stops with one clear line instead of a chained traceback.
"""

from __future__ import annotations

import errno


class StorageFailure(RuntimeError):
    """The database cannot be written: the message says why, in one line."""


def storage_failure(exc: BaseException) -> str:
    """A one-line reason when `exc` (or what caused it) is a storage failure, else ""."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        reason = _reason(current)
        if reason:
            return reason
        current = current.__cause__ or current.__context__
    return ""


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "the disk is full; nothing more was stored"
    text = str(exc).casefold()
    if "readonly database" in text or "read-only" in text and "database" in text:
        return "the database is read-only; nothing more was stored"
    if "database or disk is full" in text or "no space left on device" in text:
        return "the disk is full; nothing more was stored"
    return ""
