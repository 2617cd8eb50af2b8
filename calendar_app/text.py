"""Control characters out of untrusted text: the one rule for readers, forms and feeds.

Pure Python (no Django). Newsletters, calendar feeds and forms can carry a NUL, DEL, form
feed, NEL, a bare CR, a Unicode line separator or a bidirectional override; none of them
means anything in an event's title, place or link, and each breaks or disguises something
downstream (iCalendar, Atom XML, PostgreSQL text, what a reader sees). Callers keep only
the whitespace their format needs: the readers tab and line feed (a calendar reader its
CRs too), the one-line feed and form fields none.
"""

from __future__ import annotations

import re
from functools import lru_cache

# C0 and C1 controls and DEL, the line and paragraph separators (some clients break lines
# at them), and the bidirectional embeddings, overrides and isolates.
CONTROLS = "\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_BREAKS = re.compile("[\r\n\t\u2028\u2029]")
_SPACES = re.compile(r"[ \t]+")


@lru_cache(maxsize=8)
def _controls(keep: str) -> re.Pattern[str]:
    kept = "".join(re.escape(char) for char in keep)
    return re.compile(f"(?![{kept}])[{CONTROLS}]" if kept else f"[{CONTROLS}]")


def strip_controls(text: str, *, keep: str = "\t\n") -> str:
    """`text` without control characters, except those in `keep` (tab and line feed)."""
    return _controls(keep).sub("", text)


def one_line(text: str) -> str:
    """`text` as one line: tabs and line breaks become spaces, other controls go, runs of
    spaces become one (the ends are left as they are)."""
    return _SPACES.sub(" ", strip_controls(_BREAKS.sub(" ", text), keep=""))
