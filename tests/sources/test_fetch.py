"""Fetching feeds from a loopback server: good feeds, 304s, and every bad answer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from calendar_app.calendars import read_calendar
from calendar_app.services.sources_fetch import (
    MAX_BYTES,
    FetchRequest,
    fetch_feed,
    fetch_feeds,
    make_client,
    user_agent,
)
from tests.sources import feed_server
from tests.sources.feed_server import LAST_MODIFIED

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def fetch(server, path: str, timeout: float = 2.0, **stored: str):
    with make_client(allow_private=True, timeout=timeout) as client:
        return fetch_feed(FetchRequest(server.url(path), **stored), client=client, timeout=timeout)


def test_a_feed_is_fetched_with_its_validators_and_read(server):
    result = fetch(server, "/meetup_group.ics")
    assert (result.ok, result.status, result.error) == (True, 200, "")
    assert result.etag == '"meetup_group-v1"' and result.last_modified == LAST_MODIFIED
    assert result.content_type.startswith("text/calendar")
    feed = read_calendar(result.body, now=NOW)
    assert feed.ok and len(feed.events) == 3


def test_a_second_fetch_sends_the_validators_and_gets_304(server):
    first = fetch(server, "/luma_calendar.ics")
    again = fetch(server, "/luma_calendar.ics", etag=first.etag, last_modified=first.last_modified)
    assert (again.status, again.not_modified, again.ok, again.body) == (304, True, False, b"")
    assert (again.etag, again.last_modified) == (first.etag, first.last_modified)
    sent = server.requests[-1][1]
    assert sent["If-None-Match"] == first.etag
    assert sent["If-Modified-Since"] == LAST_MODIFIED
    by_date = fetch(server, "/luma_calendar.ics", last_modified=LAST_MODIFIED)
    assert by_date.not_modified and "If-None-Match" not in server.requests[-1][1]


def test_the_user_agent_names_the_site_and_the_contact(server, settings):
    settings.SITE_URL = "https://rust-meetups.example.org"
    settings.SITE_CONTACT = "calendar@example.org"
    assert (
        user_agent() == "twirevents/1.0 (+https://rust-meetups.example.org; calendar@example.org)"
    )
    fetch(server, "/google_calendar.ics")
    assert server.requests[-1][1]["User-Agent"] == user_agent()
    settings.SITE_CONTACT = ""
    assert user_agent() == "twirevents/1.0 (+https://rust-meetups.example.org)"


@pytest.mark.parametrize(("path", "status"), [("/404", 404), ("/500", 500)])
def test_error_statuses_are_errors(server, path, status):
    result = fetch(server, path, etag='"old"')
    assert (result.ok, result.status, result.body) == (False, status, b"")
    assert result.error.startswith(f"HTTP {status}")
    assert result.etag == '"old"'  # what we knew stays


@pytest.mark.parametrize(("path", "says"), [("/html", "HTML"), ("/garbage", "not an iCalendar")])
def test_a_page_that_is_no_calendar_is_fetched_and_then_refused_by_the_reader(server, path, says):
    result = fetch(server, path)
    assert result.ok  # the server answered 200 ...
    feed = read_calendar(result.body, now=NOW)
    assert not feed.ok and says in feed.error  # ... with no calendar


@pytest.mark.parametrize("path", ["/huge", "/huge-declared"])
def test_a_50_mb_body_is_cut_at_the_limit(server, path):
    result = fetch(server, path)
    assert not result.ok and result.body == b""
    assert f"more than {MAX_BYTES:,}" in result.error


def test_a_redirect_loop_is_an_error(server):
    result = fetch(server, "/loop-a")
    assert not result.ok and "redirect" in result.error
    assert len(server.requests) <= 6  # the first request and at most 5 redirects


def test_a_redirect_is_followed(server):
    result = fetch(server, "/moved")
    assert result.ok and result.final_url == server.url("/meetup_group.ics")


def test_a_server_that_never_answers_times_out(server):
    result = fetch(server, "/never", timeout=0.5)
    assert (result.ok, result.status) == (False, None)
    assert "within 0.5 s" in result.error
    assert result.seconds < 5


def test_a_body_that_never_ends_times_out_as_a_whole(server):
    result = fetch(server, "/trickle", timeout=0.6)  # a byte every 0.1 s: no read timeout
    assert not result.ok and "within 0.6 s" in result.error


def test_a_connection_refused_is_an_error(server):
    with make_client(allow_private=True, timeout=1) as client:
        result = fetch_feed(FetchRequest("http://127.0.0.1:9/feed.ics"), client=client)
    assert (result.ok, result.status) == (False, None) and "ConnectError" in result.error


def test_only_http_links_are_fetched(server):
    with make_client(allow_private=True) as client:
        for url in ("file:///etc/passwd", "ftp://example.org/feed.ics", "webcal://x/feed.ics"):
            result = fetch_feed(FetchRequest(url), client=client)
            assert result.error == "only http(s) feeds are fetched"
    assert server.requests == []


def test_private_addresses_are_refused_unless_allowed(server):
    with make_client() as client:
        result = fetch_feed(FetchRequest(server.url("/meetup_group.ics")), client=client)
    assert not result.ok and result.error.startswith("refused:") and "127.0.0.1" in result.error
    assert server.requests == []  # nothing was sent


def test_a_redirect_to_another_loopback_port_is_refused_for_a_public_source(server, settings):
    """The first hop is allowed by TRUSTED_SOURCE_HOSTS; the redirect is checked anew."""
    other = feed_server.start()
    try:
        port = server.server_address[1]
        settings.TRUSTED_SOURCE_HOSTS = [f"localhost:{port}"]
        server.redirect_to = other.url("/meetup_group.ics")
        with make_client() as client:
            result = fetch_feed(FetchRequest(f"http://localhost:{port}/redirect"), client=client)
        assert result.error.startswith("refused:") and "127.0.0.1" in result.error
        assert [path for path, _ in server.requests] == ["/redirect"]
        assert other.requests == []  # nothing was sent inside
        with make_client(allow_private=True) as client:  # a trusted source follows it
            assert fetch_feed(FetchRequest(server.url("/redirect")), client=client).ok
    finally:
        feed_server.shut(other)


def test_a_server_that_drips_its_headers_is_cut_at_the_overall_deadline(server):
    """A byte every 0.2 s never trips a read timeout; the fetch's deadline ends it."""
    result = fetch(server, "/drip-headers", timeout=1.0)
    assert (result.ok, result.status) == (False, None)
    assert "within 1 s" in result.error
    assert result.seconds < 2.5


def test_a_304_to_a_first_request_is_an_error_not_an_empty_feed(server):
    result = fetch(server, "/always-304")
    assert (result.ok, result.not_modified) == (False, False)
    assert "304" in result.error and "first request" in result.error


def test_many_feeds_a_few_at_a_time_in_order_and_bad_ones_do_not_stop_the_rest(server):
    server.delay = 0.2
    paths = ["/slow-ok"] * 6 + ["/404", "/never", "/garbage", "/meetup_group.ics"]
    requests = [FetchRequest(server.url(p)) for p in paths]
    results = fetch_feeds(requests, workers=3, timeout=1.0, allow_private=True)
    assert [r.url for r in results] == [r.url for r in requests]
    assert [r.ok for r in results] == [True] * 6 + [False, False, True, True]
    assert 2 <= server.most_in_flight <= 3
    assert fetch_feeds([]) == []
