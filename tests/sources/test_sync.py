"""Syncing followed calendars end to end, against a loopback server: what users see.

The three shapes of docs/sources.md (Meetup, Luma, Google), the bad answers of issue 13,
a second sync that changes nothing, and a calendar event and a newsletter entry for one
real event that are one meetup whatever the order.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from calendar_app.models import Flag, FlagKind, Meetup, Source, SourceEvent
from calendar_app.services.ingest import ingest_newsletter
from calendar_app.services.sources_sync import sync_sources

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)  # the fixtures' dates are around it
SHAPES = ("meetup_group", "luma_calendar", "google_calendar")
PRAGUE_PAGE = "https://www.meetup.com/rust-prague/events/312345678/"


def follow(server, *paths: str) -> list[Source]:
    return [Source.objects.create(url=server.url(path), name=path.strip("/")) for path in paths]


def sync(sources, **options):
    return sync_sources(sources=sources, now=NOW, **options)


def api(client) -> list[dict]:
    data = client.get("/api/events.json", {"include_past": "1"}).json()
    return data["events"] if isinstance(data, dict) else data


def by_title(items: list[dict], title: str) -> dict:
    [item] = [item for item in items if item["title"] == title]
    return item


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def export(fmt: str) -> str:
    out = io.StringIO()
    call_command("export_events", "--format", fmt, stdout=out)
    return out.getvalue()


def newsletter(entries: str, number: int = 600, day: str = "2026-11-25") -> str:
    return (
        f"Title: This Week in Rust {number}\nNumber: {number}\nDate: {day}\n"
        f"Category: This Week in Rust\n\n## Upcoming Events\n\n"
        f"Rusty Events between {day} - 2026-12-23 🦀\n\n### Europe\n\n{entries}\n"
        f"## Jobs\n\nNone.\n"
    )


PRAGUE_ENTRY = (
    "* 2026-12-03 | Prague, CZ | [Rust Prague](https://www.meetup.com/rust-prague/)\n"
    f"    * [**Async in Prague, part 3**]({PRAGUE_PAGE})\n"
)


@pytest.fixture
def synced(server):
    sources = follow(server, *(f"/{name}.ics" for name in SHAPES))
    report = sync(sources)
    return sources, report


def test_the_three_shapes_are_read_with_their_times(synced, client):
    _, report = synced
    assert (report.fetched, report.failed, report.not_modified) == (3, 0, 0)
    assert report.meetup_ids == set(Meetup.objects.values_list("pk", flat=True))
    items = api(client)
    prague = by_title(items, "Rust Prague: Async v Praze, díl 3")
    assert prague["start"] == "2026-12-03T18:30:00+01:00"
    assert prague["timezone"] == "Europe/Prague" and prague["all_day"] is False
    assert prague["sources"][0]["uid"] == "event_312345678@meetup.com"
    # Luma: UTC only; the instant is kept, the zone is the place's
    ottawa = by_title(items, "Rust Ottawa monthly meeting (December)")
    assert instant(ottawa["start"]) == datetime(2026, 12, 19, 22, 30, tzinfo=UTC)
    assert ottawa["url"] == "https://luma.com/exynnx7d"
    assert ottawa["timezone"] == "America/Toronto"  # from its GEO: the place's zone
    assert ottawa["start"] == "2026-12-19T17:30:00-05:00"
    assert ottawa["places"][0]["city"] == "Ottawa"
    online = by_title(items, "Rust Ottawa online: reading the Rustonomicon")
    assert online["attendance"] == "virtual"
    # Google: a weekly series of six, one skipped (EXDATE), one moved (RECURRENCE-ID)
    nyc = sorted(
        (item for item in items if item["title"].startswith("Rust NYC hack night")),
        key=lambda item: item["start"],
    )
    assert [item["start"] for item in nyc] == [
        "2026-12-02T19:00:00-05:00",
        "2026-12-09T19:00:00-05:00",
        "2026-12-24T18:00:00-05:00",
        "2026-12-30T19:00:00-05:00",
        "2027-01-06T19:00:00-05:00",
    ]
    assert nyc[2]["title"] == "Rust NYC hack night (moved to Thursday)"
    conference = by_title(items, "RustConf North 2027")
    assert conference["all_day"] is True and conference["start"] is None
    assert (conference["start_date"], conference["end_date"]) == ("2027-03-10", "2027-03-12")


def test_the_page_and_the_feed_show_the_calendar_time(synced, client):
    meetup = Meetup.objects.get(title="Rust Prague: Async v Praze, díl 3")
    page = client.get(meetup.get_absolute_url()).content.decode()
    assert "18:30" in page and "Europe/Prague" in page
    feed = client.get("/feeds/events.ics", {"include_past": "1"}).content.decode()
    assert "DTSTART;TZID=Europe/Prague:20261203T183000" in feed
    assert "BEGIN:VTIMEZONE" in feed and "TZID:Europe/Prague" in feed


def test_a_cancelled_event_cancels_its_meetup(synced, client):
    _, report = synced
    assert report.cancelled == 1
    hack_night = by_title(api(client), "Rust Prague: Hack night")
    assert hack_night["status"] == "cancelled"
    meetup = Meetup.objects.get(title="Rust Prague: Hack night")
    assert "This meetup was cancelled." in client.get(meetup.get_absolute_url()).content.decode()
    feed = client.get("/feeds/events.ics").content.decode()
    assert "STATUS:CANCELLED" in feed  # kept in feeds, so calendar clients drop it


def test_a_second_sync_is_all_304_and_changes_nothing(synced, server):
    sources, _ = synced
    before = {fmt: export(fmt) for fmt in ("json", "ics")}
    report = sync(Source.objects.filter(pk__in=[s.pk for s in sources]))
    assert (report.not_modified, report.fetched, report.meetups_updated) == (3, 0, 0)
    assert {fmt: export(fmt) for fmt in ("json", "ics")} == before
    conditional = [headers for path, headers in server.requests[-3:]]
    assert all("If-None-Match" in headers for headers in conditional)
    assert all("twirevents" in headers["User-Agent"] for headers in conditional)


def test_a_full_answer_again_changes_nothing_either(synced):
    sources, _ = synced
    before = export("json")
    Source.objects.update(etag="", last_modified="")
    report = sync(Source.objects.all())
    assert (report.fetched, report.meetups_created, report.meetups_updated) == (3, 0, 0)
    assert report.flagged == 0
    assert export("json") == before


BAD = ("/404", "/500", "/html", "/garbage", "/huge", "/loop-a", "/never", "/no-such.ics")


def test_bad_answers_are_recorded_and_the_other_feeds_go_on(server):
    [known] = follow(server, "/meetup_group.ics")
    sync([known])
    meetups = set(Meetup.objects.values_list("pk", "title", "status", "starts_at"))
    known.url, known.etag, known.last_modified = server.url("/500?again"), "", ""
    known.save()
    bad = follow(server, *BAD[:-1])
    good = follow(server, "/luma_calendar.ics")
    report = sync([known, *bad, *good], timeout=1.0)
    assert (report.failed, report.fetched) == (len(BAD), 1)
    errors = {s.name: s.last_error for s in Source.objects.all()}
    assert errors["404"] == "HTTP 404 Not Found"
    assert errors["500"] == "HTTP 500 Internal Server Error"
    assert errors["html"].startswith("Not a calendar")
    assert errors["garbage"].startswith("Not a calendar")
    assert "more than" in errors["huge"] and "bytes" in errors["huge"]
    assert "redirect" in errors["loop-a"]
    assert "within 1 s" in errors["never"]
    assert errors["luma_calendar.ics"] == ""
    # nothing known removed or changed; the events are not gone
    assert meetups <= set(Meetup.objects.values_list("pk", "title", "status", "starts_at"))
    assert not SourceEvent.objects.filter(gone=True).exists()
    assert Source.objects.get(pk=known.pk).consecutive_failures == 1


def test_broken_events_are_flags_not_crashes(server, client):
    [source] = follow(server, "/bad_events.ics")
    report = sync([source])
    assert report.fetched == 1 and report.failed == 0
    messages = list(Flag.objects.filter(kind=FlagKind.CALENDAR_PROBLEM).values_list("message"))
    text = " ".join(m for (m,) in messages)
    for word in ("without DTSTART", "unknown time zone", "without COUNT or UNTIL", "control"):
        assert re.search(word, text, re.IGNORECASE), word
    titles = [item["title"] for item in api(client)]
    assert titles and all("\x07" not in title and "\x1b" not in title for title in titles)


def test_an_event_that_leaves_its_feed_is_flagged_and_kept(tmp_path):
    from calendar_app.services.sources import source_add, source_url
    from tests.sources.feed_server import FIXTURES

    path = tmp_path / "prague.ics"
    text = (FIXTURES / "meetup_group.ics").read_bytes().decode("utf-8")
    path.write_bytes(text.encode("utf-8"))
    source, _ = source_add(url=source_url(str(path)), name="Prague")
    sync([source])
    meetup = Meetup.objects.get(title="Rust Prague: Async v Praze, díl 3")
    start = text.index("BEGIN:VEVENT")
    end = text.index("END:VEVENT", start) + len("END:VEVENT\r\n")
    path.write_bytes((text[:start] + text[end:]).encode("utf-8"))
    import os

    os.utime(path, (1, 2_000_000_000))
    source.refresh_from_db()
    sync([source])
    assert Meetup.objects.filter(pk=meetup.pk, status="published").exists()
    assert SourceEvent.objects.get(uid="event_312345678@meetup.com").gone
    [flag] = Flag.objects.filter(kind=FlagKind.GONE_FROM_CALENDAR)
    assert flag.meetup_id == meetup.pk and "no longer lists" in flag.message
    assert "UID:event_312345678@meetup.com" in flag.raw_lines  # the curator sees the VEVENT


def state() -> list[dict]:
    items = json.loads(export("json"))
    for item in items:
        del item["id"], item["uid"]
        for group in item["groups"]:
            del group["slug"]
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))


def test_a_calendar_event_and_a_newsletter_entry_are_one_meetup_in_either_order(server):
    [source] = follow(server, "/meetup_group.ics")
    sync([source])
    ingest_newsletter(text=newsletter(PRAGUE_ENTRY), source="600.md")
    calendar_first = state()
    prague = [m for m in Meetup.objects.canonical() if "312345678" in (m.url or "")]
    assert len(prague) == 1
    [meetup] = prague
    assert meetup.title == "Rust Prague: Async v Praze, díl 3"  # the organiser's own
    assert meetup.timezone == "Europe/Prague" and meetup.starts_at is not None
    assert meetup.sightings.count() == 1 and meetup.source_events.count() == 1

    Meetup.objects.all().delete()
    SourceEvent.objects.all().delete()
    from calendar_app.models import Newsletter

    Newsletter.objects.all().delete()
    Source.objects.update(etag="", last_modified="")
    ingest_newsletter(text=newsletter(PRAGUE_ENTRY), source="600.md")
    sync(Source.objects.all())
    assert state() == calendar_first
    # and the newsletters read again change nothing
    ingest_newsletter(text=newsletter(PRAGUE_ENTRY), source="600.md", force=True)
    assert state() == calendar_first


def test_a_newsletter_giving_another_day_raises_a_flag(server):
    [source] = follow(server, "/meetup_group.ics")
    sync([source])
    ingest_newsletter(text=newsletter(PRAGUE_ENTRY.replace("2026-12-03", "2026-12-04")), source="a")
    meetup = Meetup.objects.get(title="Rust Prague: Async v Praze, díl 3")
    assert meetup.start_date.isoformat() == "2026-12-03"  # the calendar's day stands
    [flag] = meetup.flags.filter(kind=FlagKind.DATE_DIFFERS_FROM_CALENDAR)
    assert "lists it on 2026-12-04" in flag.message and "on 2026-12-03" in flag.message
    assert not meetup.flags.filter(kind=FlagKind.RESCHEDULED).exists()  # never backwards


def test_the_command_prints_one_json_line_last(synced, capsys):
    out = io.StringIO()
    call_command("sync_sources", "--json", stdout=out)
    report = json.loads(out.getvalue().strip().splitlines()[-1])
    for key in (
        "sources",
        "fetched",
        "not_modified",
        "failed",
        "events",
        "meetups_created",
        "meetups_updated",
        "meetups_total",
        "cancelled",
        "flagged",
    ):
        assert key in report
    assert report["not_modified"] == 3 and report["meetups_total"] == Meetup.objects.count()


def test_events_known_only_from_calendars_are_exported_as_the_editors_write_them(server):
    from datetime import date

    from calendar_app.rendering.export_twir import render_twir

    sync(follow(server, "/meetup_group.ics", "/luma_calendar.ics"))
    text = render_twir(start=date(2026, 11, 25), end=date(2027, 1, 31))
    # Rust Prague is on the editors' list: linked as the list has it (issue 24).
    group = "[Rust Prague](https://www.meetup.com/rust-prague/events/)"
    assert f"* 2026-12-03 | Smíchov, CZ | {group}\n" in text
    assert (
        "    * [**Rust Prague: Async v Praze, díl 3**]"
        "(https://www.meetup.com/rust-prague/events/312345678/)\n"
    ) in text
    assert f"* 2027-01-14 | Virtual (Smíchov, CZ) | {group}\n" in text
    assert "* 2026-12-19 | Ottawa, ON, CA | " in text
    assert "Hack night" not in text  # cancelled
    section = text.split("### ")
    assert section[1].startswith("Virtual") and "2027-01-14" in section[1]


def test_a_luma_event_is_one_meetup_with_the_newsletters_lu_ma_link(server):
    entry = (
        "* 2026-12-19 | Ottawa, ON, CA | [Rust Ottawa](https://luma.com/rust-ottawa)\n"
        "    * [**Monthly meeting**](https://lu.ma/exynnx7d)\n"
    )
    ingest_newsletter(text=newsletter(entry), source="a")
    sync(follow(server, "/luma_calendar.ics"))
    ottawa = [m for m in Meetup.objects.canonical() if m.start_date.isoformat() == "2026-12-19"]
    assert len(ottawa) == 1
    assert ottawa[0].title == "Rust Ottawa monthly meeting (December)"
    assert ottawa[0].timezone == "America/Toronto"


@pytest.mark.parametrize("calendar_first", [True, False])
def test_organiser_day_and_title_join_a_calendar_event_with_other_links(server, calendar_first):
    entry = (
        "* 2026-12-03 | Prague, CZ | [Rust Prague](https://www.meetup.com/rust-prague/)\n"
        "    * [**Rust Prague: Async v Praze, díl 3**](https://rust-prague.example.org/async-3)\n"
    )
    steps = [
        lambda: sync(follow(server, "/meetup_group.ics")),
        lambda: ingest_newsletter(text=newsletter(entry), source="a"),
    ]
    for step in steps if calendar_first else steps[::-1]:
        step()
    same_day = Meetup.objects.canonical().filter(start_date="2026-12-03")
    assert same_day.count() == 1
    [meetup] = same_day
    assert meetup.starts_at is not None
    links = set(meetup.links.values_list("canonical_url", flat=True))
    assert "https://rust-prague.example.org/async-3" in links
    assert meetup.flags.filter(kind=FlagKind.POSSIBLE_DUPLICATE).exists()  # said, undoable
