"""Duplicate candidates: pairs of meetups matching did not join but that look alike.

Matching joins entries only on firm evidence (a shared event link, organiser-day-title);
what it leaves apart yet looks alike goes to a queue for a curator: "merge" or "not a
duplicate" (remembered: a dismissed pair is never proposed again).

Cheap for the whole archive: a fixed number of queries (meetups, organisers, places,
links, known pairs, one insert), and pairs are only compared within a day's bucket (and
the next day's, for the place rule) or within one event page's bucket, never all against all.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations
from urllib.parse import urlsplit

from django.db.models import Q
from rapidfuzz import fuzz

from calendar_app.models import (
    DuplicateCandidate,
    DuplicateStatus,
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Sighting,
    Status,
)

SIMILAR_TITLE = 85  # token_set_ratio: "RustConf" and "RustConf 2024" are 100
ORGANISER_TITLE = 50  # one organiser, one day: titles must not be plainly different
PLACE_TITLE = 85
RECREATED = 80.0  # one organiser, one day, never listed together: a re-created event
# One event page on two hosts or under two group paths.
HOST_ALIASES = {"lu.ma": "luma.com", "www.meetup.com": "meetup.com"}
_WORDS = re.compile(r"[^\w]+")
# Words every Rust meetup title has: they make unrelated titles look alike.
_COMMON = {"rust", "meetup", "the", "and", "of", "a", "in", "at", "with", "for", "rustaceans"}


@dataclass
class Candidate:
    """What the rules need of a meetup (values, not rows)."""

    pk: int
    title: str
    day: date
    groups: set[int] = field(default_factory=set)
    places: set[int] = field(default_factory=set)
    pages: set[tuple[str, str]] = field(default_factory=set)  # event pages: (host, slug)
    issues: set[int] = field(default_factory=set)  # newsletters listing it

    @property
    def words(self) -> str:
        return " ".join(w for w in _WORDS.split(self.title.casefold()) if w and w not in _COMMON)


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
    if a.groups & b.groups and a.issues and b.issues and not a.issues & b.issues:
        # title and link both changed between issues, never listed side by side: a
        # renamed and re-created event more likely than two events of one organiser
        return "same day and organiser, title and link changed", max(title, RECREATED)
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

    The open queue is a function of the meetups as they are, whatever the order they were
    read in: an open pair of two meetups looked at that no longer look alike goes, one whose
    reason or score changed is updated, and one with a meetup merged away goes. Pairs a
    curator decided are left as they are.
    """
    days = None
    if meetup_ids is not None:
        ids = list(meetup_ids)
        if not ids:
            return 0
        starts = Meetup.objects.filter(pk__in=ids).values_list("start_date", flat=True)
        days = {day + timedelta(offset) for day in set(starts) for offset in (-1, 0, 1)}
    candidates = _load(days)
    found: dict[tuple[int, int], tuple[str, float]] = {}
    for a, b in _pairs(candidates):
        key = (a.pk, b.pk) if a.pk < b.pk else (b.pk, a.pk)
        if key not in found and (reason := pair_reason(a, b)):
            found[key] = reason
    known = _settle_open(found, {candidate.pk for candidate in candidates})
    new = [
        DuplicateCandidate(first_id=key[0], second_id=key[1], reason=reason, score=score)
        for key, (reason, score) in found.items()
        if key not in known
    ]
    DuplicateCandidate.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _settle_open(
    found: dict[tuple[int, int], tuple[str, float]], looked_at: set[int]
) -> set[tuple[int, int]]:
    """Open pairs of meetups looked at follow `found`; those with a meetup merged away go.
    Returns every pair known before (open or decided)."""
    known = {
        (first, second): (pk, status, (reason, score))
        for pk, first, second, status, reason, score in DuplicateCandidate.objects.values_list(
            "pk", "first_id", "second_id", "status", "reason", "score"
        )
    }
    stale, changed = [], []
    for key, (pk, status, was) in known.items():
        if status != DuplicateStatus.OPEN or not set(key) <= looked_at:
            continue
        if key not in found:
            stale.append(pk)
        elif found[key] != was:
            changed.append(DuplicateCandidate(pk=pk, reason=found[key][0], score=found[key][1]))
    if stale:
        DuplicateCandidate.objects.filter(pk__in=stale).delete()
    if changed:
        DuplicateCandidate.objects.bulk_update(changed, ["reason", "score"])
    DuplicateCandidate.objects.open().filter(
        Q(first__duplicate_of__isnull=False) | Q(second__duplicate_of__isnull=False)
    ).delete()
    return set(known)


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
    for model, column, attribute in (
        (MeetupGroup, "group_id", "groups"),
        (MeetupPlace, "place_id", "places"),
        (Sighting, "newsletter_id", "issues"),
    ):
        for meetup_id, value in model.objects.filter(**scope).values_list("meetup_id", column):
            if meetup_id in by_pk:
                getattr(by_pk[meetup_id], attribute).add(value)
    links = MeetupLink.objects.filter(event_specific=True, **scope)
    for meetup_id, url in links.values_list("meetup_id", "canonical_url"):
        page = event_page(url)
        if page and meetup_id in by_pk:
            by_pk[meetup_id].pages.add(page)
    return list(by_pk.values())


def _pairs(candidates: list[Candidate]) -> Iterator[tuple[Candidate, Candidate]]:
    """Pairs within a day, with the next day, and sharing an event page: never all vs all."""
    by_day: dict[date, list[Candidate]] = defaultdict(list)
    by_page: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_day[candidate.day].append(candidate)
        for page in candidate.pages:
            by_page[page].append(candidate)
    for day, today in by_day.items():
        yield from combinations(today, 2)
        for later in by_day.get(day + timedelta(1), []):
            for earlier in today:
                if earlier.places & later.places:
                    yield earlier, later
    for same in by_page.values():
        for a, b in combinations(same, 2):
            if a.day != b.day:
                yield a, b
