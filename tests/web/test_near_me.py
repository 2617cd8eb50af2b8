"""Near me by a typed city: words instead of coordinates, a question for an ambiguous name,
a note for a typo, and the same answer on the page, the feed and the API."""

from datetime import date

import pytest

from tests.factories import make_meetup, make_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def around_berlin(berlin):
    potsdam = make_place(
        "Potsdam, DE", city="Potsdam", country="DE", latitude=52.4, longitude=13.07
    )
    paris = make_place("Paris, FR", city="Paris", country="FR", latitude=48.85, longitude=2.35)
    return {
        "berlin": make_meetup("Berlin Hack", start=date(2025, 3, 20), places=[berlin]),
        "potsdam": make_meetup("Potsdam Rust", start=date(2025, 3, 21), places=[potsdam]),
        "online": make_meetup(
            "Berlin Online", start=date(2025, 3, 22), places=[berlin], attendance="virtual"
        ),
        "paris": make_meetup("Paris Rust", start=date(2025, 3, 23), places=[paris]),
    }


def titles(response) -> list[str]:
    return [m.title for m in response.context["page"].object_list]


def test_near_a_typed_city_speaks_in_words(client, around_berlin):
    response = client.get("/events/?near_city=Berlin")
    html = response.content.decode()
    assert set(titles(response)) == {"Berlin Hack", "Potsdam Rust", "Berlin Online"}
    assert "within 100 km of Berlin, Germany" in html
    assert "52.52,13.4" not in html.split("<h1>", 1)[1].split("</h1>", 1)[0]


def test_near_me_can_leave_out_online_meetups(client, around_berlin):
    response = client.get("/events/?near_city=Berlin&exclude_virtual=1")
    assert titles(response) == ["Berlin Hack", "Potsdam Rust"]
    assert "in person or hybrid" in response.content.decode()


def test_an_ambiguous_city_asks_which_one(client, around_berlin):
    response = client.get("/events/?near_city=Cambridge")
    html = response.content.decode()
    assert titles(response) == []
    assert "Which one did you mean:" in html
    assert "Cambridge, England, UK" in html and "Cambridge, Massachusetts, US" in html
    assert "near_city=Cambridge%2C+Massachusetts%2C+US" in html
    # A filter that failed offers no feed.
    assert response.context["subscribe"] is None and "webcal://" not in html
    chosen = client.get("/events/?near_city=Cambridge%2C+Massachusetts%2C+US")
    assert "within 100 km of Cambridge, Massachusetts, US" in chosen.content.decode()


def test_a_typo_says_what_it_understood(client, around_berlin):
    html = client.get("/events/?near_city=Berln").content.decode()
    assert "We read “Berln” as <strong>Berlin, Germany</strong>" in html
    assert "within 100 km of Berlin, Germany" in html


def test_an_unknown_city_is_an_error_without_a_feed(client, around_berlin):
    response = client.get("/events/?near_city=Xyzzyville")
    assert "We could not find a city called" in response.content.decode()
    assert response.context["subscribe"] is None


@pytest.mark.parametrize("query", ["near_city=Berlin", "near_city=Berlin&exclude_virtual=1"])
def test_feed_and_api_agree_with_the_page(client, around_berlin, query):
    page = {m.pk for m in client.get(f"/events/?{query}").context["page"].object_list}
    api = {item["id"] for item in client.get(f"/api/events.json?{query}").json()["events"]}
    feed = client.get(f"/feeds/events.ics?{query}").content.decode()
    in_feed = {m.pk for m in around_berlin.values() if str(m.uid) in feed}
    assert page == api == in_feed
    assert around_berlin["paris"].pk not in page
    assert "X-WR-CALNAME:Rust meetups - within 100 km of Berlin\\, Germany" in feed


def test_feed_and_api_refuse_a_city_they_cannot_find(client, around_berlin):
    assert client.get("/feeds/events.ics?near_city=Cambridge").status_code == 400
    response = client.get("/api/events.json?near_city=Xyzzyville")
    assert response.status_code == 400 and "near_city" in response.json()["errors"]


def test_a_position_is_named_after_the_city_it_is_near(client, around_berlin):
    html = client.get("/events/?near=52.52,13.40").content.decode()
    assert "within 100 km of 52.52,13.40 (near Berlin, Germany)" in html
    far = client.get("/events/?near=0.1,-30.2").content.decode()
    assert "within 100 km of 0.10,-30.20</span>" in far
