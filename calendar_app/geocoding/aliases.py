"""The names a big city goes by, from the gazetteer: Munich / München / Muenchen,
Prague / Praha / Prag, Cologne / Köln. Search tags texts and typed words with them.
"""

from __future__ import annotations

from functools import lru_cache

from calendar_app.geocoding.gazetteer import get_offline_gazetteer
from calendar_app.geocoding.text import fold

# Only cities this big count: every word of every searched text is looked up, and a hamlet
# called "Rust" or "Meetup" must not tie a title to a city.
ALIAS_MIN_POPULATION = 100_000
MIN_ALIAS_LENGTH = 4  # shorter alternate names are codes or noise ("ae" for Prague)


@lru_cache(maxsize=65536)  # every run of words of every stored text is looked up
def city_keys(folded: str) -> tuple[str, ...]:
    """Main names (folded) of the big cities called `folded`, by their name, or by another
    name at least MIN_ALIAS_LENGTH long: `munchen`, `monaco di baviera` -> (`munich`,)."""
    g = get_offline_gazetteer()
    slots = set(g.lookup_names(folded))
    if len(folded) >= MIN_ALIAS_LENGTH:
        slots.update(g.lookup_alternates(folded))
    big = sorted(
        (slot for slot in slots if g.populations[slot] >= ALIAS_MIN_POPULATION),
        key=lambda slot: -g.populations[slot],
    )
    return tuple(dict.fromkeys(fold(g.names[slot]) for slot in big))
