"""The month view: a Monday-first grid with today, multi-day spans, filters and neighbours."""

from datetime import date, timedelta

import pytest

from calendar_app.web.month import MAX_PER_DAY
from tests.factories import make_meetup

pytestmark = pytest.mark.django_db


def test_home_is_the_current_month_monday_first_with_today_marked(client, sample):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>March 2025" in html
    weeks = response.context["grid"].weeks
    assert weeks[0][0].date == date(2025, 2, 24)  # the Monday before Saturday 1 March
    assert all(day.date.weekday() == i for week in weeks for i, day in enumerate(week))
    assert html.index('title="Monday"') < html.index('title="Sunday"')
    assert html.count('aria-current="date"') == 1
    assert '<time datetime="2025-03-12">' in html


def test_month_shows_attendance_and_links_meetups(client, sample):
    html = client.get("/calendar/2025/03/").content.decode()
    assert f'href="/events/{sample["berlin"].pk}/"' in html
    assert "entry att-virtual" in html and "entry att-in_person" in html
    assert "4 meetups in March" in html


def test_multi_day_meetup_fills_each_day_it_spans(client, sample):
    response = client.get("/calendar/2025/04/")
    days = {d.date: d for week in response.context["grid"].weeks for d in week}
    spans = [days[date(2025, 4, n)].entries for n in (8, 9, 10)]
    assert [e[0].item.title for e in spans] == ["RustConf Europe"] * 3
    assert [(e[0].continued, e[0].continues) for e in spans] == [
        (False, True),
        (True, True),
        (True, False),
    ]
    assert "hybrid" in response.content.decode()


def test_past_months_show_past_meetups(client, sample):
    assert "Old Berlin Meetup" in client.get("/calendar/2025/02/").content.decode()


def test_neighbour_links_keep_the_filter(client, sample):
    html = client.get("/calendar/2025/03/?region=europe").content.decode()
    assert 'href="/calendar/2025/02/?region=europe"' in html
    assert 'href="/calendar/2025/04/?region=europe"' in html
    assert "Seattle Monthly" not in html and "Rust Munich Meetup" in html


def test_year_boundaries_wrap(client):
    html = client.get("/calendar/2024/12/").content.decode()
    assert 'href="/calendar/2024/11/"' in html and 'href="/calendar/2025/01/"' in html
    html = client.get("/calendar/2025/01/").content.decode()
    assert 'href="/calendar/2024/12/"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/calendar/2025/13/",
        "/calendar/2025/00/",
        "/calendar/0000/01/",
        "/calendar/25/01/",
        "/calendar/9999/12/",
        "/calendar/2025/3/",
    ],
)
def test_invalid_months_are_404(client, url):
    assert client.get(url).status_code == 404


def test_invalid_filter_shows_an_error_not_a_crash(client, sample):
    response = client.get("/calendar/2025/03/?region=mars&start=nonsense")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please check the filter" in html and "Select a valid choice" in html
    assert "No meetups in March 2025" in html


def test_empty_month_says_so(client):
    html = client.get("/calendar/2031/07/").content.decode()
    assert "No meetups in July 2031" in html


def test_cancelled_meetups_are_marked(client, berlin):
    make_meetup("Called off", start=date(2025, 3, 14), status="cancelled", places=[berlin])
    make_meetup("Not shown", start=date(2025, 3, 14), status="hidden", places=[berlin])
    html = client.get("/calendar/2025/03/").content.decode()
    assert "is-cancelled" in html and "Cancelled" in html
    assert "Not shown" not in html


def test_a_busy_day_links_to_the_rest(client, berlin):
    for n in range(MAX_PER_DAY + 3):
        make_meetup(f"Busy {n}", start=date(2025, 3, 14), places=[berlin])
    html = client.get("/calendar/2025/03/").content.decode()
    assert "+3 more" in html
    assert "/events/?start=2025-03-14&amp;end=2025-03-14" in html


def test_query_count_does_not_grow_with_meetups(client, berlin, django_assert_max_num_queries):
    for n in range(3):
        make_meetup(f"A {n}", start=date(2025, 3, 3) + timedelta(days=n), places=[berlin])
    with django_assert_max_num_queries(3):
        client.get("/calendar/2025/03/")
    for n in range(60):
        make_meetup(f"B {n}", start=date(2025, 3, 1) + timedelta(days=n % 31), places=[berlin])
    with django_assert_max_num_queries(3):
        assert client.get("/calendar/2025/03/").status_code == 200


def test_an_empty_month_points_to_the_nearest_months_with_meetups(client):
    make_meetup("Older meetup", start=date(2024, 2, 7))
    make_meetup("Later meetup", start=date(2031, 5, 3))

    page = client.get("/calendar/2026/11/").content.decode()

    assert "No meetups in November 2026" in page
    assert 'href="/calendar/2024/02/"' in page and "February 2024" in page
    assert 'href="/calendar/2031/05/"' in page and "May 2031" in page


def test_an_empty_month_shows_the_most_recent_and_next_meetups_labelled(client, berlin):
    make_meetup("Old Rust Night", start=date(2024, 2, 7), places=[berlin])
    make_meetup("Older Rust Night", start=date(2024, 1, 7), places=[berlin])
    make_meetup("Future Rust Night", start=date(2031, 5, 3), places=[berlin])

    page = client.get("/calendar/2026/11/").content.decode()

    recent = page.split("Most recent meetups before November 2026", 1)[1]
    coming = page.split("Next meetups after November 2026", 1)[1].split("Most recent", 1)[0]
    assert "Future Rust Night" in coming and "Old Rust Night" not in coming
    assert recent.index("Old Rust Night") < recent.index("Older Rust Night")
    assert "Future Rust Night" not in recent


def test_a_month_with_meetups_shows_no_nearest_block(client, sample):
    page = client.get("/calendar/2025/03/").content.decode()
    assert "Most recent meetups before" not in page and "Next meetups after" not in page


def test_cells_show_the_city_and_a_tooltip_with_the_full_title(client, berlin):
    long_title = "Rust Hack and Learn: an evening of embedded async with many words"
    make_meetup(long_title, start=date(2025, 3, 14), places=[berlin])
    html = client.get("/calendar/2025/03/").content.decode()
    assert '<span class="entry-city">Berlin</span>' in html
    assert f'title="{long_title} · Berlin, Germany · In person"' in html


def test_the_month_picker_goes_to_that_month_keeping_the_filter(client):
    response = client.get("/?go_month=7&go_year=2024&region=europe")
    assert response.status_code == 302
    assert response["Location"] == "/calendar/2024/07/?region=europe"
    assert client.get("/?go_month=13&go_year=2024").status_code == 404


def test_the_home_page_has_a_near_me_box(client):
    html = client.get("/").content.decode()
    assert 'action="/events/"' in html and 'name="near_city"' in html
