"""A title join (organiser + day + similar title) is split when a later reading shows two
events (issue 22): a re-read that moves one listing to a date of its own, or a later issue
that lists one of the two numeric Meetup events on a date of its own."""

from __future__ import annotations

from datetime import date

import pytest

from calendar_app.models import Meetup
from calendar_app.rendering.export_json import json_items
from calendar_app.services.ingest import ingest_newsletter

pytestmark = pytest.mark.django_db
GROUP = "[Rust Berlin](https://www.meetup.com/rust-berlin/)"
FIRST = "https://www.meetup.com/rust-berlin/events/301111111/"
SECOND = "https://www.meetup.com/rust-berlin/events/302222222/"


def issue(number: int, day: str, *entries: tuple[str, str]) -> str:
    body = "".join(
        f"* {when} | Berlin, DE | {GROUP}\n    * [**Rust Hack and Learn**]({page})\n"
        for when, page in entries
    )
    return (
        f"Title: This Week in Rust {number}\nNumber: {number}\nDate: {day}\n"
        "Category: This Week in Rust\n\n## Upcoming Events\n\n"
        f"Rusty Events between {day} - 2024-02-28 🦀\n\n### Europe\n\n{body}\n## Jobs\n\nNone.\n"
    )


def shown() -> list[tuple[str, list[str]]]:
    """Each public meetup: its date and its links, as the JSON export gives them."""
    items = json_items(Meetup.objects.canonical().order_by("start_date", "pk"))
    return sorted((item["start_date"], [link["url"] for link in item["links"]]) for item in items)


def joined_by_title() -> None:
    """Two issues list the session of Jan 18 with two event pages: one meetup, by title."""
    ingest_newsletter(text=issue(530, "2024-01-10", ("2024-01-18", FIRST)), source="530.md")
    ingest_newsletter(text=issue(531, "2024-01-17", ("2024-01-18", SECOND)), source="531.md")
    assert shown() == [("2024-01-18", [FIRST, SECOND])]
    (joined,) = Meetup.objects.exclude(duplicate_of=None)
    assert joined.merge_record["reason"] == "title"


def test_a_reread_that_dates_one_listing_apart_splits_the_title_join():
    joined_by_title()
    corrected = issue(531, "2024-01-17", ("2024-01-25", SECOND))  # the copy corrected
    ingest_newsletter(text=corrected, source="531.md", force=True)
    assert shown() == [("2024-01-18", [FIRST]), ("2024-01-25", [SECOND])]
    assert not Meetup.objects.exclude(duplicate_of=None).exists()


def test_a_later_issue_listing_one_event_on_its_own_date_splits_the_title_join():
    joined_by_title()
    later = issue(532, "2024-01-24", ("2024-02-01", SECOND))  # its own date: another session
    ingest_newsletter(text=later, source="532.md")
    assert shown() == [
        ("2024-01-18", [FIRST]),
        ("2024-01-18", [SECOND]),
        ("2024-02-01", [SECOND]),
    ]


def test_a_join_that_still_holds_is_kept_on_a_reread():
    joined_by_title()
    ingest_newsletter(
        text=issue(531, "2024-01-17", ("2024-01-18", SECOND)) + "\n", source="531.md", force=True
    )
    assert shown() == [("2024-01-18", [FIRST, SECOND])]
    assert Meetup.objects.get(duplicate_of__isnull=False).start_date == date(2024, 1, 18)
