"""Entry grammars: each reads the text of a top-level bullet line, or declines.

They are tried in order (`GRAMMARS`); another era's grammar is one more function.
- modern (March 2022 on): `2024-02-07 | Cologne, DE | [Rust Cologne](url)`, title
  lines nested below;
- history (2014 - February 2022, `twir/eras/`, one module per layout), the era chosen by
  the issue date and the line's shape: `[2014-12-08 Seattle Rust Meetup](url)`,
  `[10/13. San Diego Rust Meetup #9](url).`, `[Mar  8. Columbus, US - Group - Title](url).`,
  `[June 8, 2021, Seattle, WA, US - Title - Group](url)`, ...
"""

from __future__ import annotations

import re
from datetime import date
from itertools import groupby
from urllib.parse import urlsplit

from calendar_app.twir.dates import parse_iso_dates
from calendar_app.twir.eras.prepare import MODERN_SINCE
from calendar_app.twir.eras.select import history
from calendar_app.twir.head import Grammar, Head
from calendar_app.twir.links import (
    EdgeStripper,
    Link,
    Token,
    plain,
    split_fields,
    text_of,
    tokenize,
)
from calendar_app.twir.records import ParsedGroup, ParsedLink, Problem

# Links appended to the groups field that are no organiser: `| [Alt link](...)`.
_EXTRA_LINK_LABEL = re.compile(
    r"""^(?: alt(?:ernate|ernative)?\.? \s* )?
    (?: link | website | web\s*site | site | home\s*page | page | telegram | discord | slack
      | matrix | zulip | twitter | x | mastodon | bluesky | linkedin | youtube | twitch
      | (?:live\s*)?stream | map | tickets? | registration | register | rsvp | event(?:\s*page)?
      | meetup(?:\s*page)? | luma | eventbrite | calendar | info | details | more(?:\s*info)?
      | here | cfp | sign\s*up | join | chat | mirror | blog(?:\s*post)? )
    (?: \s* link )? [.:]?$""",
    re.VERBOSE | re.IGNORECASE,
)
_GROUP_SEPARATOR = re.compile(r"\s+[+&]\s+|;")  # between unlinked names; ` and ` is part of names
_GROUP_EDGES = EdgeStripper(r"\s+&;,|/()$\-–—", ("and", "plus"))
_WORD = re.compile(r"\w")
_FIELD_EDGES = " \t.,:;|$-–—"
_STARTS_WITH_DATE = re.compile(r"^\W*\d{4}-\d")  # `2024-`, `$2024-`, `**2024-`


def _group_name_of_url(url: str) -> str:
    try:
        return (urlsplit(url).hostname or url).removeprefix("www.")
    except ValueError:
        return url


def _merge_text(tokens: list[Token]) -> list[Token]:
    """Adjacent text tokens as one (`|` separators come as tokens of their own)."""
    merged: list[Token] = []
    for is_text, group in groupby(tokens, key=lambda token: isinstance(token, str)):
        run = list(group)
        merged.extend(["".join(str(token) for token in run)] if is_text else run)
    return merged


def parse_groups(tokens: list[Token]) -> tuple[list[ParsedGroup], list[ParsedLink]]:
    """Organisers, and the links appended to them that name no organiser."""
    groups: list[ParsedGroup] = []
    extra: list[ParsedLink] = []
    for token in _merge_text(tokens):
        if isinstance(token, Link):
            label = token.label
            bare_url = label == token.url
            if groups and (bare_url or not label or _EXTRA_LINK_LABEL.match(label)):
                extra.append(ParsedLink(token.url, "" if bare_url else label))
            else:
                groups.append(
                    ParsedGroup(_group_name_of_url(label) if bare_url else label, token.url)
                )
            continue
        for name in _GROUP_SEPARATOR.split(plain(token.replace("|", ";"))):
            name = _GROUP_EDGES(name).strip()
            if _WORD.search(name):  # not a stray `]` or `)` left after a link
                groups.append(ParsedGroup(name))
    return groups, extra


def _join(fields: list[list[Token]]) -> list[Token]:
    """Fields back into one token list, the `|` kept as a separator."""
    joined: list[Token] = []
    for n, tokens in enumerate(fields):
        joined.extend(["|"] if n else [])
        joined.extend(tokens)
    return joined


def _split_at_first_link(tokens: list[Token]) -> tuple[list[Token], list[Token]]:
    for n, token in enumerate(tokens):
        if isinstance(token, Link):
            return tokens[:n], tokens[n:]
    return tokens, []


def modern(text: str, issue_date: date | None) -> Head | None:
    """`DATE | LOCATION | GROUPS`, tolerating missing spaces and missing fields."""
    fields = split_fields(tokenize(text))
    date_field = fields[0]
    first_text = date_field[0] if date_field and isinstance(date_field[0], str) else ""
    found = parse_iso_dates(first_text) if _STARTS_WITH_DATE.match(first_text) else None
    if not found:
        return None
    if len(fields) == 1 and issue_date and issue_date < MODERN_SINCE:
        return None  # `2014-12-18: [Bay Area Rust](url)`: an older layout, no fields
    dates, end = found
    problems: list[Problem] = []
    if len(fields) >= 3:
        location, group_tokens = fields[1], _join(fields[2:])
    else:  # `2022-03-03 | [Scylla](...)` or no `|` at all: the location ends at the first link
        rest: list[Token] = [first_text[end:], *date_field[1:]] if len(fields) == 1 else fields[1]
        location, group_tokens = _split_at_first_link(rest)
        if len(fields) == 1:
            problems.append(Problem("malformed", "no `|` between date, location and groups"))
    groups, extra = parse_groups(group_tokens)
    location_text = text_of(location).strip(_FIELD_EDGES)
    date_text = first_text[:end].strip() if len(fields) == 1 else text_of(date_field)
    return Head(dates, date_text, location_text, groups, extra_links=extra, problems=problems)


GRAMMARS: tuple[Grammar, ...] = (modern, history)
