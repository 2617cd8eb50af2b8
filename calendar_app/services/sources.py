"""Calendars the site follows: adding them, their health, and syncing them (fetch, then merge).

A sync asks each source's feed through a `Fetch` callable (a few at a time, in threads:
fetching never touches the database) and hands each new body to a `Merge` callable in this
one thread, then records the source's health. A source that fails is recorded and skipped;
it never stops the others and never removes what is already known.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import httpx
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.http import http_date

from calendar_app.models import Group, GroupAlias, Source
from calendar_app.rules import group_alias_keys
from calendar_app.services.sources_fetch import (
    MAX_BYTES,
    TIMEOUT,
    FetchRequest,
    FetchResult,
    fetch_feed,
    fetch_feeds,
    make_client,
)
from calendar_app.text import strip_controls
from calendar_app.twir import is_safe_url

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
HTTP_SCHEMES = frozenset({"http", "https"})
FETCH_WORKERS = 4  # fetches at a time: polite to the hosts, enough to hide their latency
MAX_ERROR_LENGTH = 2000


class FeedError(ValueError):
    """A fetched body that is no calendar (HTML, garbage): the source's error, as said."""


class SourceURLError(ValueError):
    """Not something the site can follow: neither an http(s) URL nor a readable file."""


def http_source_url(value: str) -> str:
    """`value` if it is an http(s) URL with a host, else SourceURLError (the admin's rule)."""
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in HTTP_SCHEMES or not parts.hostname:
        raise SourceURLError(f"Not an http(s) URL: {value!r}")
    if any(ord(char) < 33 for char in url):
        raise SourceURLError(f"A URL has no spaces or control characters: {value!r}")
    return url


def source_url(value: str) -> str:
    """The URL to store for what an operator typed: an http(s) URL as it is; a local file
    (a path or a `file:` URL) as a `file://` URL with its absolute path, if it exists."""
    text = value.strip()
    scheme = urlsplit(text).scheme.lower()
    if scheme in HTTP_SCHEMES:
        return http_source_url(text)
    if scheme == "file":
        text = url2pathname(unquote(urlsplit(text).path))
    elif len(scheme) > 1:  # "c:" is a Windows drive, anything longer a scheme we refuse
        raise SourceURLError(f"Only http(s) URLs and local files can be followed: {value!r}")
    path = Path(text).expanduser().resolve()
    if not path.is_file():
        raise SourceURLError(f"No such file: {path}")
    return path.as_uri()


def source_add(
    *, url: str, name: str = "", group: Group | None = None, trusted: bool = True
) -> tuple[Source, bool]:
    """Follow the calendar at `url` (already checked: see `source_url`); idempotent by URL.

    A source already followed keeps its state; a name or group given again replaces the
    stored one. `trusted=False` for a calendar from the public form: its fetches may reach
    public addresses only (`public_address`). Returns the source and whether it was created.
    """
    source, created = Source.objects.get_or_create(
        url=url, defaults={"name": name.strip()[:300], "group": group, "trusted": trusted}
    )
    changed = []
    if not created and name.strip() and source.name != name.strip()[:300]:
        source.name = name.strip()[:300]
        changed.append("name")
    if not created and group is not None and source.group_id != group.pk:
        source.group = group
        changed.append("group")
    if changed:
        source.save(update_fields=changed)
    return source, created


def sources_set_enabled(*, sources: QuerySet[Source], enabled: bool) -> int:
    """Enable or disable sources; a re-enabled source is due at once, failures forgotten."""
    changing = sources.exclude(enabled=enabled)
    if enabled:
        return changing.update(enabled=True, consecutive_failures=0, last_attempt=None)
    return changing.update(enabled=False)


# --- the editors' lists -----------------------------------------------------------------


@dataclass(frozen=True)
class ListedCalendar:
    """A calendar from one of the editors' lists, with the page that names its organiser."""

    url: str
    name: str
    page: str
    enabled: bool


def meetup_calendar(group_page: str, *, enabled: bool) -> ListedCalendar:
    """`https://www.meetup.com/<group>/events/` -> the group's public iCalendar feed."""
    parts = urlsplit(group_page.strip())
    segments = [segment for segment in parts.path.split("/") if segment]
    if "meetup.com" not in (parts.hostname or "") or not segments:
        raise SourceURLError(f"Not a Meetup group page: {group_page!r}")
    slug = segments[0]
    return ListedCalendar(
        url=f"https://www.meetup.com/{slug}/events/ical/",
        name=slug,
        page=f"https://www.meetup.com/{slug}/",
        enabled=enabled,
    )


