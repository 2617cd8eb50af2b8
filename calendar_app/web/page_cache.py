"""Public pages and the JSON API from the shared cache, under the data version.

A page is rendered once per data version, day, host and full path, then every gunicorn
process answers it from Redis; a client holding its ETag gets a 304 for the price of two
cache reads and no query. A write anywhere bumps the version (models.content), so a
cached page is never older than the data it shows. The day is in the key because "upcoming"
and the month grid's "today" change at midnight with no write.

A page is kept gzipped too (compressed once per version): clients that accept gzip get that,
and nginx's micro-cache keeps both variants instead of compressing every answer again.
Public pages hold no secret, so compression leaks nothing (BREACH needs one in the page).

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
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from calendar_app.models.content import data_version

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
)
# gzip named in Accept-Encoding, unless with q=0 (as Django's GZipMiddleware reads it)
ACCEPTS_GZIP = re.compile(r"\bgzip\b(?!\s*;\s*q\s*=\s*0(?:\.0*)?\s*(?:,|$))", re.IGNORECASE)
MIN_GZIP_BYTES = 512
# Bump when what is kept per page changes shape, so a deploy never reads the old shape.
PAGE_FORMAT = 2
logger = logging.getLogger(__name__)


def accepts_gzip(request: HttpRequest) -> bool:
    return bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


View = Callable[..., HttpResponse]


def page_key(request: HttpRequest) -> str:
    """What a page depends on besides the data: the day, the host and the full path."""
    where = f"{timezone.localdate().isoformat()}|{request.get_host()}|{request.get_full_path()}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:40]
    return f"page{PAGE_FORMAT}:{data_version()}:{digest}"


def shared_cache(view: View) -> View:
    """Serve `view` from the shared cache; 304 when the client's ETag is the cached page's."""

    @wraps(view)
    def cached_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        try:
            key = page_key(request)
            kept = cache.get(key)
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
            cache.set(key, kept, PAGE_TIMEOUT)
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
    """The response as plain values, with an ETag (the view's own, else the body's hash)."""
    if not response.has_header("ETag"):
        response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = PAGE_CACHE_CONTROL
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    body = response.content
    packed = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= MIN_GZIP_BYTES else None
    return {"body": body, "gzip": packed, "headers": headers}


def _variant_etag(kept: dict[str, Any], packed: bool) -> str:
    """The ETag of the representation served: the gzip one has its own."""
    etag = kept["headers"]["ETag"]
    return etag.removesuffix('"') + '-gzip"' if packed else etag


def _not_modified(request: HttpRequest, kept: dict[str, Any], packed: bool) -> HttpResponse | None:
    # Weak comparison (RFC 9110 13.1.2): nginx's gzip turns the ETag into W/"...".
    etag = _variant_etag(kept, packed).removeprefix("W/")
    wanted = {
        tag.removeprefix("W/") for tag in parse_etags(request.headers.get("If-None-Match", ""))
    }
    if etag in wanted or "*" in wanted:
        response = HttpResponseNotModified()
        for name in ("Cache-Control", "Last-Modified", "Access-Control-Allow-Origin"):
            if name in kept["headers"]:
                response[name] = kept["headers"][name]
        response["ETag"] = _variant_etag(kept, packed)
        patch_vary_headers(response, ["Accept-Encoding"])
        return response
    return None


def _answer(request: HttpRequest, kept: dict[str, Any]) -> HttpResponse:
    packed = kept.get("gzip") if accepts_gzip(request) else None
    conditional = _not_modified(request, kept, packed is not None)
    if conditional is not None:
        return conditional
    response = HttpResponse(packed or kept["body"])
    for name, value in kept["headers"].items():
        response[name] = value
    if packed:
        response["Content-Encoding"] = "gzip"
        response["ETag"] = _variant_etag(kept, True)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
