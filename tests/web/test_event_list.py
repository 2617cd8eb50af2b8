"""The list page: every filter of the shared FilterSet, bad values, empty states, paging."""

import json
from datetime import date, timedelta

import pytest
from django.http import QueryDict

from calendar_app.models import Meetup
from calendar_app.web.views import quick_ranges
from tests.factories import make_group, make_meetup, make_place

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [m.title for m in response.context["page"].object_list]


def test_upcoming_meetups_grouped_by_day(client, sample):
    response = client.get("/events/")
    assert response.status_code == 200
    assert titles(response) == [
        "Rust Hack and Learn",
        "Seattle Monthly",
        "Rust Munich Meetup",
        "Rust Online Talk",
        "RustConf Europe",
    ]
    html = response.content.decode()
    assert '<time datetime="2025-03-13">Thursday 13 March 2025</time>' in html
    assert "Old Berlin Meetup" not in html


def test_hidden_and_merged_meetups_are_not_listed(client, sample, berlin):
    make_meetup("Secret", start=date(2025, 3, 15), status="hidden", places=[berlin])
    merged = make_meetup("Merged copy", start=date(2025, 3, 15), places=[berlin])
    Meetup.objects.filter(pk=merged.pk).update(duplicate_of=sample["berlin"])
    html = client.get("/events/").content.decode()
    assert "Secret" not in html and "Merged copy" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=europe", ["Rust Hack and Learn", "Rust Munich Meetup", "RustConf Europe"]),
        ("region=north-america", ["Seattle Monthly"]),
        ("country=us", ["Seattle Monthly"]),
        ("city=München", ["Rust Munich Meetup"]),
        ("group=rust-berlin", ["Rust Hack and Learn", "Rust Online Talk", "RustConf Europe"]),
        ("attendance=virtual", ["Rust Online Talk"]),
        ("attendance=hybrid", ["RustConf Europe"]),
        ("start=2025-03-19&end=2025-03-31", ["Rust Munich Meetup", "Rust Online Talk"]),
        ("q=munich", ["Rust Munich Meetup"]),
        ("q=seattle+monthly", ["Seattle Monthly"]),
        (
            "include_past=1&group=rust-berlin&end=2025-03-13",
            ["Rust Hack and Learn", "Old Berlin Meetup"],  # past included: newest first
        ),
    ],
)
def test_filters(client, sample, query, expected):
    response = client.get(f"/events/?{query}")
    assert response.status_code == 200
    assert titles(response) == expected


def test_near_orders_by_distance_and_shows_it(client, sample):
    response = client.get("/events/?near=48.2,11.6&radius_km=1000")
    assert titles(response)[:2] == ["Rust Munich Meetup", "Rust Hack and Learn"]
    assert "Seattle Monthly" not in titles(response)
    html = response.content.decode()
    assert "km away" in html and "nearest first" in html


def test_near_city_uses_known_places(client, sample):
    response = client.get("/events/?near_city=seattle&radius_km=50")
    assert titles(response) == ["Seattle Monthly"]
    assert 'value="seattle"' in response.content.decode()
    # The feed gets the city itself (it resolves it the same way and names it).
    assert "near_city=seattle" in response.context["subscribe"].https


def test_near_city_unknown_is_a_form_error(client, sample):
    response = client.get("/events/?near_city=Atlantis-under-the-sea")
    assert response.status_code == 200
    html = response.content.decode()
    assert "We could not find a city called" in html
    assert titles(response) == []


