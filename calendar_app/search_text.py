"""Folded search text: what search compares, on both sides, in one place. Pure Python.

A stored text (a meetup's title, an organiser's name, a place) is kept folded: accents
and case removed, punctuation and spaces collapsed, between spaces (`" rust munchen "`),
followed by extra words: the main name of every big city it names in another language
(`München` -> `munich`, `Praha` -> `prague`) and its words with umlauts spelled out
(`muenchen`). A typed word is folded the same way; it matches a text that contains it, or
that names one of the big cities the word names (` munich `, as a whole word). Both are
plain substring tests, which the database runs as `LIKE` (SQLite and PostgreSQL alike)
in its own code, with no Python called per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from calendar_app.geocoding.aliases import big_city_names, city_keys
from calendar_app.geocoding.names import country_name, region_name
from calendar_app.geocoding.text import fold

MAX_NAME_WORDS = 3  # "ciudad de mexico", "lungsod ng munchen": the longest names we tag
# German spellings without umlauts: `Grün` is stored as `grun` and `gruen`, so both find it.
DIGRAPHS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
UMLAUTS = frozenset("äöüÄÖÜ")


def folded_words(text: str) -> str:
    """`Zürich / Zurich-West` -> `zurich zurich west`: fold() with slashes as spaces."""
    return " ".join(fold(text).replace("/", " ").split())


def cities_named(words: str) -> list[str]:
    """Main names of the big cities that runs of up to MAX_NAME_WORDS words name."""
    tokens = words.split()
    found: dict[str, None] = {}
    for size in range(1, MAX_NAME_WORDS + 1):
        for start in range(len(tokens) - size + 1):
            found.update(dict.fromkeys(city_keys(" ".join(tokens[start : start + size]))))
    return list(found)


@lru_cache(maxsize=16384)  # organisers and places come back in every newsletter
def search_text(*parts: str) -> str:
    """The stored form of `parts` (title; name; city, written text, label): see above."""
    words: list[str] = []
    extra: list[str] = []
    for part in parts:
        folded = folded_words(part)
        if folded:
            words.append(folded)
            extra += cities_named(folded)
            if UMLAUTS.intersection(part):  # else its words are those folded above
                extra += folded_words(part.translate(DIGRAPHS)).split()
    if not words:
        return ""
    text = f" {' '.join(words)} "
    extra = [word for word in dict.fromkeys(extra) if f" {word} " not in text]
    return f" {' '.join([*words, *extra])} "


def load_tables() -> None:
    """Load what folding reads (the big cities' names, the countries' subdivisions) now,
    not at the first row folded: an import does it while its parsing worker starts."""
    big_city_names()
    region_name("DE", "BE")


def place_search_text(city: str, admin1: str, country: str, written: str, text: str) -> str:
    """A place as searched: its city, its text as written, its region and country in words
    (what its label shows, "Vienna, Austria", without the gazetteer the label consults)."""
    return search_text(
        city,
        written or text,
        region_name(country, admin1),
        country_name(country) if country else "",
    )


@dataclass(frozen=True)
class SearchTerms:
    """One typed word: the folded word (anywhere), or a big city it names (whole word)."""

    part: str
    cities: tuple[str, ...] = ()

    @property
    def needles(self) -> tuple[str, ...]:
        """What a matching stored text contains (at least one of)."""
        return (self.part, *(f" {city} " for city in self.cities))

    def matches(self, text: str) -> bool:
        return any(needle in text for needle in self.needles)


def search_terms(word: str) -> SearchTerms | None:
    """The terms of one typed word; None when nothing is left to search once folded."""
    folded = folded_words(word)
    if not folded:
        return None
    return SearchTerms(folded, tuple(c for c in city_keys(folded) if c != folded))
