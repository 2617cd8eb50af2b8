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
from calendar_app.models import MeetupGroup, MeetupPlace

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
        letter = folded[i]
        variants = LETTERS.get(letter)
        parts.append(f"[{variants}]" if variants else _literal(letter))
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
    aliases = [word_pattern(alias) for alias in city_aliases(folded)]
    if not aliases:
        return pattern
    whole = "|".join(aliases)
    return f"{pattern}|(?:^|[^{WORD_CHAR}])(?:{whole})(?:[^{WORD_CHAR}]|$)"


def text_condition(word: str) -> Q | None:
    """Meetups whose title, organiser or place matches `word` (None: nothing to search)."""
    pattern = search_pattern(word)
    if not pattern:
        return None
    groups = MeetupGroup.objects.filter(meetup=OuterRef("pk"), group__name__iregex=pattern)
    places = MeetupPlace.objects.filter(
        Q(place__city__iregex=pattern) | Q(place__written__iregex=pattern),
        meetup=OuterRef("pk"),
    )
    return Q(title__iregex=pattern) | Exists(groups) | Exists(places)


def text_conditions(value: str) -> list[Q]:
    """One condition per word (all must match), at most MAX_WORDS words."""
    found = (text_condition(word) for word in value.split()[:MAX_WORDS])
    return [condition for condition in found if condition is not None]
