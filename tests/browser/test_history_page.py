"""The history page in a real browser: the chart is drawn (SVG, no script) and styled."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import make_group, make_meetup, make_newsletter, make_place, make_sighting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_history_chart_is_drawn_and_styled(page, screenshot):
    berlin = make_place("Berlin, DE")
    group = make_group("Rust Berlin")
    # The history counts what the newsletters listed: each meetup has its listing.
    newsletter = make_newsletter(number=100, day=date(2015, 5, 27))
    meetups = [
        make_meetup("Hack and Learn", start=date(year, 6, 1), places=[berlin], groups=[group])
        for year in (2015, 2016, 2016, 2019)
    ]
    meetups.append(
        make_meetup("IRC meeting", start=date(2016, 6, 8), places=[], region="", groups=[])
    )
    for line, meetup in enumerate(meetups, start=10):
        make_sighting(meetup, newsletter, line=line)
    errors: list[str] = []  # CSP refusals, and files that fail to load (the favicon aside)
    page.on("console", lambda m: errors.append(m.text) if "Refused" in m.text else None)
    page.on(
        "response",
        lambda r: errors.append(r.url) if r.status >= 400 and "favicon" not in r.url else None,
    )
    page.goto("/history/")
    bars = page.locator("figure.history-chart svg rect")
    assert bars.count() == 4  # 2015, 2016 (Europe and no place), 2019
    europe = page.locator("rect.series-europe").first
    assert europe.evaluate("el => getComputedStyle(el).fill") == "rgb(46, 109, 164)"
    assert europe.bounding_box()["height"] > 0
    assert page.get_by_role("link", name="History").get_attribute("aria-current") == "page"
    assert errors == []  # no CSP violation, no missing file
    screenshot(page, "history-desktop")

    page.goto(f"/groups/{group.slug}/")
    assert page.get_by_role("heading", name="Since 2015").is_visible()
