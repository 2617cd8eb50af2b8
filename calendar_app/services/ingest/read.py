"""Reading newsletters: paths (directories recursively), http(s) URLs and `-` (stdin)."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable
from pathlib import Path

from calendar_app.twir.text import decode_newsletter

NEWSLETTER_SUFFIXES = {".md", ".markdown", ".txt"}
MAX_BYTES = 5 * 1024 * 1024  # the largest real issue is under 100 KB
URL_DEADLINE = 30.0  # seconds for a whole URL: connect, headers and body


class TooLarge(ValueError):
    """A file over MAX_BYTES: refused before it is read into memory and parsed."""


def expand_paths(paths: Iterable[str]) -> tuple[list[str], list[str]]:
    """Files, directories (recursive), URLs and `-`; returns (sources, errors)."""
    sources: list[str] = []
    errors: list[str] = []
    for raw in paths:
        if raw == "-" or raw.startswith(("http://", "https://")):
            sources.append(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            sources += sorted(
                str(p)
                for p in path.rglob("*")
                if p.suffix.lower() in NEWSLETTER_SUFFIXES and p.is_file()
            )
        elif path.is_file():
            sources.append(str(path))
        else:
            errors.append(f"{raw}: no such file or directory")
    return sources, errors


def _checked(size: int) -> None:
    if size > MAX_BYTES:
        raise TooLarge(f"larger than {MAX_BYTES // (1024 * 1024)} MB; refused")


def read_source(source: str) -> str:
    """The text of one source; raises OSError/ValueError with a readable message."""
    if source == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        _checked(len(data))
        return decode_newsletter(data)
    if source.startswith(("http://", "https://")):
        return decode_newsletter(_fetched(source))
    path = Path(source)
    _checked(path.stat().st_size)
    return decode_newsletter(path.read_bytes())


def _fetched(url: str) -> bytes:
    """The body at `url` within one overall deadline (a server dripping its headers or its
    body cannot hold the command): the calendars' fetcher, as the operator's (trusted)."""
    # imported here: httpx is not worth its import time for the usual files and stdin
    from calendar_app.services.sources_fetch import FetchRequest, fetch_feeds

    [result] = fetch_feeds(
        [FetchRequest(url)], allow_private=True, max_bytes=MAX_BYTES, timeout=URL_DEADLINE
    )
    if not result.ok:
        raise OSError(result.error or f"HTTP {result.status}")
    return result.body


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