def luma_calendar(item: dict[str, str]) -> ListedCalendar:
    return ListedCalendar(
        url=http_source_url(item["ics"]),
        name=item.get("name", ""),
        page=item.get("page", ""),
        enabled=True,
    )


def editors_calendars(data_dir: Path = DATA_DIR) -> list[ListedCalendar]:
    """The calendars the newsletter's editors follow (copies of their lists, in data/):
    Meetup groups always included, Luma calendars, and the "maybe" Meetup groups (only
    occasional Rust events) disabled until a curator enables one."""

    def read(name: str) -> list:
        return json.loads((data_dir / name).read_text(encoding="utf-8"))

    return [
        *(meetup_calendar(page, enabled=True) for page in read("rust-meetups.json")),
        *(luma_calendar(item) for item in read("luma-calendars.json")),
        *(meetup_calendar(page, enabled=False) for page in read("maybe-rust-meetups.json")),
    ]


@functools.lru_cache(maxsize=1)
def listed_pages() -> dict[str, str]:
    """Feed address -> the organiser's page, for the calendars of the editors' lists (a
    Luma feed names no page of its own)."""
    try:
        calendars = editors_calendars()
    except (OSError, ValueError, KeyError):
        return {}
    return {calendar.url: calendar.page for calendar in calendars if calendar.page}


@dataclass
class LoadReport:
    created: int = 0
    existing: int = 0
    linked_to_groups: int = 0


def sources_load(*, calendars: Iterable[ListedCalendar]) -> LoadReport:
    """Follow the listed calendars; idempotent (a calendar already followed is left as a
    curator set it: enabled or not, its name, its group)."""
    report = LoadReport()
    calendars = list(calendars)
    groups = _groups_by_page([calendar.page for calendar in calendars])
    known = set(
        Source.objects.filter(url__in=[c.url for c in calendars]).values_list("url", flat=True)
    )
    new = []
    for calendar in calendars:
        if calendar.url in known:
            report.existing += 1
            continue
        known.add(calendar.url)
        group = groups.get(calendar.page)
        report.linked_to_groups += group is not None
        new.append(
            Source(url=calendar.url, name=calendar.name, enabled=calendar.enabled, group=group)
        )
    Source.objects.bulk_create(new, ignore_conflicts=True)
    report.created = len(new)
    return report


def _groups_by_page(pages: list[str]) -> dict[str, Group]:
    """The organisers already known by these pages (their `url:` alias), in one query."""
    keys = {group_alias_keys("", page)[0]: page for page in pages if page and is_safe_url(page)}
    aliases = GroupAlias.objects.filter(key__in=keys).select_related("group")
    return {keys[alias.key]: alias.group for alias in aliases}


# --- health -----------------------------------------------------------------------------


def _validator(name: str, value: str) -> str:
    """An ETag or Last-Modified as stored: one clean line that fits its column, else ""
    (a cut validator would never match, and the next fetch is then unconditional)."""
    text = strip_controls(value, keep="").strip()
    limit = getattr(Source._meta.get_field(name), "max_length", None) or 0
    return text if len(text) <= limit else ""


def _said(text: str) -> str:
    """A message about a feed as stored: one clean line of at most MAX_ERROR_LENGTH."""
    return " ".join(strip_controls(text).split())[:MAX_ERROR_LENGTH]


def source_record_success(
    *,
    source: Source,
    at: datetime,
    etag: str | None = None,
    last_modified: str | None = None,
    events_seen: int | None = None,
    notes: str | None = None,
) -> None:
    """The feed answered (with a calendar, or 304): clear the error and the back-off.

    None keeps the stored value: a 304 without new validators keeps the old ones, and
    keeps the number of events read last time and what that read left out (`notes`).
    Whatever the server sent is bounded to its column first: no answer can make this
    write fail.
    """
    source.last_attempt = source.last_success = at
    source.last_error = ""
    source.consecutive_failures = 0
    fields = ["last_attempt", "last_success", "last_error", "consecutive_failures"]
    for name, value in (
        ("etag", etag if etag is None else _validator("etag", etag)),
        ("last_modified", last_modified and _validator("last_modified", last_modified)),
        ("events_seen", events_seen),
        ("notes", None if notes is None else _said(notes)),
    ):
        if value is not None:
            setattr(source, name, value)
            fields.append(name)
    source.save(update_fields=fields)


