"""Identity keys of calendar events and event links (docs/sources.md)."""

from __future__ import annotations

import pytest

from calendar_app.calendars import event_keys, luma_slug, meetup_event_id, page_key
from calendar_app.twir.urls import unwrap_redirect
from tests.calendars.conftest import read_fixture


@pytest.mark.parametrize(
    ("value", "event_id"),
    [
        ("event_280440185@meetup.com", "280440185"),
        ("EVENT_280440185@Meetup.com", "280440185"),
        ("https://www.meetup.com/asociace-ux/events/280440185/", "280440185"),
        ("https://meetup.com/Asociace-UX/events/280440185", "280440185"),
        ("https://www.meetup.com/es-ES/BcnRust/events/297439924/?aff=x", "297439924"),
        (
            "https://www.meetup.com/pdxrust/events/306044189/?slug=pdxrust&eventId=306044189",
            "306044189",
        ),
        ("https://www.meetup.com/rust-nyc/events/xvkdgtyhcgbfc/", "xvkdgtyhcgbfc"),  # placeholder
        ("https://www.google.com/url?q=https://www.meetup.com/a/events/1234/&sa=D", "1234"),
        ("https://www.meetup.com/rust-nyc/events/", ""),  # the group's event list
        ("https://www.meetup.com/rust-nyc/events/past/", ""),
        ("https://www.meetup.com/rust-nyc/", ""),
        ("https://example.org/events/280440185/", ""),
        ("evt-1j8nckxA60kEVWq@events.lu.ma", ""),
    ],
)
def test_meetup_event_id(value, event_id):
    assert meetup_event_id(value) == event_id


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://lu.ma/exynnx7d", "exynnx7d"),
        ("https://luma.com/exynnx7d", "exynnx7d"),
        ("https://www.luma.com/EXYNNX7D/", "exynnx7d"),
        ("lu.ma/exynnx7d?utm_source=twir", "exynnx7d"),
        ("https://lu.ma/rust-ottawa", ""),  # a calendar page, not an event
        ("https://example.org/exynnx7d", ""),
    ],
)
def test_luma_slug_on_either_host(url, slug):
    assert luma_slug(url) == slug


def test_page_keys_join_spellings_of_one_event():
    assert page_key("https://lu.ma/exynnx7d") == page_key("https://luma.com/exynnx7d/")
    assert page_key("https://www.meetup.com/de-DE/Rust-Munich/events/312/") == "meetup:312"
    assert page_key("https://hasgeek.com/rustbangalore/meetup-2026") == (
        "https://hasgeek.com/rustbangalore/meetup-2026"
    )
    assert page_key("https://meet.jit.si/rust-community-talks") == ""  # a room, not an event
    assert page_key("https://www.meetup.com/rust-nyc/") == ""


def test_event_keys_strongest_first():
    meetup = read_fixture("meetup_group.ics").events[0]
    assert event_keys(meetup) == ("uid:event_312345678@meetup.com", "meetup:312345678")
    luma = read_fixture("luma_calendar.ics").events[0]
    assert event_keys(luma) == ("uid:evt-1j8nckxA60kEVWq@events.lu.ma", "luma:exynnx7d")
    google = [e for e in read_fixture("google_calendar.ics").events if "weekly" in e.uid]
    keys = [event_keys(e) for e in google]
    # one UID, one key per occurrence; the series links one Meetup page
    assert len({k[0] for k in keys}) == len(google)
    assert keys[0] == (
        "uid:7kq3rustnyc0weekly@google.com#2026-12-02T19:00:00-05:00",
        "meetup:312000111",
    )


def test_unwrap_redirect():
    assert (
        unwrap_redirect("https://www.google.com/url?q=https://rust.example.org/a?b%3Dc&sa=D")
        == "https://rust.example.org/a?b=c"
    )
    assert unwrap_redirect("https://www.google.com/url?q=javascript:alert(1)") == (
        "https://www.google.com/url?q=javascript:alert(1)"
    )
    assert unwrap_redirect("https://example.org/x") == "https://example.org/x"
