"""The duplicate queue against pairs a person judged (tests/fixtures/duplicates/judged.json).

Every proposal the queue made over the whole archive (bench/duplicate_queue.py), read and
judged, and constructed cases of the event-page rule (two YouTube videos, two Google
Calendar events). Real pairs stay proposed; false ones are not proposed or score low.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from calendar_app.calendars import page_key
from calendar_app.services.duplicates import Candidate, candidate_pairs, pair_reason

JUDGED = Path(__file__).parents[1] / "fixtures" / "duplicates" / "judged.json"
LOW = 50.0  # a false pair may stay proposed only below this score


def judged_pairs() -> list[dict]:
    return json.loads(JUDGED.read_text(encoding="utf-8"))["pairs"]


class Ids(dict):
    """Names to small integers, as the database's primary keys would be."""

    def __missing__(self, key: str) -> int:
        self[key] = len(self) + 1
        return self[key]


def candidates(pairs: list[dict]) -> dict[tuple[str, str], Candidate]:
    """One Candidate per meetup of the judged pairs, keyed by (day, title)."""
    ids: dict[str, Ids] = {"meetup": Ids(), "group": Ids(), "place": Ids(), "issue": Ids()}
    found: dict[tuple[str, str], Candidate] = {}
    for pair in pairs:
        for side in (pair["first"], pair["second"]):
            key = (side["day"], side["title"])
            found[key] = Candidate(
                pk=ids["meetup"][repr(key)],
                title=side["title"],
                day=date.fromisoformat(side["day"]),
                groups={ids["group"][name] for name in side["groups"]},
                places={ids["place"][name] for name in side["places"]},
                pages={page for url in side["links"] if (page := page_key(url))},
                issues={ids["issue"][day] for day in side["issues"]},
            )
    return found


def proposed(pairs: list[dict]) -> dict[frozenset, tuple[str, float]]:
    """What the queue proposes among the judged meetups: blocking, then the rules."""
    found = {}
    for a, b in candidate_pairs(list(candidates(pairs).values())):
        if reason := pair_reason(a, b):
            found[frozenset(((a.day.isoformat(), a.title), (b.day.isoformat(), b.title)))] = reason
    return found


def key(pair: dict) -> frozenset:
    return frozenset((side["day"], side["title"]) for side in (pair["first"], pair["second"]))


def judged(verdict: str) -> list:
    return [
        pytest.param(pair, id=pair["why"][:60])
        for pair in judged_pairs()
        if pair["verdict"] == verdict
    ]


@pytest.mark.parametrize("pair", judged("real"))
def test_a_real_pair_stays_proposed(pair):
    assert key(pair) in proposed(judged_pairs()), pair["why"]


@pytest.mark.parametrize("pair", judged("false"))
def test_a_false_pair_is_not_proposed_or_scores_low(pair):
    reason = proposed(judged_pairs()).get(key(pair))
    assert reason is None or reason[1] < LOW, (pair["why"], reason)


def test_the_judged_meetups_give_only_judged_pairs():
    """Nothing proposed among them that nobody judged (a new false pair would show here)."""
    judged = {key(pair) for pair in judged_pairs()}
    assert set(proposed(judged_pairs())) <= judged


def test_the_archive_counts_are_what_the_docs_say():
    pairs = [p for p in judged_pairs() if p["source"] == "archive"]
    real = [p for p in pairs if p["verdict"] == "real"]
    assert (len(pairs), len(real)) == (4, 3)
    assert sum(1 for p in pairs if key(p) in proposed(pairs)) == 3


@pytest.mark.django_db
def test_links_stored_as_event_pages_without_their_id_become_generic():
    """Migration 0027: rows stored when a bare `/watch` counted as an event page."""
    from importlib import import_module

    from django.apps import apps

    from calendar_app.models import MeetupLink
    from tests.factories import make_meetup

    make_meetup(
        links=[
            ("https://www.youtube.com/watch", ""),
            ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", ""),
            ("https://www.google.com/calendar/event?action=TEMPLATE&text=Rust", ""),
            ("https://www.google.com/calendar/event?eid=ZXZlbnQ", ""),
        ]
    )
    MeetupLink.objects.update(event_specific=True)  # as the previous release stored them

    import_module("calendar_app.migrations.0027_event_pages_need_their_id").forwards(apps, None)

    assert dict(MeetupLink.objects.values_list("url", "event_specific")) == {
        "https://www.youtube.com/watch": False,
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ": True,
        "https://www.google.com/calendar/event?action=TEMPLATE&text=Rust": False,
        "https://www.google.com/calendar/event?eid=ZXZlbnQ": True,
    }
