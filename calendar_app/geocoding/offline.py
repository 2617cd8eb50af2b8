"""The default geocoder: resolves a place text against the offline gazetteer.

Rules (see the issue): fold accents and case; names before alternate names; ``/``
separates aliases; country spellings normalised; a bare US state code means the US;
the subdivision breaks ties between cities but never filters the right one out (a
wrong one is reported); typos resolve by fuzzy match within the country, flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from calendar_app.geocoding import countries as c
from calendar_app.geocoding.base import (
    ADMIN1_MISMATCH,
    CORRECTED,
    COUNTRY_CORRECTED,
    FUZZY,
    GEOCODE_FAILED,
    GEOCODE_FUZZY,
    NOT_A_PLACE,
    NOT_FOUND,
    RESOLVED,
    GeoResult,
    MemoGeocoder,
)
from calendar_app.geocoding.gazetteer import Gazetteer, get_offline_gazetteer
from calendar_app.geocoding.text import (
    clean,
    fold,
    has_link,
    name_variants,
    split_aliases,
    split_qualifier,
    strip_attendance,
)

_LOOKS_LIKE_A_NAME = re.compile(r"^[^\[\]()<>:@]+$")

FUZZY_CUTOFF = 85.0  # rapidfuzz ratio: Aukland/Auckland 93, Darmstadr/Darmstadt 89
# An alternate-name match beats a name match only when that much bigger (a hamlet
# called like a metropolis must not win, "Praha" the village vs Prague).
ALT_OVERRIDE_FACTOR = 20
ALT_OVERRIDE_MIN_POPULATION = 100_000
COUNTRY_CORRECTION_MIN_POPULATION = 100_000
# A fuzzy match below FUZZY_SURE is trusted only for a town of some size: "Moravia"
# (a region) is 86% like the village Morávka, while typos are of places meetups are in.
FUZZY_SURE = 90.0
FUZZY_MIN_POPULATION = 10_000
# A country whose towns are (nearly) all in one zone has that zone.
COUNTRY_ZONE_SHARE = 0.99

# How good a reading is; the best reading of a text wins, population breaks ties.
RANK_EXACT_ADMIN1 = 6
RANK_EXACT = 5
RANK_SUBDIVISION = 4
RANK_EXACT_MISMATCH = 3
RANK_FUZZY = 2
RANK_OTHER_COUNTRY = 1

_CODE_TOKEN = re.compile(r"^[A-Za-z]{2,3}$")
_CITY_WORD = re.compile(r"^(?:(?P<before>.+?)\s+city|city\s+of\s+(?P<after>.+))$", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """One way to read a place text: city aliases, subdivision and country tokens."""

    city: str
    subdivision: str = ""
    country: str = ""  # ISO alpha-2, "" = anywhere
    country_given: bool = False  # False when inferred (``Portland, OR`` -> US)


@dataclass
class Match:
    rank: int
    slot: int
    reading: Reading
    note: str = ""
    city_blank: bool = False  # the text names a subdivision, not a city


def readings(text: str) -> list[Reading]:
    """All plausible readings of ``City[, SUB][, CC]``, tolerant of missing commas."""
    parts = _parts(text)
    if not parts:
        return []
    if len(parts) == 1:
        return _single_part_readings(parts[0])
    found = _readings_of(parts)
    town, _, country = parts[0].rpartition("-")
    if town.strip() and c.normalise_country(country.strip()):  # `Lima-Perú, PE`
        found.extend(r for r in _readings_of([town.strip(), *parts[1:]]) if r not in found)
    return found


def _readings_of(parts: list[str]) -> list[Reading]:
    """Readings of two parts or more."""
    if len(parts) >= 3:
        cc = c.normalise_country(parts[-1])
        if cc:
            written = Reading(", ".join(parts[:-2]), parts[-2], cc, True)
            if len(parts) == 3 and not _CODE_TOKEN.match(parts[1]):
                # `Karnataka, Bengaluru, IN`: the region first (a code is no town)
                return [written, Reading(parts[1], parts[0], cc, True)]
            return [written]
        # Not a country last: "Springfield, Sangamon, IL"? read the tail as SUB.
    return _tail_readings(", ".join(parts[:-1]), parts[-1])


def _without_city_word(city: str) -> str:
    """`Bristol City` -> `Bristol`, `City of Bristol` -> `Bristol`; "" when no such word."""
    match = _CITY_WORD.match(city.strip())
    return (match["before"] or match["after"] or "").strip() if match else ""


def _parts(text: str) -> list[str]:
    """The comma-separated parts; "Minneapolis, MN US" / "Phillip ACT" have trailing
    code tokens without commas."""
    parts = [p.strip() for p in clean(text).split(",") if p.strip()]
    if len(parts) >= 2 and " " in parts[-1]:
        tokens = parts[-1].split()
        if all(_CODE_TOKEN.match(t) for t in tokens) and len(tokens) <= 2:
            parts = parts[:-1] + tokens
    return parts


def _single_part_readings(part: str) -> list[Reading]:
    """``Phillip ACT`` / ``Minneapolis MN US``: the codes may be peeled off the end."""
    out = [Reading(part)]
    town, _, country = part.rpartition("-")
    if town.strip() and c.normalise_country(country.strip()):  # `Lima-Perú`
        out.extend(readings(f"{town}, {country}"))
    tokens = part.split()
    if len(tokens) >= 2 and _CODE_TOKEN.match(tokens[-1]):
        if len(tokens) >= 3 and _CODE_TOKEN.match(tokens[-2]):
            out.extend(readings(", ".join([" ".join(tokens[:-2]), *tokens[-2:]])))
        out.extend(readings(", ".join([" ".join(tokens[:-1]), tokens[-1]])))
    return out


def _tail_readings(city: str, last: str) -> list[Reading]:
    """``City, X`` where X is a country, a US state, or another country's subdivision."""
    out: list[Reading] = []
    cc = c.normalise_country(last)
    if cc:
        out.append(Reading(city, c.COUNTRY_NAME_SUBDIVISION.get(fold(last).upper(), ""), cc, True))
    state = c.us_state(last)
    if state:
        out.append(Reading(city, state, "US", False))
    if not out:  # "Cardiff, WLS", "Perth, WA": a subdivision code alone
        out.extend(
            Reading(city, last, other, False) for other in c.countries_with_subdivision(last)
        )
    return out or [Reading(city)]


