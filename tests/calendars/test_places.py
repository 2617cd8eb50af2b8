"""A calendar's LOCATION (a venue and its street address) written as the editors write
places, so that a calendar event and a newsletter entry share one Place."""

from __future__ import annotations

import pytest

from calendar_app.calendars.places import place_text


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        # Meetup: `Venue (street, district, city, country postcode)`
        ("Sample venue (Alexanderplatz 1, Berlin, Germany)", "Berlin, DE"),
        ("Mozilla, 2 Harbour Exchange Square, London E14 9GE, United Kingdom", "London, GB"),
        # Luma: `Venue, street, city, subdivision`
        ("Incubator13, 815 St. Laurent Blvd, Ottawa, ON", "Ottawa, ON, CA"),
        # Google: whatever the organiser typed
        ("Recurse Center, 397 Bridge St, Brooklyn, NY 11201, USA", "Brooklyn, NY, US"),
        ("Montréal, QC, Canada", "Montréal, QC, CA"),
        ("Online event", ""),
        ("Room 4", ""),
        ("", ""),
    ],
)
def test_a_location_becomes_city_and_country(location, expected):
    assert place_text(location) == expected
