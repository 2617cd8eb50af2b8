"""The same newsletters in any order give the same meetups, flags and duplicate queue.

Oldest first, newest first, shuffled, all in one call, one per call or split into several
calls: every field of the JSON export (ids and uids aside: links as shown, places, flags),
the open flags with the meetup each is attached to, and the pairs of the duplicate queue
are identical.
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

from calendar_app.models import DuplicateCandidate, Flag, Meetup
from calendar_app.services.duplicates import duplicates_refresh
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


def state() -> tuple[list[dict], list[tuple], list[tuple]]:
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
        (*values, merged_away is not None)
        for *values, merged_away in Flag.objects.filter(resolved=False).values_list(
            "kind",
            "message",
            "line",
            "newsletter__key",
            "place__text",
            "meetup__title",
            "meetup__start_date",
            "meetup__duplicate_of",
        )
    )
    return items, flags, duplicate_pairs()


def duplicate_pairs() -> list[tuple]:
    """The duplicate queue, each meetup told by its values (ids depend on the order)."""

    def told(meetup: Meetup) -> tuple:
        link = meetup.primary_link
        return (meetup.title, str(meetup.start_date), link.canonical_url if link else "")

    pairs = DuplicateCandidate.objects.select_related("first", "second")
    return sorted(
        (*sorted([told(c.first), told(c.second)]), c.reason, c.score, c.status) for c in pairs
    )


def ingesting(call) -> None:
    """One ingest call as `manage.py ingest_twir` makes it: then the duplicate queue of the
    meetups it touched."""
    started = Meetup.objects.order_by("-updated").values_list("updated", flat=True).first()
    call()
    touched = Meetup.objects.all()
    if started is not None:
        touched = touched.filter(updated__gt=started)
    duplicates_refresh(meetup_ids=list(touched.values_list("pk", flat=True)))


def ingest_texts(texts: list[tuple[str, str]]) -> None:
    for name, text in texts:
        ingesting(lambda name=name, text=text: ingest_newsletter(text=text, source=name))


def reference_of(texts: list[tuple[str, str]]) -> tuple[list[dict], list[tuple], list[tuple]]:
    """The state after reading `texts` oldest first, one call each; the database left empty."""
    ingest_texts(texts)
    reference = state()
    clear_ingested()
    return reference


def ingest_files(*paths: Path) -> None:
    ingesting(lambda: ingest_paths([str(p) for p in paths]))


def test_the_synthetic_set_has_the_hard_cases():
    text = "\n".join(t for _, t in SYNTHETIC)
    assert "?slug=" in text and "/de-DE/" in text
    assert re.search(r"/events/[a-z]{13}/", text)  # a Meetup placeholder id
    assert "### Virtual" in text


@pytest.mark.parametrize("order", ["oldest first", "newest first"])
def test_samples_oldest_or_newest_first_give_the_same_calendar(order, tmp_path):
    ingest_files(*SAMPLES)
    reference = state()
    clear_ingested()
    paths = SAMPLES if order == "oldest first" else SAMPLES[::-1]
    for path in paths:  # one per call
        ingest_files(path)
    assert state() == reference


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.permutations(range(len(SAMPLES))))
def test_any_order_of_the_samples_gives_the_same_calendar(order):
    ingest_files(*SAMPLES)  # all in one call
    reference = state()
    clear_ingested()
    for i in order:
        ingest_files(SAMPLES[i])
    result = state()
    clear_ingested()
    assert result == reference


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    order=st.permutations(range(len(SYNTHETIC))),
    cuts=st.lists(st.integers(1, len(SYNTHETIC) - 1), max_size=3, unique=True),
)
def test_the_same_files_split_into_several_ingest_calls_give_the_same_calendar(
    order, cuts, tmp_path_factory
):
    folder = tmp_path_factory.mktemp("issues")
    paths = []
    for name, text in SYNTHETIC:
        paths.append(folder / f"{Path(name).stem}.md")
        paths[-1].write_text(text, encoding="utf-8")
    reference = reference_of(SYNTHETIC)
    shuffled = [paths[i] for i in order]
    bounds = [0, *sorted(cuts), len(shuffled)]
    for start, end in zip(bounds, bounds[1:], strict=False):
        ingest_files(*shuffled[start:end])
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


def barcelona(number: int, day: str, page: str) -> tuple[str, str]:
    text = (
        f"Title: This Week in Rust {number}\nNumber: {number}\nDate: {day}\n"
        "Category: This Week in Rust\n\n## Upcoming Events\n\n"
        f"Rusty Events between {day} - 2024-10-30 🦀\n\n### Europe\n\n"
        "* 2024-10-17 | Barcelona, ES | [BcnRust](https://www.meetup.com/es-ES/bcnrust/)\n"
        f"    * [**BcnRust Meetup #12**]({page})\n\n## Jobs\n\nNone.\n"
    )
    return f"{number}.md", text


@pytest.mark.parametrize("order", ["oldest first", "newest first", "together"])
def test_a_link_is_shown_as_the_newest_listing_spells_it(order, tmp_path):
    texts = [
        barcelona(567, "2024-10-02", "https://www.meetup.com/es-ES/bcnrust/events/303443195/"),
        barcelona(568, "2024-10-09", "https://www.meetup.com/bcnrust/events/303443195"),
    ]
    if order == "together":
        for name, text in texts:
            (tmp_path / name).write_text(text, encoding="utf-8")
        ingest_files(tmp_path)
    else:
        ingest_texts(texts if order == "oldest first" else texts[::-1])
    [item], _, _ = state()
    assert [link["url"] for link in item["links"]] == [
        "https://www.meetup.com/bcnrust/events/303443195"
    ]
    assert item["url"] == "https://www.meetup.com/bcnrust/events/303443195"
