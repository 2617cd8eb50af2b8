"""The names a big city goes by, from the gazetteer: Munich / München / Muenchen,
Prague / Praha / Prag, Cologne / Köln. Search expands a typed city into these.
"""

from __future__ import annotations

from functools import lru_cache

from calendar_app.geocoding.gazetteer import get_offline_gazetteer
from calendar_app.geocoding.text import fold

# Only cities this big are expanded: every word of a search is looked up, and a hamlet
# called "Rust" or "Meetup" must not turn a search into a list of its foreign names.
ALIAS_MIN_POPULATION = 100_000
MIN_ALIAS_LENGTH = 4  # shorter alternate names are codes or noise ("ae" for Prague)
MAX_ALIASES = 60


@lru_cache(maxsize=1)
def _alternates_of_big_cities() -> dict[int, tuple[str, ...]]:
    """Slot -> its folded alternate names, for the big cities only (built once, ~0.2 s)."""
    g = get_offline_gazetteer()
    names: dict[int, list[str]] = {}
    for key, slots in g.by_alternate.items():
        if len(key) < MIN_ALIAS_LENGTH:
            continue
        for slot in (slots,) if isinstance(slots, int) else slots:
            if g.populations[slot] >= ALIAS_MIN_POPULATION:
                names.setdefault(slot, []).append(key)
    return {slot: tuple(keys) for slot, keys in names.items()}


@lru_cache(maxsize=2048)
def city_aliases(folded: str) -> tuple[str, ...]:
    """Other folded names of the big city called `folded` ("" if it names none)."""
    g = get_offline_gazetteer()
    slots = {*g.lookup_names(folded), *g.lookup_alternates(folded)}
    big = [s for s in slots if g.populations[s] >= ALIAS_MIN_POPULATION]
    if not big:
        return ()
    alternates = _alternates_of_big_cities()
    found: dict[str, None] = {}
    for slot in sorted(big, key=lambda s: -g.populations[s]):
        found[fold(g.names[slot])] = None
        found.update(dict.fromkeys(alternates.get(slot, ())))
    found.pop(folded, None)
    return tuple(found)[:MAX_ALIASES]
