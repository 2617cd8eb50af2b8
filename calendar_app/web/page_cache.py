"""Public pages, feeds and the JSON API from the shared cache, under the data version.

An answer is rendered once per data version, day and address (the host and full path, or
what the view says names it: a feed's normalised filter), then every gunicorn process
answers it from Redis; a client holding its ETag (or its Last-Modified) gets a 304 for the
price of two cache reads and no query, decided by Django's own `get_conditional_response`.
A write anywhere bumps the version (models.content), so a kept answer is never older than
the data it shows. The day is in the key because "upcoming", a feed's window and the month
grid's "today" change at midnight with no write.

Why not `cache_page` (measured in bench/RESULTS.md, issue 21): its key has no room for a
version that changes with the data, so a page would stay stale until its timeout; and
`ConditionalGetMiddleware` hashes the body of every answer after rendering it, where a kept
answer's ETag costs nothing.

An answer is kept gzipped too (compressed once per version): clients that accept gzip get
that, and nginx's micro-cache keeps both variants instead of compressing every answer
again. Public pages hold no secret, so compression leaks nothing (BREACH needs one).

Only anonymous-safe answers are kept: GET/HEAD, status 200, no cookie set, nothing that
varies on the cookie (the public views never read the session).
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from calendar_app.models.content import data_version
from calendar_app.rendering.ical import RENDER_VERSION

PAGE_TIMEOUT = 24 * 3600  # a version lives until the next write; this only frees memory
# Browsers and proxies keep a page but ask again each time (a 304 costs two cache reads):
# with a max-age they would show a page from before a write (an accepted proposal missing).
PAGE_CACHE_CONTROL = "public, no-cache"
KEPT_HEADERS = (
    "Content-Type",
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Access-Control-Allow-Origin",
    "Content-Disposition",
)
# gzip named in Accept-Encoding, unless with q=0 (as Django's GZipMiddleware reads it)
ACCEPTS_GZIP = re.compile(r"\bgzip\b(?!\s*;\s*q\s*=\s*0(?:\.0*)?\s*(?:,|$))", re.IGNORECASE)
MIN_GZIP_BYTES = 512
# Bump when what is kept per page changes shape, so a deploy never reads the old shape (a
# feed's VEVENTs are written anew when RENDER_VERSION changes, so it is in the key too).
PAGE_FORMAT = 3
logger = logging.getLogger(__name__)


def accepts_gzip(request: HttpRequest) -> bool:
    return bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


View = Callable[..., HttpResponse]


def page_key(request: HttpRequest, where: str | None = None) -> str:
    """What an answer depends on besides the data: the day, and the host and full path
    (or `where`, what the view says names it)."""
    where = where or f"{request.get_host()}|{request.get_full_path()}"
    digest = hashlib.sha256(f"{timezone.localdate().isoformat()}|{where}".encode()).hexdigest()
    return f"page{PAGE_FORMAT}.{RENDER_VERSION}:{data_version()}:{digest[:40]}"


def shared_cache(view: View, *, key: Callable[[HttpRequest], str] | None = None) -> View:
    """Serve `view` from the shared cache; 304 when the client's copy is the kept one.

    `key(request)`, when given, names the answer instead of the host and full path (a
    feed's normalised filter: every spelling of one filter shares one kept answer)."""

    @wraps(view)
    def cached_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        try:
            cache_key = page_key(request, key(request) if key else None)
            kept = cache.get(cache_key)
        except Exception:  # the cache is down: render as if there were none
            logger.exception("shared cache unreachable; rendering %s", request.path)
            return view(request, *args, **kwargs)
        if kept is not None:
            return _answer(request, kept)
        response = view(request, *args, **kwargs)
        if not _cacheable(response):
            return response
        kept = _keep(response)
        try:
            cache.set(cache_key, kept, PAGE_TIMEOUT)
        except Exception:
            logger.exception("shared cache unreachable; %s not kept", request.path)
        return _answer(request, kept)

    return cached_view


def _cacheable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "Cookie" not in response.get("Vary", "")
    )


def _keep(response: HttpResponse) -> dict[str, Any]:
    """The response as plain values, with an ETag (the view's own, else the body's hash)
    and a Last-Modified (the view's own, else now: when this version was first rendered)."""
    if not response.has_header("ETag"):
        response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date()
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = PAGE_CACHE_CONTROL
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    body = response.content
    packed = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= MIN_GZIP_BYTES else None
    return {"body": body, "gzip": packed, "headers": headers}


def _answer(request: HttpRequest, kept: dict[str, Any]) -> HttpResponse:
    """The kept answer, gzipped for clients that accept it (its own ETag), or a 304."""
    packed = kept.get("gzip") if accepts_gzip(request) else None
    response = HttpResponse(packed or kept["body"])
    for name, value in kept["headers"].items():
        response[name] = value
    if packed:
        response["Content-Encoding"] = "gzip"
        response["ETag"] = response["ETag"].removesuffix('"') + '-gzip"'
    patch_vary_headers(response, ["Accept-Encoding"])
    # Weak comparison (RFC 9110 13.1.2), as Django does: nginx's gzip makes W/"..." of it.
    conditional = get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=parse_http_date_safe(response["Last-Modified"]),
        response=response,
    )
    if conditional is None:
        return response
    if "Access-Control-Allow-Origin" in response:
        conditional["Access-Control-Allow-Origin"] = response["Access-Control-Allow-Origin"]
    return conditional
