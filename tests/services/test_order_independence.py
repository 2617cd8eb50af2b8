"""The same newsletters in any order give the same meetups and the same open flags.

Oldest first, newest first, shuffled, all in one call or one per call: the JSON export
(ids, uids and timestamps aside) and the open flags are identical.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synthetic import synthetic_archive

from calendar_app.models import Flag, Meetup
from calendar_app.services.ingest import ingest_newsletter, ingest_paths
from tests.factories import clear_ingested

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "samples").iterdir())
# Small, but with every hard case: reschedules, placeholder ids, query strings, hybrids.
SYNTHETIC = synthetic_archive(
    issues=10,
    organisers=12,
    locations=12,
    events=60,
    moves=6,
    seed=3,
    first_issue=date(2024, 1, 3),
    placeholders=0.2,
    queries=0.2,
)

pytestmark = pytest.mark.django_db


def state() -> tuple[list[dict], list[tuple]]:
    out = io.StringIO()
    call_command("export_events", "--format", "json", stdout=out)
    items = [
        {k: v for k, v in item.items() if k not in {"id", "uid"}}
        for item in json.loads(out.getvalue())
    ]
    for item in items:  # an organiser's slug is its URL, made once like an id
        for group in item["groups"]:
            del group["slug"]
    items.sort(key=lambda item: json.dumps(item, sort_keys=True))
    flags = sorted(
        Flag.objects.filter(resolved=False).values_list(
            "kind", "message", "line", "newsletter__key", "place__text"
        )
    )
    return items, flags


def ingest_texts(texts: list[tuple[str, str]]) -> None:
    for name, text in texts:
        ingest_newsletter(text=text, source=name)


def reference_of(texts: list[tuple[str, str]]) -> tuple[list[dict], list[tuple]]:
    """The state after reading `texts` oldest first, one call each; the database left empty."""
    ingest_texts(texts)
    reference = state()
    clear_ingested()
    return reference


def test_the_synthetic_set_has_the_hard_cases():
    text = "\n".join(t for _, t in SYNTHETIC)
    assert "?slug=" in text and "/de-DE/" in text
    assert re.search(r"/events/[a-z]{13}/", text)  # a Meetup placeholder id
    assert "### Virtual" in text


@pytest.mark.parametrize("order", ["oldest first", "newest first"])
def test_samples_oldest_or_newest_first_give_the_same_calendar(order, tmp_path):
    ingest_paths([str(p) for p in SAMPLES])
    reference = state()
    clear_ingested()
    paths = SAMPLES if order == "oldest first" else SAMPLES[::-1]
    for path in paths:  # one per call
        ingest_paths([str(path)])
    assert state() == reference


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.permutations(range(len(SAMPLES))))
def test_any_order_of_the_samples_gives_the_same_calendar(order):
    ingest_paths([str(p) for p in SAMPLES])  # all in one call
    reference = state()
    clear_ingested()
    for i in order:
        ingest_paths([str(SAMPLES[i])])
    result = state()
    clear_ingested()
    assert result == reference


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.permutations(range(len(SYNTHETIC))))
def test_any_order_of_a_set_with_reschedules_and_changing_links_gives_the_same_calendar(order):
    reference = reference_of(SYNTHETIC)
    ingest_texts([SYNTHETIC[i] for i in order])
    result = state()
    clear_ingested()
    assert result == reference


def test_a_reschedule_read_newest_first_leaves_no_copy_at_the_old_date():
    moved = list(SYNTHETIC)
    ingest_texts(moved[::-1])
    newest_first = Meetup.objects.canonical().count()
    dates = Meetup.objects.canonical().values_list("title", "start_date")
    assert len({title for title, _ in dates}) == len(list(dates))  # one meetup per event
    clear_ingested()
    ingest_texts(moved)
    assert Meetup.objects.canonical().count() == newest_first
