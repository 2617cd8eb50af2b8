"""Untrusted feed text made safe to keep: control characters out, links checked.

Feeds are written by anyone who can create an event; nothing here trusts them.
"""

from __future__ import annotations

import html
import re

from calendar_app.online import is_online_only
from calendar_app.text import strip_controls as text_strip_controls
from calendar_app.twir.urls import canonical_url, is_event_specific, is_safe_url, unwrap_redirect

_SPACES = re.compile(r"\s+")
_URL = re.compile(r"https?://[^\s<>\"'\\]+", re.IGNORECASE)
_URL_TAIL = ".,;:!?)]}>"
# Luma writes its event page into the description, there is usually no URL property.
_LUMA_PAGE = re.compile(r"get up-to-date information at:\s*(https?://\S+)", re.IGNORECASE)


def strip_controls(text: str) -> tuple[str, bool]:
    """The text without control characters (tab and line ends kept), and whether there
    were any."""
    cleaned = text_strip_controls(text, keep="\t\n\r")
    return cleaned, cleaned != text


def one_line(text: str) -> str:
    """Titles, places and names: one line, single spaces."""
    return _SPACES.sub(" ", text).strip()


def is_link(text: str) -> bool:
    return bool(re.match(r"^\s*[a-z][a-z0-9+.-]*://", text, re.IGNORECASE))


def is_online_location(location: str) -> bool:
    """``Online event`` (Meetup), a link (Luma puts the event page there), ``Virtual``,
    ``Remote``, ``Livestream``: the words of `calendar_app.online`, as a newsletter's."""
    return is_link(location) or is_online_only(location)


def links_in(description: str) -> list[str]:
    """http(s) links in a description, HTML entities decoded (Google writes HTML)."""
    text = html.unescape(description)
    return [match.rstrip(_URL_TAIL) for match in _URL.findall(text)]


def luma_page(description: str) -> str:
    """The page after Luma's "Get up-to-date information at:", or ""."""
    match = _LUMA_PAGE.search(html.unescape(description))
    return match.group(1).rstrip(_URL_TAIL) if match else ""


def safe_link(url: str) -> str:
    """The link with redirect wrappers removed (``google.com/url?q=``), or "" if it
    is not http(s)."""
    url = unwrap_redirect(url.strip())
    return url if is_safe_url(url) else ""


def event_links(description: str) -> list[str]:
    """Links in a description that name one event (a Meetup or Luma page), the kind
    that identifies the event; other links (slides, a code of conduct) are not kept."""
    out = []
    for link in links_in(description):
        target = safe_link(link)
        if target and is_event_specific(target):
            out.append(target)
    return out


def unique_links(links: list[str]) -> tuple[str, ...]:
    """First spelling of each link, by canonical form."""
    seen: dict[str, str] = {}
    for link in links:
        seen.setdefault(canonical_url(link), link)
    return tuple(seen.values())
