"""What a calendar event says beyond its time: venue, street address, description, its
page, who runs the calendar, and the series an occurrence belongs to.

Pure Python, no Django. Feed text is untrusted: descriptions come out as plain text
(tags dropped, never HTML), bounded, without control characters; links only http(s).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from calendar_app.calendars.text import links_in, one_line, safe_link, strip_controls

MAX_DESCRIPTION = 2_000  # characters kept of a description; the page links the rest
MAX_READ = 20_000  # characters of a description looked at (a 1 MB one is cut first)
MAX_VENUE = 300
MORE = "…"

_BLOCK_TAGS = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr)\b[^<>]{0,500}>", re.I)
_HIDDEN_OPEN = re.compile(r"<\s*(script|style|iframe|object|template)\b[^<>]{0,500}>", re.I)
_ANCHOR = re.compile(
    r"<\s*a\b[^<>]{0,2000}?\bhref\s*=\s*[\"']([^\"'<>]{1,2000})[\"'][^<>]{0,500}>([^<]{0,1000})<\s*/\s*a\s*>",
    re.I | re.S,
)
_TAG = re.compile(r"</?[a-z!/][^<>]{0,2000}>", re.I)
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_TRAILING = re.compile(r"[ \t]+\n")
_HAS_DIGIT = re.compile(r"\d")
_MEETUP_GROUP = re.compile(r"^/([^/]+)/(?:events(?:/|$)|$)")


# --- description --------------------------------------------------------------------


@lru_cache(maxsize=256)  # a series' occurrences share their description
def plain_description(text: str, limit: int = MAX_DESCRIPTION) -> str:
    """A feed's DESCRIPTION as plain text: HTML (Google writes some) reduced to its text,
    a link written as ``<a href>`` kept as ``text (url)`` when it is http(s), control
    characters stripped, blank-line runs folded, at most `limit` characters (``…`` marks a
    cut)."""
    text = text[:MAX_READ]
    if "<" in text:
        text = _without_hidden(text)
        text = _ANCHOR.sub(_anchor_text, text)
        text = _BLOCK_TAGS.sub("\n", text)
        text = _TAG.sub("", text)
        text = text.replace("<", "‹").replace(">", "›")  # a stray bracket is text, never markup
    text = html.unescape(text) if "&" in text else text
    text = text.replace("<", "‹").replace(">", "›")  # &lt;script&gt; stays text too
    text = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))[0]
    text = _TRAILING.sub("\n", text.replace("\t", " "))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + MORE
    return text


def _without_hidden(text: str) -> str:
    """The text without script, style, iframe, object and template elements and their
    content; one left open hides the rest. Linear: each closing tag is looked for once."""
    lowered = text.lower()
    kept: list[str] = []
    at = 0
    while (opening := _HIDDEN_OPEN.search(text, at)) is not None:
        kept.append(text[at : opening.start()])
        closing = re.compile(rf"<\s*/\s*{opening.group(1).lower()}\s*>")
        end = closing.search(lowered, opening.end())
        if end is None:
            return "".join(kept)
        at = end.end()
    kept.append(text[at:])
    return "".join(kept)


def _anchor_text(match: re.Match[str]) -> str:
    label = _TAG.sub("", match.group(2)).strip()
    link = safe_link(html.unescape(match.group(1)))
    if not link or link == label:
        return label or link
    return f"{label} ({link})" if label else link


def first_link(description: str) -> str:
    """The first http(s) link of a description, redirect wrappers removed, or ""."""
    for link in links_in(description[:MAX_READ]):
        target = safe_link(link)
        if target:
            return target
    return ""


# --- where --------------------------------------------------------------------------


def venue_and_address(location: str) -> tuple[str, str]:
    """``Venue (street, city, country)`` (Meetup), ``Venue, street, postcode city,
    country`` (Luma, Google), or free text -> (venue, street address), each "" when the
    text has none. A text naming only a town (``Montréal, QC, Canada``) has neither: the
    place says it."""
    text = one_line(location)
    if not text:
        return "", ""
    if text.endswith(")") and " (" in text:
        venue, _, address = text[:-1].partition(" (")
        return venue.strip()[:MAX_VENUE], address.strip(" ,")[:MAX_VENUE]
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if len(parts) == 1:
        return parts[0][:MAX_VENUE], ""
    if not any(_HAS_DIGIT.search(part) for part in parts):
        return "", ""  # a town, a region and a country
    if parts[0][:1].isdigit():  # starts with a house number: an address, no venue name
        return "", ", ".join(parts)[:MAX_VENUE]
    return parts[0][:MAX_VENUE], ", ".join(parts[1:])[:MAX_VENUE]


# --- whose calendar -----------------------------------------------------------------


def meetup_group_page(url: str) -> str:
    """``https://www.meetup.com/<group>/events/ical/`` or an event page of the group ->
    ``https://www.meetup.com/<group>/``; "" for anything else."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not (
        host == "meetup.com" or host.endswith(".meetup.com")
    ):
        return ""
    path = parts.path
    segments = [s for s in path.split("/") if s]
    if segments and re.fullmatch(r"[a-z]{2}(?:-[A-Za-z]{2})?", segments[0]) and len(segments) > 1:
        path = "/" + "/".join(segments[1:])  # a locale prefix (/de-DE/<group>/...)
    match = _MEETUP_GROUP.match(path)
    return f"https://www.meetup.com/{match.group(1).lower()}/" if match else ""