@pytest.mark.parametrize(
    "query",
    [
        "region=mars",
        "attendance=teleport",
        "country=Germany",
        "start=yesterday",
        "end=2025-02-30",
        "near=abc",
        "near=100,200",
        "near=nan,1",
        "radius_km=-5",
        "radius_km=abc",
        "radius_km=1e400",
        "q=" + "x" * 500,
    ],
)
def test_bad_values_show_a_form_error(client, sample, query):
    response = client.get(f"/events/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please check the filter" in html
    assert 'aria-invalid="true"' in html or "form-errors" in html
    assert "No meetups found" not in html  # the error is the message, not an empty list


def test_empty_result_suggests_widening(client, sample):
    response = client.get("/events/?city=Reykjavik&attendance=in_person")
    html = response.content.decode()
    assert "No meetups found" in html
    assert "Include past meetups" in html and "Show all upcoming meetups" in html
    assert "attendance=" not in html.split("Any attendance (in person")[0].rsplit("href=", 1)[1]


def test_empty_near_suggests_a_larger_radius(client, sample):
    html = client.get("/events/?near=-33.9,18.4&radius_km=10").content.decode()
    assert "No meetups found" in html and "radius_km=1000" in html


def test_empty_database(client):
    html = client.get("/events/").content.decode()
    assert "No meetups found" in html and 'id="map"' not in html


@pytest.fixture
def many(berlin):
    return [
        make_meetup(f"M{n:03d}", start=date(2025, 3, 13) + timedelta(days=n), places=[berlin])
        for n in range(60)
    ]


@pytest.mark.parametrize(
    ("page", "number"),
    [("2", 2), ("abc", 1), ("0", 3), ("-1", 3), ("99999999999999999999", 3), ("1e999", 1), ("", 1)],
)
def test_bad_page_numbers_fall_back(client, many, page, number):
    response = client.get(f"/events/?page={page}", follow=True)  # an empty page: dropped
    assert response.status_code == 200
    assert response.context["page"].number == number


def test_pagination_keeps_the_filter(client, many):
    html = client.get("/events/?region=europe&page=2").content.decode()
    assert 'href="?region=europe&amp;page=3"' in html
    assert 'href="?region=europe&amp;page=1"' in html


def test_map_markers_cover_the_filter(client, sample):
    response = client.get("/events/?region=europe")
    html = response.content.decode()
    markers = json.loads(html.split('id="map-markers" type="application/json">')[1].split("<")[0])
    assert [(m["city"], m["count"]) for m in markers] == [("Berlin", 2), ("München", 1)]
    assert [m["title"] for m in markers[0]["meetups"]] == ["Rust Hack and Learn", "RustConf Europe"]
    assert markers[0]["meetups"][0]["id"] == sample["berlin"].pk
    assert 'data-tile-url=""' in html
    assert "vendor/leaflet/leaflet.js" in html


def test_subscribe_box_follows_the_filter(client, sample):
    html = client.get("/events/?region=europe&attendance=in_person&page=1").content.decode()
    feed = "//testserver/feeds/events.ics?region=europe&amp;attendance=in_person"
    assert f'href="webcal:{feed}"' in html and f'value="http:{feed}"' in html
    assert (
        "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Ftestserver%2Ffeeds"
        "%2Fevents.ics%3Fregion%3Deurope%26attendance%3Din_person"
    ) in html


def test_event_text_is_escaped(client, berlin):
    make_meetup('<script>alert("x")</script>', start=date(2025, 3, 14), places=[berlin])
    html = client.get("/events/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_query_count_does_not_grow_with_meetups(
    client, berlin, munich, django_assert_max_num_queries
):
    make_meetup("One", start=date(2025, 3, 14), places=[berlin])
    queries = {}
    for url in ("/events/", "/events/?region=europe&q=rust", "/events/?near=52.5,13.4"):
        # 6, plus 2 per search word (its organisers and places, matched once each)
        with django_assert_max_num_queries(8) as captured:
            client.get(url)
        queries[url] = len(captured)
    for n in range(40):
        make_meetup(
            f"Rust {n}", start=date(2025, 3, 14) + timedelta(days=n), places=[berlin, munich]
        )
    for url, count in queries.items():
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200


def test_a_place_without_coordinates_is_listed_but_not_mapped(client):
    nowhere = make_place("Somewhere, XX", city="", country="", latitude=None, longitude=None)
    make_meetup("Mystery", start=date(2025, 3, 14), places=[nowhere], region="")
    response = client.get("/events/")
    assert titles(response) == ["Mystery"]
    assert 'id="map"' not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "country=de",
        "country=DE",
        "city=berlin",
        "q=rust+berlin",
        "group=rust-berlin",
        "near=52.5,13.4&radius_km=700",
    ],
)
def test_a_meetup_matching_twice_is_listed_once(client, berlin, munich, query):
    """Place, group and text filters are EXISTS subqueries: no duplicates, no DISTINCT."""
    rust_berlin = make_group("Rust Berlin")
    make_meetup(
        "Rust Berlin and Munich",
        start=date(2025, 3, 14),
        places=[berlin, munich],
        groups=[rust_berlin, make_group("Rust Berlin Hack")],
    )
    response = client.get(f"/events/?{query}")
    assert titles(response) == ["Rust Berlin and Munich"]
    assert response.context["page"].paginator.count == 1


@pytest.mark.parametrize(
    ("today", "week", "weekend"),
    [
        (date(2025, 3, 12), ("2025-03-12", "2025-03-16"), ("2025-03-15", "2025-03-16")),  # Wed
        (date(2025, 3, 15), ("2025-03-15", "2025-03-16"), ("2025-03-15", "2025-03-16")),  # Sat
        (date(2025, 3, 16), ("2025-03-16", "2025-03-16"), ("2025-03-16", "2025-03-16")),  # Sun
        (date(2025, 3, 17), ("2025-03-17", "2025-03-23"), ("2025-03-22", "2025-03-23")),  # Mon
        (date(2025, 12, 29), ("2025-12-29", "2026-01-04"), ("2026-01-03", "2026-01-04")),
    ],
)
def test_quick_ranges_end_on_the_coming_sunday(today, week, weekend):
    """ "This week" runs to Sunday (today on a Sunday), "this weekend" from Saturday or today."""
    ranges = {r.label: r.url for r in quick_ranges(today, QueryDict("region=europe"))}
    assert ranges["This week"] == f"?region=europe&start={week[0]}&end={week[1]}"
    assert ranges["This weekend"] == f"?region=europe&start={weekend[0]}&end={weekend[1]}"
    assert ranges["Next 30 days"].endswith(f"end={today + timedelta(days=30)}")
