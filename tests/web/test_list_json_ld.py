"""`/events/` describes its meetups to machines too: a schema.org ItemList of Events, in
the page's order, positions counting across pages, escaped like every JSON-LD block."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.factories import make_meetup

pytestmark = pytest.mark.django_db


def item_list(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_the_list_page_carries_an_item_list_of_its_meetups(client, sample, berlin):
    timed = make_meetup(
        "Rust </script><script>alert(1)</script> & friends",
        start=date(2025, 3, 14),
        places=[berlin],
        starts_at=datetime(2025, 3, 14, 17, 30, tzinfo=UTC),
        ends_at=datetime(2025, 3, 14, 20, 0, tzinfo=UTC),
        tz="Europe/Berlin",
    )
    response = client.get("/events/")
    html = response.content.decode()
    assert "</script><script>alert(1)" not in html
    data = item_list(html)
    assert (data["@context"], data["@type"]) == ("https://schema.org", "ItemList")
    shown = [m.pk for day in response.context["days"] for m in day[1]]
    elements = data["itemListElement"]
    assert data["numberOfItems"] == len(elements) == len(shown) == 6
    assert [e["position"] for e in elements] == [1, 2, 3, 4, 5, 6]
    assert [e["url"] for e in elements] == [f"http://testserver/events/{pk}/" for pk in shown]
    first, second = elements[0]["item"], elements[1]["item"]
    assert first == {
        "@type": "Event",
        "name": "Rust Hack and Learn",
        "startDate": "2025-03-13",
        "endDate": "2025-03-13",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "eventStatus": "https://schema.org/EventScheduled",
        "url": f"http://testserver/events/{sample['berlin'].pk}/",
    }
    assert second["name"] == "Rust </script><script>alert(1)</script> & friends"
    assert second["startDate"] == "2025-03-14T18:30:00+01:00"  # with its offset
    assert elements[1]["url"] == f"http://testserver/events/{timed.pk}/"


def test_positions_count_across_pages(client, berlin):
    for n in range(30):
        make_meetup(f"M{n:02d}", start=date(2025, 3, 13) + timedelta(days=n), places=[berlin])
    data = item_list(client.get("/events/?page=2").content.decode())
    assert [e["position"] for e in data["itemListElement"]] == [26, 27, 28, 29, 30]
    assert [e["item"]["name"] for e in data["itemListElement"]] == [
        "M25",
        "M26",
        "M27",
        "M28",
        "M29",
    ]


def test_an_empty_list_has_no_item_list(client, sample):
    html = client.get("/events/?q=nothing-like-this").content.decode()
    assert "application/ld+json" not in html


def test_list_entries_are_h_events_with_their_time_and_offset(client, sample, berlin):
    make_meetup(
        "Rust at half past five",
        start=date(2025, 3, 14),
        places=[berlin],
        starts_at=datetime(2025, 3, 14, 17, 30, tzinfo=UTC),
        ends_at=datetime(2025, 3, 14, 20, 0, tzinfo=UTC),
        tz="Europe/Berlin",
    )
    html = client.get("/events/").content.decode()
    title_at = html.index(">Rust at half past five</a>")
    entry = html[html.rindex("h-event", 0, title_at) : title_at + 2000]
    assert (
        'value="2025-03-14T18:30:00+01:00"' in entry
        or 'datetime="2025-03-14T18:30:00+01:00"' in entry
    )
    assert 'class="dt-end" value="2025-03-14T21:00:00+01:00"' in entry
    # a meetup with no time keeps its date alone
    assert re.search(r'class="dt-start" (?:value|datetime)="\d{4}-\d\d-\d\d"', html)
