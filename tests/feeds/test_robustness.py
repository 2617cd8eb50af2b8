"""Stored rows that once took a feed down: control characters, a bare CR in a link, a date
range reaching 9999-12-31, a meetup whose VEVENT cannot be written, a hostile Host header.

The rows are written straight into the database, as an older reader or a hand edit left them.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from calendar_app.models import Flag, Meetup, MeetupLink
from calendar_app.rendering import ical
from calendar_app.rules import FlagKind
from tests.factories import make_group, make_meetup, make_place
from tests.feeds.helpers import event_blocks, parse_strictly, unfolded_lines, values

# NUL too where the database stores it (SQLite); PostgreSQL refuses NUL in text, so rows
# holding one cannot exist there (the readers strip it before anything is stored).
CONTROLS = ("" if connection.vendor == "postgresql" else "\x00") + "\x07\x0b\x0c\x1b\x7f\x85\u2028"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def hostile(db):
    """A meetup whose title, organiser, place and link carry control characters and CRs."""
    return make_meetup(
        f"Rust{CONTROLS} night\rwith a bare CR",
        places=[make_place(f"Ber{CONTROLS}lin, DE", city=f"Ber{CONTROLS}lin")],
        groups=[make_group(f"Rust{CONTROLS} Berlin")],
        links=[
            (f"https://www.meetup.com/rust-berlin/events/1\r23/{CONTROLS}", f"Meet{CONTROLS}up"),
            ("https://example.org/a\rb", "Second"),
        ],
    )


def test_control_characters_and_bare_cr_never_break_the_feed(client, hostile):
    response = client.get("/feeds/events.ics")
    assert response.status_code == 200
    body = response.content
    parse_strictly(body)  # icalendar, the strict `ical` parser and vobject all accept it
    text = body.decode()
    for char in CONTROLS + "\r":
        assert char not in text.replace("\r\n", ""), repr(char)
    assert values(body, "SUMMARY") == ["Rust night\\nwith a bare CR"]
    assert values(body, "URL") == ["https://www.meetup.com/rust-berlin/events/123/"]
    assert "Berlin" in values(body, "LOCATION")[0]
    assert not Flag.objects.filter(kind=FlagKind.RENDER_FAILED).exists()


def test_atom_feed_accepts_control_characters(client, hostile):
    response = client.get("/feeds/new.atom")
    assert response.status_code == 200
    entry = ET.fromstring(response.content).find(f"{ATOM}entry")
    assert entry is not None
    title = entry.findtext(f"{ATOM}title") or ""
    assert "Rust night with a bare CR" in title
    assert "(Ber lin, Germany)" in title  # a line separator in the place reads as a space
    summary = entry.findtext(f"{ATOM}summary") or ""
    assert "https://www.meetup.com/rust-berlin/events/123/" in summary


def test_export_ics_accepts_control_characters(hostile):
    out = io.StringIO()
    call_command("export_events", "--format", "ics", stdout=out)
    cal = parse_strictly(out.getvalue().encode())
    assert len(cal.walk("VEVENT")) == 1


@pytest.fixture
def endless(db):
    """`2027-08-25 - 9999-12-31`, and a one-day meetup on 9999-12-31 itself."""
    long_one = make_meetup("Endless", start=date(2027, 8, 25), end=date.max)
    last_day = make_meetup("Last day", start=date.max)
    return long_one, last_day


def test_range_reaching_9999_12_31_in_the_feed(client, endless):
    response = client.get("/feeds/events.ics")
    assert response.status_code == 200
    body = response.content
    parse_strictly(body)
    by_title = {
        next(line for line in block if line.startswith("SUMMARY")): block
        for block in event_blocks(body)
    }
    endless_block = by_title["SUMMARY:Endless"]
    assert "DTSTART;VALUE=DATE:20270825" in endless_block
    assert "DTEND;VALUE=DATE:99991231" in endless_block
    last_block = by_title["SUMMARY:Last day"]
    assert "DTSTART;VALUE=DATE:99991231" in last_block
    assert not any(line.startswith("DTEND") for line in last_block)  # one day long


def test_range_reaching_9999_12_31_on_the_meetup_page_and_its_ics(client, endless):
    for meetup in endless:
        page = client.get(f"/events/{meetup.pk}/")
        assert page.status_code == 200
        assert "9999" in page.content.decode()
        single = client.get(f"/events/{meetup.pk}.ics")
        assert single.status_code == 200
        parse_strictly(single.content)


def test_range_reaching_9999_12_31_in_export_events(endless):
    out = io.StringIO()
    call_command("export_events", "--format", "ics", stdout=out)
    cal = parse_strictly(out.getvalue().encode())
    assert len(cal.walk("VEVENT")) == 2
    out = io.StringIO()
    call_command("export_events", "--format", "json", stdout=out)
    assert "9999-12-31" in out.getvalue()


def test_a_meetup_that_cannot_be_written_is_left_out_logged_and_flagged(
    client, db, monkeypatch, caplog
):
    good = make_meetup("Good one")
    bad = make_meetup("Bad one")
    original = ical.EventBuilder.event

    def failing(self, meetup):
        if meetup.pk == bad.pk:
            raise ValueError("cannot write this one")
        return original(self, meetup)

    monkeypatch.setattr(ical.EventBuilder, "event", failing)
    for _ in range(2):  # the second render raises no second flag
        ical_response = client.get("/feeds/events.ics", HTTP_CACHE_CONTROL="no-cache")
        assert ical_response.status_code == 200
        assert values(ical_response.content, "SUMMARY") == ["Good one"]
        from calendar_app.models.content import data_version_bump

        data_version_bump()  # the kept answer is stale
    flags = Flag.objects.filter(kind=FlagKind.RENDER_FAILED)
    assert [(flag.meetup_id, flag.resolved) for flag in flags] == [(bad.pk, False)]
    assert f"meetup {bad.pk} left out of a feed" in caplog.text
    assert good.pk != bad.pk


@pytest.mark.parametrize("host", ["127.0.0.1:1234", "localhost:9", "evil.example"])
def test_feed_urls_come_from_site_url_never_from_host(client, db, settings, host):
    settings.SITE_URL = "https://rust-events.example.org"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "evil.example", "testserver"]
    meetup = make_meetup("Host test")
    plain = client.get("/feeds/events.ics?region=europe")
    hostile = client.get("/feeds/events.ics?region=europe", HTTP_HOST=host)
    assert hostile.status_code == 200
    assert hostile["ETag"] == plain["ETag"]
    assert hostile.content == plain.content
    body = hostile.content
    assert values(body, "SOURCE") == [
        "https://rust-events.example.org/feeds/events.ics?region=europe"
    ]
    assert host not in body.decode()
    assert any(
        f"https://rust-events.example.org/events/{meetup.pk}/" in line
        for line in unfolded_lines(body)
    )
    api = client.get("/api/events.json?page_size=1", HTTP_HOST=host)
    assert api["ETag"] == client.get("/api/events.json?page_size=1")["ETag"]
    assert host not in api.content.decode()
    atom = client.get("/feeds/new.atom", HTTP_HOST=host).content.decode()
    assert host not in atom
    assert "https://rust-events.example.org/events/" in atom
    single = client.get(f"/events/{meetup.pk}.ics", HTTP_HOST=host).content.decode()
    assert host not in single


def test_a_new_port_keeps_the_stored_vevents(client, db, settings):
    make_meetup("Kept")
    client.get("/feeds/events.ics")
    from django.core.cache import caches

    from calendar_app.models.content import data_version_bump

    stored = sorted(caches["vevents"]._cache)
    assert stored
    data_version_bump()  # the kept answer is stale
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    client.get("/feeds/events.ics", HTTP_HOST="127.0.0.1:4444")
    assert sorted(caches["vevents"]._cache) == stored
    assert Meetup.objects.count() == 1
    assert MeetupLink.objects.count() == 1
