"""The visitor's own time for an online meetup, filled in by static/js/local-time.js."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import make_meetup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def online():
    day = timezone.localdate() + timedelta(days=5)
    return make_meetup(
        "Rust online",
        start=day,
        attendance="virtual",
        region="",
        starts_at=datetime.combine(day, time(17), tzinfo=UTC),
        tz="Europe/Berlin",
    )


def _open(browser, live_server, settings, zone: str, path: str):
    settings.MAP_TILE_URL = ""
    context = browser.new_context(base_url=live_server.url, timezone_id=zone, locale="en-GB")
    page = context.new_page()
    page.goto(path)
    return context, page


def test_a_visitor_elsewhere_sees_the_time_in_their_own_zone(
    browser, live_server, settings, online
):
    context, page = _open(
        browser, live_server, settings, "America/New_York", online.get_absolute_url()
    )
    visitor = page.locator(".visitor-time")
    visitor.wait_for(state="visible")
    there = online.starts_at.astimezone(ZoneInfo("America/New_York"))
    assert f"{there:%H:%M} GMT{int(there.utcoffset().total_seconds() // 3600)}" in (
        visitor.inner_text()
    )
    here = online.starts_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert f"{here:%H:%M}" in page.locator(".event-time").inner_text()
    context.close()


def test_a_visitor_in_the_events_zone_sees_it_once(browser, live_server, settings, online):
    context, page = _open(
        browser, live_server, settings, "Europe/Berlin", online.get_absolute_url()
    )
    page.wait_for_load_state("load")
    assert page.locator(".visitor-time").is_hidden()
    context.close()


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Auckland"])
def test_the_month_grid_shows_a_timed_meetup_at_the_visitors_time(
    browser, live_server, settings, zone
):
    """17:00 in Berlin is 08:00 (or 09:00) in Los Angeles, and the next morning in Auckland:
    the grid says the visitor's time with their zone's name, not the event's 17:00."""
    day = timezone.localdate() + timedelta(days=3)
    starts_at = datetime.combine(day, time(17), tzinfo=ZoneInfo("Europe/Berlin"))
    meetup = make_meetup("Rust Hack and Learn", start=day, starts_at=starts_at, tz="Europe/Berlin")
    context, page = _open(browser, live_server, settings, zone, f"/calendar/{day:%Y/%m}/")
    clock = page.locator(f'a[href="{meetup.get_absolute_url()}"] time.entry-time')
    there = starts_at.astimezone(ZoneInfo(zone))
    hours = int(there.utcoffset().total_seconds() // 3600)
    expected = f"{there:%H:%M} GMT{hours:+d}"
    page.wait_for_function(
        "([el, text]) => el.textContent === text", arg=[clock.element_handle(), expected]
    )
    assert clock.inner_text() == expected
    assert clock.get_attribute("datetime") == starts_at.isoformat()
    context.close()


@pytest.mark.parametrize(
    ("zone", "hour", "shift"),
    [("Pacific/Auckland", 17, 1), ("America/Los_Angeles", 1, -1), ("America/Los_Angeles", 17, 0)],
)
def test_the_month_grid_puts_an_online_meetup_on_the_visitors_day(
    browser, live_server, settings, zone, hour, shift
):
    """17:00 in Berlin is the next morning in Auckland, 01:00 the evening before in Los
    Angeles: an online meetup moves to that day's cell; an in-person one stays where it is."""
    day = timezone.localdate().replace(day=15)
    starts_at = datetime.combine(day, time(hour), tzinfo=ZoneInfo("Europe/Berlin"))
    online = make_meetup(
        "Rust online", start=day, attendance="virtual", starts_at=starts_at, tz="Europe/Berlin"
    )
    in_person = make_meetup("Rust Berlin", start=day, starts_at=starts_at, tz="Europe/Berlin")
    context, page = _open(browser, live_server, settings, zone, f"/calendar/{day:%Y/%m}/")
    page.wait_for_load_state("load")

    def cell_of(meetup) -> str:
        entry = page.locator(f'li:has(> a[href="{meetup.get_absolute_url()}"])')
        return entry.evaluate("li => li.closest('td').querySelector('.day-head time').dateTime")

    visitor_day = starts_at.astimezone(ZoneInfo(zone)).date()
    assert visitor_day == day + timedelta(days=shift)
    assert cell_of(online) == visitor_day.isoformat()
    assert cell_of(in_person) == day.isoformat()
    context.close()


def test_without_script_an_online_meetup_stays_on_its_own_day(browser, live_server, settings):
    settings.MAP_TILE_URL = ""
    day = timezone.localdate().replace(day=15)
    starts_at = datetime.combine(day, time(17), tzinfo=ZoneInfo("Europe/Berlin"))
    online = make_meetup(
        "Rust online", start=day, attendance="virtual", starts_at=starts_at, tz="Europe/Berlin"
    )
    context = browser.new_context(
        base_url=live_server.url, timezone_id="Pacific/Auckland", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"/calendar/{day:%Y/%m}/")
    cell = page.locator("td", has=page.locator(f'a[href="{online.get_absolute_url()}"]'))
    assert cell.locator(".day-head time").get_attribute("datetime") == day.isoformat()
    assert "17:00" in cell.locator("time.entry-time").inner_text()
    context.close()
