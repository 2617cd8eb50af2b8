"""URL canonical form and the question "does this link name one event?".

Deduplication keys on (canonical link, date): the same Meetup event page is written
`https://www.meetup.com/es-ES/BcnRust/events/297439924/?aff=x` in one issue and
`https://meetup.com/bcnrust/events/297439924` in the next. A link names one event
only on platforms whose URLs say so; everything else (a Jitsi room, a Discord invite,
a group page, a site root, a blog post reused every month) is generic: safe default.
Eventbrite event pages are generic too: Rust Circle Kampala lists one `/e/` page for
every monthly meetup, and nothing in the URL tells such a series from a single event.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PARAMS = frozenset(
    {
        "aff",
        "affiliate",
        "keep_tld",
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "referrer",
        "source",
        "src",
        "_gl",
        "igshid",
        "si",
        "trk",
        "lipi",
        "eventorigin",
        "recid",
        "recsource",
        "searchid",
        "from",
        "utm",
    }
)
# `/es-ES/`, and `/de/` in older links; never a two-letter group's own `/js/events/...`.
_MEETUP_LOCALE = re.compile(r"^/[a-z]{2}(?:-[a-z]{2})?(?=/(?!events(?:/|$))[^/]+)", re.IGNORECASE)
_GOOGLE_REDIRECT_HOSTS = frozenset({"google.com", "l.facebook.com", "lm.facebook.com"})
# Hosts that ignore the case of paths (`/Stockholm-Rust/` is `/stockholm-rust/`, Jitsi
# rooms too); elsewhere case matters (Discord invites, YouTube ids, meetu.ps codes).
_CASELESS_PATH_HOSTS = frozenset(
    {"meetup.com", "meet.jit.si", "luma.com", "linkedin.com", "github.com", "hasgeek.com"}
)
_HOST_ALIASES = {"lu.ma": "luma.com"}  # Luma moved domains; the event ids stayed
_LUMA_EVENT = re.compile(r"^/(?:[a-z0-9]{8}|event/[^/]+)$", re.IGNORECASE)  # not /<calendar-name>
_EVENT_PATHS: dict[str, re.Pattern[str]] = {
    "meetup.com": re.compile(r"^/[^/]+/events/(?!(?:past|upcoming|calendar)(?:/|$))[a-z0-9]+"),
    "meetu.ps": re.compile(r"^/.+"),
    "luma.com": _LUMA_EVENT,
    "linkedin.com": re.compile(r"^/events/[^/]+"),
    "mobilizon.fr": re.compile(r"^/events/[^/]+"),
    "mobilizon.us": re.compile(r"^/events/[^/]+"),
    "peatix.com": re.compile(r"^/event/[^/]+"),
    "hasgeek.com": re.compile(r"^/[^/]+/[^/]+"),
    "ti.to": re.compile(r"^/[^/]+/[^/]+"),
    "pretix.eu": re.compile(r"^/[^/]+/[^/]+"),
    "youtube.com": re.compile(r"^/(?:watch|live/)"),
    "youtu.be": re.compile(r"^/.+"),
    "google.com": re.compile(r"^/calendar/event$"),
    "calendar.google.com": re.compile(r"^/calendar/event$"),
}
# Pages that name one event only by a query parameter: `youtube.com/watch?v=<video>`,
# `google.com/calendar/event?eid=<event>`; without it (`/watch`, an "add to calendar"
# template) the link names no event, and two of them are not "the same event page".
_EVENT_QUERY: dict[str, tuple[str, str]] = {
    "youtube.com": ("/watch", "v"),
    "google.com": ("/calendar/event", "eid"),
    "calendar.google.com": ("/calendar/event", "eid"),
}


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_HOSTNAME = re.compile(r"^[\w.-]+$|^\[[0-9a-f:.]+\]$", re.IGNORECASE)  # names, IPv6 in []


def _parts(url: str) -> SplitResult:
    url = url.strip().strip("<>").strip()
    if not _SCHEME.match(url):  # `rustconf.com`
        url = "https://" + url.lstrip("/")
    return urlsplit(url)


def _host(netloc: str) -> str:
    host = netloc.rsplit("@", 1)[-1].lower().strip().rstrip(".")
    host = re.sub(r":(?:80|443)$", "", host)
    host = host.removeprefix("www.")
    return _HOST_ALIASES.get(host, host)


def _is_eventbrite(host: str) -> bool:
    return host.startswith("eventbrite.") or ".eventbrite." in host


def _redirect_target(host: str, path: str, query: list[tuple[str, str]]) -> str | None:
    if host in _GOOGLE_REDIRECT_HOSTS and path in ("/url", "/l.php"):
        for key, value in query:
            if key in ("q", "url", "u") and value.startswith(("http://", "https://")):
                return value
    return None


def unwrap_redirect(url: str) -> str:
    """``https://www.google.com/url?q=<real>&sa=D`` -> ``<real>``; others as written."""
    try:
        parts = _parts(url)
        host = _host(parts.netloc)
    except ValueError:
        return url.strip()
    query = parse_qsl(parts.query, keep_blank_values=True)
    target = _redirect_target(host, parts.path, query)
    return unwrap_redirect(target) if target and target != url else url.strip()


