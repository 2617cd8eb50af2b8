"""Places in words: what pages, feeds and calendar links call a place."""

import pytest

from calendar_app.geocoding.names import country_name, place_label, region_name
from tests.factories import make_place


@pytest.mark.parametrize(
    ("city", "admin1", "country", "expected"),
    [
        ("Vienna", "09", "AT", "Vienna, Austria"),
        ("Barcelona", "56", "ES", "Barcelona, Spain"),
        ("Sofia", "42", "BG", "Sofia, Bulgaria"),
        ("Berlin", "", "DE", "Berlin, Germany"),
        ("München", "BY", "DE", "München, Germany"),
        # Two Portlands in the US: the state says which.
        ("Portland", "OR", "US", "Portland, Oregon, US"),
        ("Portland", "ME", "US", "Portland, Maine, US"),
        ("Cambridge", "MA", "US", "Cambridge, Massachusetts, US"),
        # One Cambridge in the UK, one Seattle in the US: no region needed.
        ("Cambridge", "ENG", "GB", "Cambridge, UK"),
        ("Seattle", "WA", "US", "Seattle, US"),
    ],
)
def test_place_label(city, admin1, country, expected):
    assert place_label(city, admin1, country) == expected


def test_a_place_without_a_city_reads_as_written():
    assert place_label("", "", "", "Somewhere odd") == "Somewhere odd"
    assert place_label("", "", "JP") == "Japan"


def test_country_and_region_names():
    assert country_name("kr") == "South Korea"
    assert region_name("US", "OR") == "Oregon"
    assert region_name("CA", "08") == "Ontario"
    assert region_name("XX", "99") == ""


@pytest.mark.django_db
def test_place_label_on_the_model():
    place = make_place("Wien, AT", city="Vienna", admin1="09", country="AT")
    assert place.label == "Vienna, Austria" == str(place)
