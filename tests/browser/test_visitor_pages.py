"""What a newcomer sees in a real browser: never an empty home page, near me in words, an
ambiguous city asked about, cities in the month grid, a phone-sized list that does not
scroll sideways, dark mode, the offline map, and axe-core on every public page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from calendar_app.models import Meetup, Series
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_group, make_meetup, make_newsletter, make_place, make_sighting

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
    lines = title.evaluate("el => el.clientHeight / parseFloat(getComputedStyle(el).lineHeight)")
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
    assert page.locator("#map .map-pin").count() >= 2  # the meetup pins
    assert page.locator("#map img.leaflet-tile").count() == 0  # nothing from a tile server
    # No street map: it stops at a region's zoom rather than show one plain square of land.
    assert page.locator(".leaflet-control-zoom-in").get_attribute("aria-disabled") == "true"
    assert page.get_by_text("Country outlines only").is_visible()
    screenshot(page, "map-offline")


# Is a point (lat, lon) inside some country's outline, on the world view (zoom 2 round
# 30N 10E, what map.js shows without pins)? Through the SVG's own geometry.
_LAND_AT = """([lat, lon]) => {
  const map = document.getElementById("map"), box = map.getBoundingClientRect();
  const project = (la, lo) => {
    const s = Math.sin(la * Math.PI / 180);
    return [256 * 4 * (lo + 180) / 360,
            256 * 4 * (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI))];
  };
  const [x, y] = project(lat, lon), [cx, cy] = project(30, 10);
  const svg = map.querySelector(".leaflet-outlines-pane svg");
  const point = new DOMPoint(box.left + box.width / 2 + x - cx, box.top + box.height / 2 + y - cy)
    .matrixTransform(svg.getScreenCTM().inverse());
  return [...svg.querySelectorAll("path.map-outline")].some(path => path.isPointInFill(point));
}"""


def test_offline_map_has_no_stripes_across_the_antimeridian(page, this_month, screenshot):
    """Russia and Fiji cross 180 degrees: their outlines drawn as given were bands of land
    across the whole map near 65N. Land stays land (Siberia, Chukotka on both sides of the
    line, Canada); the Norwegian Sea and the Bering Sea stay sea."""
    page.goto("/map/?q=no-such-meetup-anywhere")
    page.wait_for_selector("#map[data-outlines=loaded]")
    land = {
        where: page.evaluate(_LAND_AT, point)
        for where, point in {
            "Siberia": [62, 100],
            "Chukotka": [66, -173],
            "Northwest Territories": [64, -110],
            "Norwegian Sea": [67, 0],
            "Bering Sea": [58, -178],
            "Denmark Strait": [67.5, -26],
        }.items()
    }
    assert land == {
        "Siberia": True,
        "Chukotka": True,
        "Northwest Territories": True,
        "Norwegian Sea": False,
        "Bering Sea": False,
        "Denmark Strait": False,
    }
    screenshot(page, "map-world")


def test_map_pins_work_from_the_keyboard(page, places, screenshot):
    for n in range(7):
        make_meetup(
            f"Rust Potsdam {n}",
            start=timezone.localdate() + timedelta(days=n + 1),
            places=[places["potsdam"]],
        )
    make_meetup("Rust Vienna", places=[places["vienna"]])
    page.goto("/map/")
    pin = page.get_by_role("button", name="Potsdam: 7 meetups")
    assert pin.get_attribute("tabindex") == "0"
    assert page.get_by_role("button", name="Vienna: 1 meetup").count() == 1
    page.keyboard.press("Tab")  # Tab reaches the pins (after the header, the map, zoom)
    for _ in range(30):
        if page.evaluate("document.activeElement.classList.contains('map-pin')"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('map-pin')")
    pin.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible")
    assert page.evaluate("document.activeElement.textContent") == "Rust Potsdam 0"
    more = popup.get_by_role("link", name="and 2 more")
    assert more.is_visible()
    screenshot(page, "map-popup-keyboard")
    page.keyboard.press("Escape")
    popup.wait_for(state="detached")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Potsdam: 7 meetups"
    )
    pin.focus()
    page.keyboard.press("Enter")
    more.click()
    page.wait_for_url(re.compile(r"/events/\?near=52\.4%2C13\.07&radius_km=1"))
    titles = page.locator(".meetup-title a").all_inner_texts()
    assert sorted(titles) == [f"Rust Potsdam {n}" for n in range(7)]


def test_map_without_javascript_says_what_it_shows(browser, live_server, settings, this_month):
    settings.MAP_TILE_URL = ""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/map/?region=europe")
    note = page.locator("#map .map-noscript")
    assert note.is_visible()
    assert "one pin per place" in note.inner_text()
    link = note.get_by_role("link", name="See the same meetups as a list")
    assert link.get_attribute("href") == "/events/?region=europe"
    context.close()


def test_map_sea_is_dark_in_dark_mode(browser, live_server, settings, this_month, screenshot):
    settings.MAP_TILE_URL = ""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, color_scheme="dark")
    page = context.new_page()
    page.goto("/map/")
    page.wait_for_selector("#map[data-outlines=loaded]")
    sea = page.evaluate("getComputedStyle(document.getElementById('map')).backgroundColor")
    assert max(map(int, re.findall(r"\d+", sea)[:3])) < 70, sea
    screenshot(page, "map-dark")
    context.close()


@pytest.fixture
def every_kind(this_month, places):
    """Beside this month's meetups: a timed online one, a past one, a series with a
    description, a newsletter listing (for the history page)."""
    today = timezone.localdate()
    online = make_meetup(
        "Rust online",
        start=today + timedelta(days=4),
        attendance="virtual",
        region="",
        places=[],
        starts_at=datetime.combine(today + timedelta(days=4), time(17), tzinfo=UTC),
        tz="Europe/Berlin",
    )
    past = make_meetup("Rust last year", start=_month_after(today, -12), places=[places["vienna"]])
    make_sighting(past, make_newsletter())
    series = Series.objects.create(key="uid-hack-learn@example.org", rule_text="every Thursday")
    occurrences = [
        make_meetup("Hack and Learn", start=today + timedelta(days=d), places=[places["berlin"]])
        for d in (7, 14)
    ]
    Meetup.objects.filter(pk__in=[m.pk for m in occurrences]).update(
        series=series, description="Bring a laptop. More at https://example.org/hack"
    )
    return {**this_month, "online": online, "past": past, "series": occurrences[0]}


def _public_pages(data) -> dict[str, str]:
    """Every public page (calendar_app/web/urls.py), with the states that show errors."""
    later = data["later"]
    return {
        "home": "/",
        "month": f"/calendar/{later.start_date.year:04d}/{later.start_date.month:02d}/",
        "month-empty": "/calendar/2001/01/",
        "list": "/events/",
        "list-past": "/events/?include_past=1",
        "list-near": "/events/?near_city=Berlin",
        "list-ambiguous": "/events/?near_city=Cambridge",
        "list-bad-filter": "/events/?start=not-a-date",
        "meetup": f"/events/{later.pk}/",
        "meetup-online": f"/events/{data['online'].pk}/",
        "meetup-past": f"/events/{data['past'].pk}/",
        "meetup-series": f"/events/{data['series'].pk}/",
        "groups": "/groups/",
        "group": f"/groups/{data['group'].slug}/",
        "map": "/map/",
        "history": "/history/",
        "submit": "/submit/",
        "submit-thanks": "/submit/thanks/",
        "not-found": "/events/999999/",
    }


def _axe(page) -> dict:
    return page.evaluate(
        "async () => { const r = await axe.run(document); return {passes: r.passes.length,"
        " violations: r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.length, target: v.nodes[0].target.join(' ')}))}; }"
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_axe_finds_no_serious_violation(
    browser, live_server, settings, every_kind, viewport, scheme
):
    settings.MAP_TILE_URL = ""
    context = browser.new_context(viewport=viewport, base_url=live_server.url, color_scheme=scheme)
    # axe comes in as an init script (through DevTools, before the page's own scripts): a
    # <script> tag would be refused by the site's CSP, which stays enforced for the page.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    refused: list[str] = []  # what the CSP blocked: an inline script or style left somewhere

    def note_refusal(message) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", note_refusal)
    results = {}
    for name, url in _public_pages(every_kind).items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        results[name] = _axe(page)
    # The form sent back with its errors (the error text's contrast).
    page.goto("/submit/")
    page.locator("main form[method=post] [type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".field-error").count() > 0
    results["submit-errors"] = _axe(page)
    context.close()

    problems = []
    for name, result in results.items():
        assert result["passes"] > 10, f"axe did not run on {name}"
        violations = result["violations"]
        print(name, [(v["id"], v["impact"]) for v in violations])  # the lesser ones, for -s
        problems += [
            f"{name}: {v['id']} ({v['impact']}, {v['nodes']}x, e.g. {v['target']})"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
    assert problems == [], "\n".join(problems)
    assert refused == []
