"""The folded search columns follow every writer: ingest, curators' edits, merges, the
migration's backfill. Asserted through the list page's search, as a visitor sees it."""

from __future__ import annotations

from datetime import date
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps

from calendar_app.models import Group, Meetup, Place
from calendar_app.models.content import data_changed
from calendar_app.services.curation import meetup_save, meetups_merge, place_correct
from calendar_app.services.ingest import ingest_newsletter, ingest_paths
from calendar_app.services.search_index import search_text_refresh
from tests.factories import make_meetup, make_place

pytestmark = pytest.mark.django_db

SEEDS = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "samples").glob("00*.txt"))


def found(client, query: str) -> set[str]:
    response = client.get("/events/", {"q": query, "include_past": "on"})
    return {m.title for m in response.context["page"].object_list}


def newsletter(number: int, day: str, entries: str) -> str:
    return (
        f"Title: This Week in Rust {number}\nNumber: {number}\nDate: {day}\n"
        f"Category: This Week in Rust\n\n## Upcoming Events\n\n"
        f"Rusty Events between {day} - 2024-03-31 🦀\n\n### Europe\n\n{entries}\n"
        f"## Jobs\n\nNone.\n"
    )


def test_ingest_leaves_nothing_stale():
    ingest_paths([str(path) for path in SEEDS])
    assert Meetup.objects.exclude(search_title="").exists()
    assert not Group.objects.filter(search_name="").exists()
    used = Place.objects.filter(meetups__isnull=False).distinct()  # not "Europe / Africa"
    assert not used.filter(search_text="").exists()
    again = search_text_refresh(
        meetup_ids=Meetup.objects.values_list("pk", flat=True),
        group_ids=Group.objects.values_list("pk", flat=True),
        place_ids=used.values_list("pk", flat=True),
    )
    assert again == 0  # all already as the rules fold them


def test_an_organiser_renamed_by_a_newer_issue_is_found_by_its_new_name(client):
    group = "[Rust Köln](https://www.meetup.com/rustcologne/)"
    first = f"* 2024-02-07 | Köln, DE | {group}\n    * [**Embedded**](https://www.meetup.com/rustcologne/events/1/)\n"
    ingest_newsletter(text=newsletter(530, "2024-01-17", first), source="a")
    renamed = group.replace("Rust Köln", "Rust Rheinland")
    later = f"* 2024-02-21 | Köln, DE | {renamed}\n    * [**Async night**](https://www.meetup.com/rustcologne/events/2/)\n"
    ingest_newsletter(text=newsletter(531, "2024-01-24", later), source="b")
    assert found(client, "rheinland") == {"Embedded", "Async night"}
    assert found(client, "cologne") == {"Embedded", "Async night"}  # Köln, by its other name


def test_a_rename_within_one_run_is_searched_once_the_run_ends(client, tmp_path):
    """An archive import folds search text once per batch of newsletters, not per file:
    what a later file of the same batch renamed is what is searched."""
    group = "[Rust Köln](https://www.meetup.com/rustcologne/)"
    first = f"* 2024-02-07 | Köln, DE | {group}\n    * [**Embedded**](https://www.meetup.com/rustcologne/events/1/)\n"
    renamed = group.replace("Rust Köln", "Rust Rheinland")
    later = f"* 2024-02-21 | Köln, DE | {renamed}\n    * [**Async night**](https://www.meetup.com/rustcologne/events/2/)\n"
    (tmp_path / "a.md").write_text(newsletter(530, "2024-01-17", first), encoding="utf-8")
    (tmp_path / "b.md").write_text(newsletter(531, "2024-01-24", later), encoding="utf-8")
    ingest_paths([str(tmp_path)])
    assert found(client, "rheinland") == {"Embedded", "Async night"}
    assert found(client, "embedded") == {"Embedded"}


def test_a_curators_title_and_place_are_searched(client):
    place = make_place("Somewhere, DE", city="Somewhere", country="DE")
    meetup = make_meetup("Rust night", start=date(2025, 5, 1), places=[place])
    meetup.title = "Rust Nacht in Zürich"
    meetup_save(meetup=meetup, user=None, changed=["title"])
    assert found(client, "zurich") == {"Rust Nacht in Zürich"}
    place.city, place.written = "Praha", "Praha, CZ"
    place_correct(place=place, user=None, changed=["city"])
    assert found(client, "prague") == {"Rust Nacht in Zürich"}


def test_a_merge_that_takes_the_others_title_is_searched_by_it(client):
    survivor = make_meetup("Rust meetup", start=date(2025, 5, 1))
    other = make_meetup("Rust München Stammtisch", start=date(2025, 5, 1))
    meetups_merge(survivor=survivor, others=[other], user=None, choices={"title": other})
    assert found(client, "munich") == {"Rust München Stammtisch"}


def test_the_migration_fills_the_columns(client):
    make_meetup("Rust Montréal", start=date(2025, 5, 1), places=[make_place("Köln, DE")])
    Meetup.objects.update(search_title="")
    Group.objects.update(search_name="")
    Place.objects.update(search_text="")
    assert found(client, "montreal") == set()
    import_module("calendar_app.migrations.0013_search_folded_columns").fill(apps, None)
    data_changed()  # the migration's plain SQL sends no signal: the page cache must not answer
    assert found(client, "montreal") == {"Rust Montréal"}
    assert found(client, "cologne") == {"Rust Montréal"}
    assert search_text_refresh(everything=True) == 0


def test_a_bare_bulk_create_or_update_is_found_by_its_folded_title(client):
    """No writer has to remember the folded columns: bulk_create, bulk_update, update and
    save fill them (models.content.Fold), whatever wrote the row."""
    (created,) = Meetup.objects.bulk_create(
        [Meetup(title="Rust Zürich Hack", start_date=date(2025, 5, 1), end_date=date(2025, 5, 1))]
    )
    assert found(client, "zurich") == {"Rust Zürich Hack"}
    Meetup.objects.filter(pk=created.pk).update(title="Rust München Night")
    assert found(client, "munich") == {"Rust München Night"}  # another language's name
    assert found(client, "zurich") == set()
    created.refresh_from_db()
    created.title = "Rust Gdańsk"
    Meetup.objects.bulk_update([created], ["title"])
    assert found(client, "gdansk") == {"Rust Gdańsk"}
    created.title = "Rust Kraków"
    created.save(update_fields=["title"])
    assert found(client, "krakow") == {"Rust Kraków"}


def test_a_bare_update_of_a_place_or_an_organiser_is_found(client):
    meetup = make_meetup("Evening", start=date(2025, 5, 1), places=[make_place("Köln, DE")])
    Place.objects.filter(meetups=meetup).update(city="Düsseldorf", written="Düsseldorf, DE")
    assert found(client, "dusseldorf") == {"Evening"}
    Group.objects.filter(meetups=meetup).update(name="Ferris Fanclub")
    assert found(client, "fanclub") == {"Evening"}
