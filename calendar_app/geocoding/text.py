"""Text helpers shared by the geocoders: the Place key, accent folding, non-places.

Pure Python: no Django, no data files. Everything here works on one place as the
parser hands it over (``Nürnberg, BY, DE``), but tolerates a whole location field
(``Virtual (Nürnberg, BY, DE)``), because editors and curators type all sorts.
"""

from __future__ import annotations

import re
import unicodedata

from calendar_app.online import ONLINE_WORD

# Zero-width characters that occur in the newsletters and must not split a Place.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = re.compile(r"\s+")
_COMMA = re.compile(r"\s*,\s*")

# Letters that NFKD does not decompose into a base letter plus a mark.
_SPECIAL_LETTERS = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "ħ": "h",
    }
)
_PUNCT = re.compile(r"[\-‐‑‒–—'’‘`´.·]+")
_NOT_WORD = re.compile(r"[^0-9a-z/ ]+")


def clean(text: str) -> str:
    """NFC, no zero-width characters, single spaces: the text as a person reads it."""
    text = unicodedata.normalize("NFC", text or "").translate(_ZERO_WIDTH)
    return _SPACES.sub(" ", text).strip()


def normalise_location(text: str) -> str:
    """The key one Place is stored under: readable, case-folded, spacing collapsed.

    ``Nürnberg, BY, DE`` and ``Nürnberg ,  by, DE `` share the key ``nürnberg, by, de``.
    Accents stay (``nürnberg`` is not ``nurnberg``): the key is shown to curators.
    """
    text = _COMMA.sub(", ", clean(text)).strip(" ,")
    return text.casefold()