class OfflineGeocoder(MemoGeocoder):
    """Gazetteer-backed geocoder with an in-process memo (one lookup per text)."""

    name = "offline"

    def __init__(self, cache_path: Path | None = None, gazetteer: Gazetteer | None = None):
        super().__init__()
        self._cache_path = cache_path
        self._gazetteer = gazetteer
        self._zones: dict[str, str] = {}  # country -> its one time zone, or ""

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = get_offline_gazetteer(self._cache_path)
        return self._gazetteer

    # --- resolution -----------------------------------------------------------

    def _resolve(self, text: str) -> GeoResult:
        written = clean(text)
        if has_link(written):
            return self._fail(f"{written!r} is a link, not a place")
        inner = strip_attendance(written)
        if c.names_no_place(inner):
            return GeoResult(status=NOT_A_PLACE, geocoder=self.name)
        cc = c.country_named(inner)
        if cc and not self._city_state(inner.split(",")[0].strip(), cc):  # `Singapore, SG`
            return self._country_result(cc, inner)
        options = readings(inner)
        # Exact readings first; the slower guesses only when no reading matches.
        best = self._best(self._match(r) for r in options) or self._guess(options)
        if best is not None:
            return self._result(best, written)
        given = next((r for r in options if r.country_given), None)
        if given is not None and _LOOKS_LIKE_A_NAME.match(given.city):
            return self._country_result(
                given.country,
                inner,
                problem=f"{written!r}: no town of that name in {given.country}; "
                "placed in the country",
            )
        return self._fail(f"{written!r} not found in the gazetteer")

    def _guess(self, options: list[Reading]) -> Match | None:
        """Region, typo or wrong country, for texts with no exact match.

        A country written as such (``X, AR``: Argentina) is searched before one only
        inferred from a subdivision code (``X, AR``: Arkansas), so that a guess never
        leaves the country the text gives when that country has one.
        """
        given = [r for r in options if r.country_given]
        inferred = [r for r in options if not r.country_given]
        return self._best(self._fallback(r) for r in given) or self._best(
            self._fallback(r) for r in inferred
        )

    def _city_state(self, text: str, cc: str) -> bool:
        """``Singapore``, ``Luxembourg``: the country's largest city bears its name."""
        g = self.gazetteer
        slots = [s for s in g.lookup_names(fold(text)) if g.countries[s] == cc]
        return bool(slots) and self._largest(g.in_country(cc)) in slots

    def _country_result(self, cc: str, text: str, problem: str = "") -> GeoResult:
        """A place that is a whole country: no city, no point (the country's capital
        would put it on the map where it is not), the zone when the country has one."""
        name = text.split(",")[0].strip()
        result = GeoResult(
            status=FUZZY if problem else RESOLVED,
            admin1="" if problem else c.COUNTRY_NAME_SUBDIVISION.get(fold(name).upper(), ""),
            country=cc,
            timezone=self._country_zone(cc),
            geocoder=self.name,
            raw={"source": "pycountry", "country": cc},
        )
        if problem:
            result.problems.append((GEOCODE_FUZZY, problem))
        return result

    def _country_zone(self, cc: str) -> str:
        """The zone of (nearly) all the country's towns, weighted by population; ""
        for countries across zones (US, Argentina, Malaysia)."""
        zone = self._zones.get(cc)
        if zone is None:
            g = self.gazetteer
            weights: dict[str, int] = {}
            for slot in g.in_country(cc):
                weights[g.timezones[slot]] = weights.get(g.timezones[slot], 0) + g.populations[slot]
            total = sum(weights.values())
            top = max(weights, key=weights.__getitem__, default="")
            zone = top if total and weights[top] >= COUNTRY_ZONE_SHARE * total else ""
            self._zones[cc] = zone
        return zone

    def _best(self, matches: Iterable[Match | None]) -> Match | None:
        best: Match | None = None
        for match in matches:
            if match is not None and (best is None or self._better(match, best)):
                best = match
        return best

    def _better(self, a: Match, b: Match) -> bool:
        if a.rank != b.rank:
            return a.rank > b.rank
        pops = self.gazetteer.populations
        return pops[a.slot] > pops[b.slot]

    def _fail(self, message: str) -> GeoResult:
        return GeoResult(status=NOT_FOUND, geocoder=self.name, problems=[(GEOCODE_FAILED, message)])

    def _candidates(self, aliases: list[str], cc: str) -> tuple[list[int], list[int]]:
        """Slots whose name / alternate name is one of the aliases (in the country)."""
        g = self.gazetteer
        by_name: list[int] = []
        by_alt: list[int] = []
        for alias in aliases:
            for key in name_variants(fold(alias)):
                by_name.extend(s for s in g.lookup_names(key) if not cc or g.countries[s] == cc)
                by_alt.extend(s for s in g.lookup_alternates(key) if not cc or g.countries[s] == cc)
        seen = set(by_name)
        return _unique(by_name), _unique(s for s in by_alt if s not in seen)

    def _qualified_candidates(self, city: str, cc: str) -> tuple[list[int], list[int]]:
        """``Frankfurt (Main)``: the towns called Frankfurt, those with Main in their
        name first (Frankfurt am Main, not Frankfurt (Oder))."""
        base, qualifier = split_qualifier(city)
        if not base:
            return [], []
        by_name, by_alt = self._candidates(split_aliases(base), cc)
        word = f" {fold(qualifier)} "
        names = self.gazetteer.names
        named = [s for s in by_name if word in f" {fold(names[s])} "]
        alt = [s for s in by_alt if word in f" {fold(names[s])} "]
        if named or alt:
            return named, alt
        return by_name, by_alt

    def _largest(self, slots: list[int]) -> int:
        pops = self.gazetteer.populations
        return max(slots, key=lambda s: (pops[s], -s))

    def _pick(self, by_name: list[int], by_alt: list[int]) -> int | None:
        """Names before alternate names, unless the alternate is a far bigger city."""
        if not by_name and not by_alt:
            return None
        if not by_alt:
            return self._largest(by_name)
        if not by_name:
            return self._largest(by_alt)
        name_best, alt_best = self._largest(by_name), self._largest(by_alt)
        pops = self.gazetteer.populations
        if pops[alt_best] >= ALT_OVERRIDE_MIN_POPULATION and pops[
            alt_best
        ] >= ALT_OVERRIDE_FACTOR * max(pops[name_best], 1):
            return alt_best
        return name_best

    def _reading_candidates(self, reading: Reading) -> tuple[list[int], list[int]]:
        """Slots named as the reading's city (names, alternate names)."""
        cc = reading.country
        by_name, by_alt = self._candidates(split_aliases(reading.city), cc)
        if not by_name and not by_alt:
            by_name, by_alt = self._qualified_candidates(reading.city, cc)
        if not by_name and (base := _without_city_word(reading.city)):
            # `Bristol City, GB` (Meetup's name of the town): the town called Bristol,
            # which outweighs a small town whose other name is `Bristol City` (Virginia)
            named, alternate = self._candidates(split_aliases(base), cc)
            by_alt = _unique([*by_alt, *named, *alternate])
        return by_name, by_alt

    def _match(self, reading: Reading) -> Match | None:
        g = self.gazetteer
        cc = reading.country
        by_name, by_alt = self._reading_candidates(reading)
        admin1 = ""
        if reading.subdivision and cc:
            admin1 = c.geonames_admin1(cc, reading.subdivision, g.admin1_codes.get(cc, frozenset()))
        if reading.subdivision and not reading.country_given and not admin1:
            return None  # the country was guessed from a code that means nothing there
        slot = self._pick(by_name, by_alt)
        if slot is None:
            return None
        if admin1:
            same = self._pick(
                [s for s in by_name if g.admin1[s] == admin1],
                [s for s in by_alt if g.admin1[s] == admin1],
            )
            if same is not None:
                return Match(RANK_EXACT_ADMIN1, same, reading)
            if not g.admin1[slot]:  # `Singapore, Singapore, SG`: a city-state has none
                return Match(RANK_EXACT, slot, reading)
            return Match(RANK_EXACT_MISMATCH, slot, reading, "mismatch")
        if not by_name and cc:
            # "Selangor, MY": a state whose name is only an alternate name of a
            # small town in it (Kuala Selangor); the state is what was meant,
            # unless that town is the state's main city (Ciudad de México).
            region = self._subdivision_as_city(reading)
            if region is not None and region.slot != slot:
                return region
        return Match(RANK_EXACT, slot, reading)

    def _fallback(self, reading: Reading) -> Match | None:
        """Guesses for a reading with no exact match: region, typo, other country."""
        if not reading.country:
            return None
        return (
            self._subdivision_as_city(reading)
            or self._fuzzy(reading)
            or (self._other_country(reading) if reading.country_given else None)
        )

    def _subdivision_as_city(self, reading: Reading) -> Match | None:
        """``Selangor, MY``: a state, not a city; place it at its largest city."""
        g = self.gazetteer
        cc = reading.country
        admin1 = c.geonames_admin1(cc, reading.city, g.admin1_codes.get(cc, frozenset()))
        if not admin1 or len(fold(reading.city)) < 4:
            return None
        slots = [s for s in g.in_country(cc) if g.admin1[s] == admin1]
        if not slots:
            return None
        return Match(RANK_SUBDIVISION, self._largest(slots), reading, "subdivision", True)

    def _fuzzy(self, reading: Reading) -> Match | None:
        """Typos (``Aukland``): closest name or alternate name within the country.

        When the country was only inferred (``X, DE`` read as Delaware), the search
        stays within that subdivision and its towns' main names: a typo must not
        carry a place abroad.
        """
        if not _LOOKS_LIKE_A_NAME.match(reading.city):
            return None  # a link or markup in the field is no typo of a city
        g = self.gazetteer
        cc = reading.country
        within = ""
        if not reading.country_given:
            within = c.geonames_admin1(cc, reading.subdivision, g.admin1_codes.get(cc, frozenset()))
            if not within:
                return None
        # Main names first (built per country in milliseconds); the index of every
        # alternate name (about a second to build) only when no main name is close.
        names = g.name_choices(cc)
        best = self._closest(reading, names, list(names), within)
        if best is None and reading.country_given:
            # Alternate names hold old names too (North Little Rock was "Argentina"):
            # only for a country the text gives, not for one guessed from a code.
            best = self._closest(reading, g.fuzzy_choices(cc), g.fuzzy_keys(cc), within)
        if best is None:
            return None
        return Match(RANK_FUZZY, best[2], reading, f"fuzzy:{best[0]:.0f}")

    def _closest(
        self, reading: Reading, choices: dict[str, list[int]], keys: list[str], within: str
    ) -> tuple[float, int, int] | None:
        """(score, population, slot) of the best fuzzy match among `keys`, if any."""
        g = self.gazetteer
        best: tuple[float, int, int] | None = None
        for alias in split_aliases(reading.city):
            query = fold(alias)
            if len(query) < 4:
                continue
            for key, score, _ in process.extract(
                query, keys, scorer=fuzz.ratio, processor=None, score_cutoff=FUZZY_CUTOFF, limit=10
            ):
                slots = [s for s in choices[key] if not within or g.admin1[s] == within]
                if not slots:
                    continue
                slot = self._largest(slots)
                if score < FUZZY_SURE and g.populations[slot] < FUZZY_MIN_POPULATION:
                    continue
                cand = (score, g.populations[slot], slot)
                if best is None or cand[:2] > best[:2]:
                    best = cand
        return best

    def _other_country(self, reading: Reading) -> Match | None:
        """A well-known city under the wrong country code (``Copenhagen, SE``)."""
        by_name, by_alt = self._candidates(split_aliases(reading.city), "")
        pops = self.gazetteer.populations
        big = [s for s in by_name if pops[s] >= COUNTRY_CORRECTION_MIN_POPULATION]
        big_alt = [s for s in by_alt if pops[s] >= COUNTRY_CORRECTION_MIN_POPULATION]
        slot = self._pick(big, big_alt)
        if slot is None:
            return None
        return Match(RANK_OTHER_COUNTRY, slot, reading, "country")

    def _result(self, match: Match, written: str) -> GeoResult:
        g = self.gazetteer
        s = match.slot
        cc = g.countries[s]
        admin1 = c.iso_admin1(cc, g.admin1[s])
        city = "" if match.city_blank else g.names[s]
        result = GeoResult(
            status=RESOLVED,
            city=city,
            admin1=admin1,
            country=cc,
            latitude=g.latitudes[s],
            longitude=g.longitudes[s],
            timezone=g.timezones[s],
            geocoder=self.name,
            raw={
                "source": "geonames",
                "slot": s,
                "name": g.names[s],
                "population": g.populations[s],
                "admin1_geonames": g.admin1[s],
                "reading": [match.reading.city, match.reading.subdivision, match.reading.country],
            },
        )
        r = match.reading
        where = ", ".join(p for p in (g.names[s], admin1, cc) if p)
        if match.note == "mismatch":
            result.status = CORRECTED
            result.problems.append(
                (
                    ADMIN1_MISMATCH,
                    f"{written!r}: {g.names[s]} is in "
                    f"{admin1 or '?'}, not {r.subdivision} ({where})",
                )
            )
        elif match.note == "subdivision":
            result.status = FUZZY
            result.problems.append(
                (
                    GEOCODE_FUZZY,
                    f"{written!r} names a region, not a city; placed at its largest city ({where})",
                )
            )
        elif match.note.startswith("fuzzy:"):
            result.status = FUZZY
            score = match.note.partition(":")[2]
            result.problems.append(
                (GEOCODE_FUZZY, f"{written!r} read as {where} (similarity {score}%)")
            )
        elif match.note == "country":
            result.status = CORRECTED
            result.problems.append(
                (COUNTRY_CORRECTED, f"{written!r}: no such city in {r.country}; read as {where}")
            )
        return result


def _unique(slots: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(slots))
