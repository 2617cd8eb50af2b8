"""The location field -> attendance and the places as written.

Editors spell hybrid events a dozen ways (`Hybrid (Vancouver, CA)`,
`Virtual + In Person (Barcelona, ES)`, `Munich, DE + Virtual`,
`Praha, CZ - Virtual + In-person`, `Hybrid (Virtual + In-person) Munich, DE`), so we
look for marker words anywhere, remove them, and whatever is left is places. Places
are not geocoded here: `Virtual (Global)` yields a place "Global" that the geocoder
will call not a place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from calendar_app.online import ONLINE_WORD
from calendar_app.twir.links import EdgeStripper
from calendar_app.twir.records import HYBRID, IN_PERSON, VIRTUAL, ParsedPlace

_HYBRID = re.compile(r"\bhybrid\b", re.IGNORECASE)
_VIRTUAL = ONLINE_WORD  # the vocabulary both readers share
_IN_PERSON = re.compile(r"\b(?:in[\s-]*person|on[\s-]*site)\b", re.IGNORECASE)
_MARKERS = (_HYBRID, _VIRTUAL, _IN_PERSON)
# What joins a place to a marker in `Munich, DE + Virtual` (hybrid), as opposed to
# `Virtual (Dallas, TX, US)` (virtual, the group is in Dallas).
_JOINED = re.compile(r"[+&]|\band\b|\s/\s", re.IGNORECASE)
_EDGES = EdgeStripper(r"\s+&/:;,|$\-–—", ("and", "plus"))
_PARENTHESES = re.compile(r"\(([^()]*)\)")
# `Frankfurt (Main), DE`: brackets inside a town's name (a word before, a comma after)
# are part of that one place; kept aside as private-use characters while splitting.
_QUALIFIER = re.compile(r"(?<=\w)(\s*)\(([^(),]+)\)(?=\s*,)")
_KEEP_OPEN, _KEEP_CLOSE = "\ue000", "\ue001"
# ` / ` separates places only when both sides are full places (`Berlin, DE / Hamburg, DE`);
# `Biel/Bienne, CH` and `Praha / Prague, CZ` are one place with two names.
_PLACE_SEPARATORS = (re.compile(r"\s+(?:/|\+|&|and)\s+", re.IGNORECASE), re.compile(r"/"))
# Three names or more before one country are as many towns (a town has at most two names:
# `Biel/Bienne, CH`).
_SHARED_COUNTRY = re.compile(r"^([^,/]+(?:/[^,/]+){2,})(,[^/]+)$")
_CODE = re.compile(r"[A-Z]{2,3}")
_MISSING_COMMA = re.compile(r"^([A-Za-z]{2,3})\s+([A-Za-z]{2,3})$")  # `Minneapolis, MN US`
# US, Canadian and Australian subdivision codes that are no ISO country code, so that
# `Portland, OR` has no country. Ambiguous ones (`CO`, `IL`, `CA`, `DE`) stay countries
# as written; the geocoder decides.
_SUBDIVISION_ONLY = frozenset(
    "AB ACT AK BC CT DC FL HI IA KS MB MI NB ND NH NJ NM NS NSW NT NV NY OH OK ON OR QC QLD"
    " RI TAS TX UT VIC VT WA WI WV WY".split()
)


@dataclass(frozen=True)
class Location:
    attendance: str
    places: list[ParsedPlace]
    marked: bool  # the field itself says virtual, hybrid or in person


def _without_markers(text: str) -> str:
    for marker in _MARKERS:
        text = marker.sub(" ", text)
    return _EDGES(" ".join(text.split()))  # one space between words: separators match once


def _split_places(text: str) -> list[str]:
    for separator in _PLACE_SEPARATORS:
        pieces = [piece.strip() for piece in separator.split(text)]
        if len(pieces) > 1 and all("," in piece for piece in pieces):
            return pieces
    if shared := _SHARED_COUNTRY.match(text):  # `Gdansk/Kraków/Wroclaw, PL`
        return [f"{name.strip()}{shared[2]}" for name in shared[1].split("/")]
    return _split_after_country(text)


def _split_after_country(text: str) -> list[str]:
    """`São Paulo, BR, New York, NY, US`: a country code followed by a whole place (two
    parts or more, the last a code) ends a place. `Boulder, CO, US` stays one."""
    parts = [part.strip() for part in text.split(",")]
    for at in range(1, len(parts) - 2):
        rest = parts[at + 1 :]
        if _CODE.fullmatch(parts[at]) and _CODE.fullmatch(rest[-1]) and not _CODE.match(rest[0]):
            return [", ".join(parts[: at + 1]), *_split_after_country(", ".join(rest))]
    return [text]


def _place_texts(chunk: str) -> list[str]:
    texts: list[str] = []
    for part in chunk.split(";"):
        remainder = _without_markers(part)
        if remainder:
            texts.extend(_EDGES(t).strip() for t in _split_places(remainder))
    return [t for t in texts if t]


def _keep_qualifier(match: re.Match[str]) -> str:
    if any(marker.search(match[2]) for marker in _MARKERS):
        return match[0]  # `Munich (virtual), DE`: a marker, not a name
    return f"{match[1]}{_KEEP_OPEN}{match[2]}{_KEEP_CLOSE}"


def _restore_qualifiers(text: str) -> str:
    return text.replace(_KEEP_OPEN, "(").replace(_KEEP_CLOSE, ")")


def parse_place(text: str) -> ParsedPlace:
    """`City`, `City, CC`, `City, ST, CC`; the country as written, `UK` and `Israel` too."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if len(parts) < 2:
        return ParsedPlace(text=text, city=text)
    if len(parts) >= 3:
        return ParsedPlace(text=text, city=parts[-3], subdivision=parts[-2], country=parts[-1])
    city, last = parts
    if missing_comma := _MISSING_COMMA.match(last):
        return ParsedPlace(
            text=text, city=city, subdivision=missing_comma[1], country=missing_comma[2]
        )
    if last.upper() in _SUBDIVISION_ONLY:
        return ParsedPlace(text=text, city=city, subdivision=last)
    return ParsedPlace(text=text, city=city, country=last)


def parse_location(text: str) -> Location:
    text = _QUALIFIER.sub(_keep_qualifier, text)
    outside = _PARENTHESES.sub(" ", text)
    outside_places = _place_texts(outside)
    place_texts = outside_places + [
        p for inner in _PARENTHESES.findall(text) for p in _place_texts(inner)
    ]
    virtual = bool(_VIRTUAL.search(text))
    in_person = bool(_IN_PERSON.search(text))
    if _HYBRID.search(text) or (virtual and in_person):
        attendance = HYBRID
    elif virtual:
        attendance = HYBRID if outside_places and _JOINED.search(outside) else VIRTUAL
    else:
        attendance = IN_PERSON
    marked = virtual or in_person or attendance == HYBRID
    places = [parse_place(_restore_qualifiers(t)) for t in place_texts]
    return Location(attendance, places, marked)
