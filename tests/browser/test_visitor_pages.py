"""What a newcomer sees in a real browser: never an empty home page, near me in words, an
ambiguous city asked about, cities in the month grid, a phone-sized list that does not
scroll sideways, dark mode, the offline map, and axe-core on every public page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_group, make_meetup, make_place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


def _month_after(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@pytest.fixture
def places():
    return {
        "berlin": make_place(
            "Berlin, DE", city="Berlin", country="DE", latitude=52.52, longitude=13.405
        ),
        "potsdam": make_place(
            "Potsdam, DE", city="Potsdam", country="DE", latitude=52.4, longitude=13.07
        ),
        "vienna": make_place(
            "Vienna, 09, AT",
            city="Vienna",
            admin1="09",
            country="AT",
            latitude=48.2,
            longitude=16.37,
        ),
    }


@pytest.fixture
def this_month(places):
    """Meetups this month (one with a long title), one online, one next month."""
    today = timezone.localdate()
    group = make_group("Rust Berlin")
    day = today.replace(day=min(today.day, 27))
    long_title = "Rust Hack and Learn: embedded async, a long evening of many topics"
    make_meetup(long_title, start=day, places=[places["berlin"]], groups=[group])
    make_meetup("Rust Potsdam", start=day + timedelta(days=1), places=[places["potsdam"]])
    make_meetup(
        "Rust Online Berlin",
        start=day + timedelta(days=1),
        places=[places["berlin"]],
        attendance="virtual",
    )
    later = make_meetup(
        "Vienna Rust", start=_month_after(today, 1) + timedelta(days=5), places=[places["vienna"]]
    )
    return {"long_title": long_title, "later": later, "group": group}


def test_home_page_with_nothing_this_month(page, places, screenshot):
    today = timezone.localdate()
    make_meetup("Last Year's Rust", start=_month_after(today, -12), places=[places["berlin"]])
    make_meetup(
        "Future Rust", start=_month_after(today, 3) + timedelta(days=2), places=[places["vienna"]]
    )
    page.goto("/")
    coming = page.get_by_role("heading", name=re.compile("Next meetups after"))
    recent = page.get_by_role("heading", name=re.compile("Most recent meetups before"))
    assert coming.is_visible() and recent.is_visible()
    assert page.locator("#nearest").get_by_role("link", name="Future Rust").is_visible()
    assert page.locator("#nearest").get_by_text("Vienna, Austria").is_visible()
    screenshot(page, "home-nothing-this-month")


def test_near_me_by_typed_city_speaks(page, this_month, screenshot):
    page.goto("/")
    page.get_by_role("textbox", name="Meetups near").fill("Berlin")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url(re.compile(r"/events/\?near_city=Berlin"))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert "within 100 km of Berlin, Germany" in heading
    assert page.get_by_role("link", name="Rust Potsdam").is_visible()
    assert page.get_by_text("km away").first.is_visible()
    feed = page.locator("input[data-feed=https]").input_value()
    assert feed.endswith("/feeds/events.ics?near_city=Berlin")
    screenshot(page, "near-berlin")

    page.locator(".filters-card > summary").click()
    page.get_by_label("Leave out online-only meetups").check()
    page.get_by_role("button", name="Show meetups").click()
    page.wait_for_url(re.compile(r"exclude_virtual=on"))
    assert page.get_by_role("link", name="Rust Online Berlin").count() == 0
    assert page.get_by_role("link", name="Rust Potsdam").is_visible()


def test_an_ambiguous_city_asks(page, this_month, screenshot):
    page.goto("/events/?near_city=Cambridge")
    alert = page.get_by_role("alert")
    assert "Which one did you mean" in alert.inner_text()
    assert page.locator("a[data-feed=webcal]").count() == 0  # no feed for a failed filter
    screenshot(page, "near-ambiguous")
    alert.get_by_role("link", name="Cambridge, Massachusetts, US").click()
    page.wait_for_url(re.compile(r"near_city=Cambridge%2C\+Massachusetts"))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert "within 100 km of Cambridge, Massachusetts, US" in heading


def test_month_grid_shows_cities_and_tooltips(page, this_month, screenshot):
    page.goto("/")
    entry = page.locator(".entry a", has_text="Rust Hack and Learn").first
    assert entry.locator(".entry-city").inner_text() == "Berlin"
    assert entry.locator(".entry-city").is_visible()
    tooltip = entry.get_attribute("title")
    assert tooltip.startswith(this_month["long_title"]) and "Berlin, Germany" in tooltip
    screenshot(page, "month-cities")


def test_month_grid_titles_wrap_and_show_whole_on_focus(page, this_month, screenshot):
    """At 1280 px a cell is about 160 px wide: the title wraps (no "Rust Hac..." cut after a
    dozen letters), and keyboard focus shows all of it."""
    page.goto("/")
    title = page.locator(".entry a", has_text="Rust Hack and Learn").first.locator(".entry-title")
    lines = title.evaluate(
        "el => el.clientHeight / parseFloat(getComputedStyle(el).lineHeight)"
    )
    assert lines >= 2.5, lines  # three lines of it, not one
    page.locator(".entry a", has_text="Rust Hack and Learn").first.focus()
    assert title.evaluate("el => el.scrollHeight <= el.clientHeight + 1")
    assert title.inner_text() == this_month["long_title"]
    screenshot(page, "month-title-focused")


def test_list_at_375px_with_filters_open_does_not_scroll_sideways(
    browser, live_server, settings, this_month, screenshot
):
    settings.MAP_TILE_URL = ""
    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    page = context.new_page()
    page.goto("/events/?include_past=1")
    assert not page.locator(".filters-card").evaluate("element => element.open")
    page.locator(".filters-card > summary").click()
    if not page.locator(".more-filters").evaluate("element => element.open"):
        page.locator(".more-filters > summary").click()
    assert page.get_by_label("Country").is_visible()
    assert page.get_by_label("Leave out online-only meetups").is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(page, "list-phone-filters-open")
    context.close()


def test_dark_mode(browser, live_server, settings, this_month, screenshot):
    settings.MAP_TILE_URL = ""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, color_scheme="dark")
    page = context.new_page()
    page.goto("/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    red, green, blue = map(int, re.findall(r"\d+", background)[:3])
    assert max(red, green, blue) < 60, background
    screenshot(page, "month-dark")
    context.close()


def test_offline_map_shows_country_outlines(page, this_month, screenshot):
    page.goto("/map/")
    page.wait_for_selector("#map[data-outlines=loaded]")
    assert page.locator("#map path.map-outline").count() > 100
    assert page.locator("#map path.leaflet-interactive").count() >= 2  # the meetup pins
    assert page.locator("#map img.leaflet-tile").count() == 0  # nothing from a tile server
    screenshot(page, "map-offline")


def _public_pages(data) -> dict[str, str]:
    later = data["later"]
    return {
        "home": "/",
        "month": f"/calendar/{later.start_date.year:04d}/{later.start_date.month:02d}/",
        "list": "/events/",
        "list-near": "/events/?near_city=Berlin",
        "list-ambiguous": "/events/?near_city=Cambridge",
        "meetup": f"/events/{later.pk}/",
        "groups": "/groups/",
        "group": f"/groups/{data['group'].slug}/",
        "map": "/map/",
        "not-found": "/events/999999/",
    }


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_axe_finds_no_serious_violation(browser, live_server, settings, this_month, viewport):
    settings.MAP_TILE_URL = ""
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    # axe comes in as an init script (through DevTools, before the page's own scripts): a
    # <script> tag would be refused by the site's CSP, which stays enforced for the page.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    refused: list[str] = []  # what the CSP blocked: an inline script or style left somewhere

    def note_refusal(message) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", note_refusal)
    problems = []
    for name, url in _public_pages(this_month).items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        result = page.evaluate(
            "async () => { const r = await axe.run(document); return {passes: r.passes.length,"
            " violations: r.violations.map(v => ({id: v.id, impact: v.impact,"
            " nodes: v.nodes.length, target: v.nodes[0].target.join(' ')}))}; }"
        )
        assert result["passes"] > 10, f"axe did not run on {name}"
        violations = result["violations"]
        print(name, [(v["id"], v["impact"]) for v in violations])  # the lesser ones, for -s
        problems += [
            f"{name}: {v['id']} ({v['impact']}, {v['nodes']}x, e.g. {v['target']})"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
    context.close()
    assert problems == []
    assert refused == []
