"""Whose calendar a feed is, without a curator's --group (with the editors' Luma list)."""

from __future__ import annotations

from calendar_app.matching.calendar_entries import feed_owner
from calendar_app.services.sources import listed_pages
from calendar_app.twir.records import ParsedGroup

LUMA = "https://api.luma.com/ics/get?entity=calendar&id=cal-ThoZUSuwBbWLTKb"


def test_a_meetup_feed_by_its_group_page():
    owner = feed_owner(
        feed_name="Events - Rust Prague",
        feed_page="https://www.meetup.com/rust-prague/events/ical/",
        source_name="",
        source_url="https://example.org/copy.ics",
    )
    assert owner == ParsedGroup("Rust Prague", "https://www.meetup.com/rust-prague/")
    by_address = feed_owner(
        feed_name="",
        feed_page="",
        source_name="",
        source_url="https://www.meetup.com/Rust-Berlin/events/ical/",
    )
    assert by_address == ParsedGroup(
        "https://www.meetup.com/rust-berlin/", "https://www.meetup.com/rust-berlin/"
    )


def test_a_listed_luma_calendar_by_its_name_and_page():
    assert listed_pages()[LUMA] == "https://luma.com/rust-maven"
    owner = feed_owner(
        feed_name="Rust Maven",
        feed_page="",
        source_name="",
        source_url=LUMA,
        listed_page=listed_pages()[LUMA],
    )
    assert owner == ParsedGroup("Rust Maven", "https://luma.com/rust-maven")


def test_any_feed_by_its_name_else_nobody():
    google = feed_owner(feed_name="Rust Community", feed_page="", source_name="x", source_url="")
    assert google == ParsedGroup("Rust Community", "")
    followed = feed_owner(feed_name="", feed_page="", source_name="Rust NYC", source_url="")
    assert followed == ParsedGroup("Rust NYC", "")
    assert feed_owner(feed_name="", feed_page="", source_name="", source_url="") is None
