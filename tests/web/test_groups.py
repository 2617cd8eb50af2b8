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
    berlin = next(r.group for r in response.context["groups"] if r.group.slug == "rust-berlin")
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
    with django_assert_max_num_queries(11):  # 10, and one for the whole history
        assert client.get(f"/groups/{group.slug}/").status_code == 200
    with django_assert_max_num_queries(4):  # ids, a page of groups, their usual places (2)
        assert client.get("/groups/").status_code == 200


def test_group_directory_shows_where_each_group_meets(client, sample):
    response = client.get("/groups/")
    html = response.content.decode()
    rows = {row.group.slug: row for row in response.context["groups"]}
    assert rows["rust-berlin"].home.label == "Berlin, Germany"
    assert rows["rust-berlin"].region == "Europe"
    assert "Berlin, Germany" in html and "North America" in html
    assert len(response.context["markers"]) >= 2


@pytest.mark.parametrize("query", ["berlin", "BERLIN", "Berlín"])
def test_group_search_by_name_or_place(client, sample, query):
    slugs = [row.group.slug for row in client.get("/groups/", {"q": query}).context["groups"]]
    assert slugs == ["rust-berlin"]


def test_group_search_by_place_alias(client, sample):
    slugs = [row.group.slug for row in client.get("/groups/", {"q": "Seattle"}).context["groups"]]
    assert slugs == ["seattle-rust-user-group"]


def test_groups_near_a_city(client, sample):
    response = client.get("/groups/", {"near_city": "Potsdam", "radius_km": "100"})
    rows = response.context["groups"]
    assert [row.group.slug for row in rows] == ["rust-berlin"]
    assert rows[0].distance_km < 100
    assert "within 100 km of Potsdam, Germany" in response.content.decode()
    ambiguous = client.get("/groups/", {"near_city": "Cambridge"}).content.decode()
    assert "Which one did you mean" in ambiguous and ambiguous.count("group-card") == 0


def test_the_directory_is_a_page_at_a_time_with_bounded_queries(
    client, berlin, django_assert_max_num_queries
):
    """5,500 organisers took 20-27 s in one page: now a page of GROUPS_PER_PAGE cards, and the
    same few queries whatever the number of groups."""
    from calendar_app.queries.selectors import GROUPS_PER_PAGE

    total = 2 * GROUPS_PER_PAGE + 7
    for n in range(total):
        make_meetup(
            f"M{n}", start=date(2030, 1, 1), places=[berlin], groups=[make_group(f"G{n:03}")]
        )
    with django_assert_max_num_queries(4):  # ids, the page's groups, their places (2)
        first = client.get("/groups/")
    assert first.status_code == 200
    assert len(first.context["groups"]) == GROUPS_PER_PAGE
    assert f"{total} organisers" in first.content.decode()
    assert first.context["groups"][0].group.name == "G000"
    assert len(first.context["markers"]) == 1  # one place, the page's groups on it
    with django_assert_max_num_queries(4):
        last = client.get("/groups/", {"page": "3"})
    names = [row.group.name for row in last.context["groups"]]
    assert names == [f"G{n:03}" for n in range(2 * GROUPS_PER_PAGE, total)]
    assert 'rel="prev"' in last.content.decode() and 'rel="next"' not in last.content.decode()
    with django_assert_max_num_queries(5):  # a search reads names and usual places once
        found = client.get("/groups/", {"q": "g12"})
    assert [row.group.name for row in found.context["groups"]] == [f"G12{n}" for n in range(7)]