def source_record_failure(*, source: Source, at: datetime, error: str) -> None:
    """The feed failed: say why, count it (the next fetch waits longer); keep the rest."""
    source.last_attempt = at
    source.last_error = _said(error) or "Failed."
    source.consecutive_failures += 1
    source.save(update_fields=["last_attempt", "last_error", "consecutive_failures"])


# --- fetching and syncing ---------------------------------------------------------------


Fetch = Callable[[Source], FetchResult]
# Reads a fetched body and merges its events into the meetups, in this process's one
# writing thread; returns what it did (added to the sync's report).
Merge = Callable[[Source, bytes], "MergeCounts"]


def fetch_file(source: Source) -> FetchResult:
    """Read a `file://` source; its modification time stands in for Last-Modified, so an
    unchanged file is "not modified" (304) as an unchanged feed would be."""
    path = Path(url2pathname(unquote(urlsplit(source.url).path)))
    try:
        stat = path.stat()
        stamp = http_date(int(stat.st_mtime))
        if source.last_modified == stamp and source.last_success is not None:
            return FetchResult(source.url, 304, last_modified=stamp)
        if stat.st_size > MAX_BYTES:
            return FetchResult(source.url, None, error=f"the file is more than {MAX_BYTES:,} bytes")
        body = path.read_bytes()
    except OSError as exc:
        return FetchResult(source.url, None, error=f"cannot read {path}: {exc.strerror}")
    return FetchResult(source.url, 200, body=body, last_modified=stamp)


class Clients:
    """A sync's two HTTP clients: one for trusted sources, one that reaches public
    addresses only (every connection checked: sources from the public form)."""

    def __init__(self, *, workers: int = FETCH_WORKERS, timeout: float = TIMEOUT) -> None:
        self.trusted = make_client(allow_private=True, workers=workers, timeout=timeout)
        self.public = make_client(allow_private=False, workers=workers, timeout=timeout)

    def of(self, source: Source) -> httpx.Client:
        return self.trusted if source.trusted else self.public

    def __enter__(self) -> Clients:
        return self

    def __exit__(self, *exc: object) -> None:
        self.trusted.close()
        self.public.close()


def fetch_source(
    source: Source, *, clients: Clients | None = None, timeout: float = TIMEOUT
) -> FetchResult:
    """Ask the source's feed: a conditional GET (`sources_fetch`) for http(s), a file read
    for `file://` (only the operator adds those). `clients`: shared by a sync's fetches
    (pooled connections); a source from the public form reaches public addresses only."""
    scheme = urlsplit(source.url).scheme.lower()
    if scheme == "file":
        if not source.trusted:
            return FetchResult(source.url, None, error="refused: a public source is no file")
        return fetch_file(source)
    if scheme not in HTTP_SCHEMES:
        return FetchResult(source.url, None, error=f"no fetcher for {scheme or 'these'} URLs")
    request = FetchRequest(source.url, etag=source.etag, last_modified=source.last_modified)
    if clients is not None:
        return fetch_feed(request, client=clients.of(source), timeout=timeout)
    return fetch_feeds([request], allow_private=source.trusted, timeout=timeout)[0]


@dataclass
class MergeCounts:
    """What merging one feed did."""

    events: int = 0
    meetups_created: int = 0
    meetups_updated: int = 0
    cancelled: int = 0
    flagged: int = 0
    # the meetups its events belong to (for what runs after a sync: duplicate candidates)
    meetup_ids: set[int] = field(default_factory=set)
    notes: str = ""  # what the read left out (limits reached), kept on the source


@dataclass
class SyncReport:
    """What a sync did: the `--json` output of `sync_sources`."""

    sources: int = 0
    fetched: int = 0
    not_modified: int = 0
    failed: int = 0
    events: int = 0
    meetups_created: int = 0
    meetups_updated: int = 0
    meetups_total: int = 0
    cancelled: int = 0
    flagged: int = 0
    errors: dict[str, str] = field(default_factory=dict)  # by source URL
    limited: dict[str, str] = field(default_factory=dict)  # read within limits, by URL
    meetup_ids: set[int] = field(default_factory=set)  # touched; not in the JSON

    def add(self, counts: MergeCounts) -> None:
        for name, value in asdict(counts).items():
            if name not in ("meetup_ids", "notes"):
                setattr(self, name, getattr(self, name) + value)
        self.meetup_ids |= counts.meetup_ids

    def absorb(self, other: SyncReport) -> None:
        """Add what another (one source's) report counted."""
        for name, value in vars(other).items():
            if isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)
        self.errors |= other.errors
        self.limited |= other.limited
        self.meetup_ids |= other.meetup_ids

    def as_dict(self) -> dict:
        out = asdict(self)
        del out["meetup_ids"]
        return out


