"""A calendar event is anchored to the date its calendar gives (issue 22): a newsletter
line reusing its page on another date after that date is another event; a move the
newsletter sees first keeps the calendar's date, flagged; a move by the calendar too is
a move. Whatever the order of reading."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

import pytest

from calendar_app.models import FlagKind, Meetup, Source
from calendar_app.services.ingest import ingest_newsletter, ingest_paths
from calendar_app.services.sources import source_add, source_url
from calendar_app.services.sources_sync import sync_sources
from tests.sources.feed_server import FIXTURES

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
PAGE = "https://www.meetup.com/rust-prague/events/312345678/"  # the calendar's Dec 3 event
CALENDAR_TITLE = "Rust Prague: Async v Praze, díl 3"


def newsletter(entries: str, number: int, day: str) -> str:
    return (
        f"Title: This Week in Rust {number}\nNumber: {number}\nDate: {day}\n"
        f"Category: This Week in Rust\n\n## Upcoming Events\n\n"
        f"Rusty Events between {day} - 2027-01-20 🦀\n\n### Europe\n\n{entries}\n"
        f"## Jobs\n\nNone.\n"
    )


def entry(day: str, title: str, link: str = PAGE) -> str:
    return (
        f"* {day} | Prague, CZ | [Rust Prague](https://www.meetup.com/rust-prague/)\n"
        f"    * [**{title}**]({link})\n"
    )


# A later issue (after Dec 3) lists a lunch with the Dec 3 event's page: a copy-paste slip.
LUNCH = newsletter(entry("2026-12-16", "Rust Prague Lunch"), 603, "2026-12-09")


@pytest.fixture
def calendar(tmp_path):
    path = tmp_path / "prague.ics"
    path.write_bytes((FIXTURES / "meetup_group.ics").read_bytes())
    source, _ = source_add(url=source_url(str(path)), name="Prague")
    return path, source


def sync(source: Source) -> None:
    source.refresh_from_db()
    sync_sources(sources=[source], now=NOW)


def move_calendar_event(path, to: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("20261203T", f"{to}T"), encoding="utf-8")
    os.utime(path, (1, 2_000_000_000))  # a new Last-Modified: read again


def shown() -> list[tuple]:
    return sorted(
        (m.start_date.isoformat(), m.title, sorted(m.flags.values_list("kind", flat=True)))
        for m in Meetup.objects.canonical()
        if any("312345678" in link.canonical_url for link in m.links.all())
    )


@pytest.mark.parametrize("calendar_first", [True, False])
def test_a_reused_link_after_the_calendars_date_is_another_event(calendar, calendar_first):
    _, source = calendar
    if calendar_first:
        sync(source)
        ingest_newsletter(text=LUNCH, source="603.md")
    else:
        ingest_newsletter(text=LUNCH, source="603.md")
        sync(source)
    assert shown() == [
        ("2026-12-03", CALENDAR_TITLE, []),
        ("2026-12-16", "Rust Prague Lunch", [FlagKind.LINK_OF_ANOTHER_EVENT]),
    ]
    lunch = Meetup.objects.get(title="Rust Prague Lunch")
    [flag] = lunch.flags.all()
    assert "TWIR 603 (2026-12-09)" in flag.message and "2026-12-03" in flag.message
    assert CALENDAR_TITLE in flag.message  # it names the first event


def test_when_the_calendar_moves_the_event_too_it_is_a_move(calendar):
    path, source = calendar
    sync(source)
    moved = newsletter(entry("2026-12-16", "Async in Prague, part 3"), 601, "2026-11-25")
    ingest_newsletter(text=moved, source="601.md")
    # the newsletter saw the move first: the calendar's date stands, flagged
    assert shown() == [("2026-12-03", CALENDAR_TITLE, [FlagKind.DATE_DIFFERS_FROM_CALENDAR])]
    move_calendar_event(path, "20261216")
    sync(source)
    assert shown() == [("2026-12-16", CALENDAR_TITLE, [])]  # one event, moved, no flag left


# --- a series session printed with the previous session's date -----------------------------

SERIES = "[Rust Nürnberg](https://www.meetup.com/rust-noris/)"


def session(day: str, event: int) -> str:
    return (
        f"* {day} | Nürnberg, DE | {SERIES}\n"
        f"    * [**Rust Nürnberg online**](https://www.meetup.com/rust-noris/events/{event}/)\n"
    )


WRONG_DATE = [
    newsletter(session("2026-06-30", 301) + session("2026-07-28", 302), 631, "2026-06-24"),
    # the July session printed with the June date, in an issue after that date
    newsletter(session("2026-06-30", 302), 633, "2026-07-08"),
    newsletter(session("2026-07-28", 302), 634, "2026-07-15"),
]


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 0, 2)])
def test_a_session_with_a_wrong_date_never_folds_two_sessions(order):
    for n in order:
        ingest_newsletter(text=WRONG_DATE[n], source=f"{n}.md")
    sessions = sorted(
        (m.start_date, sorted(link.canonical_url.rsplit("/", 1)[1] for link in m.links.all()))
        for m in Meetup.objects.canonical()
    )
    assert sessions == [(date(2026, 6, 30), ["301"]), (date(2026, 7, 28), ["302"])]


def test_two_numeric_meetup_ids_each_on_its_own_date_are_never_one_event_by_title(tmp_path):
    """The July session listed on the June date in an issue before it (not a suspect
    date), then on its own date: two events, never a title join with the June session
    (read together; a title join stored by an earlier import is not undone)."""
    issues = [
        newsletter(session("2026-06-30", 301), 630, "2026-06-17"),
        newsletter(session("2026-06-30", 302), 631, "2026-06-24"),
        newsletter(session("2026-07-28", 302) + session("2026-06-30", 301), 632, "2026-06-27"),
    ]
    for n, text in enumerate(issues):
        (tmp_path / f"{n}.md").write_text(text, encoding="utf-8")
    ingest_paths([str(tmp_path)])
    assert sorted(m.start_date for m in Meetup.objects.canonical()) == [
        date(2026, 6, 30),
        date(2026, 7, 28),
    ]
