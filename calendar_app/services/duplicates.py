"""Duplicate candidates: pairs of meetups matching did not join but that look alike.

Matching joins entries only on firm evidence (a shared event link, organiser-day-title);
what it leaves apart yet looks alike goes to a queue for a curator: "merge" or "not a
duplicate" (remembered: a dismissed pair is never proposed again).

Cheap for the whole archive: a fixed number of queries (meetups, organisers, places,
links, known pairs, one insert), and only pairs that share a blocking key are compared: an
organiser on one day, a title word on one day, a place on one day or the next, an event
page. A refresh for some meetups (a newsletter's, a calendar's) compares only pairs with
one of them, so its cost follows what it brings, not the square of a crowded day.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

from rapidfuzz import fuzz

from calendar_app.models import (
    DuplicateCandidate,
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Status,
)

SIMILAR_TITLE = 85  # token_set_ratio: "RustConf" and "RustConf 2024" are 100
ORGANISER_TITLE = 50  # one organiser, one day: titles must not be plainly different
PLACE_TITLE = 85
# One event page on two hosts or under two group paths.
HOST_ALIASES = {"lu.ma": "luma.com", "www.meetup.com": "meetup.com"}
_WORDS = re.compile(r"[^\w]+")
# Words every Rust meetup title has: they make unrelated titles look alike.
_COMMON = {"rust", "meetup", "the", "and", "of", "a", "in", "at", "with", "for", "rustaceans"}
# Titles block on the first letters of their words: "Melbourne" and "Melborne" meet.
WORD_KEY = 4


@dataclass
class Candidate:
    """What the rules need of a meetup (values, not rows)."""

    pk: int
    title: str
    day: date
    groups: set[int] = field(default_factory=set)
    places: set[int] = field(default_factory=set)
    pages: set[tuple[str, str]] = field(default_factory=set)  # event pages: (host, slug)

    @property
    def words(self) -> str:
        return " ".join(w for w in _WORDS.split(self.title.casefold()) if w and w not in _COMMON)

    def same_day_keys(self) -> set[tuple]:
        """What a same-day duplicate must share with it: an organiser or a title word."""
        keys: set[tuple] = {("organiser", g) for g in self.groups}
        keys.update(("word", w[:WORD_KEY]) for w in self.words.split())
        return keys


def event_page(url: str) -> tuple[str, str] | None:
    """(host, slug) of a page that names one event: `luma.com/abc` and `lu.ma/abc` agree, and so
    do two Meetup group paths with one event id."""
    parts = urlsplit(url)
    host = HOST_ALIASES.get(parts.netloc.lower(), parts.netloc.lower())
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return None
    if host == "meetup.com":
        if len(segments) >= 3 and segments[1] == "events":
            return host, segments[2]
        return None
    return host, segments[-1].casefold()


def pair_reason(a: Candidate, b: Candidate) -> tuple[str, float] | None:
    """Why two meetups look like one event, and how alike they are; None if they do not.

    Pure: a function of values only, so it can be tested on its own.
    """
    title = float(fuzz.token_set_ratio(a.words, b.words)) if a.words and b.words else 0.0
    if a.pages & b.pages:
        return "same event page", 100.0
    if a.day != b.day:
        # A conference and its unconference the next day share words: the whole title counts.
        whole = float(fuzz.token_sort_ratio(a.words, b.words)) if a.words and b.words else 0.0
        if a.places & b.places and whole >= PLACE_TITLE and abs((a.day - b.day).days) <= 1:
            return "same place and title within a day", whole
        return None
    if a.places and b.places and not a.places & b.places and not a.groups & b.groups:
        return None  # different places, different organisers: two events
    if a.groups & b.groups and _not_plainly_different(a, b, title):
        return "same day and organiser", max(title, float(ORGANISER_TITLE))
    if title >= SIMILAR_TITLE:
        return "same day and similar title", title
    return None


def _not_plainly_different(a: Candidate, b: Candidate, title: float) -> bool:
    """Two events of one organiser on one day have their own titles, or their own pages on
    one site (two Meetup event ids)."""
    if a.pages and b.pages and {h for h, _ in a.pages} & {h for h, _ in b.pages}:
        return False
    return title >= ORGANISER_TITLE or not a.words or not b.words


def duplicates_refresh(*, meetup_ids: Iterable[int] | None = None) -> int:
    """Propose new pairs among the days of `meetup_ids` (everything when None); return how many.

    With `meetup_ids`, only pairs with one of them are compared. Pairs already known, open or
    decided, are left as they are.
    """
    days = None
    ids: set[int] | None = None
    if meetup_ids is not None:
        ids = set(meetup_ids)
        if not ids:
            return 0
        starts = Meetup.objects.filter(pk__in=ids).values_list("start_date", flat=True)
        days = {day + timedelta(offset) for day in set(starts) for offset in (-1, 0, 1)}
    candidates = _load(days)
    known = set(DuplicateCandidate.objects.values_list("first_id", "second_id"))
    new = []
    for a, b in candidate_pairs(candidates, among=ids):
        key = (a.pk, b.pk) if a.pk < b.pk else (b.pk, a.pk)
        if key in known:
            continue
        found = pair_reason(a, b)
        if found:
            known.add(key)
            reason, score = found
            new.append(
                DuplicateCandidate(first_id=key[0], second_id=key[1], reason=reason, score=score)
            )
    DuplicateCandidate.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _load(days: set[date] | None) -> list[Candidate]:
    """Meetups not merged away nor hidden (on `days`), with organisers, places and pages."""
    meetups = Meetup.objects.canonical().exclude(status=Status.HIDDEN)
    if days is not None:
        meetups = meetups.filter(start_date__in=days)
    by_pk = {
        pk: Candidate(pk=pk, title=title or "", day=day)
        for pk, title, day in meetups.values_list("pk", "title", "start_date")
    }
    if not by_pk:
        return []
    scope = {"meetup__in": meetups} if days is not None else {}
    for meetup_id, group_id in MeetupGroup.objects.filter(**scope).values_list(
        "meetup_id", "group_id"
    ):
        if meetup_id in by_pk:
            by_pk[meetup_id].groups.add(group_id)
    for meetup_id, place_id in MeetupPlace.objects.filter(**scope).values_list(
        "meetup_id", "place_id"
    ):
        if meetup_id in by_pk:
            by_pk[meetup_id].places.add(place_id)
    links = MeetupLink.objects.filter(event_specific=True, **scope)
    for meetup_id, url in links.values_list("meetup_id", "canonical_url"):
        page = event_page(url)
        if page and meetup_id in by_pk:
            by_pk[meetup_id].pages.add(page)
    return list(by_pk.values())


def candidate_pairs(
    candidates: list[Candidate], *, among: set[int] | None = None
) -> Iterator[tuple[Candidate, Candidate]]:
    """The pairs worth scoring, each once: those sharing a blocking key (pure).

    Same day: an organiser or a title word (its first WORD_KEY letters), what
    `pair_reason`'s same-day rules need. A day apart: a place. Any day: an event page.
    With `among`, only pairs with one of those pks: the cost follows the new meetups, not the
    square of the day they land on.
    """
    by_key: dict[tuple, list[Candidate]] = defaultdict(list)
    for c in candidates:
        for key in _filed_under(c):
            by_key[key].append(c)
    seen: set[tuple[int, int]] = set()
    for c in candidates:
        if among is not None and c.pk not in among:
            continue
        for other in (o for key in _looked_up(c) for o in by_key.get(key, ())):
            key = (c.pk, other.pk) if c.pk < other.pk else (other.pk, c.pk)
            if other.pk != c.pk and key not in seen:
                seen.add(key)
                yield c, other


def _filed_under(c: Candidate) -> set[tuple]:
    keys = {(c.day, *key) for key in c.same_day_keys()}
    keys.update((c.day, "place", place) for place in c.places)
    keys.update(("page", page) for page in c.pages)
    return keys


def _looked_up(c: Candidate) -> set[tuple]:
    """The keys of its possible pairs: as filed, but places on the day before or after."""
    keys = {(c.day, *key) for key in c.same_day_keys()}
    keys.update((c.day + timedelta(d), "place", p) for p in c.places for d in (-1, 1))
    keys.update(("page", page) for page in c.pages)
    return keys
