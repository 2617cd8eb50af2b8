"""One entry: its bullet line (read by the first grammar that accepts it) plus the
title lines nested under it -> a ParsedEntry with its problems. Never raises: a line
nobody can read becomes an `unparsed` entry, so every line stays accounted for."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from calendar_app.online import ONLINE_WORD
from calendar_app.twir.dates import InvalidDate, check_window
from calendar_app.twir.grammars import GRAMMARS
from calendar_app.twir.head import Head
from calendar_app.twir.links import (
    Token,
    bracket_pairs,
    clean_line,
    links_of,
    plain,
    text_of,
    tokenize,
)
from calendar_app.twir.locations import Location, parse_location
from calendar_app.twir.records import IN_PERSON, VIRTUAL, ParsedEntry, ParsedLink, Problem
from calendar_app.twir.sections import LINE_CAP, RawEntry, strip_bullet
from calendar_app.twir.urls import is_safe_url

# Until the summer of 2022 the Virtual section listed virtual events with a bare city
# (`Berlin, DE`); issues of late July 2022 still do, the 2022-07-27 issue already marks
# every one (`Virtual (Linz, AT)`). The archive gives no line shape that tells the two
# conventions apart (a bare city under Virtual later is an in-person event filed there by
# mistake), so the issue date decides.
BARE_CITY_MEANT_VIRTUAL_BEFORE = date(2022, 8, 1)
_VIRTUAL_SECTION = ONLINE_WORD  # a section of online events (`Virtual`)
ONLINE = Location(VIRTUAL, [], marked=True)  # an IRC meeting and the like: no place at all


@dataclass(frozen=True)
class Context:
    """What an entry is read against: the issue's date and announced window."""

    issue_date: date | None
    window: tuple[date, date] | None


def parse_title_lines(nested: list[str]) -> tuple[str, list[ParsedLink]]:
    """The title (first link's text, or the text of a title without link) and all links."""
    title = ""
    links: list[ParsedLink] = []
    for text in nested:
        tokens = tokenize(clean_line(strip_bullet(text)))
        line_links = links_of(tokens)
        if not title:
            title = line_links[0].label if line_links else _label_or_text(tokens)
        links.extend(
            ParsedLink(link.url, "" if link.text == link.url else link.label) for link in line_links
        )
    return title, links


def _label_or_text(tokens: list[Token]) -> str:
    """A title written as a link without its URL (`[**Rust Salzburg meetup**]: 6:30pm - CCC
    Salzburg, ...`) is the bracketed text; anything else is the whole text."""
    text = text_of(tokens)
    if text.startswith("["):
        close = bracket_pairs(text, "[", "]").get(0)
        if close:
            return plain(text[1:close])
    return text


def _read_head(text: str, issue_date: date | None) -> Head | str:
    """The first grammar's reading of the bullet line, or why none could read it."""
    for grammar in GRAMMARS:
        try:
            head = grammar(text, issue_date)
        except InvalidDate as error:
            return str(error)
        if head:
            return head
    return "no date at the start of the line" if text else "empty bullet"


def _unparsed(raw: RawEntry, why: str) -> ParsedEntry:
    title, links = parse_title_lines(raw.nested)
    return ParsedEntry(
        line=raw.line,
        section=raw.section,
        raw="\n".join(raw.raw_lines),
        start_date=None,
        end_date=None,
        attendance=IN_PERSON,
        location_text="",
        title=title,
        links=links,
        problems=[Problem("unparsed", why)],
    )


def _with_primary(links: list[ParsedLink]) -> list[ParsedLink]:
    return [replace(links[0], primary=True), *links[1:]] if links else []


def _link_problems(links: list[ParsedLink]) -> list[Problem]:
    return [
        Problem("unsafe_url", f"not an http(s) link: {link.url!r}")
        for link in links
        if not is_safe_url(link.url)
    ]


def read_entry(raw: RawEntry, context: Context) -> ParsedEntry:
    """parse_entry, except that a fault in reading one line fails that line only: it
    becomes an `unparsed` entry naming the line, and the rest of the file is read."""
    try:
        return parse_entry(raw, context)
    except Exception as error:  # any fault of one line, by design
        return ParsedEntry(
            line=raw.line,
            section=raw.section,
            raw="\n".join(raw.raw_lines),
            start_date=None,
            end_date=None,
            attendance=IN_PERSON,
            location_text="",
            problems=[
                Problem("unparsed", f"line {raw.line}: {type(error).__name__} while reading it")
            ],
        )


def parse_entry(raw: RawEntry, context: Context) -> ParsedEntry:
    if raw.too_long:
        return _unparsed(raw, f"line {raw.line} is longer than {LINE_CAP} characters: not read")
    if raw.orphan:
        return _unparsed(raw, "an indented line with no entry above it")
    head = _read_head(clean_line(strip_bullet(raw.head)), context.issue_date)
    if isinstance(head, str):
        return _unparsed(raw, head)

    problems = list(head.problems)
    dates = check_window(head.dates, context.window) if context.window else head.dates
    problems.extend(dates.problems)
    corrected = dates.start != head.dates.start

    location = ONLINE if head.online else parse_location(head.location_text)
    attendance = location.attendance
    if (
        attendance == IN_PERSON
        and not location.marked
        and context.issue_date
        and context.issue_date < BARE_CITY_MEANT_VIRTUAL_BEFORE
        and _VIRTUAL_SECTION.search(raw.section)
    ):
        attendance = VIRTUAL
    if not head.location_text and not head.online and "location" not in head.lacks:
        problems.append(Problem("no_location", "the location field is empty"))
    if not head.groups and "group" not in head.lacks:
        problems.append(Problem("no_group", "no organiser named"))

    nested_title, nested_links = parse_title_lines(raw.nested)
    title = head.title or nested_title
    if not title:
        problems.append(Problem("no_title", "no title line under the entry"))
    links = _with_primary(head.title_links + nested_links) + head.extra_links
    problems.extend(
        _link_problems(links + [ParsedLink(g.url, g.name) for g in head.groups if g.url])
    )

    return ParsedEntry(
        line=raw.line,
        section=raw.section,
        raw="\n".join(raw.raw_lines),
        start_date=dates.start,
        end_date=dates.end,
        attendance=attendance,
        location_text=head.location_text,
        places=location.places,
        groups=head.groups,
        title=plain(title),
        links=links,
        problems=problems,
        original_dates=head.date_text if corrected else "",
    )
