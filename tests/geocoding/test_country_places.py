"""Places that are a whole country, a region, a list of areas, or a town with a
qualifier in brackets (issue 12): never a town that merely shares the name."""

from __future__ import annotations

import pytest

from calendar_app.geocoding import region_for_country
from calendar_app.geocoding.countries import country_named, names_no_place
from calendar_app.twir.locations import parse_location

# text -> (country, admin1, region, time zone): resolved to the country, no town.
COUNTRY_ONLY = {
    "Virtual (Italy)": ("IT", "", "europe", "Europe/Rome"),
    "Italy": ("IT", "", "europe", "Europe/Rome"),
    "ITA": ("IT", "", "europe", "Europe/Rome"),
    "Virtual (US)": ("US", "", "north-america", ""),  # several zones: none
    "US": ("US", "", "north-america", ""),
    "Virtual (IL)": ("IL", "", "asia", "Asia/Jerusalem"),
    "Israel": ("IL", "", "asia", "Asia/Jerusalem"),
    "Virtual (Israel, IL)": ("IL", "", "asia", "Asia/Jerusalem"),
    "Argentina, AR": ("AR", "", "south-america", ""),
    "Switzerland, CH": ("CH", "", "europe", "Europe/Zurich"),
    "CH, Switzerland": ("CH", "", "europe", "Europe/Zurich"),
    "Poland, PL": ("PL", "", "europe", "Europe/Warsaw"),
    "Kenya, KE": ("KE", "", "africa", "Africa/Nairobi"),
    "Kenya": ("KE", "", "africa", "Africa/Nairobi"),
    "Malaysia, MY": ("MY", "", "asia", ""),  # Peninsular and Borneo zones
    "Virtual (Germany)": ("DE", "", "europe", "Europe/Berlin"),
    "DEU": ("DE", "", "europe", "Europe/Berlin"),
    "Mexico": ("MX", "", "north-america", ""),
    "England": ("GB", "ENG", "europe", "Europe/London"),
    "Scotland, UK": ("GB", "SCT", "europe", "Europe/London"),
}


@pytest.mark.parametrize("text", sorted(COUNTRY_ONLY))
def test_a_country_is_the_country_not_a_town(offline, text):
    country, admin1, region, zone = COUNTRY_ONLY[text]
    result = offline.geocode(text)
    assert (result.status, result.city, result.admin1, result.country) == (
        "resolved",
        "",
        admin1,
        country,
    )
    assert result.problems == []
    # A country is no point on the map: no coordinates rather than the capital's.
    assert (result.latitude, result.longitude) == (None, None)
    assert result.timezone == zone
    assert region_for_country(result.country) == region


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("Virtual (Italy)", "Italy"),  # Italy, Texas
        ("Virtual (US)", "Us"),  # Us, France
        ("Virtual (IL)", "Il"),  # Il, Kenya
        ("Argentina, AR", "North Little Rock"),  # by fuzzy match, in Arkansas
    ],
)
def test_never_the_town_named_like_the_country(offline, text, town):
    assert offline.geocode(text).city != town


@pytest.mark.parametrize(
    ("text", "city", "country"),
    [
        ("Singapore", "Singapore", "SG"),
        ("Virtual (Singapore)", "Singapore", "SG"),
        ("Luxembourg", "Luxembourg", "LU"),
        ("Hong Kong", "Hong Kong", "HK"),
        ("Singapore, SG", "Singapore", "SG"),
        ("Luxembourg, LU", "Luxembourg", "LU"),
    ],
)
def test_a_city_state_stays_its_city(offline, text, city, country):
    result = offline.geocode(text)
    assert (result.status, result.city, result.country) == ("resolved", city, country)
    assert result.latitude is not None


def test_a_name_both_country_and_us_state_is_no_country():
    assert country_named("Georgia") == ""  # the Caucasus or Atlanta's state: unknown
    assert country_named("Georgia, GE") == "GE"


def test_moravia_is_the_czech_republic_not_the_village_moravka(offline):
    result = offline.geocode("Moravia, CZ")
    assert (result.status, result.city, result.country) == ("fuzzy", "", "CZ")
    assert "Morávka" not in str(result.raw)
    assert [kind for kind, _ in result.problems] == ["geocode_fuzzy"]
    assert "Moravia, CZ" in result.problems[0][1]
    assert region_for_country(result.country) == "europe"


