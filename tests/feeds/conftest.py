"""Meetups covering every feed case: multi-day, hybrid, online, cancelled, hidden, merged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from calendar_app.models import Meetup
from tests.factories import make_group, make_meetup, make_newsletter, make_place, make_sighting

TRICKY_TITLE = 'Rust, "Ferris"; C:\\path\nsecond line'


@dataclass
class Sample:
    berlin: Meetup
    conference: Meetup
    online: Meetup
    tricky: Meetup
    cancelled: Meetup
    hidden: Meetup
    merged: Meetup
    old: Meetup

    @property
    def in_feed(self) -> list[Meetup]:
        return [self.berlin, self.conference, self.online, self.tricky, self.cancelled]


@pytest.fixture(autouse=True)
def site(settings) -> str:
    """Feeds link under SITE_URL (never the request's host): the test client's, here."""
    settings.SITE_URL = "http://testserver"
    return settings.SITE_URL


@pytest.fixture
def sample(db) -> Sample:
    today = timezone.localdate()
    ldn = make_place(
        "London, GB",
        city="London",
        country="GB",
        latitude=51.507351,
        longitude=-0.00005,
        timezone_name="Europe/London",
    )
    berlin = make_meetup(
        "Rust Hack and Learn",
        start=today + timedelta(days=3),
        links=[
            ("https://www.meetup.com/rust-berlin/events/1/", "Rust Berlin"),
            ("https://youtube.com/live/x", "Stream"),
        ],
    )
    conference = make_meetup(
        "RustConf Europe",
        start=today + timedelta(days=10),
        end=today + timedelta(days=12),
        attendance="hybrid",
        places=[ldn],
        groups=[make_group("Rust London User Group")],
    )
    online = make_meetup(
        "Rust Online",
        start=today + timedelta(days=5),
        attendance="virtual",
        region="",
        places=[],
        groups=[make_group("Rust Gathering")],
    )
    tricky = make_meetup(TRICKY_TITLE, start=today + timedelta(days=7))
    cancelled = make_meetup("Cancelled Meetup", start=today - timedelta(days=20))
    cancelled.status = "cancelled"
    cancelled.save()
    hidden = make_meetup("Hidden Meetup", start=today + timedelta(days=4), status="hidden")
    merged = make_meetup("Merged Away", start=today + timedelta(days=3))
    merged.duplicate_of = berlin
    merged.save()
    old = make_meetup("Long Ago", start=today - timedelta(days=40))
    newsletter = make_newsletter(532, date(2024, 1, 31))
    for line, meetup in enumerate([berlin, conference, online, tricky, cancelled], start=10):
        make_sighting(meetup, newsletter, line=line)
    return Sample(berlin, conference, online, tricky, cancelled, hidden, merged, old)
