"""An import keeps each stored sighting's matching values for the whole run: what it gives
must be what reading the newsletters one per call gives, organisers merged mid-run too."""

from __future__ import annotations

import pytest

from calendar_app.models import Group, Meetup
from calendar_app.services.ingest import ingest_newsletter, ingest_paths

pytestmark = pytest.mark.django_db
PDX = "Rust PDX"  # listed without its page
PORTLAND = "[Portland Rust](https://www.meetup.com/portland-rust/)"
BOTH = "[Rust PDX](https://www.meetup.com/portland-rust/)"  # one organiser after all


def newsletter(number: int, day: str, entries: str) -> str:
    return (
        f"Title: This Week in Rust {number}\nNumber: {number}\nDate: {day}\n"
        f"Category: This Week in Rust\n\n## Upcoming Events\n\n"
        f"Rusty Events between {day} - 2024-03-20 🦀\n\n### North America\n\n{entries}\n"
        f"## Jobs\n\nNone.\n"
    )


def entry(group: str, title: str, event: int, day: str = "2024-02-15") -> str:
    return (
        f"* {day} | Portland, OR, US | {group}\n"
        f"    * [**{title}**](https://www.meetup.com/pdxrust/events/{event}/)\n"
    )


ISSUES = [
    newsletter(530, "2024-01-17", entry(PDX, "Rust Hack Night", 1)),
    newsletter(531, "2024-01-24", entry(PORTLAND, "Rust Hack Night", 2)),
    newsletter(532, "2024-01-31", entry(BOTH, "Rust Social", 3, day="2024-02-20")),
    newsletter(533, "2024-02-07", entry(PDX, "Rust Hack Night", 1)),
]


def meetups() -> list[tuple]:
    return sorted(
        (m.start_date, m.title, tuple(g.name for g in m.ordered_groups()))
        for m in Meetup.objects.canonical()
    )


def test_a_run_gives_what_one_newsletter_per_call_gives(tmp_path):
    for number, text in enumerate(ISSUES):
        (tmp_path / f"{number}.md").write_text(text, encoding="utf-8")
    report = ingest_paths([str(tmp_path)])
    assert not report.errors
    in_one_run = meetups()
    assert Group.objects.count() == 1  # the two organisers were found to be one
    Meetup.objects.all().delete()
    Group.objects.all().delete()
    for number, text in enumerate(ISSUES):
        ingest_newsletter(text=text, source=f"{number}.md", force=True)
    assert in_one_run == meetups()
    # one organiser, one day, one title: the two hack nights are one meetup
    assert [title for _, title, _ in in_one_run] == ["Rust Hack Night", "Rust Social"]
