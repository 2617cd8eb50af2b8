"""File structure: the Pelican header, the events section and its lines.

Lines are classified once, with HTML comments masked, so that every
top-level bullet of the section becomes exactly one entry and nothing else does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import dropwhile

HEADING = "heading"
BULLET = "bullet"  # a top-level bullet: one entry
NESTED = "nested"  # an indented line: belongs to the entry above
TEXT = "text"
BLANK = "blank"

_HEADER_FIELD = re.compile(r"^([A-Za-z][\w -]*):\s*(.*)$")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)(.*?)[ \t#]*$")
# `Upcoming Meetups` and `Meetups` head the section in 2014.
_EVENTS_HEADING = re.compile(
    r"^upcoming\s+(?:rust\s+)?(?:events|meetups)\b|^(?:rust\s+)?meetups\s*$", re.IGNORECASE
)
# Up to one space of indentation (a known slip), an optional stray `$`, then the bullet.
_TOP_BULLET = re.compile(r"^ ?(?:\$ ?)?[*+-](?:[ \t]+|$)")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([*_-])(?:[ \t]*\1){2,}[ \t]*$")
_BULLET_MARK = re.compile(r"^\s*\$?\s*[*+-](?:[ \t]+|$)")
_WINDOW = re.compile(
    r"events\s+between\s+(\d{4}-\d{1,2}-\d{1,2})\s*(?:-|–|—|to|and|until)\s*(\d{4}-\d{1,2}-\d{1,2})",
    re.IGNORECASE,
)
WINDOW_DAYS = 28


@dataclass(frozen=True)
class Header:
    title: str = ""
    number: int | None = None
    date: date | None = None


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    raw: str  # as in the file, without the line break
    text: str  # HTML comments removed
    kind: str
    level: int = 0  # heading level


def split_lines(text: str) -> list[str]:
    """Lines as numbered in the file: only `\\n` breaks a line, `\\r` is dropped."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def parse_iso_date(text: str) -> date | None:
    match = _ISO_DATE.search(text)
    if not match:
        return None
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        return None


def read_header(lines: list[str]) -> Header:
    """`Title:`, `Number:` and `Date:` from the block of `Key: value` lines on top."""
    values: dict[str, str] = {}
    for line in dropwhile(lambda line: not line.strip(), lines):
        match = _HEADER_FIELD.match(line.strip())
        if not match:
            break
        values.setdefault(match[1].strip().lower(), match[2].strip())
    title = values.get("title", "")
    number_text = values.get("number") or (re.findall(r"\d+", title) or [""])[-1]
    return Header(
        title=title,
        number=int(number_text) if number_text.isdigit() else None,
        date=parse_iso_date(values.get("date", "")),
    )


def strip_bullet(text: str) -> str:
    return _BULLET_MARK.sub("", text, count=1).strip()


def _indent(text: str) -> int:
    prefix = text[: len(text) - len(text.lstrip())]
    return len(prefix.expandtabs(4))


def _kind(text: str) -> tuple[str, int]:
    if not text.strip():
        return BLANK, 0
    heading = _HEADING.match(text)
    if heading and heading[2].strip():  # a lone `#` ends no section
        return HEADING, len(heading[1])
    if _THEMATIC_BREAK.match(text):
        return TEXT, 0
    if _TOP_BULLET.match(text):
        return BULLET, 0
    if _indent(text) >= 2:
        return NESTED, 0
    return TEXT, 0


def _mask_comments(raw_lines: list[str]) -> list[str]:
    """Each line with the parts inside `<!-- -->` blanked; an unclosed `<!--` hides
    nothing, so that a slip never swallows the rest of the section."""
    text = "\n".join(raw_lines)
    pieces, position = [], 0
    while (start := text.find("<!--", position)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        pieces.extend([text[position:start], "\n" * text.count("\n", start, end)])
        position = end + 3
    pieces.append(text[position:])
    return "".join(pieces).split("\n")


def classify(raw_lines: list[str]) -> list[Line]:
    lines = []
    for number, (raw, text) in enumerate(
        zip(raw_lines, _mask_comments(raw_lines), strict=True), start=1
    ):
        kind, level = _kind(text)
        lines.append(Line(number, raw, text, kind, level))
    return lines


def heading_text(line: Line) -> str:
    """A heading without `#`s, emphasis or trailing colon (`### Oceania:` -> `Oceania`)."""
    match = _HEADING.match(line.text)
    return (match[2] if match else "").replace("**", "").strip().rstrip(":").strip()


def find_events_section(lines: list[Line]) -> list[Line] | None:
    """The lines under `## Upcoming Events` (`#` before mid-2021) up to the next heading
    as high."""
    for position, line in enumerate(lines):
        if line.kind == HEADING and _EVENTS_HEADING.match(heading_text(line)):
            section = []
            for following in lines[position + 1 :]:
                if following.kind == HEADING and following.level <= line.level:
                    break
                section.append(following)
            return section
    return None


def announced_window(section: list[Line]) -> tuple[date, date] | None:
    """`Rusty Events between 2024-10-16 - 2024-11-13`: the window the editors announce."""
    for line in section:
        match = _WINDOW.search(line.text)
        if match:
            first, last = parse_iso_date(match[1]), parse_iso_date(match[2])
            if first and last and first <= last:
                return first, last
    return None


def default_window(issue_date: date) -> tuple[date, date]:
    return issue_date, issue_date + timedelta(days=WINDOW_DAYS)


@dataclass
class RawEntry:
    """A top-level bullet and the indented lines under it, before any parsing."""

    line: int
    section: str
    head: str  # the bullet line, comments removed
    raw_lines: list[str]
    nested: list[str] = field(default_factory=list)
    orphan: bool = False  # an indented line with no entry above it


def collect_entries(section: list[Line]) -> list[RawEntry]:
    """One RawEntry per top-level bullet; indented lines attach to the bullet above."""
    entries: list[RawEntry] = []
    region = ""
    current: RawEntry | None = None
    for line in section:
        if line.kind == HEADING:
            region, current = heading_text(line), None
        elif line.kind == BULLET:
            current = RawEntry(line.number, region, line.text, [line.raw])
            entries.append(current)
        elif line.kind == NESTED and current:
            current.raw_lines.append(line.raw)
            current.nested.append(line.text)
        elif line.kind == NESTED and _BULLET_MARK.match(line.text):
            current = RawEntry(line.number, region, line.text, [line.raw], orphan=True)
            entries.append(current)
        elif line.kind == TEXT:
            current = None  # a paragraph ends the list
    return entries
