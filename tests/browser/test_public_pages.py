"""The public calendar in a real browser: navigate, filter, open a meetup, follow its group."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_group, make_meetup, make_newsletter, make_place, make_sighting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _first_of_next_month(today):
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


@pytest.fixture
def calendar_data():
    """Meetups this month and next, in Europe and North America, one multi-day, one virtual."""
    today = timezone.localdate()
    nxt = _first_of_next_month(today)
    berlin = make_place("Berlin, DE", city="Berlin", country="DE", latitude=52.52, longitude=13.4)
    seattle = make_place(
        "Seattle, WA, US",
        city="Seattle",
        admin1="WA",
        country="US",
        latitude=47.61,
        longitude=-122.33,
    )
    rust_berlin = make_group("Rust Berlin")
    seattle_group = make_group("Seattle Rust User Group")
    newsletter = make_newsletter(590, today - timedelta(days=3))
    for day in (2, 9, 16, 23):
        make_meetup(
            "Rust Hack and Learn",
            start=today.replace(day=min(day + 2, 28)),
            places=[berlin],
            groups=[rust_berlin],
        )
    make_meetup(
        "Seattle Rust Meetup",
        start=today.replace(day=min(today.day + 1, 28)),
        places=[seattle],
        region="north-america",
        groups=[seattle_group],
    )
    europe = make_meetup(
        "Rust Berlin: Embedded Night",
        start=nxt + timedelta(days=9),
        places=[berlin],
        groups=[rust_berlin],
        links=[
            ("https://www.meetup.com/rust-berlin/events/305000001/", "Meetup"),
            ("https://www.youtube.com/@rustberlin/live", "Stream"),
        ],
    )
    make_sighting(europe, newsletter)
    make_meetup(
        "RustFest Europe",
        start=nxt + timedelta(days=14),
        end=nxt + timedelta(days=16),
        places=[berlin],
        attendance="hybrid",
        groups=[make_group("RustFest")],
    )
    make_meetup(
        "Seattle Rust: Async Deep Dive",
        start=nxt + timedelta(days=9),
        places=[seattle],
        region="north-america",
        groups=[seattle_group],
    )
    make_meetup(
        "Rust Online Study Group",
        start=nxt + timedelta(days=4),
        places=[],
        attendance="virtual",
        region="",
        groups=[make_group("Rust Study Group")],
    )
    return {"europe": europe, "next_month": nxt}


def test_month_next_filter_meetup_group_feed(page, calendar_data, screenshot):
    nxt = calendar_data["next_month"]
    page.goto("/")
    assert page.locator("td[aria-current=date]").count() == 1
    screenshot(page, "month-desktop")

    page.get_by_role("link", name=re.compile("Next")).click()
    page.wait_for_url(re.compile(rf"/calendar/{nxt.year:04d}/{nxt.month:02d}/"))
    assert page.get_by_role("link", name=re.compile("Seattle Rust: Async")).count() == 1

    page.get_by_label("Region").select_option("europe")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"region=europe"))
    assert page.get_by_role("link", name=re.compile("Seattle Rust: Async")).count() == 0
    assert page.locator(".entry", has_text="RustFest Europe").count() == 3  # spans three days

    page.get_by_role("link", name=re.compile("Embedded Night")).first.click()
    page.wait_for_url(re.compile(rf"/events/{calendar_data['europe'].pk}/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Rust Berlin: Embedded")
    assert page.get_by_role("link", name="Stream").get_attribute("href").startswith("https://")
    assert page.get_by_text("Issue 590").is_visible()

    page.get_by_role("link", name="Rust Berlin", exact=True).first.click()
    page.wait_for_url(re.compile(r"/groups/rust-berlin/$"))
    webcal = page.locator("a[data-feed=webcal]").get_attribute("href")
    assert webcal.startswith("webcal://") and webcal.endswith("/feeds/events.ics?group=rust-berlin")
    feed = page.locator("input[data-feed=https]").input_value()
    assert feed.endswith("/feeds/events.ics?group=rust-berlin")
    feed_link = page.get_by_role("link", name=re.compile("iCalendar feed of Rust Berlin"))
    assert feed_link.get_attribute("href") == "/feeds/events.ics?group=rust-berlin"


def test_map_shows_markers_without_tiles(page, calendar_data):
    page.goto("/events/?region=europe")
    page.wait_for_selector("#map .map-pin")
    assert page.locator("#map .map-pin").count() >= 1
    assert page.locator("#map img.leaflet-tile").count() == 0


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_screenshots(browser, live_server, settings, calendar_data, screenshot, width):
    """Month view, list and meetup page at 1280 px and 375 px, saved as test artifacts."""
    settings.MAP_TILE_URL = ""
    viewport = DESKTOP if width == "desktop" else PHONE
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    page = context.new_page()
    nxt = calendar_data["next_month"]
    pages = {
        "month": f"/calendar/{nxt.year:04d}/{nxt.month:02d}/",
        "list": "/events/",
        "meetup": f"/events/{calendar_data['europe'].pk}/",
    }
    for name, url in pages.items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {width} width"
        screenshot(page, f"{name}-{width}")
    context.close()
