"""What the parsing worker of ParseAhead runs: pure Python, no Django code (a forked worker
has Django loaded, and the database connection of its parent, and uses neither).

It parses a newsletter and, asked to, resolves the place texts it has not resolved before
with its own offline geocoder, returning those answers for the writing process's memo.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import time
from functools import cache

from calendar_app.geocoding import GeoResult, OfflineGeocoder, normalise_location
from calendar_app.twir import parse_newsletter
from calendar_app.twir.records import ParsedNewsletter

logger = logging.getLogger(__name__)
Answers = dict[str, GeoResult]  # normalised place text -> what the geocoder made of it
_sent: set[str] = set()  # place texts whose answers this worker has handed over


PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_CHECK_SECONDS = 0.5


def watch_parent(parent: int) -> None:
    """Exit when the process that started this worker dies, even by kill -9.

    On Linux the kernel sends SIGKILL (prctl PR_SET_PDEATHSIG); elsewhere, and should that
    fail, a thread notices the parent pid change. The worker's initializer.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # no prctl here: the thread below does it
            logger.debug("prctl unavailable; watching the parent pid instead")
    if os.getppid() != parent:  # it died before we asked to be told
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


@cache
def _geocoder() -> OfflineGeocoder:
    return OfflineGeocoder()


def parse_in_worker(text: str, *, geocode: bool) -> tuple[ParsedNewsletter, Answers]:
    """Parse; with `geocode`, also resolve the places not resolved before in this process."""
    parsed = parse_newsletter(text)
    if not geocode:
        return parsed, {}
    geocoder = _geocoder()
    keys = set()
    for entry in parsed.entries:
        for place in entry.places:
            written = place.text.strip()[:500]  # what ingest stores and geocodes
            key = normalise_location(written)
            if not key or key in _sent or key in keys:
                continue
            try:
                geocoder.geocode(written)
            except Exception:  # the writing process tries again and reports it
                logger.exception("geocoding %r in the parsing worker failed", written)
                continue
            keys.add(key)
    answers = {key: result for key, result in geocoder.answers().items() if key in keys}
    _sent.update(answers)
    return parsed, answers
