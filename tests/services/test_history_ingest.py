"""The older issues ingested with the modern ones: one calendar, deduplicated across eras."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from calendar_app.models import Flag, Group, Meetup, Newsletter, Sighting
from tests.factories import clear_ingested

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HISTORY = sorted((FIXTURES / "history").glob("*.md"))
MODERN = sorted((FIXTURES / "samples").iterdir())

pytestmark = pytest.mark.django_db


def run_ingest(*paths: str | Path) -> dict:
    out = io.StringIO()
    call_command("ingest_twir", *map(str, paths), "--json", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def exported() -> list[dict]:
    """The JSON export without ids and uids (new on every import), in a fixed order."""
    out = io.StringIO()
    call_command("export_events", "--format", "json", stdout=out)
    items = [
        {k: v for k, v in item.items() if k not in {"id", "uid"}}
        for item in json.loads(out.getvalue())
    ]
    for item in items:
        item["sightings"].sort(key=lambda s: (s["newsletter_date"], s["line"]))
        item["flags"].sort(key=lambda f: (f["kind"], f["message"]))
    return sorted(items, key=lambda i: (i["start_date"], i["title"], i["url"] or ""))


def bullets(path: Path) -> int:
    text = path.read_text(encoding="utf-8")
    section = re.search(
        r"^(#{1,2}) (?:Upcoming (?:Events|Meetups)|Meetups)\s*$(.*?)(?=^#{1,2} \S|\Z)",
        text,
        re.M | re.S,
    )
    assert section, path
    return len(re.findall(r"^ ?[*+-](?:[ \t]+|$)", section.group(2), re.M))


@pytest.mark.parametrize("path", HISTORY, ids=lambda p: p.name)
def test_every_old_entry_line_is_a_sighting_or_an_unparsed_flag(path):
    report = run_ingest(path)
    newsletter = Newsletter.objects.get()
    sightings = Sighting.objects.filter(newsletter=newsletter).count()
    unparsed = Flag.objects.filter(newsletter=newsletter, kind="unparsed").count()
    assert sightings + unparsed == bullets(path) == report["entries"]
    assert unparsed == 0


def test_the_old_issues_raise_no_flag_for_what_their_era_lacks():
    report = run_ingest(*HISTORY)
    assert report["sightings"] == 136
    kinds = set(Flag.objects.values_list("kind", flat=True))
    assert not kinds & {"no_group", "no_location", "no_window", "unparsed", "no_title"}
    assert report["flagged"] <= 5  # 136 entries of 12 issues: flags are for doubts


def test_old_organisers_and_places_reach_the_pages():
    run_ingest(*HISTORY)
    columbus = Meetup.objects.get(start_date="2018-03-08", title="Monthly Meeting")
    assert [g.name for g in columbus.groups.all()] == ["Columbus Rust Society"]
    assert [p.city for p in columbus.places.all()] == ["Columbus"]
    nyc = Meetup.objects.get(start_date="2017-03-11")
    assert (nyc.title, [g.name for g in nyc.groups.all()]) == ("Rust Hack & Learn", ["Rust NYC"])
    assert list(nyc.places.all()) == []  # `Rust NYC` is no town
    irc = Meetup.objects.filter(title="Rust Community Team Meeting")
    assert irc.count() == 8 and {m.attendance for m in irc} == {"virtual"}
    assert not any(m.places.exists() for m in irc)


def test_a_berlin_meetup_group_is_one_organiser_from_2015_on():
    run_ingest(*HISTORY)
    berlin = Group.objects.get(url__iexact="https://www.meetup.com/rust-berlin/")
    assert sorted(str(m.start_date) for m in berlin.meetups.all()) == [
        "2015-10-14",
        "2016-06-08",
    ]


PIPES = """Title: This Week in Rust 430
Number: 430
Date: 2022-02-16
Category: This Week in Rust

## Upcoming Events

Rusty Events between 2/16/2022 - 3/16/2022 🦀

### Europe

* [March 3, 2022 | Berlin, DE | **Rust Hack and Learn** | Berline.rs](https://www.meetup.com/de/opentechschool-berlin/events/283000001/)

# Rust Jobs
"""

MODERN_LAYOUT = """Title: This Week in Rust 432
Number: 432
Date: 2022-03-02
Category: This Week in Rust

## Upcoming Events

Rusty Events between 2022-03-02 - 2022-03-30 🦀

### Europe

* 2022-03-03 | Berlin, DE | [Berline.rs](https://berline.rs/)
    * [**Rust Hack and Learn**](https://www.meetup.com/opentechschool-berlin/events/283000001)

## Jobs
"""


@pytest.mark.parametrize("order", ["old first", "new first"])
def test_a_meetup_in_the_pipe_layout_and_then_the_modern_one_is_one_meetup(order, tmp_path):
    texts = [PIPES, MODERN_LAYOUT] if order == "old first" else [MODERN_LAYOUT, PIPES]
    paths = []
    for n, text in enumerate(texts):
        paths.append(tmp_path / f"{n}.md")
        paths[-1].write_text(text, encoding="utf-8")
        run_ingest(paths[-1])
    (meetup,) = Meetup.objects.all()
    assert meetup.sightings.count() == 2
    assert str(meetup.start_date) == "2022-03-03"


def test_an_old_layout_link_moved_by_the_next_issue_is_rescheduled(tmp_path):
    first = PIPES
    moved = MODERN_LAYOUT.replace("2022-03-03 |", "2022-03-10 |")
    for n, text in enumerate([first, moved]):
        (tmp_path / f"{n}.md").write_text(text, encoding="utf-8")
        run_ingest(tmp_path / f"{n}.md")
    (meetup,) = Meetup.objects.all()
    assert str(meetup.start_date) == "2022-03-10"
    assert Flag.objects.filter(kind="rescheduled", meetup=meetup).exists()


ORDERS = [
    pytest.param("interleaved", id="interleaved"),
    pytest.param("reversed", id="reversed"),
]


def ingest_in_another_order(order: str) -> None:
    clear_ingested()
    if order == "interleaved":
        paths = [*HISTORY[::2], *MODERN[::2], *HISTORY[1::2], *MODERN[1::2]]
    else:
        paths = [*MODERN[::-1], *HISTORY[::-1]]
    for path in paths:  # one by one: the order of ingestion is the order given
        run_ingest(path)


def without_slugs(items: list[dict]) -> list[dict]:
    """An organiser's slug is its page's URL, made once from the first name it was seen
    with and never changed (like an id): everything else must not depend on the order."""
    return [{**item, "groups": [{**g, "slug": ""} for g in item["groups"]]} for item in items]


@pytest.mark.parametrize("order", ORDERS)
def test_history_and_modern_samples_in_another_order_give_the_same_export(order):
    """Ingest in one order, export, start again in another order: the same meetups, with
    the same titles, dates, places, links and organisers (names and URLs)."""
    run_ingest(*HISTORY, *MODERN)
    first = exported()
    assert len(first) > 300
    ingest_in_another_order(order)
    assert without_slugs(exported()) == without_slugs(first)
