"""Untrusted URLs, subscribe links and the selector the feeds reuse."""

from datetime import date

import pytest
from django.http import QueryDict
from django.test import RequestFactory

from calendar_app.queries.selectors import filtered_meetups
from calendar_app.templatetags.calendar_tags import external_link, safe_url
from calendar_app.web.subscribe import subscribe_links
from tests.factories import make_meetup


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("http://example.org/", "http://example.org/"),
        ("HTTPS://Example.org/", "HTTPS://Example.org/"),
        ("javascript:alert(1)", ""),
        ("JavaScript:alert(1)", ""),
        (" javascript:alert(1)", ""),
        ("data:text/html;base64,PHNjcmlwdD4=", ""),
        ("vbscript:msgbox", ""),
        ("//evil.example/", ""),
        ("https:///nohost", ""),
        ("http://[::1", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url) == expected


def test_external_link_escapes_and_refuses_other_schemes():
    assert external_link("javascript:alert(1)", "<b>x</b>") == (
        '<span class="unsafe-url">&lt;b&gt;x&lt;/b&gt;</span>'
    )
    assert external_link("https://e.org/?a=1&b=2", "Go") == (
        '<a href="https://e.org/?a=1&amp;b=2" rel="nofollow noopener">Go</a>'
    )


def test_subscribe_links_keep_only_feed_filters():
    request = RequestFactory().get("/events/", secure=True)
    links = subscribe_links(request, QueryDict("region=europe&page=3&utm_source=x&q=&city=Köln"))
    assert links.https == "https://testserver/feeds/events.ics?region=europe&city=K%C3%B6ln"
    assert links.webcal == "webcal://testserver/feeds/events.ics?region=europe&city=K%C3%B6ln"
    assert links.google == (
        "https://calendar.google.com/calendar/render?cid="
        "webcal%3A%2F%2Ftestserver%2Ffeeds%2Fevents.ics%3Fregion%3Deurope%26city%3DK%25C3%25B6ln"
    )
    assert links.outlook == (
        "https://outlook.live.com/calendar/0/addfromweb?url="
        "https%3A%2F%2Ftestserver%2Ffeeds%2Fevents.ics%3Fregion%3Deurope%26city%3DK%25C3%25B6ln"
        "&name=Rust+meetups"
    )
    assert links.atom == "https://testserver/feeds/new.atom?region=europe&city=K%C3%B6ln"


def test_the_same_filter_in_any_order_gives_the_same_feed():
    request = RequestFactory().get("/")
    one = subscribe_links(request, QueryDict("city=K%C3%B6ln&region=europe&near_city=Bonn"))
    two = subscribe_links(request, QueryDict("near_city=Bonn&region=europe&city=K%C3%B6ln"))
    assert one == two
    assert one.https.endswith("?region=europe&city=K%C3%B6ln&near_city=Bonn")


def test_subscribe_links_without_filter():
    links = subscribe_links(RequestFactory().get("/"), {})
    assert links.webcal == "webcal://testserver/feeds/events.ics"


@pytest.mark.django_db
def test_filtered_meetups_contract(berlin):
    """The feeds import this: (FilterSet, published meetups filtered, no prefetch)."""
    make_meetup("Soon", start=date(2025, 3, 20), places=[berlin])
    make_meetup("Last month", start=date(2025, 2, 20), places=[berlin])
    make_meetup("Hidden", start=date(2025, 3, 20), places=[berlin], status="hidden")
    filterset, qs = filtered_meetups(QueryDict("region=europe"))
    assert filterset.is_valid() and [m.title for m in qs] == ["Soon"]
    _, qs = filtered_meetups(QueryDict(""), past_days=30)
    assert sorted(m.title for m in qs) == ["Last month", "Soon"]
    filterset, qs = filtered_meetups(QueryDict("region=mars"))
    assert not filterset.is_valid() and list(qs) == []
