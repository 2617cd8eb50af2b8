"""The default geocoder: resolves a place text against the offline gazetteer.

Rules (see the issue): fold accents and case; names before alternate names; ``/``
separates aliases; country spellings normalised; a bare US state code means the US;
the subdivision breaks ties between cities but never filters the right one out (a
wrong one is reported); typos resolve by fuzzy match within the country, flagged.
"""

from __future__ import annotations

import re
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
    is_not_a_place,
    name_variants,
    split_aliases,
    strip_attendance,
)

_LOOKS_LIKE_A_NAME = re.compile(r"^[^\[\]()<>:@]+$")

FUZZY_CUTOFF = 85.0  # rapidfuzz ratio: Aukland/Auckland 93, Darmstadr/Darmstadt 89
# An alternate-name match beats a name match only when that much bigger (a hamlet
# called like a metropolis must not win, "Praha" the village vs Prague).
ALT_OVERRIDE_FACTOR = 20
ALT_OVERRIDE_MIN_POPULATION = 100_000
COUNTRY_CORRECTION_MIN_POPULATION = 100_000

# How good a reading is; the best reading of a text wins, population breaks ties.
RANK_EXACT_ADMIN1 = 6
RANK_EXACT = 5
RANK_SUBDIVISION = 4
RANK_EXACT_MISMATCH = 3
RANK_FUZZY = 2
RANK_OTHER_COUNTRY = 1

_CODE_TOKEN = re.compile(r"^[A-Za-z]{2,3}$")


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


def readings(text: str) -> list[Reading]:  # noqa: C901
    """All plausible readings of ``City[, SUB][, CC]``, tolerant of missing commas."""
    parts = [p.strip() for p in clean(text).split(",") if p.strip()]
    if not parts:
        return []
    # "Minneapolis, MN US" / "Phillip ACT": trailing code tokens without commas.
    if len(parts) >= 2 and " " in parts[-1]:
        tokens = parts[-1].split()
        if all(_CODE_TOKEN.match(t) for t in tokens) and len(tokens) <= 2:
            parts = parts[:-1] + tokens
    out: list[Reading] = []
    if len(parts) == 1:
        out.append(Reading(parts[0]))
        tokens = parts[0].split()
        if len(tokens) >= 2 and _CODE_TOKEN.match(tokens[-1]):
            peeled = [" ".join(tokens[:-1]), tokens[-1]]
            if len(tokens) >= 3 and _CODE_TOKEN.match(tokens[-2]):
                out.extend(readings(", ".join([" ".join(tokens[:-2]), *tokens[-2:]])))
            out.extend(readings(", ".join(peeled)))
        return out
    city = ", ".join(parts[:-2]) if len(parts) >= 3 else parts[0]
    if len(parts) >= 3:
        sub, last = parts[-2], parts[-1]
        cc = c.normalise_country(last)
        if cc:
            out.append(Reading(city, sub, cc, True))
            return out
        # Not a country last: "Springfield, Sangamon, IL"? read the tail as SUB.
        city = ", ".join(parts[:-1])
    last = parts[-1]
    key = fold(last).upper()
    cc = c.normalise_country(last)
    if cc:
        sub = c.COUNTRY_NAME_SUBDIVISION.get(key, "")
        out.append(Reading(city, sub, cc, True))
    state = c.us_state(last)
    if state:
        out.append(Reading(city, state, "US", False))
    if not out:  # "Cardiff, WLS", "Perth, WA": a subdivision code alone
        out.extend(
            Reading(city, last, other, False) for other in c.countries_with_subdivision(last)
        )
    if not out:
        out.append(Reading(city))
    return out


class OfflineGeocoder(MemoGeocoder):
    """Gazetteer-backed geocoder with an in-process memo (one lookup per text)."""

    name = "offline"

    def __init__(self, cache_path: Path | None = None, gazetteer: Gazetteer | None = None):
        super().__init__()
        self._cache_path = cache_path
        self._gazetteer = gazetteer

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
        if is_not_a_place(inner):
            return GeoResult(status=NOT_A_PLACE, geocoder=self.name)
        options = readings(inner)
        # Exact readings first; the slower guesses only when no reading matches.
        best = self._best(self._match(r) for r in options)
        if best is None:
            best = self._best(self._fallback(r) for r in options)
        if best is None:
            return self._fail(f"{written!r} not found in the gazetteer")
        return self._result(best, written)

    def _best(self, matches) -> Match | None:
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

    def _match(self, reading: Reading) -> Match | None:
        g = self.gazetteer
        aliases = split_aliases(reading.city)
        cc = reading.country
        by_name, by_alt = self._candidates(aliases, cc)
        admin1 = ""
        if reading.subdivision and cc:
            admin1 = c.geonames_admin1(cc, reading.subdivision, g.admin1_codes.get(cc, frozenset()))
        if reading.subdivision and not reading.country_given and not admin1:
            return None  # the country was guessed from a code that means nothing there
        if by_name or by_alt:
            if admin1:
                same = self._pick(
                    [s for s in by_name if g.admin1[s] == admin1],
                    [s for s in by_alt if g.admin1[s] == admin1],
                )
                if same is not None:
                    return Match(RANK_EXACT_ADMIN1, same, reading)
                return Match(RANK_EXACT_MISMATCH, self._pick(by_name, by_alt), reading, "mismatch")
            slot = self._pick(by_name, by_alt)
            if not by_name and cc:
                # "Selangor, MY": a state whose name is only an alternate name of a
                # small town in it (Kuala Selangor); the state is what was meant,
                # unless that town is the state's main city (Ciudad de México).
                region = self._subdivision_as_city(reading)
                if region is not None and region.slot != slot:
                    return region
            return Match(RANK_EXACT, slot, reading)
        return None

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
        stays within that subdivision: a typo must not carry a place abroad.
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
        if best is None:
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


def _unique(slots) -> list[int]:
    return list(dict.fromkeys(slots))
