"""Countries and subdivisions as editors write them, mapped to ISO and GeoNames codes.

Editors write ISO 3166-1 alpha-2 mostly, but also ``UK``, ``AUS``, ``No``, ``Israel``
or nothing (``Portland, OR``), and subdivisions as ISO 3166-2 suffixes (``BY``,
``NSW``, ``BC``). GeoNames (our gazetteer) keys subdivisions by its own admin1 codes,
which equal the ISO suffix only in some countries (US, CH, GB, BE); the tables below
bridge the others where editors actually write subdivisions.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

from calendar_app.geocoding.text import fold, is_not_a_place

# Spellings of countries that pycountry's lookup does not know.
COUNTRY_ALIASES = {
    "UK": "GB",
    "U K": "GB",
    "GREAT BRITAIN": "GB",
    "BRITAIN": "GB",
    "ENGLAND": "GB",
    "SCOTLAND": "GB",
    "WALES": "GB",
    "NORTHERN IRELAND": "GB",
    "USA": "US",
    "U S": "US",
    "U S A": "US",
    "UNITED STATES OF AMERICA": "US",
    "AMERICA": "US",
    "EL": "GR",
    "CZECH REPUBLIC": "CZ",
    "HOLLAND": "NL",
    "THE NETHERLANDS": "NL",
    "SOUTH KOREA": "KR",
    "KOREA": "KR",
    "RUSSIA": "RU",
    "TURKEY": "TR",
    "IRAN": "IR",
    "VIETNAM": "VN",
    "TAIWAN": "TW",
    "BOLIVIA": "BO",
    "VENEZUELA": "VE",
    "TANZANIA": "TZ",
    "MOLDOVA": "MD",
    "SYRIA": "SY",
    "LAOS": "LA",
    "BRASIL": "BR",
    "DEUTSCHLAND": "DE",
    "ESPANA": "ES",
    "SCHWEIZ": "CH",
    "SUISSE": "CH",
    "OSTERREICH": "AT",
    "MEXICO": "MX",
    "NIPPON": "JP",
    "IVORY COAST": "CI",
}

# The UK's constituent countries double as a subdivision.
COUNTRY_NAME_SUBDIVISION = {
    "ENGLAND": "ENG",
    "SCOTLAND": "SCT",
    "WALES": "WLS",
    "NORTHERN IRELAND": "NIR",
}

US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
}
_US_STATE_NAMES = {fold(name): code for code, name in US_STATES.items()}

# ISO 3166-2 suffix -> GeoNames admin1 code, for countries where they differ and
# editors write subdivisions. Checked against each region's largest city in the data
# (tests/geocoding/test_countries.py).
ISO_TO_GEONAMES: dict[str, dict[str, str]] = {
    "CA": {
        "AB": "01",
        "BC": "02",
        "MB": "03",
        "NB": "04",
        "NL": "05",
        "NS": "07",
        "ON": "08",
        "PE": "09",
        "QC": "10",
        "SK": "11",
        "YT": "12",
        "NT": "13",
        "NU": "14",
    },
    "AU": {
        "ACT": "01",
        "NSW": "02",
        "NT": "03",
        "QLD": "04",
        "SA": "05",
        "TAS": "06",
        "VIC": "07",
        "WA": "08",
    },
    "DE": {
        "BW": "01",
        "BY": "02",
        "HB": "03",
        "HH": "04",
        "HE": "05",
        "NI": "06",
        "NW": "07",
        "RP": "08",
        "SL": "09",
        "SH": "10",
        "BB": "11",
        "MV": "12",
        "SN": "13",
        "ST": "14",
        "TH": "15",
        "BE": "16",
    },
    "MX": {
        "AGU": "01",
        "BCN": "02",
        "BCS": "03",
        "CAM": "04",
        "CHP": "05",
        "CHH": "06",
        "COA": "07",
        "COL": "08",
        "CMX": "09",
        "DUR": "10",
        "GUA": "11",
        "GRO": "12",
        "HID": "13",
        "JAL": "14",
        "MEX": "15",
        "MIC": "16",
        "MOR": "17",
        "NAY": "18",
        "NLE": "19",
        "OAX": "20",
        "PUE": "21",
        "QUE": "22",
        "ROO": "23",
        "SLP": "24",
        "SIN": "25",
        "SON": "26",
        "TAB": "27",
        "TAM": "28",
        "TLA": "29",
        "VER": "30",
        "YUC": "31",
        "ZAC": "32",
    },
    "BR": {
        "AC": "01",
        "AL": "02",
        "AP": "03",
        "AM": "04",
        "BA": "05",
        "CE": "06",
        "DF": "07",
        "ES": "08",
        "MS": "11",
        "MA": "13",
        "MT": "14",
        "MG": "15",
        "PA": "16",
        "PB": "17",
        "PR": "18",
        "PI": "20",
        "RJ": "21",
        "RN": "22",
        "RS": "23",
        "RO": "24",
        "RR": "25",
        "SC": "26",
        "SP": "27",
        "SE": "28",
        "GO": "29",
        "PE": "30",
        "TO": "31",
    },
    "IN": {
        "AN": "01",
        "AP": "02",
        "AS": "03",
        "CH": "05",
        "DL": "07",
        "GJ": "09",
        "HR": "10",
        "HP": "11",
        "JK": "12",
        "KL": "13",
        "LD": "14",
        "MH": "16",
        "MN": "17",
        "ML": "18",
        "KA": "19",
        "NL": "20",
        "OD": "21",
        "PY": "22",
        "PB": "23",
        "RJ": "24",
        "TN": "25",
        "TR": "26",
        "WB": "28",
        "SK": "29",
        "AR": "30",
        "MZ": "31",
        "GA": "33",
        "BR": "34",
        "MP": "35",
        "UP": "36",
        "CG": "37",
        "JH": "38",
        "UK": "39",
        "TS": "40",
        "LA": "41",
        "DH": "52",
    },
    "MY": {
        "01": "01",
        "02": "02",
        "03": "03",
        "04": "04",
        "05": "05",
        "06": "06",
        "07": "09",
        "08": "07",
        "09": "08",
        "10": "12",
        "11": "13",
        "12": "16",
        "13": "11",
        "14": "14",
        "15": "15",
        "16": "17",
    },
}
_GEONAMES_TO_ISO = {cc: {g: i for i, g in table.items()} for cc, table in ISO_TO_GEONAMES.items()}

# Old or informal subdivision codes editors write -> current ISO suffix.
SUBDIVISION_ALIASES: dict[str, dict[str, str]] = {
    "MX": {"DF": "CMX", "DIF": "CMX", "CDMX": "CMX", "EDOMEX": "MEX"},
    "CA": {"PQ": "QC", "NF": "NL", "NFLD": "NL", "YK": "YT"},
    "GB": {"SCO": "SCT", "WAL": "WLS", "NI": "NIR", "EN": "ENG"},
    "IN": {"TG": "TS", "OR": "OD", "UT": "UK", "CT": "CG"},
    "AU": {"AC": "ACT"},
}


def _key(token: str) -> str:
    return fold(token).upper()


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Every spelling we accept -> alpha-2: ISO codes, ISO names (``Czechia``,
    ``Korea, Republic of``), common names, and the aliases above. Exact after folding:
    a fuzzy search would turn city names into countries (and costs 0.1 s a call)."""
    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("alpha_2", "alpha_3", "name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                table.setdefault(_key(value), country.alpha_2)
    table.update(COUNTRY_ALIASES)
    return table


@lru_cache(maxsize=4096)
def normalise_country(token: str) -> str:
    """``UK`` -> ``GB``, ``aus`` -> ``AU``, ``Israel`` -> ``IL``; "" if not a country."""
    key = _key(token)
    return _country_names().get(key, "") if key else ""


def us_state(token: str) -> str:
    """``OR`` / ``Oregon`` -> ``OR``; "" if not a US state."""
    key = _key(token)
    if key in US_STATES:
        return key
    return _US_STATE_NAMES.get(fold(token), "")


@lru_cache(maxsize=1)
def _iso_subdivisions() -> dict[str, dict[str, str]]:
    """country -> {ISO suffix: folded name} for top-level subdivisions."""
    out: dict[str, dict[str, str]] = {}
    for sub in pycountry.subdivisions:
        cc, _, suffix = sub.code.partition("-")
        out.setdefault(cc, {})[suffix] = fold(sub.name)
    return out


@lru_cache(maxsize=1)
def _countries_by_subdivision_code() -> dict[str, tuple[str, ...]]:
    """Alphabetic ISO suffix (``WLS``, ``NSW``) -> countries that have it."""
    out: dict[str, list[str]] = {}
    for cc, subs in _iso_subdivisions().items():
        for suffix in subs:
            if suffix.isalpha() and len(suffix) >= 2:
                out.setdefault(suffix, []).append(cc)
    for cc, aliases in SUBDIVISION_ALIASES.items():
        for alias in aliases:
            out.setdefault(alias, []).append(cc)
    return {code: tuple(ccs) for code, ccs in out.items()}


def countries_with_subdivision(token: str) -> tuple[str, ...]:
    """Countries in which ``token`` is a subdivision code (``WLS`` -> ("GB",))."""
    return _countries_by_subdivision_code().get(_key(token).replace(" ", ""), ())


def iso_subdivision(cc: str, token: str) -> str:
    """The ISO suffix an editor meant by ``token`` in country ``cc`` ("" if unknown).

    Accepts the suffix (``BY``), an alias (``DF`` -> ``CMX``) or the name (``Selangor``).
    """
    subs = _iso_subdivisions().get(cc, {})
    key = _key(token).replace(" ", "")
    key = SUBDIVISION_ALIASES.get(cc, {}).get(key, key)
    if key in subs:
        return key
    folded = fold(token)
    if not folded:
        return ""
    for suffix, name in subs.items():
        if name == folded or name.endswith(" " + folded) and len(folded) > 3:
            return suffix
    if cc == "US":
        return us_state(token)
    return ""


def geonames_admin1(cc: str, token: str, known_codes: frozenset[str] = frozenset()) -> str:
    """The GeoNames admin1 code for an editor's subdivision, or "" if unknown.

    ``known_codes`` are the admin1 codes GeoNames uses in ``cc`` (from the gazetteer):
    a token equal to one of them is taken as is (``WLS``, ``VA``, ``ZH``) when the
    country's codes are alphabetic.
    """
    iso = iso_subdivision(cc, token)
    table = ISO_TO_GEONAMES.get(cc)
    if iso and table is not None:
        return table.get(iso, "")
    if iso and iso in known_codes:
        return iso
    key = _key(token).replace(" ", "")
    if table is None and key.isalpha() and key in known_codes:
        return key
    return ""


def iso_admin1(cc: str, geonames_code: str) -> str:
    """GeoNames admin1 -> the code editors write: ISO suffix where we know it
    (``DE``/``02`` -> ``BY``), else the GeoNames code unchanged (``CZ``/``52``)."""
    table = _GEONAMES_TO_ISO.get(cc)
    if table is not None:
        return table.get(geonames_code, geonames_code)
    return geonames_code


def country_named(text: str) -> str:
    """The country a place text names and nothing else, or "".

    ``Italy``, ``IL``, ``ITA``, ``Switzerland, CH``, ``England`` (-> ``GB``): the
    country by name, alpha-2 or alpha-3, alone or followed by its own code. A name
    alone that is also a US state (``Georgia``) is ambiguous and names no country.
    """
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or len(parts) > 2:
        return ""
    found = {normalise_country(part) for part in parts}
    if len(found) != 1 or "" in found:
        return ""
    if len(parts) == 1 and len(parts[0]) > 3 and us_state(parts[0]):
        return ""
    return found.pop()


_AREA_SEPARATORS = re.compile(r"\s*(?:/|&|\+|;|\||\band\b|\bor\b)\s*", re.IGNORECASE)


def names_no_place(text: str) -> bool:
    """True for texts that name no one place: ``Global``, ``PDT Timezone``, and lists
    of areas such as ``EU/UK`` or ``US & Canada`` (a zone to suit, not a venue).

    A list that names one country twice (``UK / GB``) is that country, not a list;
    ``Trinidad and Tobago`` is one country.
    """
    if is_not_a_place(text):
        return True
    if country_named(text):
        return False
    parts = [p for p in _AREA_SEPARATORS.split(text.strip()) if p.strip()]
    if len(parts) < 2:
        return False
    areas = [p for p in parts if is_not_a_place(p)]
    countries = {normalise_country(p) for p in parts if p not in areas}
    return "" not in countries and (bool(areas) or len(countries) > 1)
