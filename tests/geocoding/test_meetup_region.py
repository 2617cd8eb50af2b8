"""The one rule for a meetup's region, as ingest and curation both call it."""

from calendar_app.geocoding.regions import meetup_region, place_region
from calendar_app.rules import location_text


def test_place_region_is_the_continent_of_its_country():
    assert place_region("DE") == "europe"
    assert place_region("uk") == "europe"
    assert place_region("MX", "resolved") == "north-america"
    assert place_region("") == ""


def test_what_is_not_a_place_gives_no_region():
    assert place_region("DE", "not_a_place") == ""


def test_meetup_region_is_the_primary_places():
    regions = {1: "europe", 2: "asia"}
    assert meetup_region([2, 1], regions) == "asia"
    assert meetup_region([3, 1], regions) == ""  # unknown primary: no region, not the next
    assert meetup_region([], regions) == ""


def test_location_text_says_online_attendance():
    assert location_text("in_person", ["Berlin, Germany"]) == "Berlin, Germany"
    assert (
        location_text("hybrid", ["Berlin, Germany", "Bonn"]) == "Berlin, Germany; Bonn (and online)"
    )
    assert location_text("virtual", ["Berlin, Germany"]) == "Online (Berlin, Germany)"
    assert location_text("virtual", []) == "Online"
    assert location_text("in_person", []) == ""
