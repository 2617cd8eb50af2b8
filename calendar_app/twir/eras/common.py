"""What the older layouts share: one link whose text packs the fields, ` - ` between
them, places that must look like places, online meetings, organisers on Meetup."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from calendar_app.twir.dates import DateRange
from calendar_app.twir.eras.days import Found
from calendar_app.twir.head import Head
from calendar_app.twir.links import Link, links_of, plain, text_of, tokenize
from calendar_app.twir.records import ParsedGroup, ParsedLink, Problem

DASH = re.compile(r"\s+[-–—]\s+")  # `--` inside a title (`Rust 102 -- ...`) is no separator
EDGES = " \t.,:;|$-–—"
NO_PLACE_OR_GROUP = frozenset({"location", "group"})

# `City, CC`, `City, ST, CC` (codes of two or three letters, `US`, `UK`, `ACT`).
_PLACE = re.compile(r"^[^\W\d_][^,()|#]{0,60}?(?:,\s*[A-Za-z]{2,3}\.?){1,2}$")
# A city is no organiser's name: `Rust Durham, NC` and `Rust NYC` are groups.
_NOT_A_CITY = re.compile(r"\b(?:rust\w*|meetup|group|society|community|team|user)\b", re.I)
_ONLINE_MARKER = re.compile(r"^(?:online|virtual|remote)\b", re.IGNORECASE)
# `Rust Community Team Meeting at #rust-community on irc.mozilla.org`
_IRC = re.compile(r"^(?P<title>.+?)\s+(?:at|in|on)\s+(?P<where>#[\w.-]+\s+on\s+irc\.[\w.]+?)\.?$")
_ONLINE_MEETING = re.compile(
    r"\birc\.\w|\s#[\w-]+\s+on\b|\brelease[\s-]+triage\b|\b(?:sub)?team\s+meeting\b",
    re.IGNORECASE,
)
_ONLINE_HOSTS = frozenset(
    {"chat.mibbit.com", "t.me", "telegram.me", "discord.gg", "zoom.us", "meet.jit.si"}
)
_MEETUP_GROUP = re.compile(r"^/(?:[a-z]{2}(?:-[a-z]{2})?/)?(?P<slug>[^/]+)(?:/|$)", re.IGNORECASE)
_MEETUP_NOT_GROUPS = frozenset({"events", "find", "topics", "cities", "pro", "apps"})


# A reference link whose definition is missing stays text: `[Feb 19. Rust Bay Area][sf]`.
_UNRESOLVED = re.compile(r"^\s*\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])+)\](?:\s?\[[^\[\]]*\])?")
# Text before a line's first link that is only a date: `Feb 19. `, `2014-12-18: `, `6/8 - `.
_DATE_BEFORE_LINK = re.compile(r"^[\w ,./&-]{0,30}\d[\w ,./&-]{0,12}?[.:,\s-]\s*$")


@dataclass(frozen=True)
class OldLine:
    """An old entry line: the text holding the fields, its links, and any text after."""

    fields: str  # the first link's text when the line starts with a link, else the line
    links: tuple[Link, ...]
    rest: str  # free text after the link (a note, a date on the next line)
    written: str = ""  # `fields` as written, `**` kept (they mark the title in 2021-22)

    @classmethod
    def read(cls, text: str) -> OldLine:
        tokens = tokenize(text)
        while tokens and isinstance(tokens[0], str) and not tokens[0].strip(" *_"):
            tokens = tokens[1:]  # `**[Sep 30 - Oct 1. RustFest Zürich](url).**`
        links = tuple(links_of(tokens))
        if tokens and isinstance(tokens[0], str) and (unlinked := _UNRESOLVED.match(tokens[0])):
            # `[Feb 19. Rust Bay Area][sf]` whose `[sf]:` is missing: the text, no link
            rest = text_of([tokens[0][unlinked.end() :], *tokens[1:]]).strip(EDGES + "*?!")
            return cls(plain(unlinked["text"]), links, rest, unlinked["text"])
        before, first = (tokens + ["", ""])[:2]
        if (
            isinstance(before, str)
            and isinstance(first, Link)
            and first.text != first.url
            and _DATE_BEFORE_LINK.match(before)
        ):
            # `Feb 19. [Rust Bay Area](url). Topic is I/O.`: the date goes with the link's text
            rest = text_of(tokens[2:]).strip(EDGES + "*?!")
            written = before + first.text
            return cls(plain(written), links, rest, written)
        if tokens and isinstance(tokens[0], Link):
            rest = text_of(tokens[1:]).strip(EDGES + "*?!")
            return cls(plain(tokens[0].text), links, rest, tokens[0].text)
        # A bare URL in the text (`Rust Paris on December 18th: http://...`) is no field.
        words = [t for t in tokens if not (isinstance(t, Link) and t.text == t.url)]
        written = "".join(t.text if isinstance(t, Link) else t for t in words)
        return cls(text_of(words).strip(EDGES), links, "", written)


@dataclass(frozen=True)
class Era:
    """One layout of the archive and when it was used; `read` declines other shapes."""

    layout: str  # how an entry looks, for messages
    core: tuple[date, date]  # the issues written in this layout
    span: tuple[date, date]  # the core and the overlaps around it
    read: Callable[[OldLine, date | None], Head | None]


def web_url(url: str) -> str:
    """`www.meetup.com/...` (no scheme, written so in 2015) is a web link."""
    return f"https://{url}" if url.lower().startswith("www.") else url


def title_links(line: OldLine, title: str) -> list[ParsedLink]:
    """Every link of the line; the first is the event's, labelled with its title."""
    return [
        ParsedLink(web_url(link.url), title if n == 0 else link.label)
        for n, link in enumerate(line.links)
    ]


