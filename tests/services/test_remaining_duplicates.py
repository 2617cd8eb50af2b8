"""Duplicates issue 22 still saw: one event page listed by two organisers, and a hybrid
event whose title line is only under one of its two headings."""

from __future__ import annotations

import pytest

from calendar_app.models import Meetup
from calendar_app.services.ingest import ingest_newsletter

pytestmark = pytest.mark.django_db
PAGE = "https://www.meetup.com/rust-linz/events/301234567/"


def newsletter(number: int, day: str, sections: str) -> str:
    return (
        f"Title: This Week in Rust {number}\nNumber: {number}\nDate: {day}\n"
        f"Category: This Week in Rust\n\n## Upcoming Events\n\n"
        f"Rusty Events between {day} - 2024-03-20 🦀\n\n{sections}\n## Jobs\n\nNone.\n"
    )


def shown() -> list[tuple]:
    return sorted(
        (m.start_date.isoformat(), m.title, m.attendance, [g.name for g in m.ordered_groups()])
        for m in Meetup.objects.canonical()
    )


@pytest.mark.parametrize("newest_first", [False, True])
def test_one_event_page_listed_by_two_organisers_is_one_meetup_showing_both(newest_first):
    issues = [
        newsletter(
            531,
            "2024-01-24",
            "### Europe\n\n* 2024-02-15 | Linz, AT | [Rust Linz](https://www.meetup.com/rust-linz/)\n"
            f"    * [**Rust Meetup Linz - 37th Edition**]({PAGE})\n",
        ),
        newsletter(
            532,
            "2024-01-31",
            "### Europe\n\n* 2024-02-15 | Linz, AT | [Linz Developers](https://linzdevs.at/)\n"
            f"    * [**Rust Meetup Linz - 37th Edition**]({PAGE})\n",
        ),
    ]
    for text in issues[::-1] if newest_first else issues:
        ingest_newsletter(text=text, source="x.md")
    assert shown() == [
        (
            "2024-02-15",
            "Rust Meetup Linz - 37th Edition",
            "in_person",
            ["Linz Developers", "Rust Linz"],
        )
    ]


def test_a_listing_without_its_title_line_joins_its_titled_twin_of_the_same_issue():
    text = newsletter(
        531,
        "2024-01-24",
        "### Virtual\n\n"
        "* 2024-02-15 | Virtual (Seattle, WA, US) | "
        "[Seattle Rust User Group](https://www.meetup.com/seattle-rust-user-group/)\n"
        "    * [**Seattle Rust User Group Meetup**]"
        "(https://www.meetup.com/seattle-rust-user-group/events/298631774/)\n\n"
        "### North America\n\n"
        "* 2024-02-15 | Seattle, WA, US | "
        "[Seattle Rust User Group](https://www.meetup.com/seattle-rust-user-group/)\n",
    )
    ingest_newsletter(text=text, source="531.md")
    assert shown() == [
        (
            "2024-02-15",
            "Seattle Rust User Group Meetup",
            "hybrid",
            ["Seattle Rust User Group"],
        )
    ]


def test_an_untitled_listing_next_to_two_events_of_its_organiser_stays_apart():
    group = "[Seattle Rust User Group](https://www.meetup.com/seattle-rust-user-group/)"
    text = newsletter(
        531,
        "2024-01-24",
        "### North America\n\n"
        f"* 2024-02-15 | Seattle, WA, US | {group}\n"
        "    * [**Workshop**](https://www.meetup.com/seattle-rust-user-group/events/1/)\n"
        f"* 2024-02-15 | Seattle, WA, US | {group}\n"
        "    * [**Evening talks**](https://www.meetup.com/seattle-rust-user-group/events/2/)\n"
        f"* 2024-02-15 | Virtual (Seattle, WA, US) | {group}\n",
    )
    ingest_newsletter(text=text, source="531.md")
    assert len(shown()) == 3