@lru_cache(maxsize=65536)  # pure, and called for every link of every issue
def canonical_url(url: str) -> str:
    """https, bare lower-case host, no Meetup locale, no tracking, no trailing slash."""
    try:
        parts = _parts(url)
        host = _host(parts.netloc)
    except ValueError:
        return url.strip()
    if parts.scheme.lower() not in ("http", "https") or not _HOSTNAME.match(host):
        return url.strip()  # not a web link: kept as written
    query = parse_qsl(parts.query, keep_blank_values=True)
    target = _redirect_target(host, parts.path, query)
    if target and target != url:
        return canonical_url(target)
    path = parts.path
    if host == "meetup.com":
        path = _MEETUP_LOCALE.sub("", path)
    if host in _CASELESS_PATH_HOSTS or _is_eventbrite(host):
        path = path.lower()
    if _is_eventbrite(host) and path.startswith("/e/"):
        host = "eventbrite.com"  # eventbrite.fr/e/<slug-id> is the same event
    path = re.sub(r"/{2,}", "/", path.strip()).rstrip("/<> ")  # as _parts strips them
    kept = sorted(
        (k, v)
        for k, v in query
        if k.lower() not in _TRACKING_PARAMS and not k.lower().startswith("utm_")
    )
    if host == "meetup.com" and _EVENT_PATHS["meetup.com"].search(path):
        kept = []  # `?slug=pdxrust&eventId=...`: the path already names the event
    return urlunsplit(("https", host, path, urlencode(kept), ""))


@lru_cache(maxsize=65536)  # pure, and called for every link of every issue
def is_event_specific(url: str) -> bool:
    """True when the link names one event (a Meetup event page, a Luma event, ...)."""
    try:
        parts = urlsplit(canonical_url(url))
        host, path = parts.hostname or "", parts.path
    except ValueError:
        return False
    if host.endswith(".meetup.com"):
        host = "meetup.com"
    pattern = _EVENT_PATHS.get(host)
    if not (pattern and pattern.search(path)):
        return False
    return (
        bool(event_query_id(url))
        if host in _EVENT_QUERY and path == _EVENT_QUERY[host][0]
        else True
    )


def event_query_id(url: str) -> str:
    """The event a link names by a query parameter (a YouTube video's `v`, a Google
    Calendar event's `eid`), "" for any other link."""
    try:
        parts = urlsplit(canonical_url(url))
    except ValueError:
        return ""
    wanted = _EVENT_QUERY.get(parts.hostname or "")
    if wanted is None or parts.path != wanted[0]:
        return ""
    return next((v.strip() for k, v in parse_qsl(parts.query) if k == wanted[1] and v.strip()), "")


@lru_cache(maxsize=65536)  # pure, and called for every link of every issue
def is_safe_url(url: str) -> bool:
    """Only http(s) links with a host are rendered or followed."""
    try:
        parts = urlsplit(url.strip())
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False
