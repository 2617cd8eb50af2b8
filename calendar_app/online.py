"""How one attends an event, and the words that say it is online: one vocabulary.

Pure Python (no Django): the newsletter reader (twir/) finds them anywhere in a location
field (`Virtual (Berlin, DE)`, `Munich, DE + Livestream`), the calendar reader
(calendars/) at the start of a LOCATION (`Online event`, `Remote`); a location that says
one is not a place to geocode.
"""

from __future__ import annotations

import re

# The attendance values (the readers write them, matching combines them, Meetup stores
# them as `rules.Attendance`).
IN_PERSON = "in_person"
VIRTUAL = "virtual"
HYBRID = "hybrid"

# virtual, virtually, online, remote, livestream, live stream, live-streamed
ONLINE_WORDS = r"virtual(?:ly)?|online|remote|live[\s-]*stream(?:ed)?"

# One of the words anywhere, as a whole word.
ONLINE_WORD = re.compile(rf"\b(?:{ONLINE_WORDS})\b", re.IGNORECASE)

# A location that is only that: the word first, perhaps "event", "meeting" or "meetup".
_ONLINE_ONLY = re.compile(rf"^(?:{ONLINE_WORDS})(?:\s+(?:event|meeting|meetup))?\b", re.IGNORECASE)


def says_online(text: str) -> bool:
    """Does `text` name online attendance anywhere (`Berlin, DE + Virtual`)?"""
    return bool(ONLINE_WORD.search(text))


def is_online_only(location: str) -> bool:
    """Is `location` online attendance rather than a place (`Online event`, `Remote`)?"""
    return bool(_ONLINE_ONLY.match(location.strip()))
