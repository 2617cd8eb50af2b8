"""The meetup page and its JSON-LD for a Meetup, a Luma and a Google event as synced from
their calendars: when, where (venue, address, pin), who, what, series, the event's page."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest
from icalendar import Calendar

from calendar_app.models import Group, Meetup, MeetupGroup
from tests.sources.test_sync import SHAPES, follow, sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(server):
    sync(follow(server, *(f"/{name}.ics" for name in SHAPES)))


def page(client, meetup: Meetup) -> str:
    response = client.get(meetup.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def json_ld(html: str) -> dict:
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def og_description(html: str) -> str:
    found = re.search(r'<meta property="og:description" content="([^"]*)"', html)
    assert found is not None
    return found.group(1)


def test_meetup_event_page_and_json_ld(synced, client):
    meetup = Meetup.objects.get(title="Rust Prague: Async v Praze, díl 3")
    html = page(client, meetup)
    assert "18:30</time>–<time" in html and "CET, Europe/Prague" in html
    assert "data-visitor-time" in html  # the visitor's own time, by local-time.js
    assert '<strong class="p-name venue">Svornosti 3321/2</strong>' in html
    assert "Svornosti 3321/2, Smíchov, Praha-Praha 5, Czech Republic 150 00" in html
    assert 'href="https://www.meetup.com/rust-prague/"' in html  # the organiser's page
    assert "Talks and pizza." in html
    assert 'Event page: <a href="https://www.meetup.com/rust-prague/events/312345678/"' in html
    assert '"lat": 50.08' in html and '"lon": 14.43' in html  # the pin on the venue
    data = json_ld(html)
    assert data["startDate"] == "2026-12-03T18:30:00+01:00"
    assert data["endDate"] == "2026-12-03T20:30:00+01:00"
    [place] = data["location"]
    assert place["name"] == "Svornosti 3321/2"
    assert place["address"]["@type"] == "PostalAddress"
    assert place["address"]["streetAddress"].startswith("Svornosti 3321/2, Smíchov")
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 50.08, "longitude": 14.43}
    assert data["organizer"]["name"] == "Rust Prague"
    assert "Talks and pizza." in data["description"]
    assert data["eventAttendanceMode"].endswith("OfflineEventAttendanceMode")
    assert og_description(html).startswith("Rust Prague")
    assert "This Week in Rust" not in og_description(html)


def test_luma_event_page_shows_the_host_and_venue(synced, client):
    meetup = Meetup.objects.get(title="Rust Ottawa monthly meeting (December)")
    html = page(client, meetup)
    assert "Hosted by Fatima" in html
    assert '<strong class="p-name venue">Incubator13</strong>' in html
    assert "815 St. Laurent Blvd, Ottawa, ON" in html
    assert 'href="https://luma.com/exynnx7d"' in html  # the description's link, clickable
    data = json_ld(html)
    assert data["startDate"].endswith("-05:00")  # Ottawa's zone, from its place
    assert data["location"][0]["geo"]["latitude"] == 45.43
    online = Meetup.objects.get(title="Rust Ottawa online: reading the Rustonomicon")
    data = json_ld(page(client, online))
    assert data["eventAttendanceMode"].endswith("OnlineEventAttendanceMode")
    assert data["location"] == [{"@type": "VirtualLocation", "url": "https://lu.ma/rust0nl1"}]


def test_google_series_page_lists_its_rule_and_next_dates(synced, client):
    weekly = list(Meetup.objects.filter(title="Rust NYC hack night").order_by("start_date"))
    html = page(client, weekly[0])
    assert "Every Wednesday, 19:00." in html
    upcoming = [m for m in weekly[1:] if m.start_date >= date.today()]
    for other in upcoming[:3]:
        assert f'href="{other.get_absolute_url()}"' in html
    assert "Recurse Center" in html and "397 Bridge St, Brooklyn, NY 11201, USA" in html
    # the description's <a href> links, unwrapped and clickable; nothing else is markup
    assert 'href="https://example.org/slides" rel="nofollow noopener"' in html
    data = json_ld(html)
    assert (
        data["location"][0]["address"]["streetAddress"] == "397 Bridge St, Brooklyn, NY 11201, USA"
    )
    assert data["startDate"].startswith(weekly[0].start_date.isoformat() + "T19:00:00-05:00")


def test_a_past_meetup_says_it_is_over_and_links_the_next_session(synced, client):
    meetup = Meetup.objects.get(title="Rust Prague: Async v Praze, díl 3")
    Meetup.objects.filter(pk=meetup.pk).update(
        start_date=date(2020, 1, 2), end_date=date(2020, 1, 2)
    )
    html = page(client, meetup)
    assert "This meetup is over." in html
    following = (
        Meetup.objects.filter(groups__in=meetup.groups.all(), start_date__gte=date.today())
        .order_by("start_date", "starts_at", "id")
        .first()
    )
    assert f'Next session: <a href="{following.get_absolute_url()}">' in html


def test_hostile_description_is_escaped_and_only_http_links_are_links(client, db):
    group = Group.objects.create(name="Rust Somewhere", url="javascript:alert(1)", slug="rs")
    meetup = Meetup.objects.create(
        title="Night",
        start_date=date(2030, 1, 1),
        end_date=date(2030, 1, 1),
        description='<script>alert(1)</script> see javascript:alert(2) and https://ok.example/"x',
    )
    MeetupGroup.objects.create(meetup=meetup, group=group)
    html = page(client, meetup)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="https://ok.example/" rel="nofollow noopener">' in html
    assert "Time: see the organiser&#x27;s page" in html or "Time: see the organiser's page" in html


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def test_feed_events_carry_venue_geo_description_and_organizer(synced, client):
    body = client.get("/feeds/events.ics", {"include_past": "1"}).content
    events = {
        (str(e["SUMMARY"]), _day(e.decoded("DTSTART"))): e
        for e in Calendar.from_ical(body).walk("VEVENT")
    }
    prague = events[("Rust Prague: Async v Praze, díl 3", date(2026, 12, 3))]
    assert str(prague["LOCATION"]) == (
        "Svornosti 3321/2, Svornosti 3321/2, Smíchov, Praha-Praha 5, Czech Republic 150 00"
    )
    assert (prague["GEO"].latitude, prague["GEO"].longitude) == (50.08, 14.43)
    assert "Talks and pizza." in str(prague["DESCRIPTION"])
    assert "https://www.meetup.com/rust-prague/events/312345678/" in str(prague["DESCRIPTION"])
    assert prague["ORGANIZER"].params["CN"] == "Rust Prague"
    assert str(prague["ORGANIZER"]) == "https://www.meetup.com/rust-prague/"
    luma = events[("Rust Ottawa monthly meeting (December)", date(2026, 12, 19))]
    assert str(luma["LOCATION"]) == "Incubator13, 815 St. Laurent Blvd, Ottawa, ON"
    assert luma["ORGANIZER"].params["CN"] == "Rust Ottawa"
    google = events[("Rust NYC hack night", date(2026, 12, 2))]
    assert str(google["LOCATION"]) == "Recurse Center, 397 Bridge St, Brooklyn, NY 11201, USA"
    assert str(google["URL"]) == "https://www.meetup.com/rust-nyc/events/312000111/"
    assert google["ORGANIZER"].params["CN"] == "Rust Community"
    assert b"RDATE" not in body and b"RRULE:FREQ=YEARLY" in body


def test_atom_feed_has_one_entry_per_new_series(synced, client):
    atom = client.get("/feeds/new.atom", {"include_past": "1"}).content.decode()
    titles = re.findall(r"<title>(.*?)</title>", atom)[1:]  # the first is the feed's
    weekly = [t for t in titles if "Rust NYC hack night" in t and "moved" not in t]
    first = Meetup.objects.filter(title="Rust NYC hack night").order_by("start_date").first()
    assert weekly == [
        f"{first.start_date}: Rust NYC hack night (Brooklyn, New York, US), every Wednesday, 19:00"
    ]
    assert any("Rust Prague: Async v Praze" in t for t in titles)  # single events as before
