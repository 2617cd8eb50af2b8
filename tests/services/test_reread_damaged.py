"""Good, damaged, good: a damaged or corrected copy read between two good ones leaves what
the good copy alone leaves (no twin, no orphan left published)."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from calendar_app.models import Meetup, MeetupLink, Status
from calendar_app.rendering.export_json import json_items
from calendar_app.services.ingest import ingest_newsletter

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent.parent / "fixtures" / "samples" / "2026-08-19-this-week-in-rust.md"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _section(text: str) -> tuple[list[str], int, int]:
    """The lines, and the first and last+1 line of the events list (after its window line)."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Rusty Events between")) + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("## "))
    return lines, start, end


def truncated(text: str) -> str:
    lines, start, end = _section(text)
    return "\n".join(lines[: start + (end - start) * 2 // 3])


def every_other_line_dropped(text: str) -> str:
    lines, start, end = _section(text)
    return "\n".join(lines[:start] + lines[start:end:2] + lines[end:])


def shuffled(text: str) -> str:
    lines, start, end = _section(text)
    middle = lines[start:end]
    random.Random(25).shuffle(middle)
    return "\n".join(lines[:start] + middle + lines[end:])


def dates_one_day_later(text: str) -> str:
    lines, start, end = _section(text)

    def later(match: re.Match) -> str:
        return (date.fromisoformat(match[0]) + timedelta(1)).isoformat()

    return "\n".join(lines[:start] + [_DATE.sub(later, s) for s in lines[start:end]] + lines[end:])


def published() -> list[dict]:
    items = json_items(Meetup.objects.canonical().filter(status=Status.PUBLISHED).order_by("pk"))
    for item in items:
        for sighting in item["sightings"]:
            sighting.pop("id", None)  # a re-read writes its sightings again
    return items


@pytest.mark.parametrize(
    "damage", [truncated, every_other_line_dropped, shuffled, dates_one_day_later]
)
def test_good_damaged_good_leaves_what_good_alone_leaves(damage):
    good = SAMPLE.read_text(encoding="utf-8")
    ingest_newsletter(text=good, source="good.md")
    alone = published()
    assert len(alone) >= 50

    report = ingest_newsletter(text=damage(good), source="damaged.md")
    assert not report.errors and report.newsletters == 1  # accepted, not refused
    after_damage = published()
    orphans = [m["title"] for m in after_damage if not m["sightings"] and not m["sources"]]
    assert orphans == []  # what only lost lines held is withdrawn, not left published

    ingest_newsletter(text=good, source="good.md")
    assert published() == alone
    assert not Meetup.objects.canonical().filter(sightings=None, status=Status.PUBLISHED).exists()


def test_an_erratum_moves_the_meetups_its_lines_held():
    """A line with an event's own page keeps its meetup (its page, its calendar UID) when
    an erratum moves it; one with only a general page (`rustconf.com`) becomes a new meetup
    and the old one is withdrawn, as no rule can tell it from another event there."""
    good = SAMPLE.read_text(encoding="utf-8")
    ingest_newsletter(text=good, source="good.md")
    event_pages = set(MeetupLink.objects.filter(event_specific=True).values_list("url", flat=True))
    before = {m["url"]: (m["id"], m["start_date"]) for m in published() if m["url"]}
    before = {url: value for url, value in before.items() if url in event_pages}
    assert len(before) >= 40

    ingest_newsletter(text=dates_one_day_later(good), source="erratum.md")

    after = {m["url"]: (m["id"], m["start_date"]) for m in published() if m["url"]}
    for url, (pk, day) in before.items():
        assert after[url] == (pk, (date.fromisoformat(day) + timedelta(1)).isoformat())


def test_a_withdrawn_meetup_is_kept_in_history_and_a_curated_one_stays_published():
    good = SAMPLE.read_text(encoding="utf-8")
    ingest_newsletter(text=good, source="good.md")
    lost = [m["id"] for m in published()[-2:]]  # listed last: a truncated copy loses them
    curated = Meetup.objects.get(pk=lost[1])
    curated.locked_fields = ["title"]
    curated.save()

    report = ingest_newsletter(text=truncated(good), source="damaged.md")

    statuses = dict(Meetup.objects.filter(pk__in=lost).values_list("pk", "status"))
    assert statuses == {lost[0]: Status.HIDDEN, lost[1]: Status.PUBLISHED}
    assert report.meetups_withdrawn >= 1
    withdrawn = Meetup.history.filter(id=lost[0]).latest("history_date")
    assert withdrawn.status == Status.HIDDEN and "Withdrawn" in withdrawn.history_change_reason
    assert lost[0] not in {m["id"] for m in published()}

    ingest_newsletter(text=good, source="good.md")  # listed again: public again, same page
    assert Meetup.objects.get(pk=lost[0]).status == Status.PUBLISHED


def test_a_copy_dropping_more_than_half_is_still_refused():
    good = SAMPLE.read_text(encoding="utf-8")
    ingest_newsletter(text=good, source="good.md")
    lines, start, end = _section(good)
    quarter = "\n".join(lines[: start + (end - start) // 4])

    alone = published()

    with pytest.raises(ValueError, match="refused as a damaged copy"):
        ingest_newsletter(text=quarter, source="damaged.md")
    assert published() == alone
