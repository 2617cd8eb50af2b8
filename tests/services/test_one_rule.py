"""Rules with one home: every caller of a rule gives the same answer (issue 21)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from calendar_app import online
from calendar_app.calendars import page_key, read_calendar
from calendar_app.calendars.text import safe_link
from calendar_app.matching.survivor import pick_survivor
from calendar_app.models import (
    Attendance,
    DuplicateCandidate,
    Meetup,
    MeetupLink,
    MeetupPlace,
    Newsletter,
)
from calendar_app.rendering.plain_text import web_url
from calendar_app.services.curation import meetup_relations_saved, meetup_save
from calendar_app.services.duplicates import duplicates_refresh
from calendar_app.services.ingest import ingest_newsletter
from calendar_app.services.merge import merge_meetups, unmerge_meetup
from calendar_app.templatetags.calendar_tags import safe_url
from calendar_app.twir import canonical_url, is_event_specific, is_safe_url
from calendar_app.twir.locations import parse_location
from calendar_app.twir.sections import default_window
from calendar_app.windows import NEWSLETTER_WINDOW
from tests.admin.conftest import action_data
from tests.factories import make_group, make_meetup, make_newsletter, make_place, make_sighting
from tests.feeds.helpers import parse_strictly, values
from tests.services.test_ingest import newsletter_text

pytestmark = pytest.mark.django_db

DAY = date(2030, 3, 5)


def HAMBURG():
    return make_place("Hamburg, DE", city="Hamburg", latitude=53.55, longitude=9.99)


# --- SEQUENCE: which changes calendar clients must pick up --------------------------------


def test_a_place_change_raises_sequence_once_whoever_makes_it(admin_user):
    """Ingest, a curator, a merge and an unmerge all give a meetup a new place; each raises
    its SEQUENCE by one (a curator's did not, and ingest raised it twice with new dates)."""
    line = "* 2024-02-{day} | {place} | [Rust Cologne](https://www.meetup.com/rustcologne/)\n"
    line += "    * [**Talk**](https://www.meetup.com/rustcologne/events/298913201/)\n"
    ingest_newsletter(
        text=newsletter_text(
            530, "2024-01-17", "2024-02-14", line.format(day="07", place="Koln, DE")
        ),
        source="a",
    )
    ingest_newsletter(  # moved to another day and another place
        text=newsletter_text(
            531, "2024-01-24", "2024-02-21", line.format(day="08", place="Bonn, DE")
        ),
        source="b",
    )
    ingested = Meetup.objects.get()
    assert ingested.sequence == 1

    curated = make_meetup("Talk", start=DAY, places=[make_place("Berlin, DE")])
    MeetupPlace.objects.filter(meetup=curated).update(place=HAMBURG())
    meetup_relations_saved(meetup=curated, user=admin_user, touched=["places"])
    curated.refresh_from_db()
    assert curated.sequence == 1

    survivor = make_meetup("Talk", start=DAY, groups=[make_group("A")])
    other = make_meetup("Talk", start=DAY, groups=[make_group("B")], places=[HAMBURG()])
    merge_meetups(survivor=survivor, others=[other])
    survivor.refresh_from_db()
    assert survivor.sequence == 1
    unmerge_meetup(meetup=Meetup.objects.get(pk=other.pk))
    survivor.refresh_from_db()
    assert survivor.sequence == 2


def test_a_curators_title_edit_leaves_sequence_and_going_online_raises_it(admin_user):
    meetup = make_meetup("Talk", start=DAY)
    meetup.title = "Another talk"
    meetup_save(meetup=meetup, user=admin_user, changed=["title"])
    assert Meetup.objects.get(pk=meetup.pk).sequence == 0
    meetup.attendance = "virtual"  # LOCATION now says "Online (Berlin, Germany)"
    meetup_save(meetup=meetup, user=admin_user, changed=["attendance"])
    assert Meetup.objects.get(pk=meetup.pk).sequence == 1


# --- the event's time zone ---------------------------------------------------------------


def test_the_event_is_shown_in_its_places_zone_on_page_json_month_and_ics(client):
    """Times set before the place was geocoded: the meetup has no zone of its own, its
    place has one now. Page, JSON, month grid and .ics all show 19:00 in Tokyo (the .ics
    wrote the same instant in UTC, with no TZID)."""
    day = timezone.localdate() + timedelta(days=10)
    place = make_place("Tokyo, JP", city="Tokyo", country="JP", timezone_name="")
    meetup = make_meetup(
        "Rust Tokyo",
        start=day,
        places=[place],
        starts_at=datetime.combine(day, time(10), tzinfo=UTC),
    )
    assert Meetup.objects.get(pk=meetup.pk).timezone == ""
    place.timezone = "Asia/Tokyo"
    place.save()

    page = client.get(f"/events/{meetup.pk}/").content.decode()
    assert "19:00" in page and "Asia/Tokyo" in page
    item = client.get("/api/events.json").json()["events"][0]
    assert (item["start"], item["timezone"]) == (f"{day}T19:00:00+09:00", "Asia/Tokyo")
    month = client.get(f"/calendar/{day:%Y}/{day:%m}/").content.decode()
    assert (
        f'<time class="entry-time" datetime="{day}T19:00:00+09:00" data-visitor-clock>'
        '19:00 <span class="entry-zone">JST</span></time>'
    ) in month
    body = client.get("/feeds/events.ics").content
    parse_strictly(body)
    assert f"DTSTART;TZID=Asia/Tokyo:{day:%Y%m%d}T190000" in body.decode()
    assert values(body, "TZID") == ["Asia/Tokyo"]  # its VTIMEZONE


# --- where a meetup is, in words ---------------------------------------------------------


@pytest.mark.parametrize(
    ("attendance", "places", "words"),
    [
        ("virtual", ["Berlin, DE"], "Online (Berlin, Germany)"),
        ("hybrid", ["Berlin, DE", "Hamburg, DE"], "Berlin, Germany; Hamburg, Germany (and online)"),
        ("in_person", ["Berlin, DE"], "Berlin, Germany"),
        ("virtual", [], "Online"),
    ],
)
def test_the_feed_and_the_google_calendar_link_say_where_in_the_same_words(
    client, attendance, places, words
):
    made = {"Berlin, DE": make_place, "Hamburg, DE": HAMBURG}
    meetup = make_meetup(
        "Talk",
        start=timezone.localdate() + timedelta(days=3),
        attendance=attendance,
        places=[made[text]() for text in places],
    )

    feed = client.get("/feeds/events.ics").content
    html = client.get(f"/events/{meetup.pk}/").content.decode()
    google = _google_link(html)

    assert values(feed, "LOCATION") == ([words.replace(",", "\\,").replace(";", "\\;")])
    assert google["location"] == [words]


def _google_link(html: str) -> dict[str, list[str]]:
    link = next(
        part.split('"')[0]
        for part in html.split('href="')
        if part.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    )
    return parse_qs(urlsplit(link.replace("&amp;", "&")).query)


# --- "is online": one vocabulary for both readers ----------------------------------------


@pytest.mark.parametrize("word", ["Online", "Virtual", "Remote", "Livestream", "Live stream"])
def test_a_newsletter_and_a_calendar_read_the_same_words_as_online(word):
    newsletter = parse_location(word)
    calendar = read_calendar(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n"
        "UID:1@example.com\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:20300305T180000Z\r\n"
        f"SUMMARY:Talk\r\nLOCATION:{word}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        now=datetime(2030, 1, 1, tzinfo=UTC),
    )
    (event,) = calendar.events

    assert (newsletter.attendance, newsletter.places) == ("virtual", [])
    assert (event.online, event.location) == (True, "")  # not a place to geocode


# --- titles alike ------------------------------------------------------------------------


def test_matching_and_the_duplicate_queue_call_the_same_titles_alike():
    """`Zürich` and `Zurich`: matching joins them (one organiser, one day; it did not fold
    accents), and with two organisers the queue proposes them (it did not either)."""
    zurich = make_group("Rust Zürich")
    line = "* 2024-02-07 | Zurich, CH | [Rust Zürich](https://www.meetup.com/rust-zurich/)\n"
    ingest_newsletter(
        text=newsletter_text(
            530,
            "2024-01-17",
            "2024-02-14",
            line
            + "    * [**Zürich**](https://www.meetup.com/rust-zurich/events/1/)\n"
            + line
            + "    * [**Zurich**](https://www.meetup.com/rust-zurich/events/2/)\n",
        ),
        source="a",
    )
    assert Meetup.objects.canonical().count() == 1

    make_meetup("Rust Meetup Zürich", start=DAY, groups=[zurich], places=[])
    make_meetup("Rust meetup Zurich", start=DAY, groups=[make_group("Other")], places=[])
    assert duplicates_refresh() == 1
    assert DuplicateCandidate.objects.get().reason == "same day and similar title"


# --- window lengths ----------------------------------------------------------------------


def test_window_lengths_are_written_in_calendar_app_windows_only():
    """Four weeks were written in three places and three unrelated 30-day windows shared
    a number; each is now one named constant of calendar_app/windows.py."""
    literal = re.compile(r"timedelta\((?:days=)?(?:28|30)\)|_DAYS = (?:28|30)\b")
    app = Path(__file__).resolve().parents[2] / "calendar_app"
    written = [
        str(path.relative_to(app))
        for path in app.rglob("*.py")
        if path.name != "windows.py" and literal.search(path.read_text(encoding="utf-8"))
    ]
    assert written == []


def test_the_reader_and_the_admins_draft_cover_one_newsletter_window(admin_client):
    issue = date(2030, 3, 6)
    assert default_window(issue) == (issue, issue + NEWSLETTER_WINDOW)
    form = admin_client.get("/admin/calendar_app/meetup/draft-twir/").context["form"]
    assert form["end"].value() - form["start"].value() == NEWSLETTER_WINDOW


# --- attendance values -------------------------------------------------------------------


def test_the_attendance_values_have_one_definition():
    """match.py, the calendar entries and the reader's records each wrote them again."""
    value = re.compile(r"""["']in_person["']|(?:=|==|!=|in)\s*["'](?:virtual|hybrid)["']""")
    app = Path(__file__).resolve().parents[2] / "calendar_app"
    written = [
        str(path.relative_to(app))
        for path in app.rglob("*.py")
        if path.name != "online.py"
        and "migrations" not in path.parts
        and value.search(path.read_text(encoding="utf-8"))
    ]
    assert written == []
    assert Attendance.values == [online.IN_PERSON, online.VIRTUAL, online.HYBRID]


# --- which meetup survives a merge -------------------------------------------------------


def test_the_admin_suggests_the_survivor_ingest_would_keep(admin_client):
    """The older meetup (its uid is the one calendars have had longest) survives ingest's
    merges; the admin suggested the one with more sightings instead."""
    newsletter = make_newsletter()
    older = make_meetup("Rust Hack n Learn", start=DAY)
    newer = make_meetup("Rust Hack and Learn", start=DAY)
    make_sighting(newer, newsletter, line=10)
    make_sighting(newer, make_newsletter(533, date(2024, 2, 7)), line=10)
    kept = pick_survivor((m.pk, len(m.locked_fields or [])) for m in (older, newer))

    confirm = admin_client.post(
        reverse("admin:calendar_app_meetup_changelist"),
        action_data("merge_selected", [older, newer]),
    )
    pair = DuplicateCandidate.objects.create(first=older, second=newer, reason="test", score=90)
    side_by_side = admin_client.get(
        reverse("admin:calendar_app_duplicatecandidate_change", args=[pair.pk])
    )

    assert kept == older.pk
    assert confirm.context["suggested"].pk == side_by_side.context["suggested"].pk == kept


# --- duplicates proposed after an ingest -------------------------------------------------


def test_ingest_again_in_the_admin_proposes_duplicates_as_the_command_does(admin_client):
    sample = (
        Path(__file__).resolve().parents[1] / "fixtures/samples/2026-08-19-this-week-in-rust.md"
    )
    call_command("ingest_twir", str(sample), verbosity=0)
    by_command = {frozenset((c.first_id, c.second_id)) for c in DuplicateCandidate.objects.all()}
    assert by_command  # RustConf 2026 and "RustConf 2026, Hosted by the Rust Foundation"
    DuplicateCandidate.objects.all().delete()

    admin_client.post(
        reverse("admin:calendar_app_newsletter_changelist"),
        action_data("ingest_again", list(Newsletter.objects.all())),
    )

    by_admin = {frozenset((c.first_id, c.second_id)) for c in DuplicateCandidate.objects.all()}
    assert by_admin == by_command


# --- safe http(s) links and event pages --------------------------------------------------


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.com/e/1", True),
        ("HTTP://Example.com", True),
        ("http://", False),  # no host: the feeds' URL took it
        ("https://:443/x", False),  # a port, no host: the pages linked it
        ("javascript:alert(1)", False),
        ("ftp://example.com/x", False),
    ],
)
def test_pages_feeds_and_readers_agree_on_a_safe_link(url, safe):
    answers = {
        "reader": is_safe_url(url),
        "page": bool(safe_url(url)),
        "feed": bool(web_url(url)),
        "calendar reader": bool(safe_link(url)),
    }
    assert answers == dict.fromkeys(answers, safe)


