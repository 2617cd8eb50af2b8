"""The calendars' admin: health at a glance, filters, sync now, enable/disable, http(s) only."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import Source, SourceEvent
from tests.admin.conftest import action_data
from tests.factories import make_meetup

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:calendar_app_source_changelist")
ADD = reverse("admin:calendar_app_source_add")


@pytest.fixture
def sources(tmp_path: Path) -> dict[str, Source]:
    now = timezone.now()
    calendar = tmp_path / "sample.ics"
    calendar.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    return {
        "healthy": Source.objects.create(
            url="https://www.meetup.com/rust-berlin/events/ical/",
            name="Rust Berlin",
            last_attempt=now,
            last_success=now,
            events_seen=12,
        ),
        "failing": Source.objects.create(
            url="https://api.luma.com/ics/get?entity=calendar&id=cal-x",
            name="Luma X",
            last_attempt=now,
            last_success=now - timedelta(days=3),
            last_error="HTTP 500 from the server",
            consecutive_failures=3,
        ),
        "maybe": Source.objects.create(
            url="https://www.meetup.com/hackerdojo/events/ical/", name="hackerdojo", enabled=False
        ),
        "file": Source.objects.create(url=calendar.as_uri(), name="Sample"),
    }


def test_the_list_shows_health_at_a_glance(curator_client, sources):
    html = curator_client.get(CHANGELIST).content.decode()
    assert "failing (3 in a row)" in html
    assert "HTTP 500 from the server" in html
    assert "disabled" in html and "never fetched" in html
    assert '<td class="field-events_seen">12</td>' in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("health=failing", {"failing"}),
        ("health=ok", {"healthy"}),
        ("health=never", {"maybe", "file"}),
        ("enabled__exact=0", {"maybe"}),
        ("host=luma", {"failing"}),
        ("host=file", {"file"}),
    ],
)
def test_filters(curator_client, sources, query, expected):
    response = curator_client.get(f"{CHANGELIST}?{query}")
    shown = {source.pk for source in response.context["cl"].result_list}
    assert shown == {sources[name].pk for name in expected}


def test_enable_and_disable(curator_client, sources):
    curator_client.post(CHANGELIST, action_data("enable", [sources["maybe"]]))
    sources["maybe"].refresh_from_db()
    assert sources["maybe"].enabled
    curator_client.post(CHANGELIST, action_data("disable", [sources["healthy"]]))
    sources["healthy"].refresh_from_db()
    assert not sources["healthy"].enabled


def test_sync_now_records_each_sources_answer(curator_client, sources, server):
    broken = Source.objects.create(url=server.url("/500"), name="Broken")
    response = curator_client.post(
        CHANGELIST, action_data("sync_now", [sources["file"], broken]), follow=True
    )
    texts = [str(message) for message in response.context["messages"]]
    assert texts[0] == "2 calendars: 1 read, 0 unchanged, 1 failed; 0 events."
    assert any("HTTP 500" in text for text in texts[1:])
    sources["file"].refresh_from_db()
    assert sources["file"].last_success is not None and sources["file"].last_error == ""


def test_curators_add_http_feeds_only(curator_client, sources):
    data = {"url": "file:///etc/passwd", "name": "x", "kind": "ics", "interval": "06:00:00"}
    response = curator_client.post(ADD, data)
    assert response.status_code == 200
    assert "Not an http(s) URL" in response.content.decode()
    data["url"] = "https://calendar.google.com/calendar/ical/abc/public/basic.ics"
    response = curator_client.post(ADD, data)
    assert response.status_code == 302
    assert Source.objects.filter(url=data["url"], enabled=False).exists()  # unticked box


def test_a_file_source_can_still_be_renamed(curator_client, sources):
    source = sources["file"]
    url = reverse("admin:calendar_app_source_change", args=[source.pk])
    data = {"url": source.url, "name": "Renamed", "kind": "ics", "interval": "06:00:00"}
    assert curator_client.post(url, data).status_code == 302
    source.refresh_from_db()
    assert source.name == "Renamed"


def test_a_meetups_page_shows_the_calendar_events_behind_it(curator_client, sources):
    meetup = make_meetup("Rust Hack and Learn")
    SourceEvent.objects.create(
        source=sources["healthy"], uid="event_280440185@meetup.com", meetup=meetup
    )
    url = reverse("admin:calendar_app_meetup_change", args=[meetup.pk])
    html = curator_client.get(url).content.decode()
    assert "Calendar events (the calendars behind this meetup)" in html
    assert "event_280440185@meetup.com" in html and "Rust Berlin" in html
