"""Duplicate candidates: pairs of meetups matching did not join but that look alike.

Matching joins entries only on firm evidence (a shared event link, organiser-day-title);
what it leaves apart yet looks alike goes to a queue for a curator: "merge" or "not a
duplicate" (remembered: a dismissed pair is never proposed again).

Cheap for the whole archive: a fixed number of queries (meetups, organisers, places,
links, known pairs, one insert), and only pairs that share a blocking key are compared: an
organiser on one day, a title word on one day, a place on one day or the next, an event
page. A refresh for some meetups (a newsletter's, a calendar's) compares only pairs with
one of them, so its cost follows what it brings, not the square of a crowded day. A key
shared by more than CROWDED meetups (a first sync of hundreds of calendars in one city: one
place, one day) is searched by neighbourhood: each meetup is compared with the NEIGHBOURS
on either side of it in title order, where titles spelt alike sort together; so even a
first sync of everything costs what it brings.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q

from calendar_app.calendars.identity import page_key, page_site
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
from calendar_app.rules import TitleLikeness, distinctive_words, fold_title, title_likeness

ORGANISER_TITLE = 50  # one organiser, one day: their own words must not be plainly different
RECREATED = 80.0  # one organiser, one day, never listed together: a re-created event
# Titles block on the first letters of their words: "Melbourne" and "Melborne" meet.
WORD_KEY = 4
# A blocking key shared by more meetups than CROWDED, more than 2 * NEIGHBOURS of them
# new, is searched by neighbourhood (title order, NEIGHBOURS on either side), not pair by
# pair: its cost stays linear.
CROWDED = 32
NEIGHBOURS = 6


@dataclass
class Candidate:
    """What the rules need of a meetup (values, not rows)."""

    pk: int
    title: str
    day: date
    groups: set[int] = field(default_factory=set)
    places: set[int] = field(default_factory=set)
    pages: set[str] = field(default_factory=set)  # the event pages it links: page keys
    issues: set[int] = field(default_factory=set)  # newsletters listing it

    def same_day_keys(self) -> set[tuple]:
        """What a same-day duplicate must share with it: an organiser or a title word."""
        keys: set[tuple] = {("organiser", g) for g in self.groups}
        keys.update(("word", w[:WORD_KEY]) for w in distinctive_words(self.title).split())
        return keys


def pair_reason(a: Candidate, b: Candidate) -> tuple[str, float] | None:
    """Why two meetups look like one event, and how alike they are; None if they do not.

    Pure: a function of values only, so it can be tested on its own. Titles are compared
    as matching compares them (`rules.title_likeness`): what matching would join were the
    organiser the same is proposed here.
    """
    if a.pages & b.pages:
        return "same event page", 100.0
    title = title_likeness(a.title, b.title)
    if a.day != b.day:
        # A conference and its unconference the next day share words: the whole title counts.
        if a.places & b.places and title.alike and abs((a.day - b.day).days) <= 1:
            return "same place and title within a day", title.whole
        return None
    if a.places and b.places and not a.places & b.places and not a.groups & b.groups:
        return None  # different places, different organisers: two events
    if a.groups & b.groups and _not_plainly_different(a, b, title):
        return "same day and organiser", max(title.score, float(ORGANISER_TITLE))
    if a.groups & b.groups and a.issues and b.issues and not a.issues & b.issues:
        # title and link both changed between issues, never listed side by side: a
        # renamed and re-created event more likely than two events of one organiser
        return "same day and organiser, title and link changed", max(title.score, RECREATED)
    if a.issues & b.issues and (a.groups & b.groups or not title.alike):
        # Listed side by side in one issue, by one organiser with a page each (two videos
        # of one channel, two Google Calendar events), or under titles of their own
        # ("Community Team Meeting", "Community Content Subteam Meeting"): the editors
        # wrote two events.
        return None
    if title.share_words:
        return "same day and similar title", title.score
    return None


def _not_plainly_different(a: Candidate, b: Candidate, title: TitleLikeness) -> bool:
    """Two events of one organiser on one day have their own titles, or their own pages on
    one site (two Meetup event ids)."""
    if a.pages and b.pages and {page_site(p) for p in a.pages} & {page_site(p) for p in b.pages}:
        return False
    return title.alike or title.shared >= ORGANISER_TITLE or not title.distinctive


def duplicates_refresh(*, meetup_ids: Iterable[int] | None = None) -> int:
    """Propose new pairs among the days of `meetup_ids` (everything when None); return how many.

    The open queue is a function of the meetups as they are, whatever the order they were
    read in: an open pair of two meetups looked at that no longer look alike goes, one whose
    reason or score changed is updated, and one with a meetup merged away goes. Pairs a
    curator decided are left as they are.
    With `meetup_ids`, only pairs with one of them are compared (candidate_pairs: the cost
    follows the new meetups, not the square of the day they land on).
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
    found: dict[tuple[int, int], tuple[str, float]] = {}
    for a, b in candidate_pairs(candidates, among=ids):
        key = (a.pk, b.pk) if a.pk < b.pk else (b.pk, a.pk)
        if key not in found and (reason := pair_reason(a, b)):
            found[key] = reason
    known = _settle_open(found, {c.pk: c for c in candidates}, among=ids)
    new = [
        DuplicateCandidate(first_id=key[0], second_id=key[1], reason=reason, score=score)
        for key, (reason, score) in found.items()
        if key not in known
    ]
    DuplicateCandidate.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _settle_open(
    found: dict[tuple[int, int], tuple[str, float]],
    looked_at: dict[int, Candidate],
    *,
    among: set[int] | None,
) -> set[tuple[int, int]]:
    """Open pairs looked at now (both loaded; one of `among`, when given) follow what
    `pair_reason` says of them now (one a crowded key's neighbourhood skipped is scored
    here: an open pair is never dropped unscored); those with a meetup merged away go.
    Returns every pair known before (open or decided)."""
    known = {
        (first, second): (pk, status, (reason, score))
        for pk, first, second, status, reason, score in DuplicateCandidate.objects.values_list(
            "pk", "first_id", "second_id", "status", "reason", "score"
        )
    }
    stale, changed = [], []
    for key, (pk, status, was) in known.items():
        if status != DuplicateStatus.OPEN or not (key[0] in looked_at and key[1] in looked_at):
            continue
        if among is not None and not set(key) & among:
            continue
        if key not in found and (reason := pair_reason(looked_at[key[0]], looked_at[key[1]])):
            found[key] = reason
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
        page = page_key(url)  # the identity calendars match on: lu.ma/x is luma.com/x
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
    square of the day they land on. A key filed by more than CROWDED meetups and looked
    up by more than 2 * NEIGHBOURS of them gives each the NEIGHBOURS on either side of it
    in title order (`_title_order`): no key costs more than a fixed number of pairs per
    meetup, and a few new meetups on a crowded day are still compared with all of it.
    """
    by_key: dict[tuple, list[Candidate]] = defaultdict(list)
    for c in candidates:
        for key in _filed_under(c):
            by_key[key].append(c)
    looking = [(c, _looked_up(c)) for c in candidates if among is None or c.pk in among]
    lookups: dict[tuple, int] = defaultdict(int)
    for _, keys in looking:
        for key in keys:
            lookups[key] += 1
    crowded = [
        key
        for key, block in by_key.items()
        if len(block) > CROWDED and lookups[key] > 2 * NEIGHBOURS
    ]
    titles = {c.pk: _title_order(c) for c in candidates} if crowded else {}
    orders: dict[tuple, list[tuple[str, str, int]]] = {}
    for key in crowded:
        by_key[key].sort(key=lambda c: titles[c.pk])
        orders[key] = [titles[c.pk] for c in by_key[key]]
    seen: set[tuple[int, int]] = set()
    for c, keys in looking:
        for other in (o for key in keys for o in _near(key, titles.get(c.pk), by_key, orders)):
            key = (c.pk, other.pk) if c.pk < other.pk else (other.pk, c.pk)
            if other.pk != c.pk and key not in seen:
                seen.add(key)
                yield c, other


def _near(
    key: tuple,
    title: tuple[str, str, int] | None,
    by_key: dict[tuple, list[Candidate]],
    orders: dict[tuple, list[tuple[str, str, int]]],
) -> list[Candidate]:
    """The meetups filed under `key` that one with `title` (its `_title_order`) is
    compared with: all of them, or in a crowded key the NEIGHBOURS on either side of it."""
    block = by_key.get(key, [])
    order = orders.get(key)
    if order is None or title is None:
        return block
    at = bisect_left(order, title)
    return block[max(0, at - NEIGHBOURS) : at + NEIGHBOURS + 1]


def _title_order(c: Candidate) -> tuple[str, str, int]:
    """Where a meetup sorts in a crowded key: titles with the same words of their own
    (in any order), then the same words, side by side."""
    own = " ".join(sorted(distinctive_words(c.title).split()))
    return own, " ".join(sorted(fold_title(c.title).split())), c.pk


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
