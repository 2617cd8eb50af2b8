"""File structure: the Pelican header, the events section and its lines.

Lines are classified once, with HTML comments masked, so that every
top-level bullet of the section becomes exactly one entry and nothing else does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from itertools import dropwhile

from calendar_app.twir.dates import plausible_date
from calendar_app.windows import NEWSLETTER_WINDOW

HEADING = "heading"
TOO_LONG = "too_long"  # over LINE_CAP: flagged, never parsed
BULLET = "bullet"  # a top-level bullet: one entry
NESTED = "nested"  # an indented line: belongs to the entry above
TEXT = "text"
BLANK = "blank"

_HEADER_FIELD = re.compile(r"^([A-Za-z][\w -]*):\s*(.*)$")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# Only a `#` in the first column opens a heading: `   # * [**x**](...)` is a line an
# editor put out of use, and ending the section there would drop the entries after it.
_HEADING = re.compile(r"^(#{1,6})(?:[ \t]|$)")
# `Upcoming Meetups` and `Meetups` head the section in 2014.
_EVENTS_HEADING = re.compile(
    r"^upcoming\s+(?:rust\s+)?(?:events|meetups)\b|^(?:rust\s+)?meetups\s*$", re.IGNORECASE
)
# Up to one space of indentation (a known slip), an optional stray `$`, then the bullet.
_TOP_BULLET = re.compile(r"^ ?(?:\$ ?)?[*+-](?:[ \t]+|$)")
# A line that starts with a date and a `|` is an entry wherever it stands: its bullet
# forgotten (`2025-02-26 | Girona, ES | ...`, ` 2025-04-23 | ...`) or indented under the
# entry above. Title lines never start so; a dated line is never lost in a title.
_DATED_ENTRY = re.compile(r"^\s*(?:\$\s*)?(?:[*+-][ \t]+)?\$?\d{4}-\d{1,2}-\d{1,2}[^|]{0,40}\|")
# A title line that lost its indentation: `* [**Title**](url)` right under its entry.
_LINK_BULLET = re.compile(r"^ ?[*+-][ \t]+\[(?![^\]]*\d{4}-\d)")
_ENTRY_START = re.compile(r"^\W{0,3}\d{4}-\d{1,2}-\d{1,2}")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([*_-])(?:[ \t]*\1){2,}[ \t]*$")
_BULLET_MARK = re.compile(r"^\s*(?:\$\s*)?[*+-](?:[ \t]+|$)")
_WINDOW = re.compile(
    r"events\s+between\s+(\d{4}-\d{1,2}-\d{1,2})\s*(?:-|–|—|to|and|until)\s*(\d{4}-\d{1,2}-\d{1,2})",
    re.IGNORECASE,
)
# Real lines stay under 1,000 characters; a longer one is a damaged or hostile file.
LINE_CAP = 4096
_TITLE_NUMBER = re.compile(r"\bthis\s+week\s+in\s+rust\s+#?(\d{1,6})\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d{1,6}", re.ASCII)


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
    """Lines as numbered in the file (line ends are normalised before)."""
    return text.split("\n")


def parse_iso_date(text: str) -> date | None:
    """The first ISO date in text, if it is a real and plausible day."""
    match = _ISO_DATE.search(text)
    return plausible_date(*map(int, match.groups())) if match else None


def _header_values(lines: list[str]) -> dict[str, str]:
    """The `Key: value` lines on top (Pelican; YAML front matter between `---` too)."""
    values: dict[str, str] = {}
    block = dropwhile(lambda line: not line.strip(), lines)
    for n, line in enumerate(block):
        if n == 0 and line.strip() == "---":
            continue
        match = _HEADER_FIELD.match(line.strip()) if len(line) <= LINE_CAP else None
        if not match:
            break
        values.setdefault(match[1].strip().lower(), match[2].strip().strip("\"'").strip())
    return values


def read_header(lines: list[str]) -> Header:
    """Title, number and date from the header only: `Number:`, else the number in
    `Title: This Week in Rust 532`; never digits found elsewhere in the file."""
    values = _header_values(lines)
    title = values.get("title", "")
    number = _NUMBER.fullmatch(values.get("number", "")) or _TITLE_NUMBER.search(title)
    return Header(
        title=title,
        number=int(number[number.lastindex or 0]) if number else None,
        date=parse_iso_date(values.get("date", "")),
    )


def strip_bullet(text: str) -> str:
    return _BULLET_MARK.sub("", text, count=1).strip()


def _indent(text: str) -> int:
    prefix = text[: len(text) - len(text.lstrip())]
    return len(prefix.expandtabs(4))


def _heading(text: str) -> tuple[int, str] | None:
    """Level and text of an ATX heading (`### Oceania ##` -> 3, `Oceania`)."""
    match = _HEADING.match(text)
    if not match:
        return None
    return len(match[1]), text[match.end() :].rstrip(" \t#").strip()


def _kind(text: str) -> tuple[str, int]:
    if len(text) > LINE_CAP:
        return TOO_LONG, 0
    if not text.strip():
        return BLANK, 0
    heading = _heading(text)
    if heading and heading[1]:  # a lone `#` ends no section
        return HEADING, heading[0]
    if text.lstrip().startswith("#"):  # an indented heading: a paragraph, ends the list
        return TEXT, 0
    if _THEMATIC_BREAK.match(text):
        return TEXT, 0
    if _TOP_BULLET.match(text) or _DATED_ENTRY.match(text):
        return BULLET, 0
    if _indent(text) >= 2:
        return NESTED, 0
    return TEXT, 0


def _mask_comments(raw_lines: list[str]) -> tuple[list[str], int | None]:
    """Each line with the parts inside `<!-- -->` blanked, and the number of the line where
    an unclosed `<!--` opens, if one does: it hides the rest of the file, as it does on the
    page (the caller flags it, so nothing it hides is lost silently)."""
    text = "\n".join(raw_lines)
    pieces, position, unclosed = [], 0, None
    while (start := text.find("<!--", position)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            unclosed = text.count("\n", 0, start) + 1
            pieces.extend([text[position:start], "\n" * text.count("\n", start)])
            position = len(text)
            break
        pieces.extend([text[position:start], "\n" * text.count("\n", start, end)])
        position = end + 3
    pieces.append(text[position:])
    return "".join(pieces).split("\n"), unclosed


def classify(raw_lines: list[str]) -> list[Line]:
    lines = []
    masked, _ = _mask_comments(raw_lines)
    for number, (raw, text) in enumerate(zip(raw_lines, masked, strict=True), start=1):
        kind, level = _kind(text)
        lines.append(Line(number, raw, text, kind, level))
    return lines


def unclosed_comment(raw_lines: list[str]) -> int | None:
    """The line where a `<!--` that is never closed opens (it hides what follows)."""
    return _mask_comments(raw_lines)[1]


def heading_text(line: Line) -> str:
    """A heading without `#`s, emphasis or trailing colon (`### Oceania:` -> `Oceania`)."""
    heading = _heading(line.text)
    return (heading[1] if heading else "").replace("**", "").strip().rstrip(":").strip()


def find_events_section(lines: list[Line]) -> list[Line] | None:
    """The lines under `## Upcoming Events` (`#` before mid-2021) up to the next heading
    as high; a second such heading further down (a section pasted twice, a list continued)
    adds its lines, its heading included so that regions start again under it."""
    section: list[Line] | None = None
    position = 0
    while position < len(lines):
        line = lines[position]
        position += 1
        if line.kind != HEADING or not is_events_heading(line):
            continue
        if section is None:
            section = []
        else:
            section.append(line)
        while position < len(lines):
            following = lines[position]
            if following.kind == HEADING and following.level <= line.level:
                break
            if following.kind != HEADING or not is_events_heading(following):
                section.append(following)
            position += 1
    return section


def is_events_heading(line: Line) -> bool:
    return bool(_EVENTS_HEADING.match(heading_text(line)))


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
    return issue_date, issue_date + NEWSLETTER_WINDOW


@dataclass
class RawEntry:
    """A top-level bullet and the indented lines under it, before any parsing."""

    line: int
    section: str
    head: str  # the bullet line, comments removed
    raw_lines: list[str]
    nested: list[str] = field(default_factory=list)
    orphan: bool = False  # an indented line with no entry above it
    too_long: bool = False  # a line over LINE_CAP, kept (cut) as raw text only


def _is_unindented_title(line: Line, current: RawEntry | None, previous: Line | None) -> bool:
    """`* [**Title**](url)` directly under a dated entry that has no title line yet: the
    title line lost its indentation. Older eras' entries are links themselves, but
    they never follow a line that starts with an ISO date."""
    return bool(
        current
        and previous
        and previous.number == current.line
        and not current.nested
        and _LINK_BULLET.match(line.text)
        and _ENTRY_START.match(strip_bullet(current.head))
    )


def collect_entries(section: list[Line]) -> list[RawEntry]:
    """One RawEntry per top-level bullet; indented lines attach to the bullet above."""
    entries: list[RawEntry] = []
    region = ""
    current: RawEntry | None = None
    previous: Line | None = None
    for line in section:
        title_line = _is_unindented_title(line, current, previous)
        previous = line
        if line.kind == HEADING:
            region, current = ("" if is_events_heading(line) else heading_text(line)), None
        elif line.kind == TOO_LONG:  # flagged; the entry above keeps its title lines
            entries.append(RawEntry(line.number, region, "", [line.raw[:LINE_CAP]], too_long=True))
        elif title_line and current:
            current.raw_lines.append(line.raw)
            current.nested.append(line.text)
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
