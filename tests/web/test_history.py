"""The history page (meetups a year and a region) and the history block of group pages."""

from __future__ import annotations

import re
from datetime import date

import pytest

from calendar_app.models import Meetup
from tests.factories import make_group, make_meetup, make_newsletter, make_sighting

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(berlin, seattle):
    berlin_group = make_group("Rust Berlin")
    make_meetup(
        "First Berlin Meetup", start=date(2015, 10, 14), places=[berlin], groups=[berlin_group]
    )
    make_meetup("Hack and Learn", start=date(2016, 6, 8), places=[berlin], groups=[berlin_group])
    make_meetup("Hack and Learn", start=date(2016, 7, 13), places=[berlin], groups=[berlin_group])
    make_meetup(
        "Seattle <Monthly> & more",
        start=date(2016, 6, 13),
        places=[seattle],
        region="north-america",
        groups=[make_group("Seattle Rust")],
    )
    make_meetup(
        "Rust Community Team Meeting",
        start=date(2017, 3, 15),
        places=[],
        attendance="virtual",
        region="",
        groups=[],
    )
    make_meetup("Hidden", start=date(2018, 1, 1), status="hidden", region="europe")
    make_meetup("Upcoming", start=date(2025, 3, 13), places=[berlin], groups=[berlin_group])
    issue = make_newsletter()
    for line, meetup in enumerate(Meetup.objects.all(), start=1):
        make_sighting(meetup, issue, line=line)
    # known only from a calendar: a weekly series a year ahead is no listing
    make_meetup("Calendar only", start=date(2025, 4, 1), places=[berlin], groups=[])
    return berlin_group


def rows(html: str, caption: str) -> list[tuple[str, str]]:
    """(header, count) rows of the table under a heading."""
    table = html.split(f">{caption}</h2>", 1)[1].split("</table>", 1)[0]
    return [
        (re.sub(r"<[^>]+>", "", head), count)
        for head, count in re.findall(r"<th scope=\"row\">(.*?)</th><td>(\d+)</td>", table)
    ]


def test_the_history_page_counts_meetups_a_year_and_a_region(client, archive):
    response = client.get("/history/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "6 meetups since 2015" in html  # published ones only, past and upcoming
    assert rows(html, "Per year") == [
        ("2015", "1"),
        ("2016", "3"),
        ("2017", "1"),
        ("2018", "0"),
        ("2019", "0"),
        ("2020", "0"),
        ("2021", "0"),
        ("2022", "0"),
        ("2023", "0"),
        ("2024", "0"),
        ("2025", "1"),
    ]
    assert rows(html, "Per region") == [
        ("Europe", "4"),
        ("North America", "1"),
        ("Online or no place", "1"),
    ]
    assert 'href="/events/?region=europe&amp;include_past=1"' in html


def test_the_chart_is_svg_drawn_on_the_server(client, archive):
    html = client.get("/history/").content.decode()
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    bars = re.findall(
        r'<rect class="series-([a-z-]+)"[^>]*height="([\d.]+)"><title>([^<]*)</title>', svg
    )
    assert {series for series, _, _ in bars} == {"europe", "north-america", "none"}
    titles = sorted(t for _, _, t in bars)
    assert titles == [
        "2015, Europe: 1",
        "2016, Europe: 2",
        "2016, North America: 1",
        "2017, Online or no place: 1",
        "2025, Europe: 1",
    ]
    heights = {t: float(h) for _, h, t in bars}
    assert heights["2016, Europe: 2"] == pytest.approx(2 * heights["2015, Europe: 1"], abs=0.02)
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "style=" not in html


def test_the_history_page_of_an_empty_calendar(client):
    assert "No meetups yet" in client.get("/history/").content.decode()


def test_the_nav_links_the_history_page(client):
    html = client.get("/history/").content.decode()
    assert '<a href="/history/" aria-current="page">History</a>' in html


def test_a_group_page_shows_its_whole_history(client, archive):
    html = client.get(f"/groups/{archive.slug}/").content.decode()
    section = html.split('id="history-title"', 1)[1].split("</section>", 1)[0]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    assert "Since 2015" in text
    assert "4 meetups: the first on 14 October 2015 (First Berlin Meetup)" in text
    assert "the latest on 13 July 2016 (Hack and Learn)" in text  # today is 2025-03-12
    assert rows(html.replace('id="history-title">Since 2015', ">History"), "History") == [
        ("2015", "1"),
        ("2016", "2"),
        ("2025", "1"),
    ]


def test_titles_are_escaped_in_the_chart_and_pages(client, berlin):
    group = make_group("<b>Rust</b> & Co")
    make_meetup(
        "<script>alert(1)</script>", start=date(2016, 1, 1), places=[berlin], groups=[group]
    )
    html = client.get(f"/groups/{group.slug}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_history_page_is_one_query(client, archive, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/history/").status_code == 200
