"""What other programs read from the pages: JSON-LD, OpenGraph, microformats, alternate
feeds, robots.txt, the favicon, styled error pages, gzip."""

import gzip
import json
import re
from datetime import date

import pytest

from tests.factories import make_group, make_meetup, make_place

pytestmark = pytest.mark.django_db

EVENT_KEYS = {
    "@context",
    "@type",
    "name",
    "startDate",
    "endDate",
    "eventAttendanceMode",
    "eventStatus",
    "location",
    "organizer",
    "url",
}


def json_ld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_meetup_page_carries_a_schema_org_event(client, berlin):
    meetup = make_meetup(
        "Rust </script><script>alert(1)</script> & friends",
        start=date(2025, 4, 8),
        end=date(2025, 4, 9),
        attendance="hybrid",
        places=[berlin],
        groups=[make_group("Rust Berlin")],
        links=[("https://www.meetup.com/rust-berlin/events/1/", "Meetup")],
    )
    html = client.get(f"/events/{meetup.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html  # escaped inside the data block
    data = json_ld(html)
    assert EVENT_KEYS <= set(data)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == meetup.title
    assert (data["startDate"], data["endDate"]) == ("2025-04-08", "2025-04-09")
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["url"] == f"http://testserver/events/{meetup.pk}/"
    place, online = data["location"]
    assert place["@type"] == "Place" and place["name"] == "Berlin, Germany"
    assert place["address"]["addressCountry"] == "DE"
    assert place["geo"]["latitude"] == pytest.approx(52.52)
    assert online == {
        "@type": "VirtualLocation",
        "url": "https://www.meetup.com/rust-berlin/events/1/",
    }
    assert data["organizer"]["@type"] == "Organization"
    assert data["organizer"]["name"] == "Rust Berlin"


def test_a_cancelled_online_meetup(client):
    meetup = make_meetup(
        "Rust online", start=date(2025, 4, 8), attendance="virtual", status="cancelled"
    )
    data = json_ld(client.get(f"/events/{meetup.pk}/").content.decode())
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert [item["@type"] for item in data["location"]] == ["VirtualLocation"]


def test_opengraph_and_microformats(client, berlin):
    meetup = make_meetup("Rust Hack and Learn", start=date(2025, 3, 14), places=[berlin])
    html = client.get(f"/events/{meetup.pk}/").content.decode()
    assert '<meta property="og:title" content="Rust Hack and Learn · 14 Mar 2025">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert "In person in Berlin, Germany" in html
    listing = client.get("/events/").content.decode()
    assert 'class="meetup h-event' in listing and 'class="p-name u-url"' in listing


def test_pages_link_the_feeds_of_their_filter(client):
    html = client.get("/events/?region=europe&page=2").content.decode()
    assert (
        '<link rel="alternate" type="text/calendar" title="iCalendar feed: Europe" '
        'href="http://testserver/feeds/events.ics?region=europe">'
    ) in html
    assert 'type="application/atom+xml"' in html
    assert 'href="http://testserver/feeds/new.atom?region=europe"' in html
    assert "outlook.live.com/calendar/0/addfromweb?url=" in html


def test_robots_favicon_and_error_pages(client, settings):
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in robots.content.decode()
    assert client.get("/favicon.ico")["Location"].endswith("favicon.svg")
    missing = client.get("/events/999999/")
    assert missing.status_code == 404
    assert "Page not found" in missing.content.decode()
    assert 'href="/events/"' in missing.content.decode()


def test_pages_and_feeds_are_gzipped(client, berlin):
    make_meetup("Rust Hack and Learn", start=date(2025, 3, 14), places=[berlin])
    for url in ("/events/", "/feeds/events.ics"):
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.content)


def test_the_500_page_stands_alone():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html and "<h1>" in html


@pytest.fixture
def berlin():
    return make_place("Berlin, DE", city="Berlin", country="DE", latitude=52.52, longitude=13.405)