def strip_accents(text: str) -> str:
    """``Wrocław Zürich`` -> ``Wroclaw Zurich``: marks and special letters to plain ones,
    other scripts left as they are. The one accent folding of search, places and titles."""
    if text.isascii():  # most texts: nothing to decompose or strip (and no special letter)
        return text
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Accent- and case-free form used for matching names (``Wrocław`` -> ``wroclaw``).

    Hyphens, dots and apostrophes become spaces so that ``St. Louis`` / ``St Louis``
    and ``Tel Aviv-Yafo`` / ``Tel Aviv Yafo`` meet.
    """
    text = strip_accents(text).casefold()
    text = _NOT_WORD.sub(" ", _PUNCT.sub(" ", text))
    return _SPACES.sub(" ", text).strip()


# Name variants editors use interchangeably; applied to the first word only.
_PREFIX_VARIANTS = {
    "st": ("saint",),
    "saint": ("st",),
    "ste": ("sainte",),
    "sainte": ("ste",),
    "mt": ("mount",),
    "mount": ("mt",),
    "ft": ("fort",),
    "fort": ("ft",),
}


def name_variants(folded: str) -> list[str]:
    """``st louis`` -> [``st louis``, ``saint louis``]: spelling variants to look up."""
    out = [folded]
    head, _, rest = folded.partition(" ")
    if rest:
        out.extend(f"{alt} {rest}" for alt in _PREFIX_VARIANTS.get(head, ()))
    return out


# --- non-places -------------------------------------------------------------------

_NON_PLACE_WORDS = {  # and the words that say online (calendar_app.online)
    "global",
    "worldwide",
    "world",
    "everywhere",
    "anywhere",
    "internet",
    "web",
    "hybrid",
    "in person",
    "in-person",
    "tba",
    "tbd",
    "tbc",
    "unknown",
    "n/a",
    "none",
    "earth",
    "planet earth",
    # continents and world regions
    "africa",
    "asia",
    "europe",
    "oceania",
    "antarctica",
    "north america",
    "south america",
    "central america",
    "latin america",
    "latam",
    "americas",
    "the americas",
    "america",
    "emea",
    "apac",
    "amer",
    "eu",
    "asia pacific",
    "middle east",
    "mena",
    "nordics",
    "scandinavia",
    # time zones as place holders ("PDT Timezone", "UTC+1")
    "utc",
    "gmt",
    "cet",
    "cest",
    "eet",
    "eest",
    "wet",
    "west",
    "bst",
    "ist",
    "jst",
    "kst",
    "aest",
    "aedt",
    "acst",
    "awst",
    "nzst",
    "nzdt",
    "pst",
    "pdt",
    "mst",
    "mdt",
    "cst",
    "cdt",
    "est",
    "edt",
    "akst",
    "hst",
    "brt",
}
_TZ_WORDS = re.compile(r"\b(time ?zones?|tz|friendly|hours?)\b")
_UTC_OFFSET = re.compile(r"^(utc|gmt)\s*[+-]\s*\d{1,2}(:?\d\d)?$")
_SEPARATORS = re.compile(r"\s*(?:/|&|\+|;|,|\band\b|\bor\b|\|)\s*")


def is_not_a_place(text: str) -> bool:
    """True for location texts that name no place: ``Global``, ``Europe / Africa``,
    ``PDT Timezone``, ``Virtual``, ``UTC+2``. These get no flag: they are expected."""
    folded = _SPACES.sub(
        " ", _PUNCT.sub(" ", clean(text).casefold().replace("(", " ").replace(")", " "))
    ).strip()
    if not folded or _UTC_OFFSET.match(folded.replace(" ", "")):
        return True
    parts = [p for p in _SEPARATORS.split(folded) if p]
    if not parts:
        return True
    for part in parts:
        part = _SPACES.sub(" ", _TZ_WORDS.sub(" ", part)).strip()
        if part in ("", "in person") or part in _NON_PLACE_WORDS or ONLINE_WORD.fullmatch(part):
            continue
        if _UTC_OFFSET.match(part) or _UTC_OFFSET.match(part.replace(" ", "")):
            continue
        return False
    return True


# --- tolerant split of a place text ------------------------------------------------

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)|^\s*\[[^\]]*\]\s*$|https?://\S+|\bwww\.\S+")
_WRAPPER = re.compile(
    r"^(?:virtual|online|hybrid|in[ -]person)\b[^(]*\((?P<inner>.*)\)\s*$", re.IGNORECASE
)
_TRAILING_MODE = re.compile(
    r"\s*(?:[+\-–&]|\band\b)\s*(?:virtual|online|hybrid|in[ -]person)"
    r"(?:\s*(?:[+&]|\band\b)\s*(?:virtual|online|in[ -]person))*\s*$",
    re.IGNORECASE,
)
_LEADING_MODE_GROUP = re.compile(
    r"^(?:virtual|online|hybrid|in[ -]person)\b[^(]*\((?P<modes>[^)]*)\)\s*(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_LEADING_MODE = re.compile(
    r"^\s*(?:virtual|online|hybrid|in[ -]person)\s*(?:[+&:\-]|\band\b)\s*", re.IGNORECASE
)


def has_link(text: str) -> bool:
    """A Markdown link or bare URL in the field: a group or page, not a place."""
    return bool(_LINK.search(text))


def strip_attendance(text: str) -> str:
    """``Virtual (Berlin, DE)`` / ``Munich, DE + Virtual`` -> the place inside.

    The parser already does this; the geocoder repeats it so that a text typed by a
    curator (or an older parser) still resolves.
    """
    text = clean(text)
    for _ in range(3):
        before = text
        match = _LEADING_MODE_GROUP.match(text)
        if match and is_not_a_place(match.group("modes")):
            text = match.group("rest").strip()  # Hybrid (Virtual + In-person) Munich, DE
        match = _WRAPPER.match(text)
        if match:
            text = match.group("inner").strip()
        text = _TRAILING_MODE.sub("", text)
        text = _LEADING_MODE.sub("", text).strip()
        if text.startswith("(") and text.endswith(")"):
            text = text[1:-1].strip()
        if text == before:
            break
    return text


def split_aliases(city: str) -> list[str]:
    """``Praha / Prague`` -> [``Praha / Prague``, ``Praha``, ``Prague``]; whole first,
    because GeoNames itself names some cities with a slash (``Biel/Bienne``)."""
    city = clean(city)
    out = [city]
    if "/" in city:
        out.extend(p.strip() for p in city.split("/") if p.strip())
    return out


_QUALIFIER = re.compile(r"^(?P<base>[^()]+?)\s*\((?P<qualifier>[^()]+)\)$")


def split_qualifier(city: str) -> tuple[str, str]:
    """``Frankfurt (Main)`` -> (``Frankfurt``, ``Main``): one town, told apart from
    another of its name by the word in brackets; ("", "") without brackets."""
    match = _QUALIFIER.match(clean(city))
    if match is None:
        return "", ""
    return match.group("base"), match.group("qualifier").strip()
