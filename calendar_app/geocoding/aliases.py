"""The names a big city goes by, from the gazetteer: Munich / München / Muenchen,
Prague / Praha / Prag, Cologne / Köln. Search tags texts and typed words with them.

Writers fold every title they store, so the lookup must be cheap where the full gazetteer
is not loaded (ingest geocodes in its parsing worker): the big cities' names are kept as a
small index of their own (60,000 names, 1 MB, read in 50 ms), built once from the gazetteer
and cached beside it.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path

from calendar_app.geocoding.gazetteer import Gazetteer, default_cache_path, get_offline_gazetteer
from calendar_app.geocoding.text import fold

# Only cities this big count: every word of every searched text is looked up, and a hamlet
# called "Rust" or "Meetup" must not tie a title to a city.
ALIAS_MIN_POPULATION = 100_000
MIN_ALIAS_LENGTH = 4  # shorter alternate names are codes or noise ("ae" for Prague)
INDEX_FORMAT = 1

BigCityNames = dict[str, tuple[str, ...]]


def city_keys(folded: str) -> tuple[str, ...]:
    """Main names (folded) of the big cities called `folded`, by their name, or by another
    name at least MIN_ALIAS_LENGTH long: `munchen`, `monaco di baviera` -> (`munich`,)."""
    return big_city_names().get(folded, ())


def build_big_city_names(g: Gazetteer) -> BigCityNames:
    """Folded name or alternate name -> main names of the big cities so called, biggest
    first."""
    big = {slot for slot, people in enumerate(g.populations) if people >= ALIAS_MIN_POPULATION}
    slots: dict[str, list[int]] = {}
    for index, shortest in ((g.by_name, 0), (g.by_alternate, MIN_ALIAS_LENGTH)):
        for key, found in index.items():
            if len(key) < shortest:
                continue
            for slot in found:
                if slot in big:
                    slots.setdefault(key, []).append(slot)
    names = {slot: fold(g.names[slot]) for slot in big}
    return {
        key: tuple(dict.fromkeys(names[s] for s in sorted(found, key=lambda s: -g.populations[s])))
        for key, found in slots.items()
    }


def index_path() -> Path:
    """Beside the gazetteer's cache, named after it (its versions) and this index's rules."""
    gazetteer = default_cache_path()
    name = f"{gazetteer.stem}-big{ALIAS_MIN_POPULATION}-v{INDEX_FORMAT}.pickle"
    return gazetteer.with_name(name)


@lru_cache(maxsize=1)
def big_city_names() -> BigCityNames:
    """The index, from its cache file, else built from the gazetteer (and kept)."""
    path = index_path()
    try:
        with open(path, "rb") as fh:
            index = pickle.load(fh)
        if isinstance(index, dict):
            return index
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    index = build_big_city_names(get_offline_gazetteer())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(tmp, 0o644)  # public data, shared by every checkout on the machine
        os.replace(tmp, path)  # atomically: a parallel process never reads half a file
    except OSError:
        pass  # a read-only home still searches, it just builds the index again next time
    return index