def is_place(part: str) -> bool:
    """Does this part of a line read as a place (or an online marker), not a name?"""
    if _ONLINE_MARKER.match(part):
        return True
    return bool(_PLACE.match(part)) and not _NOT_A_CITY.search(part.split(",")[0])


def parts_of(text: str) -> list[str]:
    return [part for part in (p.strip(EDGES) for p in DASH.split(text)) if part]


def online_meeting(title: str, line: OldLine) -> tuple[str, str] | None:
    """(title, where) of a meeting held online (IRC, release triage, a team's chat), or None."""
    if irc := _IRC.match(title):
        return irc["title"], irc["where"]
    hosts = {
        (urlsplit(web_url(link.url)).hostname or "").removeprefix("www.") for link in line.links
    }
    if _ONLINE_MEETING.search(f" {title}") or hosts & _ONLINE_HOSTS:
        return title, ""
    return None


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def meetup_group(line: OldLine) -> tuple[str, str] | None:
    """(slug, group URL) of the Meetup group the first link belongs to."""
    if not line.links:
        return None
    parts = urlsplit(web_url(line.links[0].url))
    host = (parts.hostname or "").removeprefix("www.")
    match = _MEETUP_GROUP.match(parts.path)
    if host != "meetup.com" or not match or match["slug"].lower() in _MEETUP_NOT_GROUPS:
        return None
    return match["slug"], f"https://www.meetup.com/{match['slug']}/"


def spelled_parts(parts: list[str], line: OldLine, *, trailing: bool = False) -> int:
    """How many leading (or trailing) parts spell the Meetup group of the line's link:
    `Rust - Modern Systems Programming in Leipzig` is one organiser, ` - ` and all."""
    found = meetup_group(line)
    if not found:
        return 0
    slug = _squash(found[0])
    for n in range(len(parts), 0, -1):
        chosen = parts[-n:] if trailing else parts[:n]
        if _squash(" ".join(chosen)) == slug:
            return n
    return 0


def named_group(name: str, line: OldLine) -> ParsedGroup:
    """An organiser named in the text; with its Meetup group's URL when the names agree."""
    found = meetup_group(line)
    if found and _squash(found[0]) and (_squash(found[0]) in _squash(name)):
        return ParsedGroup(name, found[1])
    return ParsedGroup(name)


def group_of_link(title: str, line: OldLine) -> list[ParsedGroup]:
    """The organiser of a line that names none: its Meetup group, when the title's first
    words spell it (`San Diego Rust` of `San Diego Rust Meetup #9`, group `San-Diego-Rust`).
    A slug alone (`mad-rs`) names no one well enough to become an organiser's name."""
    found = meetup_group(line)
    if not found:
        return []
    slug, url = found
    words = title.split()
    for n in range(len(words), 0, -1):
        if _squash(" ".join(words[:n])) == _squash(slug):
            return [ParsedGroup(" ".join(words[:n]), url)]
    return []


@dataclass(frozen=True)
class Dated:
    """A line's leading date, as read and as written, and the text after it."""

    dates: DateRange
    text: str
    problems: tuple[Problem, ...]
    rest: str


def lead(found: Found | None, text: str, after: re.Pattern[str]) -> Dated | None:
    """The date found at the start of `text` when `after` (the era's separator) follows it."""
    if found is None:
        return None
    separator = after.match(text, found.end)
    if not separator:
        return None
    rest = text[separator.end() :].strip(EDGES)
    return Dated(found.dates, text[: found.end].strip(EDGES), found.problems, rest)


def dated_head(
    dated: Dated,
    line: OldLine,
    *,
    title: str,
    location_text: str = "",
    groups: list[ParsedGroup] | None = None,
    lacks: frozenset[str] = frozenset(),
    online: bool = False,
) -> Head:
    """The Head of a dated old line: its first link is the event's, under the title."""
    return Head(
        dated.dates,
        dated.text,
        location_text,
        groups or [],
        title=title,
        title_links=title_links(line, title),
        problems=list(dated.problems),
        lacks=lacks,
        online=online,
    )


def untitled_head(dated: Dated, title: str, line: OldLine) -> Head:
    """A line holding a date and a title only: no place or organiser fields to read."""
    online = online_meeting(title, line)
    if online:
        title, where = online
        return dated_head(
            dated, line, location_text=where, title=title, lacks=NO_PLACE_OR_GROUP, online=True
        )
    return dated_head(
        dated, line, title=title, groups=group_of_link(title, line), lacks=NO_PLACE_OR_GROUP
    )


# Between the date and what follows: `Feb. 9. Title`, `10/13: Title`, `Feb.19.Title`,
# `Feb 19, Title`, `2/19 - Title`, `2/19 Title`; a time of day may come first
# (`Feb 19 at 7pm. Title`).
AFTER_DATE = re.compile(
    r"(?:,?\s+(?:at|@)\s+\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?)?"
    r"(?:\s*[.:,]\s*(?!\|)|\s+[-–—]\s+|\s+(?=[\w\"'(#*]))"  # not `| Moscow |` (2021-22)
)


def dated_title_reader(
    day: Callable[[str, date | None], Found | None],
) -> Callable[[OldLine, date | None], Head | None]:
    """The reader of a layout that writes only a date and a title (its link's text):
    `day` reads the date at the start of the line; the rest is the title."""

    def read(line: OldLine, issue_date: date | None) -> Head | None:
        dated = lead(day(line.fields, issue_date), line.fields, AFTER_DATE)
        if dated is None or not dated.rest:
            return None
        return untitled_head(dated, dated.rest, line)

    return read
