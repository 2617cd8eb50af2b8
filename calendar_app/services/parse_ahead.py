"""Parse newsletters in a second process while this one writes the ones before them.

Parsing is pure CPU, about a third of a large ingest (an archive import); on a machine with
a second core it runs alongside the database work instead of before it. With the offline
geocoder the worker also resolves the place texts it has not seen yet, and hands its answers
to this process's geocoder: loading the gazetteer and looking places up leave the writing
process too. A handful of files is parsed inline: starting a process costs more than it saves.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from calendar_app.geocoding import OfflineGeocoder
from calendar_app.services.geocode import default_geocoder
from calendar_app.services.parse_worker import Answers, parse_in_worker, watch_parent
from calendar_app.twir import parse_newsletter
from calendar_app.twir.records import ParsedNewsletter

logger = logging.getLogger(__name__)
MIN_FILES = 32  # below this the worker's start-up (~0.2 s) outweighs what it saves


def usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def start_method() -> str:
    """How the worker starts: forked when this process has one thread (a command), so that
    it begins with what is loaded here (0.15 s sooner than a new interpreter importing it
    all); a new interpreter ("spawn") otherwise, where forking could copy a lock another
    thread holds. The fork never touches the database connection it inherits: it runs no
    Django code, and it ends with `os._exit`, which closes nothing the parent still uses."""
    if sys.platform == "linux" and threading.active_count() == 1:
        return "fork"
    return "spawn"


class ParseAhead:
    """`parse(text)` returns the newsletter parsed, by the worker when it has it queued."""

    def __init__(self, texts: list[str]) -> None:
        self.futures: dict[str, Future[tuple[ParsedNewsletter, Answers]]] = {}
        self.pool: ProcessPoolExecutor | None = None
        geocoder = default_geocoder()
        # Only the offline geocoder answers the same in another process (Nominatim has a
        # rate limit per process, and a memo of its own).
        self.geocoder = geocoder if isinstance(geocoder, OfflineGeocoder) else None
        if len(texts) >= MIN_FILES and usable_cores() > 1:
            self.pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context(start_method()),
                initializer=watch_parent,  # no orphan when this process is killed
                initargs=(os.getpid(),),
            )
            for text in texts:
                if text not in self.futures:
                    self.futures[text] = self.pool.submit(
                        parse_in_worker, text, geocode=self.geocoder is not None
                    )

    @property
    def working(self) -> bool:
        """Is a worker parsing (and starting up, for its first ~0.2 s)?"""
        return self.pool is not None

    def parse(self, text: str) -> ParsedNewsletter:
        future = self.futures.pop(text, None)
        if future is not None:
            try:
                parsed, answers = future.result()  # a parser exception is raised here
            except BrokenProcessPool:
                logger.warning("the parsing worker stopped; parsing in this process")
                self.futures.clear()  # they all share its fate
            else:
                if answers and self.geocoder is not None:
                    self.geocoder.remember(answers)
                return parsed
        return parse_newsletter(text)

    def __enter__(self) -> ParseAhead:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
