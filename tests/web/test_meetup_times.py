"""Times on the pages: the event's local time with its zone, the visitor's time for online
meetups, the month grid's time, and the Google Calendar link's instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_meetup

pytestmark = pytest.mark.django_db

DAY = date(2025, 7, 3)  # summer: Berlin is CEST (UTC+2)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def timed():
    return make_meetup(
        "Rust Hack and Learn",
        start=DAY,
        starts_at=datetime.combine(DAY, time(18, 30), tzinfo=BERLIN),
        ends_at=datetime.combine(DAY, time(21), tzinfo=BERLIN),
    )


@pytest.fixture
def online():
    """Run by a Berlin group, online, given in UTC by its calendar."""
    return make_meetup(
        "Rust online",
        start=DAY,
        attendance="virtual",
        region="",
        starts_at=datetime.combine(DAY, time(17), tzinfo=UTC),
    )


def _google_link(html: str) -> dict[str, list[str]]:
    link = next(
        part.split('"')[0]
        for part in html.split('href="')
        if part.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    )
    return parse_qs(urlsplit(link.replace("&amp;", "&")).query)


def test_page_shows_the_local_time_with_its_zone(client, timed):
    html = client.get(f"/events/{timed.pk}/").content.decode()
    assert (
        '<span class="event-time"><time datetime="2025-07-03T18:30:00+02:00">18:30</time>'
        '–<time datetime="2025-07-03T21:00:00+02:00">21:00</time> CEST, Europe/Berlin</span>'
    ) in html
    # issue 23: the visitor's own time too (hidden; local-time.js shows it when the
    # visitor's zone is another)
    assert (
        '<span class="visitor-time" hidden>(your time: <time datetime="2025-07-03T18:30:00+02:00"'
        ' data-visitor-time data-event-zone="Europe/Berlin"></time>)</span>'
    ) in html


def test_online_meetup_also_offers_the_visitors_time(client, online):
    html = client.get(f"/events/{online.pk}/").content.decode()
    assert "19:00</time> CEST, Europe/Berlin" in html  # its place's zone
    assert (
        '<span class="visitor-time" hidden>(your time: <time datetime="2025-07-03T19:00:00+02:00"'
        ' data-visitor-time data-event-zone="Europe/Berlin"></time>)</span>'
    ) in html
    assert 'src="/static/js/local-time.js"' in html
    assert "<script>" not in html  # no inline script: CSP


def test_google_link_uses_the_instants_and_the_zone(client, timed):
    query = _google_link(client.get(f"/events/{timed.pk}/").content.decode())
    assert query["dates"] == ["20250703T163000Z/20250703T190000Z"]
    assert query["ctz"] == ["Europe/Berlin"]


def test_google_link_for_a_date_only_meetup_stays_all_day(client):
    meetup = make_meetup("Dates only", start=DAY)
    query = _google_link(client.get(f"/events/{meetup.pk}/").content.decode())
    assert query["dates"] == ["20250703/20250704"]
    assert "ctz" not in query


def test_month_grid_shows_the_time(client, timed):
    make_meetup("Dates only", start=DAY)
    html = client.get("/calendar/2025/07/").content.decode()
    assert (
        '<time class="entry-time" datetime="2025-07-03T18:30:00+02:00" data-visitor-clock>'
        '18:30 <span class="entry-zone">CEST</span></time>'
    ) in html
    assert html.count('class="entry-time"') == 1


def test_list_shows_the_time(client, timed):
    html = client.get("/events/?include_past=1").content.decode()
    assert "21:00</time> CEST, Europe/Berlin" in html


def test_a_days_meetups_are_listed_by_their_start_time(client):
    late = make_meetup(
        "Evening", start=DAY, starts_at=datetime.combine(DAY, time(19), tzinfo=BERLIN)
    )
    early = make_meetup(
        "Lunch", start=DAY, starts_at=datetime.combine(DAY, time(12), tzinfo=BERLIN)
    )
    undated = make_meetup("All day", start=DAY)
    html = client.get("/calendar/2025/07/").content.decode()
    assert html.index("All day") < html.index("Lunch") < html.index("Evening")
    response = client.get("/events/?include_past=1")
    assert [m.pk for m in response.context["page"].object_list] == [undated.pk, early.pk, late.pk]
