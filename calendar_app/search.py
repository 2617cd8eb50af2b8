"""Search that forgives: accents, case and the other names of a city.

Portable by construction: the query is folded in Python (`Montréal` -> `montreal`), and
each folded word becomes a case-insensitive regular expression in which every letter
also matches its accented forms (`m[oòóôõöøō]ntr[eèéêëēėęě]al`) and `ue`/`oe`/`ae` also
match `ü`/`ö`/`ä`. Django's `iregex` runs it on SQLite (its REGEXP function) and on
PostgreSQL (`~*`) alike, over the stored text as written, so nothing needs a folded copy
kept in step by every writer. A word that names a big city also matches the city's other
names from the gazetteer (München for Munich, Praha for Prague, Köln for Cologne), as
whole words.
"""

from __future__ import annotations

from functools import lru_cache

from django.db.models import Exists, OuterRef, Q

from calendar_app.geocoding.aliases import city_aliases
from calendar_app.geocoding.text import fold
from calendar_app.models import Group, MeetupGroup, MeetupPlace, Place

MAX_WORDS = 10


# A folded letter -> every letter that folds to it (lower case; the match ignores case).
LETTERS = {
    "a": "aàáâãäåāăą",
    "c": "cçćčĉ",
    "d": "dďđ",
    "e": "eèéêëēėęě",
    "g": "gğĝ",
    "i": "iìíîïīįı",
    "l": "lłľĺ",
    "n": "nñńňņ",
    "o": "oòóôõöøōő",
    "r": "rřŕ",
    "s": "sśšşș",
    "t": "tťţț",
    "u": "uùúûüūůűų",
    "y": "yýÿ",
    "z": "zźżž",
}
DIGRAPHS = {"ae": "ä", "oe": "ö", "ue": "ü"}  # German spellings without umlauts
# Letters (accented ones included) for whole-word matches: portable, unlike \b and \y.
WORD_CHAR = "a-z0-9\u00c0-\u024f"


def word_pattern(folded: str) -> str:
    """A regular expression matching `folded` with any accents (and umlauts as digraphs)."""
    parts: list[str] = []
    i = 0
    while i < len(folded):
        pair = folded[i : i + 2]
        if pair in DIGRAPHS:
            parts.append(f"(?:{pair}|{DIGRAPHS[pair]})")
            i += 2
            continue
        parts.append(_letter(folded[i]))
        i += 1
    return "".join(parts)


def _literal(char: str) -> str:
    return " " if char == " " else char if char.isalnum() else f"\\{char}"


@lru_cache(maxsize=1024)
def search_pattern(word: str) -> str:
    """The typed word anywhere, or any other name of the city it names as a whole word."""
    folded = fold(word)
    if not folded:
        return ""
    pattern = word_pattern(folded)
    aliases = city_aliases(folded)
    if not aliases:
        return pattern
    # The other names as one trie (each position of a title tries one letter class, not
    # sixty names: ten times faster on SQLite, where Python's re runs it row by row).
    return f"{pattern}|(?<![{WORD_CHAR}]){trie_pattern(aliases)}(?![{WORD_CHAR}])"


def trie_pattern(words: tuple[str, ...]) -> str:
    """One regular expression for several folded words, sharing their common prefixes."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # the end of a word
    return _trie_regex(trie)


def _trie_regex(node: dict) -> str:
    branches = [
        "" if char == "" else _letter(char) + _trie_regex(child)
        for char, child in sorted(node.items())
    ]
    ends = "" in node
    branches = [branch for branch in branches if branch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return f"(?:{body})?"
    return body


def _letter(char: str) -> str:
    variants = LETTERS.get(char)
    return f"[{variants}]" if variants else _literal(char)


def text_condition(word: str) -> Q | None:
    """Meetups whose title, organiser or place matches `word` (None: nothing to search).

    Organisers and places are few: they are matched first, once each (two small queries),
    and meetups then joined to them by id, instead of running the expression per meetup.
    """
    pattern = search_pattern(word)
    if not pattern:
        return None
    condition: Q = Q(title__iregex=pattern)
    groups = list(Group.objects.filter(name__iregex=pattern).values_list("pk", flat=True))
    if groups:
        condition |= Q(Exists(MeetupGroup.objects.filter(meetup=OuterRef("pk"), group__in=groups)))
    places = list(
        Place.objects.filter(Q(city__iregex=pattern) | Q(written__iregex=pattern)).values_list(
            "pk", flat=True
        )
    )
    if places:
        condition |= Q(Exists(MeetupPlace.objects.filter(meetup=OuterRef("pk"), place__in=places)))
    return condition


def text_conditions(value: str) -> list[Q]:
    """One condition per word (all must match), at most MAX_WORDS words."""
    found = (text_condition(word) for word in value.split()[:MAX_WORDS])
    return [condition for condition in found if condition is not None]
