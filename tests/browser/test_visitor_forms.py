"""The visitor's forms in a real browser: the submission form's kind choice on one row and
its time zone filled in from the browser's own; filter forms sent without their blank
fields (with and without JavaScript); "Use my location" on the home page."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from calendar_app.models import Series
from tests.browser.conftest import DESKTOP
from tests.factories import make_group, make_meetup, make_place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def berlin_soon():
    berlin = make_place("Berlin, DE", city="Berlin", country="DE", latitude=52.52, longitude=13.405)
    return make_meetup(
        "Rust Hack and Learn", start=timezone.localdate() + timedelta(days=2), places=[berlin]
    )


def context_page(browser, live_server, settings, **options):
    settings.MAP_TILE_URL = ""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Los_Angeles"])
def test_submit_form_kind_on_one_row_and_the_browsers_zone(
    browser, live_server, settings, screenshot, zone
):
    context, page = context_page(browser, live_server, settings, timezone_id=zone)
    try:
        page.goto("/submit/")
        assert page.get_by_label("Time zone").input_value() == zone
        event = page.get_by_role("radio", name="An event")
        calendar = page.get_by_role("radio", name="A calendar to follow")
        assert event.is_checked() and not calendar.is_checked()
        first, second = event.bounding_box(), calendar.bounding_box()
        assert first["width"] < 30 and first["height"] < 30  # a circle, not a 100%-wide input
        assert abs(first["y"] - second["y"]) < 2  # one row
        words = page.locator("label.choice", has_text="An event").locator("span").bounding_box()
        assert words["x"] > first["x"] + first["width"] - 1  # beside the circle, not below
        assert abs((words["y"] + words["height"] / 2) - (first["y"] + first["height"] / 2)) < 6
        hint = page.locator("#id_timezone_hint")
        assert hint.is_visible() and "Europe/Berlin" in hint.inner_text()
        assert (
            page.get_by_label("Title (required for an event)").get_attribute("aria-required")
            == "true"
        )
        screenshot(page, f"submit-form-{zone.replace('/', '-')}")
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_a_filter_sent_with_blank_fields_gives_a_clean_url(
    browser, live_server, settings, berlin_soon, javascript
):
    context, page = context_page(browser, live_server, settings, java_script_enabled=javascript)
    try:
        page.goto("/events/")
        page.locator(".filters-card > summary").click()
        page.get_by_label("Region").select_option("europe")
        page.get_by_role("button", name="Show meetups").click()
        page.wait_for_url(re.compile(r"/events/\?region=europe$"))
        assert page.url == f"{live_server.url}/events/?region=europe"
        assert page.get_by_role("link", name="Rust Hack and Learn").is_visible()
    finally:
        context.close()


def test_an_empty_near_me_search_offers_groups_and_online(page, screenshot):
    seattle = make_place(
        "Seattle, WA, US",
        city="Seattle",
        admin1="WA",
        country="US",
        latitude=47.61,
        longitude=-122.33,
    )
    group = make_group("Seattle Rust User Group")
    make_meetup(
        "Seattle Rust",
        start=timezone.localdate() - timedelta(days=20),
        places=[seattle],
        groups=[group],
    )
    make_meetup(
        "Rust Online Talk",
        start=timezone.localdate() + timedelta(days=3),
        places=[],
        attendance="virtual",
        region="",
    )
    page.goto("/")
    page.get_by_role("textbox", name="Meetups near").fill("Seattle")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url(re.compile(r"/events/\?near_city=Seattle$"))
    groups = page.get_by_role("region", name=re.compile("Groups meeting near Seattle"))
    assert groups.get_by_role("link", name="Seattle Rust User Group", exact=True).is_visible()
    assert groups.get_by_role("link", name="Calendar feed of Seattle Rust User Group").is_visible()
    online = page.get_by_role("region", name="Online meetups you can join from anywhere")
    assert online.get_by_role("link", name="Rust Online Talk").is_visible()
    screenshot(page, "near-seattle-empty")


def test_use_my_location_from_the_home_page(browser, live_server, settings, berlin_soon):
    context, page = context_page(
        browser,
        live_server,
        settings,
        geolocation={"latitude": 52.52, "longitude": 13.405},
        permissions=["geolocation"],
    )
    try:
        page.goto("/")
        page.locator(".near-box").get_by_role("button", name="Use my location").click()
        page.wait_for_url(re.compile(r"/events/\?near=52\.520%2C13\.405$"))
        heading = page.get_by_role("heading", level=1).inner_text()
        assert "within 100 km of 52.52,13.40" in heading
        assert page.get_by_role("link", name="Rust Hack and Learn").is_visible()
    finally:
        context.close()


AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_on_the_new_parts(browser, live_server, settings, scheme):
    """The submit form, an empty near-me search with its offer, a folded series: the
    page's main part (the header's active item is another change's: issue 23's dark mode)."""
    seattle = make_place(
        "Seattle, WA, US", city="Seattle", country="US", latitude=47.61, longitude=-122.33
    )
    make_meetup(
        "Seattle Rust",
        start=timezone.localdate() - timedelta(days=20),
        places=[seattle],
        groups=[make_group("Seattle Rust User Group")],
    )
    make_meetup(
        "Rust Online Talk",
        start=timezone.localdate() + timedelta(days=3),
        places=[],
        attendance="virtual",
        region="",
    )
    series = Series.objects.create(key="hal@example.org", rule_text="every Thursday, 18:30")
    for week in range(3):
        meetup = make_meetup(
            "Rust Hack and Learn", start=timezone.localdate() + timedelta(weeks=week, days=1)
        )
        meetup.series = series
        meetup.save(update_fields=["series"])
    context, page = context_page(browser, live_server, settings, color_scheme=scheme)
    context.add_init_script(path=str(AXE))
    problems = []
    try:
        for url in ("/submit/", "/events/?near_city=Seattle", "/events/", "/"):
            page.goto(url)
            page.wait_for_load_state("networkidle")
            result = page.evaluate(
                "async () => (await axe.run('#main')).violations.map(v => ({id: v.id,"
                " impact: v.impact, target: v.nodes[0].target.join(' ')}))"
            )
            problems += [
                f"{url}: {v['id']} ({v['impact']}, e.g. {v['target']})"
                for v in result
                if v["impact"] in ("serious", "critical")
            ]
        assert page.goto("/events/") and page.get_by_text("2 more dates").is_visible()
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
