"""An empty near-me search is not a dead end: it offers the groups that usually meet
near (their pages and feeds) and the upcoming online meetups."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.factories import make_group, make_meetup, make_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def seattle_quiet(seattle, berlin):
    """Seattle's group met only in the past; Portland's meets later beyond 100 km; twelve
    online meetups are coming."""
    portland = make_place(
        "Portland, OR, US",
        city="Portland",
        admin1="OR",
        country="US",
        latitude=45.52,
        longitude=-122.68,
        timezone_name="America/Los_Angeles",
    )
    seattle_group = make_group("Seattle Rust User Group")
    portland_group = make_group("Rust PDX")
    make_meetup("Seattle Rust", start=date(2025, 2, 20), places=[seattle], groups=[seattle_group])
    make_meetup("Seattle Rust", start=date(2025, 1, 16), places=[seattle], groups=[seattle_group])
    make_meetup("PDX Rust", start=date(2025, 3, 27), places=[portland], groups=[portland_group])
    make_meetup("Rust Berlin", start=date(2025, 3, 20), places=[berlin], groups=[make_group("RB")])
    online = [
        make_meetup(
            f"Online talk {n:02d}",
            start=date(2025, 3, 13) + timedelta(days=n),
            places=[],
            attendance="virtual",
            region="",
        )
        for n in range(12)
    ]
    make_meetup("Past online", start=date(2025, 3, 1), places=[], attendance="virtual")
    return {"seattle": seattle_group, "portland": portland_group, "online": online}


def section(html: str, heading_id: str) -> str:
    found = re.search(rf'aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert found, heading_id
    return found.group(1)


def test_seattle_offers_its_groups_and_the_online_meetups(client, seattle_quiet):
    response = client.get("/events/?near_city=Seattle")
    html = response.content.decode()
    assert response.context["page"].paginator.count == 0
    assert "No meetups found" in html
    groups = section(html, "nearby-groups-title")
    assert "Groups meeting near Seattle, US" in html
    names = re.findall(r'<a href="/groups/[^"]+/">([^<]+)</a>', groups)
    assert names == ["Seattle Rust User Group", "Rust PDX"]  # nearest first; not Berlin's
    seattle, portland = seattle_quiet["seattle"], seattle_quiet["portland"]
    assert f'href="{seattle.get_absolute_url()}"' in groups
    assert f'href="/feeds/events.ics?group={seattle.slug}"' in groups
    assert f'href="/feeds/events.ics?group={portland.slug}"' in groups
    assert "Seattle, US, 0 km away · nothing upcoming listed" in groups
    assert "km away · 1 upcoming" in groups
    online = section(html, "online-instead-title")
    shown = re.findall(r'class="p-name u-url" href="[^"]+">([^<]+)</a>', online)
    assert shown == [f"Online talk {n:02d}" for n in range(10)]  # the next ten, soonest first
    assert 'href="/events/?attendance=virtual">All 12 upcoming online meetups</a>' in online


def test_a_city_with_no_group_near_says_so_and_still_offers_online(client, seattle_quiet):
    html = client.get("/events/?near_city=Bangalore").content.decode()
    groups = section(html, "nearby-groups-title")
    assert "No group we know of usually meets within 500 km" in groups
    assert 'href="/groups/"' in groups and 'href="/submit/"' in groups
    assert "Online talk 00" in section(html, "online-instead-title")


def test_leaving_out_online_meetups_leaves_out_the_online_offer(client, seattle_quiet):
    html = client.get("/events/?near_city=Seattle&exclude_virtual=1").content.decode()
    assert "Seattle Rust User Group" in section(html, "nearby-groups-title")
    assert "online-instead-title" not in html


def test_a_search_that_finds_meetups_offers_nothing_instead(client, seattle_quiet):
    html = client.get("/events/?near_city=Portland").content.decode()
    assert "PDX Rust" in html
    assert "nearby-groups-title" not in html and "online-instead-title" not in html
    assert "nearby-groups-title" not in client.get("/events/?q=nothing").content.decode()


def test_the_offer_costs_a_fixed_number_of_queries(
    client, seattle_quiet, django_assert_max_num_queries
):
    for n in range(10):
        group = make_group(f"Tacoma Rust {n}")
        place = make_place(
            f"Tacoma {n}, WA, US", city="Tacoma", country="US", latitude=47.25, longitude=-122.44
        )
        make_meetup("Tacoma", start=date(2025, 1, 2), places=[place], groups=[group])
    with django_assert_max_num_queries(30):
        html = client.get("/events/?near_city=Seattle").content.decode()
    assert html.count("Calendar feed of ") == 8  # NEARBY_GROUPS, the nearest
    assert html.count("Calendar feed of Tacoma Rust") == 7 and "Rust PDX" not in html


def test_the_home_pages_near_box_offers_use_my_location(client):
    html = client.get("/").content.decode()
    box = re.search(r'<form class="near-box"(.*?)</form>', html, re.S)
    assert box
    assert 'action="/events/"' in box.group(0)
    assert '<input type="hidden" name="near" value="">' in box.group(1)
    # hidden until site.js finds geolocation (progressive enhancement), as on the list
    assert '<button type="button" class="button secondary" data-geolocate hidden>' in box.group(1)
    assert 'aria-live="polite"' in box.group(1)
    assert '<script src="/static/js/site.js" defer></script>' in html