def sources_due(*, now: datetime | None = None) -> list[Source]:
    """Enabled sources whose interval (lengthened after failures) has passed."""
    now = now or timezone.now()
    return [source for source in Source.objects.enabled() if source.is_due(now)]


Progress = Callable[[int, int, Source], None]


def sources_sync(
    *,
    sources: Iterable[Source],
    fetch: Fetch | None = None,
    merge: Merge | None = None,
    workers: int = FETCH_WORKERS,
    timeout: float = TIMEOUT,
    progress: Progress | None = None,
) -> SyncReport:
    """Fetch `sources` (`workers` at a time, `timeout` s each at most) and merge what changed.

    Fetching runs in threads and never touches the database; each answer is merged here as
    soon as it arrives (a stuck server holds one thread, not the sources after it), in its
    own transaction (a savepoint inside a caller's): one that fails is rolled back and
    recorded on its source, and the next source goes on (a `merge` with a `forget()`
    method, which keeps what it read for the next source, is told). Without `merge` the
    bodies are only fetched and the health recorded.
    """
    sources = list(sources)
    report = SyncReport(sources=len(sources))
    with ExitStack() as stack:
        if fetch is None:
            clients = stack.enter_context(Clients(workers=workers, timeout=timeout))
            fetch = partial(fetch_source, clients=clients, timeout=timeout)
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=max(1, workers)))
        fetching = _fetch_safely(fetch)
        pending = {pool.submit(fetching, source): source for source in sources}
        for index, done in enumerate(as_completed(pending), 1):
            source = pending.pop(done)
            _apply_safely(source, done.result(), merge, report)
            if progress is not None:
                progress(index, len(sources), source)
    return report


def _fetch_safely(fetch: Fetch) -> Fetch:
    def run(source: Source) -> FetchResult:
        try:
            return fetch(source)
        except Exception as exc:  # a fetcher's bug is one source's failure, not the sync's
            logger.exception("fetching %s failed", source.url)
            return FetchResult(source.url, None, error=f"{type(exc).__name__}: {exc}")

    return run


def _apply_safely(
    source: Source, result: FetchResult, merge: Merge | None, report: SyncReport
) -> None:
    """One source's merge and health in one savepoint; whatever fails there is rolled back
    and recorded on that source alone."""
    mine = SyncReport()
    try:
        with transaction.atomic():
            _apply(source, result, merge, mine)
        report.absorb(mine)
    except Exception as exc:  # recorded on the source; the other sources go on
        logger.exception("syncing %s failed", source.url)
        if (forget := getattr(merge, "forget", None)) is not None:
            forget()  # a merge that keeps what it read for the next source: rolled back
        source.refresh_from_db()
        with transaction.atomic():
            _failed(source, timezone.now(), f"{type(exc).__name__}: {exc}", report)


def _apply(source: Source, result: FetchResult, merge: Merge | None, report: SyncReport) -> None:
    now = timezone.now()
    if result.not_modified:
        report.not_modified += 1
        source_record_success(source=source, at=now, etag=result.etag or None)
        return
    if not result.ok:
        _failed(source, now, result.error or f"HTTP {result.status}", report)
        return
    events, notes = None, None
    if merge is not None:
        try:
            with transaction.atomic():
                counts = merge(source, result.body)
        except FeedError as exc:  # not a calendar: the feed's fault, said as it is
            _failed(source, now, str(exc), report)
            return
        report.add(counts)
        events, notes = counts.events, counts.notes
        if notes:
            report.limited[source.url] = _said(notes)
    report.fetched += 1
    source_record_success(
        source=source,
        at=now,
        etag=result.etag,
        last_modified=result.last_modified,
        events_seen=events,
        notes=notes,
    )


def _failed(source: Source, now: datetime, error: str, report: SyncReport) -> None:
    report.failed += 1
    report.errors[source.url] = error
    source_record_failure(source=source, at=now, error=error)
