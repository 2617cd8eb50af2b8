"""A second identity: one organiser, one day, a similar title is one meetup, links aside."""

from __future__ import annotations

import pytest

from calendar_app.models import Flag, Meetup
from calendar_app.services.ingest import ingest_newsletter, ingest_paths
from calendar_app.services.merge import unmerge_meetup
from calendar_app.twir import canonical_url

pytestmark = pytest.mark.django_db
GROUP = "[Rust PDX](https://www.meetup.com/pdxrust/)"


def newsletter(number: int, day: str, entries: str) -> str:
    return (
        f"Title: This Week in Rust {number}\nNumber: {number}\nDate: {day}\n"
        f"Category: This Week in Rust\n\n## Upcoming Events\n\n"
        f"Rusty Events between {day} - 2024-03-20 🦀\n\n### North America\n\n{entries}\n"
        f"## Jobs\n\nNone.\n"
    )


def entry(title: str, url: str, day: str = "2024-02-15", group: str = GROUP) -> str:
    return f"* {day} | Portland, OR, US | {group}\n    * [**{title}**]({url})\n"


def canonical_meetups() -> list[Meetup]:
    return list(Meetup.objects.canonical())


def test_meetup_event_links_drop_their_query_string():
    url = "https://www.meetup.com/pdxrust/events/306044189/?slug=pdxrust&eventId=306044189"
    assert canonical_url(url) == "https://meetup.com/pdxrust/events/306044189"


def test_a_placeholder_id_that_becomes_a_numeric_id_is_one_meetup_across_issues():
    ingest_newsletter(
        text=newsletter(
            530,
            "2024-01-17",
            entry("Rust Hack Night", "https://meetup.com/pdxrust/events/xvkdgtyhcgbfc/"),
        ),
        source="a",
    )
    ingest_newsletter(
        text=newsletter(
            531,
            "2024-01-24",
            entry("Rust Hack Night!", "https://meetup.com/pdxrust/events/307089940/"),
        ),
        source="b",
    )
    [meetup] = canonical_meetups()
    assert meetup.title == "Rust Hack Night!"
    assert {link.canonical_url for link in meetup.links.all()} >= {
        "https://meetup.com/pdxrust/events/307089940"
    }
    assert meetup.sightings.count() == 2
    assert Flag.objects.filter(meetup=meetup, kind="possible_duplicate", resolved=False).exists()


@pytest.mark.parametrize(
    "second",
    [
        "https://meetup.com/pdxrust/events/307089941/",  # two numeric ids
        "https://lu.ma/abcdefgh",  # the same event on another site
    ],
)
def test_two_links_one_organiser_one_day_one_title_within_one_issue_is_one_meetup(second):
    entries = entry("Monthly Meetup", "https://meetup.com/pdxrust/events/307089940/") + entry(
        "Monthly meetup", second
    )
    ingest_newsletter(text=newsletter(530, "2024-01-17", entries), source="a")
    [meetup] = canonical_meetups()
    assert meetup.sightings.count() == 2


def test_two_titles_of_one_organiser_on_one_day_stay_two_meetups():
    entries = entry("Weekly coding session", "https://meetup.com/pdxrust/events/1/") + entry(
        "Hack night", "https://meetup.com/pdxrust/events/2/"
    )
    ingest_newsletter(text=newsletter(530, "2024-01-17", entries), source="a")
    assert sorted(m.title for m in canonical_meetups()) == ["Hack night", "Weekly coding session"]
    assert not Flag.objects.filter(kind="possible_duplicate").exists()


def test_the_same_title_of_two_organisers_stays_two_meetups():
    other = "[Rust Seattle](https://www.meetup.com/seattle-rust/)"
    entries = entry("Monthly Meetup", "https://meetup.com/pdxrust/events/1/") + entry(
        "Monthly Meetup", "https://meetup.com/seattle-rust/events/2/", group=other
    )
    ingest_newsletter(text=newsletter(530, "2024-01-17", entries), source="a")
    assert len(canonical_meetups()) == 2


@pytest.mark.parametrize("together", [False, True], ids=["one by one", "in one import"])
def test_unmerge_undoes_a_join_by_title(together, tmp_path):
    """Also when both issues come in one import (matched as one plan): each meetup gets
    its own link back, none is left with the other's."""
    texts = [
        newsletter(530, "2024-01-17", entry("Rust Hack Night", "https://lu.ma/abcdefgh")),
        newsletter(
            531, "2024-01-24", entry("Rust Hack Night", "https://meetup.com/pdxrust/events/9/")
        ),
    ]
    for number, text in enumerate(texts):
        if together:
            (tmp_path / f"{number}.md").write_text(text, encoding="utf-8")
        else:
            ingest_newsletter(text=text, source=str(number))
    if together:
        report = ingest_paths([str(tmp_path)])
        assert (report.newsletters, report.errors) == (2, [])
    [survivor] = canonical_meetups()
    assert survivor.links.count() == 2
    merged = Meetup.objects.get(duplicate_of__isnull=False)
    assert merged.merge_record["reason"] == "title"
    unmerge_meetup(meetup=merged)
    meetups = canonical_meetups()
    assert len(meetups) == 2
    assert sorted(m.sightings.count() for m in meetups) == [1, 1]
    links = sorted(m.links.get().canonical_url for m in meetups)
    assert links == ["https://luma.com/abcdefgh", "https://meetup.com/pdxrust/events/9"]
    assert not Flag.objects.filter(kind="possible_duplicate", resolved=False).exists()


def test_a_join_a_curator_undid_is_not_made_again_by_the_next_issue():
    luma = entry("Rust Hack Night", "https://lu.ma/abcdefgh")
    meetup_com = entry("Rust Hack Night", "https://meetup.com/pdxrust/events/9/")
    ingest_newsletter(text=newsletter(530, "2024-01-17", luma), source="a")
    ingest_newsletter(text=newsletter(531, "2024-01-24", meetup_com), source="b")
    unmerge_meetup(meetup=Meetup.objects.get(duplicate_of__isnull=False))
    ingest_newsletter(text=newsletter(532, "2024-01-31", luma + meetup_com), source="c")
    assert len(canonical_meetups()) == 2
