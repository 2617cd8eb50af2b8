"""Issue 24: a curator's correction reaches the draft, and only the part it corrects."""

from __future__ import annotations

from datetime import date

import pytest

from calendar_app.models import Group, Meetup, MeetupLink, Place
from calendar_app.rendering.export_twir import draft_twir
from calendar_app.services.curation import group_save, meetup_save, place_correct
from calendar_app.services.ingest import ingest_paths
from calendar_app.services.locking import lock_changed_fields
from tests.twir.helpers import SAMPLES

pytestmark = pytest.mark.django_db
WINDOW = {"start": date(2024, 1, 24), "end": date(2024, 2, 21)}
VIENNA = "https://www.meetup.com/rust-vienna/events/298504153/"
VIENNA_LINE = (
    "* 2024-01-25 | Vienna, AT | [Rust Vienna](https://www.meetup.com/rust-vienna/)\n"
    "    * [**Rust Vienna Meetup - January - Blockchains and Data Pipelines**]({})"
)


@pytest.fixture
def jan_17():
    ingest_paths([str(SAMPLES / "2024-01-17-this-week-in-rust.md")])


def meetup_linking(url: str) -> Meetup:
    return Meetup.objects.get(links__url=url)


def entry(draft, meetup: Meetup):
    return next(e for e in draft.entries if e.meetup.pk == meetup.pk)


def test_as_published_until_a_curator_corrects_it(jan_17):
    draft = draft_twir(**WINDOW)
    assert VIENNA_LINE.format(VIENNA) + "\n" in draft.markdown
    assert entry(draft, meetup_linking(VIENNA)).state == "as published"


def test_a_corrected_title_rewrites_the_title_only(jan_17):
    vienna = meetup_linking(VIENNA)
    vienna.title = "Rust Vienna: Blockchains and Data Pipelines"
    meetup_save(meetup=vienna, user=None, changed=["title"])

    draft = draft_twir(**WINDOW)

    assert (
        "* 2024-01-25 | Vienna, AT | [Rust Vienna](https://www.meetup.com/rust-vienna/)\n"
        f"    * [**Rust Vienna: Blockchains and Data Pipelines**]({VIENNA})\n"
    ) in draft.markdown
    assert entry(draft, vienna).state == "changed"
    assert entry(draft, vienna).changes == [
        "title: Rust Vienna Meetup - January - Blockchains and Data Pipelines"
        " → Rust Vienna: Blockchains and Data Pipelines"
    ]


def test_a_corrected_date_and_link_rewrite_those_parts_only(jan_17):
    vienna = meetup_linking(VIENNA)
    vienna.start_date = vienna.end_date = date(2024, 1, 26)
    meetup_save(meetup=vienna, user=None, changed=["start_date", "end_date"])
    moved = "https://www.meetup.com/rust-vienna/events/298504999/"
    MeetupLink.objects.filter(meetup=vienna, url=VIENNA).update(url=moved)
    lock_changed_fields(vienna, ["links"])
    vienna.save()

    text = draft_twir(**WINDOW).markdown

    assert VIENNA_LINE.format(moved).replace("2024-01-25", "2024-01-26") + "\n" in text


def test_a_corrected_place_is_written_from_its_fields_wherever_it_is_listed(jan_17):
    place = Place.objects.get(text__startswith="charlottesville")
    place.admin1 = "VA"
    place_correct(place=place, user=None, changed=["admin1"])

    text = draft_twir(**WINDOW).markdown

    assert "Charlottesville, NC" not in text
    assert text.count("* 2024-01-25 | Virtual (Charlottesville, VA, US) | [Charlottesville") == 1
    assert text.count("* 2024-02-08 | Virtual (Charlottesville, VA, US) | [Charlottesville") == 1


def test_an_organiser_renamed_by_a_curator_is_written_with_its_new_name_everywhere(jan_17):
    boston = Group.objects.get(name="Boston Rust Meetup")
    boston.name = "Rust Boston"
    group_save(group=boston, user=None, changed=["name"])

    draft = draft_twir(**WINDOW)

    assert "[Boston Rust Meetup]" not in draft.markdown
    assert draft.markdown.count("| [Rust Boston](https://www.meetup.com/bostonrust/)") == 2
    change = "organiser: Boston Rust Meetup → Rust Boston"
    assert len([e for e in draft.entries if change in e.changes]) == 2
