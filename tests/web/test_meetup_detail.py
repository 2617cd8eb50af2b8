"""One meetup's page: what, when, where, who, links, sightings and calendar buttons."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from calendar_app.models import Meetup
from tests.factories import make_group, make_meetup, make_newsletter, make_sighting

pytestmark = pytest.mark.django_db


@pytest.fixture
def conf(berlin, munich):
    meetup = make_meetup(
        "RustConf Europe",
        start=date(2025, 4, 8),
        end=date(2025, 4, 10),
        attendance="hybrid",
        places=[berlin, munich],
        groups=[make_group("Rust Berlin"), make_group("Rust Munich")],
        links=[
            ("https://rustconf.eu/2025/", "RustConf"),
            ("https://mirror.example.org/rustconf", "Mirror"),
            ("https://youtube.com/live/abc", "Stream"),
        ],
    )
    make_sighting(meetup, make_newsletter(590, date(2025, 3, 5)), line=41, section="Europe")
    make_sighting(meetup, make_newsletter(591, date(2025, 3, 12)), line=40, section="Virtual")
    return meetup


def test_shows_everything_about_the_meetup(client, conf):
    response = client.get(f"/events/{conf.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1><span class="detail-title p-name">RustConf Europe</span>' in html
    assert '<time class="dt-start" datetime="2025-04-08">Tuesday 8 April 2025</time>' in html
    assert '<time class="dt-end" datetime="2025-04-10">Thursday 10 April 2025</time>' in html
    assert "Hybrid" in html
    assert "Berlin, Germany" in html and "München, Germany" in html
    assert 'href="/groups/rust-berlin/"' in html and 'href="/groups/rust-munich/"' in html
    for url, label in [
        ("https://rustconf.eu/2025/", "RustConf"),
        ("https://mirror.example.org/rustconf", "Mirror"),
        ("https://youtube.com/live/abc", "Stream"),
    ]:
        assert f'<a href="{url}" rel="nofollow noopener">{label}</a>' in html
    assert "Issue 590" in html and "Issue 591" in html and "section: Virtual" in html
    assert f'href="/events/{conf.pk}.ics"' in html
    assert 'href="webcal://testserver/feeds/events.ics?group=rust-berlin"' in html
    assert len(response.context["markers"]) == 2


def test_google_calendar_link_has_an_exclusive_end(client, conf):
    response = client.get(f"/events/{conf.pk}/")
    link = next(
        part.split('"')[0]
        for part in response.content.decode().split('href="')
        if part.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    )
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert query["dates"] == ["20250408/20250411"]
    assert query["text"] == ["RustConf Europe"]
    assert query["location"] == ["Berlin, Germany; München, Germany (and online)"]  # as the feed
    assert "https://rustconf.eu/2025/" in query["details"][0]
    assert f"http://testserver/events/{conf.pk}/" in query["details"][0]


def test_virtual_meetup_without_place(client):
    meetup = make_meetup(
        "Online talk", start=date(2025, 3, 20), attendance="virtual", places=[], region=""
    )
    response = client.get(f"/events/{meetup.pk}/")
    assert "Online." in response.content.decode()
    assert 'id="map"' not in response.content.decode()


def test_unsafe_links_are_shown_as_text(client, berlin):
    meetup = make_meetup(
        "Trap",
        start=date(2025, 3, 20),
        places=[berlin],
        links=[("javascript:alert(1)", "Click"), ("data:text/html,<b>x</b>", "Data")],
    )
    html = client.get(f"/events/{meetup.pk}/").content.decode()
    assert 'href="javascript' not in html and 'href="data:' not in html
    assert '<span class="unsafe-url">Click</span>' in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_cancelled_meetup_is_marked(client, berlin):
    meetup = make_meetup("Off", start=date(2025, 3, 20), status="cancelled", places=[berlin])
    html = client.get(f"/events/{meetup.pk}/").content.decode()
    assert "This meetup was cancelled." in html and "badge-cancelled" in html


def test_merged_away_id_redirects_along_the_chain(client, berlin):
    survivor = make_meetup("Survivor", start=date(2025, 3, 20), places=[berlin])
    middle = make_meetup("Middle", start=date(2025, 3, 20), places=[berlin])
    first = make_meetup("First", start=date(2025, 3, 20), places=[berlin])
    Meetup.objects.filter(pk=middle.pk).update(duplicate_of=survivor)
    Meetup.objects.filter(pk=first.pk).update(duplicate_of=middle)
    response = client.get(f"/events/{first.pk}/")
    assert response.status_code == 301
    assert response["Location"] == f"/events/{survivor.pk}/"


def test_merge_cycle_or_hidden_survivor_is_404(client, berlin):
    a = make_meetup("A", start=date(2025, 3, 20), places=[berlin])
    b = make_meetup("B", start=date(2025, 3, 20), places=[berlin])
    Meetup.objects.filter(pk=a.pk).update(duplicate_of=b)
    Meetup.objects.filter(pk=b.pk).update(duplicate_of=a)
    assert client.get(f"/events/{a.pk}/").status_code == 404
    hidden = make_meetup("Hidden", start=date(2025, 3, 20), status="hidden", places=[berlin])
    c = make_meetup("C", start=date(2025, 3, 20), places=[berlin])
    Meetup.objects.filter(pk=c.pk).update(duplicate_of=hidden)
    assert client.get(f"/events/{c.pk}/").status_code == 404


def test_hidden_and_unknown_are_404(client, berlin):
    hidden = make_meetup("Hidden", start=date(2025, 3, 20), status="hidden", places=[berlin])
    assert client.get(f"/events/{hidden.pk}/").status_code == 404
    assert client.get("/events/999999/").status_code == 404
    assert client.get("/events/99999999999999999999999/").status_code == 404
    assert client.get("/events/abc/").status_code == 404


def test_query_count_is_fixed(client, conf, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):  # 6th: the host its calendar names
        assert client.get(f"/events/{conf.pk}/").status_code == 200
