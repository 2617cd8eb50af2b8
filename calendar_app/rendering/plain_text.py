"""Stored text made safe for formats that refuse control characters (iCalendar, Atom XML).

Newsletters and forms are untrusted: a NUL, DEL, form feed, NEL or a bare CR can reach a
title or a link. Readers strip them on the way in, but rows stored before (or written by
hand) must still never break a feed, so the writers pass every value through here.
"""

from __future__ import annotations

import re

from calendar_app.text import one_line, strip_controls
from calendar_app.twir.urls import is_safe_url

# What a browser drops from a URL before it reads the scheme; never part of a real URL.
_URL_JUNK = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")


def printable(text: str, *, multiline: bool = False) -> str:
    """`text` without control characters: a CR or line break becomes a space (or, with
    `multiline`, CRLF and CR become one line feed), other controls are dropped."""
    if multiline:
        return strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    return one_line(text)


def url_text(url: str) -> str:
    """`url` without whitespace or control characters (a bare CR in a stored link)."""
    return _URL_JUNK.sub("", url)


def web_url(url: str) -> str:
    """`url_text(url)` if that is an http(s) URL with a host (`twir.urls.is_safe_url`),
    else '': the only links worth following."""
    cleaned = url_text(url)
    return cleaned if is_safe_url(cleaned) else ""