def test_the_duplicate_queue_knows_an_event_page_as_calendars_do():
    """A Luma event under its old and new host is one page to the calendar matcher and to
    the queue; two YouTube streams are two (the queue took the last path segment, `watch`,
    for the page, and its own host aliases never applied to the canonical links it reads)."""
    days = [DAY + timedelta(days=n) for n in (0, 3, 10, 20)]
    meetups = []
    for n, (day, url) in enumerate(
        zip(
            days,
            (
                "https://lu.ma/d0rndgyv",
                "https://luma.com/d0rndgyv",
                "https://www.youtube.com/watch?v=stream1",
                "https://www.youtube.com/watch?v=stream2",
            ),
            strict=True,
        )
    ):
        meetup = make_meetup(f"Talk {n}", start=day, groups=[make_group(f"G{n}")], places=[])
        MeetupLink.objects.filter(meetup=meetup).update(
            url=url, canonical_url=canonical_url(url), event_specific=is_event_specific(url)
        )
        meetups.append(meetup)
    luma_a, luma_b, stream_1, stream_2 = meetups
    assert page_key("https://lu.ma/d0rndgyv") == page_key("https://luma.com/d0rndgyv")
    assert page_key(stream_1.primary_link.url) != page_key(stream_2.primary_link.url)

    duplicates_refresh()

    pairs = {
        frozenset((p.first_id, p.second_id)): p.reason for p in DuplicateCandidate.objects.all()
    }
    assert pairs == {frozenset((luma_a.pk, luma_b.pk)): "same event page"}
