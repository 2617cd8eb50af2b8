"""Shared fixtures for the public pages: a fixed 'today' and a few meetups around it."""

from datetime import date

import pytest
from django.utils import timezone

from tests.factories import make_group, make_meetup, make_place

TODAY = date(2025, 3, 12)  # a Wednesday


@pytest.fixture(autouse=True)
def _today(monkeypatch, settings):
    """Pages compute 'upcoming' from localdate(); pin it so tests do not depend on the clock."""
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    settings.MAP_TILE_URL = ""


@pytest.fixture
def berlin():
    return make_place("Berlin, DE", city="Berlin", country="DE", latitude=52.52, longitude=13.405)


@pytest.fixture
def munich():
    return make_place(
        "München, BY, DE",
        city="München",
        admin1="BY",
        country="DE",
        latitude=48.137,
        longitude=11.575,
    )


@pytest.fixture
def seattle():
    return make_place(
        "Seattle, WA, US",
        city="Seattle",
        admin1="WA",
        country="US",
        latitude=47.61,
        longitude=-122.33,
        timezone_name="America/Los_Angeles",
    )


@pytest.fixture
def sample(berlin, munich, seattle):
    """Berlin, Munich and Seattle meetups, one virtual, one past, one in April."""
    rust_berlin = make_group("Rust Berlin")
    seattle_group = make_group("Seattle Rust User Group")
    return {
        "berlin": make_meetup(
            "Rust Hack and Learn", start=date(2025, 3, 13), places=[berlin], groups=[rust_berlin]
        ),
        "munich": make_meetup(
            "Rust Munich Meetup",
            start=date(2025, 3, 20),
            places=[munich],
            groups=[make_group("Rust Munich")],
        ),
        "seattle": make_meetup(
            "Seattle Monthly",
            start=date(2025, 3, 18),
            places=[seattle],
            region="north-america",
            groups=[seattle_group],
        ),
        "virtual": make_meetup(
            "Rust Online Talk",
            start=date(2025, 3, 25),
            places=[],
            attendance="virtual",
            region="",
            groups=[rust_berlin],
        ),
        "past": make_meetup(
            "Old Berlin Meetup", start=date(2025, 2, 10), places=[berlin], groups=[rust_berlin]
        ),
        "april": make_meetup(
            "RustConf Europe",
            start=date(2025, 4, 8),
            end=date(2025, 4, 10),
            places=[berlin],
            groups=[rust_berlin],
            attendance="hybrid",
        ),
    }
