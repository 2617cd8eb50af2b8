"""Old entries before they are read: reference links resolved, wrapped lines joined.

In 2015 links were reference-style (`[Feb. 9. Sydney Meetup][syd]`, `[syd]: url` below
the list) and entries wrapped onto an indented next line; in 2014 a date could stand on
the next line. The readers of the eras then see one line with inline links.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from calendar_app.twir.sections import NESTED, TEXT, Line, RawEntry

MODERN_SINCE = date(2022, 3, 1)  # nested title lines from here on: nothing to join
_DEFINITION = re.compile(r"^ {0,3}\[(?P<label>[^\]]+)\]:\s*<?(?P<url>[^\s>]+)>?")
_REFERENCE = re.compile(r"\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])+)\][ ]?\[(?P<label>[^\[\]]*)\]")
_NESTED_BULLET = re.compile(r"^\s*[*+-](?:\s|$)")


def _key(label: str) -> str:
    return " ".join(label.split()).casefold()


def definitions(lines: list[Line]) -> dict[str, str]:
    """`[syd]: http://...` anywhere in the file; the first definition of a label wins."""
    found: dict[str, str] = {}
    for line in lines:
        if match := _DEFINITION.match(line.text):
            found.setdefault(_key(match["label"]), match["url"].replace(")", "%29"))
    return found


def resolve_references(text: str, urls: dict[str, str]) -> str:
    """`[text][label]` and `[text][]` -> `[text](url)` where the label is defined."""

    def inline(match: re.Match[str]) -> str:
        url = urls.get(_key(match["label"] or match["text"]))
        return f"[{match['text']}]({url})" if url else match.group()

    return _REFERENCE.sub(inline, text) if "[" in text else text


def lazy_lines(raw: RawEntry, by_number: dict[int, Line]) -> list[Line]:
    """Unindented lines that go on the entry's paragraph (no blank line between: Markdown's
    lazy continuation, `* [Rust Paris](url)` then `December 18th` on the next line)."""
    number = raw.line + 1
    while (line := by_number.get(number)) and line.kind == NESTED:
        number += 1
    found = []
    while (line := by_number.get(number)) and line.kind == TEXT:
        if _DEFINITION.match(line.text) or not line.text.strip(" *_-=+"):
            break  # a reference definition or a thematic break
        found.append(line)
        number += 1
    return found


def _prepared(raw: RawEntry, by_number: dict[int, Line], urls: dict[str, str]) -> RawEntry:
    lazy = lazy_lines(raw, by_number)
    wrapped = [text.strip() for text in raw.nested if not _NESTED_BULLET.match(text)]
    nested = [text for text in raw.nested if _NESTED_BULLET.match(text)]
    head = " ".join([raw.head.rstrip(), *wrapped, *(line.text.strip() for line in lazy)])
    return replace(
        raw,
        head=resolve_references(head, urls),
        nested=[resolve_references(text, urls) for text in nested],
        raw_lines=raw.raw_lines + [line.raw for line in lazy],
    )


def prepare_entries(
    entries: list[RawEntry], lines: list[Line], issue_date: date | None
) -> list[RawEntry]:
    """Entries of issues before March 2022 with their wrapped lines joined to the bullet
    and reference links made inline; later issues are returned as they are."""
    if issue_date is not None and issue_date >= MODERN_SINCE:
        return entries
    urls = definitions(lines)
    by_number = {line.number: line for line in lines}
    return [raw if raw.orphan else _prepared(raw, by_number, urls) for raw in entries]
