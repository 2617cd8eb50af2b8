"""Fetching calendar feeds politely and safely: the network half of syncing sources.

Plain results, no database: the caller (the sync service) stores ETag and
Last-Modified on its Source and hands them back next time, so an unchanged feed
answers 304 and costs nothing. Everything that can go wrong with a remote server
(no answer, an error status, a redirect loop, an endless body, a private address)
becomes ``FetchResult.error``, never an exception, so one feed never stops the others.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.conf import settings

MAX_BYTES = 5 * 1024 * 1024  # a big Google calendar is ~1 MB
TIMEOUT = 15.0  # seconds for the whole answer, not only between two packets
CONNECT_TIMEOUT = 5.0
MAX_REDIRECTS = 5
WORKERS = 4  # a few at a time: polite to Meetup, enough for 150 feeds
ACCEPT = "text/calendar, text/plain;q=0.5, */*;q=0.1"


@dataclass(frozen=True)
class FetchRequest:
    """A feed to fetch and what its last good answer said (for a conditional GET)."""

    url: str
    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True)
class FetchResult:
    """One answer. ``status`` is None when the server never answered.

    On 304 the body is empty and ``etag``/``last_modified`` are the stored ones unless
    the server sent new ones. ``error`` says in a sentence what went wrong.
    """

    url: str
    status: int | None
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""
    final_url: str = ""
    error: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """A new body to read."""
        return not self.error and self.status == 200

    @property
    def not_modified(self) -> bool:
        return not self.error and self.status == 304


class _Refused(Exception):
    """A URL we will not fetch (not http(s), a private address)."""


def user_agent() -> str:
    """``twirevents (+https://site; contact@example.org)``: who we are, how to reach us."""
    parts = [f"+{settings.SITE_URL}"]
    if settings.SITE_CONTACT:
        parts.append(settings.SITE_CONTACT)
    return f"twirevents/1.0 ({'; '.join(parts)})"


def _public_only(request: httpx.Request) -> None:
    """Refuses loopback, private, link-local and reserved addresses (each redirect
    too): a feed URL typed into a form must not reach the server's own network."""
    host = request.url.host
    try:
        infos = socket.getaddrinfo(host, request.url.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise httpx.ConnectError(f"cannot resolve {host}: {exc}", request=request) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise _Refused(f"{host} is a private or local address ({address})")


def make_client(
    *,
    agent: str | None = None,
    allow_private: bool = False,
    workers: int = WORKERS,
    timeout: float = TIMEOUT,
) -> httpx.Client:
    """One client for a batch of fetches (it is thread-safe and pools connections)."""
    hooks: dict[str, list[Callable[..., object]]] = {
        "request": [] if allow_private else [_public_only]
    }
    return httpx.Client(
        headers={"User-Agent": agent or user_agent(), "Accept": ACCEPT},
        timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout)),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        limits=httpx.Limits(max_connections=workers, max_keepalive_connections=workers),
        event_hooks=hooks,
    )


def _conditional_headers(request: FetchRequest) -> dict[str, str]:
    headers = {}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    return headers


def _read_body(response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    """The body, or ValueError past ``max_bytes`` / TimeoutError past ``deadline``."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ValueError(f"the feed is {int(declared):,} bytes, more than {max_bytes:,}")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise ValueError(f"the feed is more than {max_bytes:,} bytes")
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)
    return b"".join(chunks)


def fetch_feed(
    request: FetchRequest,
    *,
    client: httpx.Client,
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT,
) -> FetchResult:
    """GET one feed (conditionally); whatever happens, a FetchResult."""
    started = time.monotonic()

    def failed(message: str, status: int | None = None, final_url: str = "") -> FetchResult:
        return FetchResult(
            request.url,
            status,
            etag=request.etag,
            last_modified=request.last_modified,
            final_url=final_url,
            error=message,
            seconds=time.monotonic() - started,
        )

    if urlsplit(request.url).scheme.lower() not in ("http", "https"):
        return failed("only http(s) feeds are fetched")
    try:
        with client.stream("GET", request.url, headers=_conditional_headers(request)) as response:
            final_url = str(response.url)
            if response.status_code not in (200, 304):
                reason = response.reason_phrase or "error"
                return failed(
                    f"HTTP {response.status_code} {reason}", response.status_code, final_url
                )
            body = b""
            if response.status_code == 200:
                body = _read_body(response, max_bytes, started + timeout)
            return FetchResult(
                request.url,
                response.status_code,
                body=body,
                etag=response.headers.get("ETag", request.etag),
                last_modified=response.headers.get("Last-Modified", request.last_modified),
                content_type=response.headers.get("Content-Type", ""),
                final_url=final_url,
                seconds=time.monotonic() - started,
            )
    except ValueError as exc:  # from _read_body: too big
        return failed(str(exc))
    except (TimeoutError, httpx.TimeoutException):
        return failed(f"no complete answer within {timeout:g} s")
    except httpx.TooManyRedirects:
        return failed(f"more than {MAX_REDIRECTS} redirects (a redirect loop?)")
    except _Refused as exc:
        return failed(f"refused: {exc}")
    except httpx.HTTPError as exc:
        return failed(f"{type(exc).__name__}: {exc}")


def fetch_feeds(
    requests: Sequence[FetchRequest],
    *,
    workers: int = WORKERS,
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT,
    agent: str | None = None,
    allow_private: bool = False,
) -> list[FetchResult]:
    """Fetch several feeds, a few at a time; results in the order of ``requests``."""
    if not requests:
        return []
    client = make_client(agent=agent, allow_private=allow_private, workers=workers, timeout=timeout)
    with client:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
            return list(
                pool.map(
                    lambda r: fetch_feed(r, client=client, max_bytes=max_bytes, timeout=timeout),
                    requests,
                )
            )