def calendar_owner_name(name: str) -> str:
    """X-WR-CALNAME as an organiser's name: Meetup's ``Events - `` prefix dropped."""
    return one_line(strip_controls(name)[0]).removeprefix("Events - ").strip()[:300]


# --- series -------------------------------------------------------------------------

_DAYS = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
_EVERY = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_NTH_DAY = re.compile(r"^([+-]?\d{0,2})([A-Z]{2})$")


def rule_text(rule: Mapping[str, Any], start: date | datetime) -> str:
    """An RRULE in words, at the series' local time: ``every Thursday, 18:30``, ``every
    second Tuesday of the month, 19:00``, ``every 2 weeks on Monday``; "" for a rule too
    unusual to say in a few words (the dates are listed anyway)."""
    freq = str(_first(rule.get("FREQ")) or "").upper()
    try:
        interval = int(_first(rule.get("INTERVAL")) or 1)
    except (TypeError, ValueError):
        return ""
    named = _named_days(rule)
    if freq not in _EVERY or named is None:
        return ""
    if freq == "WEEKLY":
        days = " and ".join(named or [start.strftime("%A")])
        text = f"every {days}" if interval == 1 else f"every {interval} weeks on {days}"
    elif freq == "MONTHLY":
        on = " and ".join(named) if named else f"the {_ordinal_day(start.day)}"
        text = f"every {on} of the month" if interval == 1 else f"every {interval} months, {on}"
    else:
        text = f"every {_EVERY[freq]}" if interval == 1 else f"every {interval} {_EVERY[freq]}s"
    if isinstance(start, datetime):
        text += f", {start:%H:%M}"
    return one_line(text)


def _named_days(rule: Mapping[str, Any]) -> list[str] | None:
    """BYDAY in words (``second Tuesday``), None when a value cannot be said."""
    positions = _all(rule.get("BYSETPOS"))
    named: list[str] = []
    for day in (str(d).upper() for d in _all(rule.get("BYDAY"))):
        match = _NTH_DAY.match(day)
        if not match or match.group(2) not in _DAYS:
            return None
        nth = int(match.group(1) or (positions[0] if len(positions) == 1 else 0) or 0)
        if nth and nth not in _ORDINALS:
            return None
        weekday = _DAYS[match.group(2)]
        named.append(f"{_ORDINALS[nth]} {weekday}" if nth else weekday)
    return named


def _ordinal_day(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _all(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _first(value: Any) -> Any:
    values = _all(value)
    return values[0] if values else None
