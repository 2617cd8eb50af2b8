"""Duplicate candidates: what matching left apart but a person would call one event."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calendar_app.calendars import page_key
from calendar_app.models import DuplicateCandidate, DuplicateStatus, Meetup
from calendar_app.services.curation import duplicate_dismiss
from calendar_app.services.duplicates import (
    Candidate,
    candidate_pairs,
    duplicates_refresh,
    pair_reason,
)
from tests.factories import make_group, make_meetup, make_place
from tests.twir.helpers import ALL_SAMPLES

pytestmark = pytest.mark.django_db


def titles(candidate: DuplicateCandidate) -> set[str]:
    return {candidate.first.title, candidate.second.title}


@pytest.fixture
def samples_ingested():
    call_command("ingest_twir", *map(str, ALL_SAMPLES), verbosity=0)


def test_the_samples_give_the_pairs_a_person_would(samples_ingested):
    pairs = {frozenset(titles(c)): c.reason for c in DuplicateCandidate.objects.all()}

    assert frozenset({"RustConf 2026", "RustConf 2026, Hosted by the Rust Foundation"}) in pairs
    assert frozenset({"Rust Melbourne August 2026", "Rust Melbourne Meetup"}) in pairs
    # A Meetup placeholder id and its numeric id: matching joins them (same organiser, day
    # and title), so the queue has nothing left to propose there.
    assert frozenset({"Indy.rs - with Social Distancing"}) not in pairs
    indy = Meetup.objects.filter(
        title="Indy.rs - with Social Distancing", start_date=date(2026, 9, 2), duplicate_of=None
    )
    assert indy.count() == 1


def test_the_samples_never_pair_two_events_of_one_organiser_on_one_day(samples_ingested):
    proposed = {frozenset(titles(c)) for c in DuplicateCandidate.objects.all()}

    for two_events in (
        {"Rust Hack and Learn", "Rust and Tell - Title"},
        {"RustConf 2022", "RustConf 2022 PostConf Unconf"},
        {"RustConf 2026", "RustConf Coffee Break Meetup"},
    ):
        assert frozenset(two_events) not in proposed
    for candidate in DuplicateCandidate.objects.select_related("first", "second"):
        assert candidate.first.duplicate_of_id is None and candidate.second.duplicate_of_id is None


def test_one_organisers_day_listed_with_a_new_title_and_link_in_another_issue_is_queued(
    samples_ingested,
):
    """Indy Rust, 2024-02-07: "with Social Distancing" in one issue, a talk with another
    Meetup event id in the next, never side by side: a renamed and re-created event."""
    [candidate] = [
        c
        for c in DuplicateCandidate.objects.all()
        if titles(c)
        == {"Indy.rs - Ezra Singh - How Rust Saved My Eyes", "Indy.rs - with Social Distancing"}
    ]
    assert candidate.reason == "same day and organiser, title and link changed"
    assert candidate.score >= 80


def test_a_second_run_proposes_nothing_new_and_a_dismissed_pair_never_comes_back(
    samples_ingested,
):
    before = DuplicateCandidate.objects.count()
    assert before > 0
    candidate = DuplicateCandidate.objects.first()
    duplicate_dismiss(candidate=candidate, user=None)

    assert duplicates_refresh() == 0
    call_command("ingest_twir", *map(str, ALL_SAMPLES), "--force", verbosity=0)

    assert DuplicateCandidate.objects.count() == before
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.NOT_DUPLICATE


def test_the_whole_archive_takes_a_fixed_number_of_queries():
    group = make_group("Rust Berlin")
    for week in range(28):
        day = date(2030, 1, 1) + timedelta(weeks=week)
        make_meetup("Rust Hack and Learn", start=day, groups=[group])
        make_meetup("Rust and Tell", start=day, groups=[group])
        make_meetup(
            "Rust Hack & Learn",
            start=day,
            groups=[group],
            places=[make_place("Berlin-Mitte, DE", city="Berlin", country="DE")],
        )

    with CaptureQueriesContext(connection) as queries:
        found = duplicates_refresh()

    assert found == 28  # each day's two spellings of Hack and Learn
    assert len(queries) <= 8  # the pairs, the stored ones, their updates and deletes


def test_refresh_for_some_meetups_looks_at_their_days_only():
    a = make_meetup("RustConf", start=date(2030, 9, 8), groups=[make_group("RustConf")])
    make_meetup("RustConf 2030", start=date(2030, 9, 8), groups=[make_group("Other")])
    make_meetup("RustConf 2031", start=date(2031, 9, 8), groups=[make_group("Other 2")])
    make_meetup("RustConf", start=date(2031, 9, 8), groups=[make_group("Other 3")])

    assert duplicates_refresh(meetup_ids=[a.pk]) == 1
    assert duplicates_refresh() == 1


def test_an_open_pair_that_no_longer_looks_alike_leaves_the_queue_a_decided_one_stays():
    group = make_group("Rust Berlin")
    a = make_meetup("Rust Hack and Learn", start=date(2030, 1, 7), groups=[group])
    b = make_meetup("Rust Hack & Learn", start=date(2030, 1, 7), groups=[group])
    c = make_meetup("Rust and Tell Berlin", start=date(2030, 1, 8), groups=[group])
    d = make_meetup("Rust and Tell, Berlin", start=date(2030, 1, 8), groups=[group])
    assert duplicates_refresh() == 2
    DuplicateCandidate.objects.filter(first=c).update(status=DuplicateStatus.NOT_DUPLICATE)
    for meetup in (b, d):  # a later issue moved them a week on
        Meetup.objects.filter(pk=meetup.pk).update(
            start_date=date(2030, 1, 21), end_date=date(2030, 1, 21)
        )
    duplicates_refresh(meetup_ids=[a.pk, b.pk, c.pk, d.pk])
    assert list(DuplicateCandidate.objects.values_list("first", "second", "status")) == [
        (c.pk, d.pk, DuplicateStatus.NOT_DUPLICATE)
    ]


def candidate(pk, title, day=date(2030, 1, 1), **sets) -> Candidate:
    return Candidate(pk=pk, title=title, day=day, **{k: set(v) for k, v in sets.items()})


def test_rules_as_values():
    page = page_key("https://lu.ma/d0rndgyv")
    assert page == page_key("https://luma.com/d0rndgyv")
    assert page_key("https://meetup.com/a/events/123") == page_key(
        "https://meetup.com/b/events/123"
    )

    same_page = pair_reason(
        candidate(1, "A", pages=[page]), candidate(2, "B", day=date(2030, 2, 1), pages=[page])
    )
    assert same_page == ("same event page", 100.0)
    two_cities = pair_reason(
        candidate(1, "Rust Meetup", places=[1], groups=[1]),
        candidate(2, "Rust Meetup", places=[2], groups=[2]),
    )
    assert two_cities is None
    two_meetup_events = pair_reason(
        candidate(1, "Rust Hack and Learn", groups=[1], pages=["meetup:1"]),
        candidate(2, "Rust Hack and Learn Online", groups=[1], pages=["meetup:2"]),
    )
    assert two_meetup_events is not None and two_meetup_events[0] == "same day and similar title"
    assert (
        pair_reason(
            candidate(1, "Rust Hack and Learn", groups=[1], pages=["meetup:1"]),
            candidate(2, "Rust and Tell", groups=[1], pages=["meetup:2"]),
        )
        is None
    )


def test_merging_closes_the_pair():
    from calendar_app.services.curation import duplicate_merge

    group = make_group("Rust Melbourne")
    a = make_meetup("Rust Melbourne August", start=date(2030, 8, 27), groups=[group])
    b = make_meetup("Rust Melbourne Meetup", start=date(2030, 8, 27), groups=[group])
    duplicates_refresh()
    pair = DuplicateCandidate.objects.get()

    duplicate_merge(candidate=pair, survivor=a, user=None, choices={"title": b})

    pair.refresh_from_db()
    a.refresh_from_db()
    assert pair.status == DuplicateStatus.MERGED
    assert a.title == "Rust Melbourne Meetup"
    assert Meetup.objects.get(pk=b.pk).duplicate_of == a


def _crowded_day(existing: int) -> tuple[list[Candidate], set[int]]:
    """`existing` meetups of their own organisers and titles on one day, then 5 new ones:
    two of them the same events as two already there."""
    import random

    rng = random.Random(existing)
    day = date(2030, 5, 5)

    def word() -> str:
        return "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(7))

    old = [
        candidate(i, f"{word()} {word()}", day=day, groups=[i], places=[i])
        for i in range(1, existing + 1)
    ]
    new = [
        candidate(10_001, old[3].title + " 2030", day=day, groups=[50_001], places=[4]),
        candidate(10_002, old[7].title.split()[0] + " monthly", day=day, groups=[old[7].pk]),
        candidate(10_003, f"{word()} {word()}", day=day, groups=[50_003]),
        candidate(10_004, old[9].title, day=day + timedelta(1), places=[10]),
        candidate(10_005, "", day=day, groups=[50_005]),
    ]
    return old + new, {c.pk for c in new}


def test_a_newsletter_on_a_crowded_day_compares_its_own_pairs_only():
    counts = {}
    for existing in (50, 500):
        candidates, new = _crowded_day(existing)
        pairs = list(candidate_pairs(candidates, among=new))
        counts[existing] = len(pairs)
        assert all(a.pk in new or b.pk in new for a, b in pairs)
        found = {frozenset((a.pk, b.pk)) for a, b in pairs if pair_reason(a, b)}
        assert frozenset((4, 10_001)) in found  # the same title, another organiser
        assert frozenset((8, 10_002)) in found  # one organiser, one day
        assert frozenset((10, 10_004)) in found  # one place, the next day
    # Ten times the day, the same work: what the 5 new meetups share with the others.
    assert counts[500] == counts[50] <= 10


def test_the_whole_archive_still_finds_what_all_pairs_would():
    candidates, _ = _crowded_day(50)
    blocked = {frozenset((a.pk, b.pk)) for a, b in candidate_pairs(candidates) if pair_reason(a, b)}
    every = {
        frozenset((a.pk, b.pk))
        for i, a in enumerate(candidates)
        for b in candidates[i + 1 :]
        if pair_reason(a, b)
    }
    assert blocked == every and blocked


def test_refresh_for_a_newsletter_scores_pairs_with_its_meetups_only(monkeypatch):
    from calendar_app.services import duplicates

    day = date(2030, 6, 6)
    for i in range(40):
        make_meetup(f"Organiser {i} evening", start=day, groups=[make_group(f"Organiser {i}")])
    berlin = make_group("Rust Berlin")
    make_meetup("Rust Hack and Learn", start=day, groups=[berlin])
    new = make_meetup("Rust Hack & Learn", start=day, groups=[berlin])
    scored = []

    def counting(a, b):
        scored.append((a.pk, b.pk))
        return pair_reason(a, b)

    monkeypatch.setattr(duplicates, "pair_reason", counting)

    assert duplicates_refresh(meetup_ids=[new.pk]) == 1
    assert len(scored) == 1  # not the 41 * 42 / 2 pairs of the day
