"""Filter URLs carry only what was set: a form sent with blank fields lands on the URL
without them, and the links built from it (pages, quick ranges, feeds) stay clean."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.factories import make_meetup

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("sent", "lands_on"),
    [
        ("/events/?q=&region=europe&attendance=&near=&page=", "/events/?region=europe"),
        ("/events/?q=&region=&country=&city=&group=&start=&end=", "/events/"),
        ("/events/?q=+&region=europe&page=2", "/events/?region=europe&page=2"),
        ("/?region=&attendance=virtual", "/?attendance=virtual"),
        ("/calendar/2025/04/?region=&attendance=", "/calendar/2025/04/"),
        ("/map/?q=&region=asia", "/map/?region=asia"),
        ("/groups/?q=&near_city=", "/groups/"),
    ],
)
def test_a_form_sent_with_blank_fields_lands_on_the_url_without_them(client, sent, lands_on):
    response = client.get(sent)
    assert response.status_code == 302
    assert response["Location"] == lands_on
    assert client.get(lands_on).status_code == 200


def test_a_url_without_blanks_is_served_as_it_is(client, sample):
    response = client.get("/events/?region=europe&q=rust")
    assert response.status_code == 200


def test_feeds_and_the_api_answer_blank_parameters_without_a_redirect(client, sample):
    assert client.get("/feeds/events.ics?q=&region=europe").status_code == 200
    assert client.get("/api/events.json?q=&region=europe").status_code == 200


def test_links_built_from_a_filter_carry_no_empty_parameter(client, berlin):
    for n in range(30):
        make_meetup(f"M{n:02d}", start=date(2025, 3, 13) + timedelta(days=n), places=[berlin])
    response = client.get("/events/?q=&region=europe&attendance=", follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [("/events/?region=europe", 302)]
    assert 'href="?region=europe&amp;page=2"' in html  # the next page
    assert "webcal://testserver/feeds/events.ics?region=europe" in html
    hrefs = [part.split('"', 1)[0] for part in html.split('href="')[1:]]
    assert [h for h in hrefs if "?" in h]  # there are filter links to check
    assert [h for h in hrefs if "=&amp;" in h or h.endswith("=")] == []
