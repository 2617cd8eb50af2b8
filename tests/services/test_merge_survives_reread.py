"""A curator's merge survives a re-read and a sync: unmerge restores the meetups there were.

A re-read writes a newsletter's sightings (and their flags) anew, and a sync writes its
calendar's rows again; the merge record names what moved by newsletter and line, calendar
UID and link, so an unmerge after any of them gives each meetup its own listings back.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from calendar_app.models import DuplicateCandidate, DuplicateStatus, Meetup, Source
from calendar_app.rendering.export_json import json_items
from calendar_app.services.curation import meetup_unmerge, meetups_merge
from calendar_app.services.ingest import ingest_newsletter
from calendar_app.services.sources_sync import sync_sources

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
CALENDAR_TITLE = "Rust Prague: Async v Praze, díl 3"
LISTED_TITLE = "Rust Prague: Lightning Talks"
LISTED_PAGE = "https://www.meetup.com/rust-prague/events/399999999/"
MIRROR_TITLE = "Async in Prague, part 3 (stream)"
MIRROR_PAGE = "https://www.youtube.com/watch?v=prague3"


def newsletter(extra: str = "") -> str:
    return (
        "Title: This Week in Rust 600\nNumber: 600\nDate: 2026-11-25\n"
        "Category: This Week in Rust\n\n## Upcoming Events\n\n"
        "Rusty Events between 2026-11-25 - 2026-12-23 🦀\n\n"
        "### Virtual\n\n"
        "* 2026-12-03 | Virtual | [Rust Prague](https://www.meetup.com/rust-prague/)\n"
        f"    * [**{MIRROR_TITLE}**]({MIRROR_PAGE})\n\n"
        "### Europe\n\n"
        "* 2026-12-03 | Prague, CZ | [Rust Prague](https://www.meetup.com/rust-prague/)\n"
        f"    * [**{LISTED_TITLE}**]({LISTED_PAGE})\n"
        f"{extra}\n## Jobs\n\nNone.\n"
    )


def read_again() -> None:
    """The issue read again from a corrected copy: its sightings are written anew."""
    report = ingest_newsletter(
        text=newsletter(
            "* 2026-12-17 | Brno, CZ | [Rust Brno](https://rust-brno.cz/)\n"
            "    * [**Rust Brno #4**](https://rust-brno.cz/4)\n"
        ),
        source="600.md",
        force=True,
    )
    assert report.newsletters == 1


def sync_again(source: Source) -> None:
    """The calendar synced again with a full answer (no 304): its rows are written again."""
    Source.objects.filter(pk=source.pk).update(etag="", last_modified="")
    report = sync_sources(sources=Source.objects.filter(pk=source.pk), now=NOW)
    assert report.fetched == 1


def shown() -> dict[str, dict]:
    """What the JSON export says of each meetup of Dec 3, by title."""
    items = json_items(Meetup.objects.canonical().filter(start_date="2026-12-03"))
    return {
        item["title"]: {
            "lines": sorted(s["line"] for s in item["sightings"]),
            "uids": [s["uid"] for s in item["sources"]],
            "links": [link["url"] for link in item["links"]],
            "attendance": item["attendance"],
        }
        for item in items
        if item["status"] != "cancelled"
    }


def meetup(title: str) -> Meetup:
    return Meetup.objects.canonical().get(title=title)


@pytest.mark.parametrize("after", [["read"], ["sync"], ["read", "sync"], ["sync", "read", "read"]])
def test_unmerge_after_re_reads_and_syncs_restores_the_meetups_there_were(server, after):
    source = Source.objects.create(url=server.url("/meetup_group.ics"), name="Rust Prague")
    sync_sources(sources=[source], now=NOW)
    ingest_newsletter(text=newsletter(), source="600.md")
    before = shown()
    assert set(before) == {CALENDAR_TITLE, LISTED_TITLE, MIRROR_TITLE}
    survivor = meetup(CALENDAR_TITLE)
    others = [meetup(LISTED_TITLE), meetup(MIRROR_TITLE)]
    candidate = DuplicateCandidate.objects.create(
        first=min(survivor, others[0], key=lambda m: m.pk),
        second=max(survivor, others[0], key=lambda m: m.pk),
        reason="same organiser and day",
        score=80,
    )
    meetups_merge(survivor=survivor, others=others, user=None, choices={"links": others[0]})
    merged = shown()
    assert list(merged) == [CALENDAR_TITLE]
    assert merged[CALENDAR_TITLE]["links"][0] == LISTED_PAGE

    for step in after:
        read_again() if step == "read" else sync_again(source)
        # the merge holds (its attendance is read again from both listings: hybrid)
        assert {t: {**v, "attendance": ""} for t, v in shown().items()} == {
            t: {**v, "attendance": ""} for t, v in merged.items()
        }

    meetup_unmerge(meetups=Meetup.objects.filter(pk__in=[m.pk for m in others]), user=None)

    assert shown() == before
    survivor.refresh_from_db()
    assert survivor.locked_fields == []
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.NOT_DUPLICATE


def test_a_merge_recorded_by_row_ids_before_is_rewritten_by_keys_and_undone():
    from importlib import import_module

    from django.apps import apps

    from calendar_app.models import MeetupLink, Sighting
    from tests.factories import make_meetup, make_newsletter, make_sighting

    newsletter = make_newsletter(600)
    kept = make_meetup("Rust Prague", links=[(LISTED_PAGE, "")])
    gone = make_meetup("Rust Prague stream", links=[(MIRROR_PAGE, "")])
    make_sighting(kept, newsletter, line=12)
    sighting = make_sighting(gone, newsletter, line=17)
    link = MeetupLink.objects.get(meetup=gone)
    meetups_merge(survivor=kept, others=[gone], user=None)
    Meetup.objects.filter(pk=gone.pk).update(  # as the merges before wrote it
        merge_record={
            "sightings": [sighting.pk],
            "source_events": [],
            "flags": [],
            "links": [[link.pk, 0, True]],
            "groups": [],
            "places": [],
            "locked": ["links"],
        }
    )
    import_module("calendar_app.migrations.0017_merge_record_stable_keys").forwards(apps, None)
    assert Meetup.objects.get(pk=gone.pk).merge_record["sightings"] == [["600", 17]]

    meetup_unmerge(meetups=Meetup.objects.filter(pk=gone.pk), user=None)
    assert list(Sighting.objects.filter(meetup=gone).values_list("line", flat=True)) == [17]
    assert [link.url for link in Meetup.objects.get(pk=gone.pk).ordered_links()] == [MIRROR_PAGE]
