"""Venue, address, description, page and series of the three feed shapes, and hostile
descriptions (HTML, script, a megabyte, javascript: links)."""

from __future__ import annotations

from datetime import datetime

import pytest

from calendar_app.calendars import read_calendar
from calendar_app.calendars.details import (
    MAX_DESCRIPTION,
    meetup_group_page,
    plain_description,
    rule_text,
    venue_and_address,
)
from tests.calendars.conftest import NOW, read_fixture


def one(feed, uid):
    return next(e for e in feed.events if e.uid == uid)


def test_meetup_venue_address_description_page_and_group_page():
    feed = read_fixture("meetup_group.ics")
    assert feed.page == "https://www.meetup.com/rust-prague/events/ical/"
    assert meetup_group_page(feed.page) == "https://www.meetup.com/rust-prague/"
    talk = one(feed, "event_312345678@meetup.com")
    assert talk.venue == "Svornosti 3321/2"
    assert talk.address == "Svornosti 3321/2, Smíchov, Praha-Praha 5, Czech Republic 150 00"
    assert talk.description.startswith("Rust Prague\nThursday, December 3 at 6:30 PM\n\n")
    assert talk.page == "https://www.meetup.com/rust-prague/events/312345678/"
    assert (talk.series, talk.rule_text) == ("", "")
    online = one(feed, "event_312345680@meetup.com")
    assert (online.venue, online.address) == ("", "")


def test_luma_venue_host_and_page_from_the_description():
    feed = read_fixture("luma_calendar.ics")
    event = one(feed, "evt-1j8nckxA60kEVWq@events.lu.ma")
    assert (event.venue, event.address) == ("Incubator13", "815 St. Laurent Blvd, Ottawa, ON")
    assert event.geo == (45.43, -75.66)
    assert event.organizer == "Fatima"  # the host
    assert event.page == "https://luma.com/exynnx7d"
    assert "Address:\nIncubator13" in event.description  # unfolded mid-word


def test_google_series_rule_text_wrapped_links_and_free_text_place():
    feed = read_fixture("google_calendar.ics")
    weekly = [e for e in feed.events if e.uid == "7kq3rustnyc0weekly@google.com"]
    assert {e.series for e in weekly} == {"7kq3rustnyc0weekly@google.com"}
    assert {e.rule_text for e in weekly} == {"every Wednesday, 19:00"}
    first = weekly[0]
    assert (first.venue, first.address) == (
        "Recurse Center",
        "397 Bridge St, Brooklyn, NY 11201, USA",
    )
    # Google's <a href="https://www.google.com/url?q=..."> -> the real link, as text
    assert first.description == (
        "Weekly hack night. RSVP (https://www.meetup.com/rust-nyc/events/312000111/) "
        "and slides (https://example.org/slides)"
    )
    assert first.page == "https://www.meetup.com/rust-nyc/events/312000111/"
    conference = one(feed, "2b9rustconfx0day@google.com")
    assert conference.page == "https://rustconf-north.example.org/2027"  # URL unwrapped
    assert (conference.venue, conference.address) == ("", "")  # "Montréal, QC, Canada"


def _feed(description: str, *, url: str = "") -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//test//EN",
        "BEGIN:VEVENT",
        "UID:hostile@example.org",
        "DTSTART:20261210T180000Z",
        "DTEND:20261210T200000Z",
        "SUMMARY:Hostile",
        "DESCRIPTION:" + description.replace("\\", "\\\\").replace(",", "\\,").replace("\n", "\\n"),
        *([f"URL:{url}"] if url else []),
        "LOCATION:Somewhere",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(lines).encode()


def test_html_and_script_in_a_description_become_plain_text():
    event = read_calendar(
        _feed(
            '<p>Hi <b>all</b></p><script>alert("x")</script><style>p{}</style>'
            '<img src=x onerror=alert(1)><a href="javascript:alert(1)">click</a>'
            "&lt;script&gt;no&lt;/script&gt; \x07bell"
        ),
        now=NOW,
    ).events[0]
    text = event.description
    assert "<" not in text and ">" not in text
    assert "alert" not in text.replace("‹script›no‹/script›", "")
    assert text.startswith("Hi all\nclick")
    assert "‹script›no‹/script›" in text  # escaped text stays text, shown as such
    assert "\x07" not in text
    assert event.page == ""  # a javascript: link is no page


def test_a_megabyte_description_is_cut_and_read_quickly():
    event = read_calendar(_feed("word " * 200_000 + "<script" * 10_000), now=NOW).events[0]
    assert len(event.description) == MAX_DESCRIPTION
    assert event.description.endswith("…")


def test_javascript_and_data_links_never_become_the_page():
    event = read_calendar(
        _feed("javascript:alert(1) data:text/html,x then https://example.org/rust-night"),
        now=NOW,
    ).events[0]
    assert event.page == "https://example.org/rust-night"
    unsafe = read_calendar(_feed("text", url="javascript:alert(1)"), now=NOW).events[0]
    assert unsafe.page == "" and unsafe.urls == ()


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        (
            "Mozilla (Schlesische Str. 27, Berlin, Germany)",
            ("Mozilla", "Schlesische Str. 27, Berlin, Germany"),
        ),
        (
            "Incubator13, 815 St. Laurent Blvd, Ottawa, ON",
            ("Incubator13", "815 St. Laurent Blvd, Ottawa, ON"),
        ),
        ("397 Bridge St, Brooklyn, NY 11201", ("", "397 Bridge St, Brooklyn, NY 11201")),
        ("Montréal, QC, Canada", ("", "")),
        ("The Hacker Space", ("The Hacker Space", "")),
        ("", ("", "")),
    ],
)
def test_venue_and_address_shapes(location, expected):
    assert venue_and_address(location) == expected


@pytest.mark.parametrize(
    ("rule", "start", "text"),
    [
        (
            {"FREQ": ["WEEKLY"], "BYDAY": ["TH"]},
            datetime(2026, 12, 3, 18, 30),
            "every Thursday, 18:30",
        ),
        (
            {"FREQ": ["MONTHLY"], "BYDAY": ["2TU"]},
            datetime(2026, 12, 8, 19, 0),
            "every second Tuesday of the month, 19:00",
        ),
        (
            {"FREQ": ["MONTHLY"], "BYDAY": ["TU"], "BYSETPOS": [-1]},
            datetime(2026, 12, 29, 19, 0),
            "every last Tuesday of the month, 19:00",
        ),
        (
            {"FREQ": ["WEEKLY"], "INTERVAL": [2]},
            datetime(2026, 12, 7, 18, 0),
            "every 2 weeks on Monday, 18:00",
        ),
        ({"FREQ": ["SECONDLY"]}, datetime(2026, 12, 7, 18, 0), ""),
    ],
)
def test_rule_text(rule, start, text):
    assert rule_text(rule, start) == text


def test_plain_description_keeps_plain_text_as_written():
    assert plain_description("Line one\n\n\n\nLine two  \n") == "Line one\n\nLine two"
    assert meetup_group_page("https://www.meetup.com/de-DE/Rust-Berlin/events/1234/") == (
        "https://www.meetup.com/rust-berlin/"
    )
    assert meetup_group_page("https://example.org/rust/events/1/") == ""


def test_script_and_style_content_goes_whatever_the_case_and_an_open_one_hides_the_rest():
    assert plain_description("a<SCRIPT>x()</script >b<style>p{}</STYLE>c") == "abc"
    assert plain_description("before<script>" + "<script>" * 5_000 + "after") == "before"
