"""Group pages: the organisers, their upcoming and past meetups, places and feed."""

from datetime import date, timedelta

import pytest

from tests.factories import make_group, make_meetup

pytestmark = pytest.mark.django_db


def test_group_list(client, sample):
    make_group("Nobody Meets")  # no meetups: not listed
    response = client.get("/groups/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/groups/rust-berlin/"' in html and "Nobody Meets" not in html
    berlin = next(g for g in response.context["groups"] if g.slug == "rust-berlin")
    assert (berlin.upcoming, berlin.total, berlin.next_date) == (3, 4, date(2025, 3, 13))


def test_group_list_empty(client):
    assert "No groups yet" in client.get("/groups/").content.decode()


def test_group_detail(client, sample):
    response = client.get("/groups/rust-berlin/")
    html = response.content.decode()
    assert response.status_code == 200
    assert [m.title for m in response.context["data"].upcoming] == [
        "Rust Hack and Learn",
        "Rust Online Talk",
        "RustConf Europe",
    ]
    assert [m.title for m in response.context["data"].past] == ["Old Berlin Meetup"]
    assert "Berlin, Germany" in html and "(3 meetups)" in html
    assert 'href="/feeds/events.ics?group=rust-berlin"' in html
    assert 'href="webcal://testserver/feeds/events.ics?group=rust-berlin"' in html
    assert "cid=webcal%3A%2F%2Ftestserver%2Ffeeds%2Fevents.ics%3Fgroup%3Drust-berlin" in html
    assert len(response.context["markers"]) == 1


def test_group_without_upcoming_meetups(client, berlin):
    group = make_group("Sleepy Rustaceans")
    make_meetup("Long ago", start=date(2024, 1, 10), places=[berlin], groups=[group])
    html = client.get(f"/groups/{group.slug}/").content.decode()
    assert "No upcoming meetups listed yet" in html and "Long ago" in html


def test_hidden_meetups_stay_hidden_on_group_pages(client, berlin):
    group = make_group("Quiet")
    make_meetup("Secret", start=date(2025, 3, 20), places=[berlin], groups=[group], status="hidden")
    assert "Secret" not in client.get(f"/groups/{group.slug}/").content.decode()


def test_unknown_group_is_404(client):
    assert client.get("/groups/no-such-group/").status_code == 404


def test_query_count_does_not_grow(client, berlin, munich, django_assert_max_num_queries):
    group = make_group("Busy")
    for n in range(40):
        make_meetup(
            f"B{n}",
            start=date(2025, 1, 1) + timedelta(days=5 * n),
            places=[berlin, munich],
            groups=[group],
        )
    with django_assert_max_num_queries(10):
        assert client.get(f"/groups/{group.slug}/").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get("/groups/").status_code == 200