def test_a_small_village_is_no_fuzzy_match_but_a_big_city_is(offline):
    assert offline.geocode("Bohemia, CZ").city == ""
    darmstadt = offline.geocode("Darmstadr, DE")
    assert (darmstadt.status, darmstadt.city) == ("fuzzy", "Darmstadt")


def test_a_fuzzy_match_stays_in_the_country_given(offline):
    # AR is Argentina as written, or Arkansas as guessed; Arkansas' North Little Rock
    # was once called Argentina: a typo must not reach it through that old name.
    result = offline.geocode("Argentna, AR")
    assert (result.status, result.city, result.country) == ("fuzzy", "", "AR")
    # a typo of a town in the US state the code may mean still resolves (main names)
    fayetteville = offline.geocode("Fayettevile, AR")
    assert (fayetteville.city, fayetteville.admin1, fayetteville.country) == (
        "Fayetteville",
        "AR",
        "US",
    )


def test_an_unknown_town_in_a_given_country_is_placed_in_that_country(offline):
    result = offline.geocode("Nowhereville, PL")
    assert (result.status, result.city, result.country) == ("fuzzy", "", "PL")
    assert [kind for kind, _ in result.problems] == ["geocode_fuzzy"]
    assert offline.geocode("Nowhereville").status == "not_found"  # no country at all


@pytest.mark.parametrize("text", ["EU/UK", "Virtual (EU/UK)", "US & Canada", "Europe / Africa"])
def test_a_list_of_areas_is_not_a_place(offline, text):
    result = offline.geocode(text)
    assert (result.status, result.country, result.problems) == ("not_a_place", "", [])


def test_area_lists_and_one_place_with_two_names():
    assert names_no_place("EU/UK")
    assert names_no_place("Portugal & Spain")
    assert not names_no_place("UK")
    assert not names_no_place("Trinidad and Tobago")  # one country
    assert not names_no_place("Praha / Prague")  # one city, two names
    assert not names_no_place("Bangalore/Bengaluru, IN")


@pytest.mark.parametrize(
    ("field", "attendance"),
    [
        ("Frankfurt (Main), DE", "in_person"),
        ("Virtual (Frankfurt (Main), DE)", "virtual"),
        ("Frankfurt (Main), DE + Virtual", "hybrid"),
    ],
)
def test_frankfurt_main_is_one_place(offline, field, attendance):
    location = parse_location(field)
    assert location.attendance == attendance
    assert [p.text for p in location.places] == ["Frankfurt (Main), DE"]
    place = location.places[0]
    assert (place.city, place.country) == ("Frankfurt (Main)", "DE")
    result = offline.geocode(place.text)
    assert (result.status, result.city, result.admin1, result.country) == (
        "resolved",
        "Frankfurt am Main",
        "HE",
        "DE",
    )


def test_the_bracket_tells_two_frankfurts_apart(offline):
    assert offline.geocode("Frankfurt (Oder), DE").city == "Frankfurt (Oder)"
    assert offline.geocode("Frankfurt (Main), DE").city == "Frankfurt am Main"


def test_a_marker_in_brackets_is_still_a_marker():
    location = parse_location("Munich (virtual), DE")
    assert location.attendance == "virtual"
    assert [p.city for p in location.places] == ["Munich"]


def test_virtual_country_fields_give_the_country_as_place_text():
    assert [p.text for p in parse_location("Virtual (Italy)").places] == ["Italy"]
    assert [p.text for p in parse_location("Virtual (IL)").places] == ["IL"]


# --- end to end: what a reader of the site sees ---------------------------------------

_ENTRIES = (
    "* 2026-12-02 | Virtual (Italy) | [Rust Italia](https://www.meetup.com/rust-italia/)\n"
    "    * [**Rust in Italia**](https://www.meetup.com/rust-italia/events/310000001/)\n"
    "* 2026-12-03 | Virtual (IL) | [Rust Israel](https://www.meetup.com/rust-israel/)\n"
    "    * [**Rust TLV**](https://www.meetup.com/rust-israel/events/310000002/)\n"
    "* 2026-12-04 | Switzerland, CH | [Rust Schweiz](https://www.meetup.com/rust-ch/)\n"
    "    * [**Rust Schweiz**](https://www.meetup.com/rust-ch/events/310000003/)\n"
    "* 2026-12-05 | Frankfurt (Main), DE | [Rust FFM](https://www.meetup.com/rust-ffm/)\n"
    "    * [**Rust FFM**](https://www.meetup.com/rust-ffm/events/310000004/)\n"
    "* 2026-12-06 | Virtual (EU/UK) | [Rust EU](https://www.meetup.com/rust-eu/)\n"
    "    * [**Rust EU/UK**](https://www.meetup.com/rust-eu/events/310000005/)\n"
)


