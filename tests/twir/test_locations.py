import pytest

from calendar_app.twir.locations import parse_location
from calendar_app.twir.records import HYBRID, IN_PERSON, VIRTUAL


def places(text):
    return [(p.city, p.subdivision, p.country) for p in parse_location(text).places]


@pytest.mark.parametrize(
    ("text", "attendance", "expected"),
    [
        ("Paris, FR", IN_PERSON, [("Paris", "", "FR")]),
        ("Austin, TX, US", IN_PERSON, [("Austin", "TX", "US")]),
        ("Nürnberg, BY, DE", IN_PERSON, [("Nürnberg", "BY", "DE")]),
        ("Virtual", VIRTUAL, []),
        ("Online", VIRTUAL, []),
        ("Virtual (Dallas, TX, US)", VIRTUAL, [("Dallas", "TX", "US")]),
        ("Virtual (Europe / Africa)", VIRTUAL, [("Europe / Africa", "", "")]),
        ("Virtual (Global)", VIRTUAL, [("Global", "", "")]),
        ("Virtual (PDT Timezone)", VIRTUAL, [("PDT Timezone", "", "")]),
        ("Hybrid (Vancouver, CA)", HYBRID, [("Vancouver", "", "CA")]),
        ("Virtual + In Person (Barcelona, ES)", HYBRID, [("Barcelona", "", "ES")]),
        ("Virtual + In-person", HYBRID, []),
        ("Virtual and In-Person (Seattle, WA, US)", HYBRID, [("Seattle", "WA", "US")]),
        ("Hybrid - Virtual and In-person (Oslo, NO)", HYBRID, [("Oslo", "", "NO")]),
        ("Hybrid: In-Person and Virtual (Oslo, NO)", HYBRID, [("Oslo", "", "NO")]),
        ("Munich, DE + Virtual", HYBRID, [("Munich", "", "DE")]),
        ("Virtual + Wellington, NZ", HYBRID, [("Wellington", "", "NZ")]),
        ("Praha, CZ - Virtual + In-person", HYBRID, [("Praha", "", "CZ")]),
        ("Hybrid (Virtual + In-person) Munich, DE", HYBRID, [("Munich", "", "DE")]),
        ("In-person & Virtual", HYBRID, []),
        ("Virtual + Portland, OR, US", HYBRID, [("Portland", "OR", "US")]),
        (
            "Virtual (Redmond, WA, US; New York, NY, US; San Francisco, CA, US)",
            VIRTUAL,
            [("Redmond", "WA", "US"), ("New York", "NY", "US"), ("San Francisco", "CA", "US")],
        ),
        ("Berlin, DE / Hamburg, DE", IN_PERSON, [("Berlin", "", "DE"), ("Hamburg", "", "DE")]),
        (
            "São Paulo, BR, New York, NY, US",
            IN_PERSON,
            [("São Paulo", "", "BR"), ("New York", "NY", "US")],
        ),
        (
            "Gdansk/Kraków/Wroclaw, PL",
            IN_PERSON,
            [("Gdansk", "", "PL"), ("Kraków", "", "PL"), ("Wroclaw", "", "PL")],
        ),
        ("Stuttgart, DE, Munich, DE", IN_PERSON, [("Stuttgart", "", "DE"), ("Munich", "", "DE")]),
        ("Boulder, CO, US", IN_PERSON, [("Boulder", "CO", "US")]),
        ("Köln/Cologne, DE", IN_PERSON, [("Köln/Cologne", "", "DE")]),
        ("Biel/Bienne, CH", IN_PERSON, [("Biel/Bienne", "", "CH")]),
        ("Bangalore/Bengaluru, IN", IN_PERSON, [("Bangalore/Bengaluru", "", "IN")]),
        ("Praha / Prague, CZ", IN_PERSON, [("Praha / Prague", "", "CZ")]),
        ("München/Munich, DE", IN_PERSON, [("München/Munich", "", "DE")]),
        ("Ciudad de México, MX", IN_PERSON, [("Ciudad de México", "", "MX")]),
        ("Manchester, UK", IN_PERSON, [("Manchester", "", "UK")]),
        ("Sydney, AUS", IN_PERSON, [("Sydney", "", "AUS")]),
        ("Oslo, No", IN_PERSON, [("Oslo", "", "No")]),
        ("Tel Aviv, Israel", IN_PERSON, [("Tel Aviv", "", "Israel")]),
        ("Portland, OR", IN_PERSON, [("Portland", "OR", "")]),
        ("Buffalo, NY", IN_PERSON, [("Buffalo", "NY", "")]),
        ("Boulder, CO", IN_PERSON, [("Boulder", "", "CO")]),  # ambiguous: the geocoder decides
        ("Minneapolis, MN US", IN_PERSON, [("Minneapolis", "MN", "US")]),
        ("Charlottesville, NC, US", IN_PERSON, [("Charlottesville", "NC", "US")]),
        ("", IN_PERSON, []),
    ],
)
def test_locations(text, attendance, expected):
    assert parse_location(text).attendance == attendance
    assert places(text) == expected


def test_place_text_is_kept_as_written():
    assert [p.text for p in parse_location("Virtual (Biel/Bienne, CH)").places] == [
        "Biel/Bienne, CH"
    ]


def test_marked_says_whether_the_field_names_the_attendance():
    assert parse_location("Virtual (Berlin, DE)").marked
    assert parse_location("Hybrid (Berlin, DE)").marked
    assert not parse_location("Berlin, DE").marked
