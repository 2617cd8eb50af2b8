"""Fetching calendar feeds politely and safely: the network half of syncing sources.

Plain results, no database: the caller (the sync service) stores ETag and
Last-Modified on its Source and hands them back next time, so an unchanged feed
answers 304 and costs nothing. Everything that can go wrong with a remote server
(no answer, an error status, a redirect loop, an endless body, a private address)
becomes ``FetchResult.error``, never an exception, so one feed never stops the others.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings

from calendar_app.services.public_address import InsideAddress, public_addresses, trusted_host

MAX_BYTES = 5 * 1024 * 1024  # a big Google calendar is ~1 MB
TIMEOUT = 15.0  # seconds for the whole fetch: connect, status line, headers and body
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


def user_agent() -> str:
    """``twirevents (+https://site; contact@example.org)``: who we are, how to reach us."""
    parts = [f"+{settings.SITE_URL}"]
    if settings.SITE_CONTACT:
        parts.append(settings.SITE_CONTACT)
    return f"twirevents/1.0 ({'; '.join(parts)})"


# --- one deadline per fetch, and the address guard at connect time ---------------------
#
# httpx's timeouts are per operation: a server that sends its status line and headers a
# byte a second never trips a 15 s read timeout. So each fetch sets a deadline for its
# thread, and every socket operation of the connection it uses (connect, TLS, each read
# and write) waits at most until then. The same layer resolves the host itself, checks
# every address with the one guard (public_address) and connects to the address checked.

_fetching = threading.local()


def _remaining(timeout: float | None, expired: type[Exception]) -> float | None:
    deadline = getattr(_fetching, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the fetch's overall deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation ends by the current fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, _remaining(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _remaining(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wait = _remaining(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self.inner.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Connections within the fetch's deadline; for a client that may not reach private
    addresses, to a checked public address of the host only (each redirect connects
    anew, so it is checked too). TLS still names the host (SNI, certificate)."""

    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private
        self.inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        if self.allow_private or trusted_host(host, port):
            addresses = [host]
        else:
            addresses = public_addresses(host, port)  # InsideAddress: refused
        failure: Exception | None = None
        for address in addresses:
            wait = _remaining(timeout, httpcore.ConnectTimeout)
            try:
                stream = self.inner.connect_tcp(address, port, wait, local_address, socket_options)
            except httpcore.ConnectError as exc:
                failure = exc
                continue
            return _DeadlineStream(stream)
        raise failure or httpcore.ConnectError(f"cannot connect to {host}")

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("no unix sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def make_client(
    *,
    agent: str | None = None,
    allow_private: bool = False,
    workers: int = WORKERS,
    timeout: float = TIMEOUT,
) -> httpx.Client:
    """One client for a batch of fetches (it is thread-safe and pools connections).

    Without `allow_private` every connection, redirects included, goes to a checked public
    address only, and no proxy from the environment is used (it would bypass the check).
    """
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    transport = httpx.HTTPTransport(limits=limits)
    transport._pool._network_backend = _GuardedBackend(allow_private=allow_private)
    return httpx.Client(
        headers={"User-Agent": agent or user_agent(), "Accept": ACCEPT},
        timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout)),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        limits=limits,
        transport=transport,
        trust_env=allow_private,
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
    conditional = _conditional_headers(request)
    _fetching.deadline = started + timeout
    try:
        with client.stream("GET", request.url, headers=conditional) as response:
            final_url = str(response.url)
            if response.status_code not in (200, 304):
                reason = response.reason_phrase or "error"
                return failed(
                    f"HTTP {response.status_code} {reason}", response.status_code, final_url
                )
            if response.status_code == 304 and not conditional:
                return failed("HTTP 304 Not Modified to a first request: nothing read", 304)
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
    except (ValueError, TimeoutError, InsideAddress, httpx.HTTPError) as exc:
        return failed(_failure(exc, timeout))
    finally:
        _fetching.deadline = None


def _failure(exc: Exception, timeout: float) -> str:
    """What went wrong, in a sentence."""
    if isinstance(exc, (TimeoutError, httpx.TimeoutException)):
        return f"no complete answer within {timeout:g} s"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"more than {MAX_REDIRECTS} redirects (a redirect loop?)"
    if isinstance(exc, InsideAddress):
        return f"refused: {exc}"
    if isinstance(exc, ValueError):  # from _read_body: too big
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


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