@pytest.mark.django_db
def test_country_only_meetups_get_their_region(tmp_path):
    from calendar_app.models import Meetup
    from calendar_app.services.ingest import ingest_paths

    newsletter = tmp_path / "this-week-in-rust-650.md"
    newsletter.write_text(
        "Title: This Week in Rust 650\nNumber: 650\nDate: 2026-11-25\n"
        "Category: This Week in Rust\n\n## Upcoming Events\n\n"
        "Rusty Events between 2026-11-25 - 2026-12-23 🦀\n\n### Virtual\n\n"
        f"{_ENTRIES}\n## Jobs\n\nNone.\n",
        encoding="utf-8",
    )
    ingest_paths([str(newsletter)])
    seen = {
        m.title: (m.region, [(p.city, p.country) for p in m.places.all()])
        for m in Meetup.objects.all()
    }
    assert seen == {
        "Rust in Italia": ("europe", [("", "IT")]),
        "Rust TLV": ("asia", [("", "IL")]),
        "Rust Schweiz": ("europe", [("", "CH")]),
        "Rust FFM": ("europe", [("Frankfurt am Main", "DE")]),
        "Rust EU/UK": ("", []),  # not a place: no region of its own
    }


@pytest.mark.parametrize(
    ("text", "city", "admin1", "country"),
    [
        ("Lima-Perú", "Lima", "LMA", "PE"),  # the country after a hyphen
        ("Karnataka, Bengaluru, IN", "Bengaluru", "KA", "IN"),  # the region first
        ("Winston-Salem, NC, US", "Winston-Salem", "NC", "US"),
        ("Baden-Baden, DE", "Baden-Baden", "BW", "DE"),
    ],
)
def test_a_town_written_the_other_way_round(offline, text, city, admin1, country):
    result = offline.geocode(text)
    assert (result.status, result.city, result.admin1, result.country) == (
        "resolved",
        city,
        admin1,
        country,
    )


@pytest.mark.parametrize(
    ("location", "city", "admin1", "country"),
    [
        # Meetup's name of the town, as the editors' tool writes it (issue 22)
        ("Bristol City, GB", "Bristol", "ENG", "GB"),
        ("Bristol City, UK", "Bristol", "ENG", "GB"),
        ("Bristol City", "Bristol", "ENG", "GB"),  # not Bristol, Virginia ("Bristol City")
        ("Virtual (Bristol City, GB)", "Bristol", "ENG", "GB"),
        ("City of Bristol, UK", "Bristol", "ENG", "GB"),
        # both spellings of the city-state, and the tool's own with a subdivision
        ("Singapore", "Singapore", "", "SG"),
        ("Singapore, SG", "Singapore", "", "SG"),
        ("Hybrid (Singapore, SG)", "Singapore", "", "SG"),
        ("Singapore, Singapore, SG", "Singapore", "", "SG"),
        ("Lima-Perú", "Lima", "LMA", "PE"),
        ("Lima-Perú, PE", "Lima", "LMA", "PE"),
        ("Karnataka, Bengaluru, IN", "Bengaluru", "KA", "IN"),
        # a `City` that is part of the town's name stays so
        ("Kansas City, MO, US", "Kansas City", "MO", "US"),
        ("Quezon City, PH", "Quezon City", "NCR", "PH"),
        ("Salt Lake City, UT, US", "Salt Lake City", "UT", "US"),
    ],
)
def test_the_towns_left_unresolved_resolve_to_their_city(offline, location, city, admin1, country):
    (place,) = parse_location(location).places
    result = offline.geocode(place.text)
    assert (result.status, result.city, result.admin1, result.country) == (
        "resolved",
        city,
        admin1,
        country,
    )
    assert result.problems == []
    assert result.latitude is not None
