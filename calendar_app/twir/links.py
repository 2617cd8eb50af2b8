"""Markdown links in one line: tokenised before any splitting on `|`, because link
texts contain `|` and brackets (`[Rust en Español | Rust Argentina](...)`,
`[**Rust Meetup Bremen [1]**](...)`)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# Invisible characters editors paste in; ZWJ and ZWNJ are kept (emoji and Persian need them).
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u200e\u200f\u00ad]")
_AUTOLINK = re.compile(r"<(https?://[^\s<>]+)>|(?<![(\w])(https?://[^\s<>()|\]\[]+)")


@dataclass(frozen=True)
class Link:
    text: str  # as written, including ** emphasis
    url: str

    @property
    def label(self) -> str:
        """The link text without bold markers."""
        return plain(self.text)


Token = str | Link


def clean_line(line: str) -> str:
    """Drop invisible characters and turn no-break spaces into spaces."""
    return _INVISIBLE.sub("", line).replace("\u00a0", " ")


# `*Quickwit Takeover*`: single-star emphasis around words (not `2025-09-02 * 2025-09-05`).
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*]*?[^\s*])\*(?![\w*])")


def plain(text: str) -> str:
    """Text without `**` bold and `*` emphasis markers, spaces collapsed and trimmed."""
    return " ".join(_EMPHASIS.sub(r"\1", text.replace("**", "")).split())


def bracket_pairs(text: str, opening: str, closing: str) -> dict[int, int]:
    """Position of each bracket that is closed -> position of its closing bracket."""
    stack: list[int] = []
    pairs = {}
    for i, char in enumerate(text):
        if char == opening:
            stack.append(i)
        elif char == closing and stack:
            pairs[stack.pop()] = i
    return pairs


class EdgeStripper:
    """Strips runs of connector characters and words (`, - and`) from both ends.

    The regex `^C+|C+$` takes quadratic time: the search for `C+$` starts again at
    every position of a long run that is not at the end (`Berlin , , , ... x`). Here
    the leading run is matched at the start, the trailing one at the start of the
    reversed text (`\\b` reads the same both ways), each in one pass.
    """

    def __init__(self, characters: str, words: tuple[str, ...]) -> None:
        """`characters`: the body of a regex character class, e.g. `\\s+&,`."""
        self._leading = self._run(characters, words)
        self._trailing = self._run(characters, tuple(word[::-1] for word in words))

    @staticmethod
    def _run(characters: str, words: tuple[str, ...]) -> re.Pattern[str]:
        return re.compile(rf"(?:[{characters}]|\b(?:{'|'.join(words)})\b)+", re.IGNORECASE)

    def __call__(self, text: str) -> str:
        leading = self._leading.match(text)
        text = text[leading.end() :] if leading else text
        trailing = self._trailing.match(text[::-1])
        return text[: len(text) - trailing.end()] if trailing else text


def _without_link_title(url: str) -> str:
    """`https://x.org "Title"` -> `https://x.org` (a Markdown link title), in one pass."""
    if len(url) < 2 or url[-1] not in "\"'":
        return url
    opening = url.rfind(url[-1], 0, len(url) - 1)
    if opening > 0 and url[opening - 1].isspace():
        return url[:opening].rstrip()
    return url


def _clean_url(url: str) -> str:
    url = _without_link_title(url.strip())
    return url.strip().strip("<>").strip()


@dataclass(frozen=True)
class _Brackets:
    """Where the brackets of one line pair up, computed once per line."""

    square: dict[int, int]
    round: dict[int, int]
    closing_round: list[int]  # positions of every `)`, in order

    @classmethod
    def of(cls, text: str) -> _Brackets:
        closing = [i for i, char in enumerate(text) if char == ")"]
        return cls(bracket_pairs(text, "[", "]"), bracket_pairs(text, "(", ")"), closing)

    def first_closing_round(self, after: int) -> int:
        """The first `)` after a position, -1 if none (a search, not a scan: a line of
        `[a](` repeated would make scanning quadratic)."""
        n = bisect_right(self.closing_round, after)
        return self.closing_round[n] if n < len(self.closing_round) else -1


def _link_at(text: str, start: int, brackets: _Brackets) -> tuple[Link, int] | None:
    """The inline link `[text](url)` starting at `start`, and the position after it."""
    close = brackets.square.get(start)
    if close is None:
        return None
    open_paren = close + 1
    while open_paren < len(text) and text[open_paren] == " ":  # `[x] (url)` happens
        open_paren += 1
    if open_paren >= len(text) or text[open_paren] != "(":
        return None
    end = brackets.round.get(open_paren)
    if end is None:  # unbalanced parenthesis inside the URL: take the first `)`
        end = brackets.first_closing_round(open_paren)
        if end < 0:
            return None
    return Link(text[start + 1 : close], _clean_url(text[open_paren + 1 : end])), end + 1


def _split_autolinks(text: str) -> list[Token]:
    tokens: list[Token] = []
    last = 0
    for match in _AUTOLINK.finditer(text):
        url = match.group(1) or match.group(2)
        tokens.extend([text[last : match.start()], Link(url, url)])
        last = match.end()
    tokens.append(text[last:])
    return tokens


def tokenize(text: str) -> list[Token]:
    """Split a line into text and links; bare URLs become links labelled with the URL."""
    brackets = _Brackets.of(text)
    tokens: list[Token] = []
    plain_start = i = 0
    while i < len(text):
        found = _link_at(text, i, brackets) if text[i] == "[" else None
        if found:
            tokens.extend(_split_autolinks(text[plain_start:i]))
            tokens.append(found[0])
            i = plain_start = found[1]
        else:
            i += 1
    tokens.extend(_split_autolinks(text[plain_start:]))
    return [t for t in tokens if t != ""]


def split_fields(tokens: list[Token]) -> list[list[Token]]:
    """Split tokens on the `|` occurring outside links."""
    fields: list[list[Token]] = [[]]
    for token in tokens:
        if isinstance(token, Link):
            fields[-1].append(token)
            continue
        parts = token.split("|")
        for n, part in enumerate(parts):
            if n:
                fields.append([])
            if part:
                fields[-1].append(part)
    return fields


def links_of(tokens: list[Token]) -> list[Link]:
    return [t for t in tokens if isinstance(t, Link)]


def text_of(tokens: list[Token]) -> str:
    """The field as text, links replaced by their text (a link inside a location)."""
    return plain("".join(t.text if isinstance(t, Link) else t for t in tokens))
