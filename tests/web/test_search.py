"""Search that forgives: accents, case and a city's other names, on titles, organisers
and places. Runs on SQLite and, with DATABASE_URL=postgres://..., on PostgreSQL."""

from datetime import date

import pytest

from calendar_app.search_text import search_terms, search_text
from tests.factories import make_group, make_meetup, make_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def places_abroad():
    montreal = make_place(
        "Montréal, QC, CA",
        city="Montréal",
        admin1="QC",
        country="CA",
        latitude=45.5,
        longitude=-73.6,
    )
    munich = make_place(
        "München, BY, DE", city="München", admin1="BY", country="DE", latitude=48.1, longitude=11.6
    )
    prague = make_place("Prague, CZ", city="Prague", country="CZ", latitude=50.1, longitude=14.4)
    cologne = make_place("Köln, DE", city="Köln", country="DE", latitude=50.9, longitude=6.96)
    return {
        "montreal_place": make_meetup(
            "Rust meetup", start=date(2025, 3, 20), places=[montreal], region="north-america"
        ),
        "montreal_title": make_meetup("Rust Montreal night", start=date(2025, 3, 21)),
        "munich": make_meetup("Rust meetup", start=date(2025, 3, 22), places=[munich]),
        "munich_title": make_meetup("Munich Rust talks", start=date(2025, 3, 23)),
        "prague": make_meetup("Rust Praha #4", start=date(2025, 3, 24), places=[prague]),
        "cologne": make_meetup(
            "Rust meetup",
            start=date(2025, 3, 25),
            places=[cologne],
            groups=[make_group("Rust Cologne")],
        ),
        "zurich_group": make_meetup(
            "Monthly", start=date(2025, 3, 26), groups=[make_group("Rust Zürich")]
        ),
    }


def found(client, query: str) -> set[str]:
    response = client.get("/events/", {"q": query})
    return {m.pk for m in response.context["page"].object_list}


def ids(meetups: dict, *names: str) -> set[int]:
    return {meetups[name].pk for name in names}


@pytest.mark.parametrize("query", ["Montreal", "Montréal", "MONTRÉAL", "montreal"])
def test_accents_and_case_do_not_matter(client, places_abroad, query):
    assert found(client, query) == ids(places_abroad, "montreal_place", "montreal_title")


@pytest.mark.parametrize("query", ["Munich", "München", "Muenchen", "munchen"])
def test_a_city_and_its_other_names_find_the_same_meetups(client, places_abroad, query):
    assert found(client, query) == ids(places_abroad, "munich", "munich_title")


@pytest.mark.parametrize("query", ["Prague", "Praha"])
def test_prague_and_praha(client, places_abroad, query):
    assert found(client, query) == ids(places_abroad, "prague")


@pytest.mark.parametrize("query", ["Cologne", "Köln", "koln"])
def test_cologne_and_koln(client, places_abroad, query):
    assert found(client, query) == ids(places_abroad, "cologne")


def test_organisers_are_folded_too(client, places_abroad):
    assert found(client, "zurich") == ids(places_abroad, "zurich_group")


def test_every_word_must_match(client, places_abroad):
    assert found(client, "rust münchen") == ids(places_abroad, "munich", "munich_title")
    assert found(client, "montreal munich") == set()


def test_folded_texts_and_terms():
    assert search_text("Ölé  Wrocław-Dolny") == " ole wroclaw dolny oele "  # and as "Oelé"
    assert search_text("Rust Grün") == " rust grun gruen "
    assert search_text("Rust Praha #4") == " rust praha 4 prague "  # the city's main name
    assert search_terms("MÜNCHEN").needles == ("munchen", " munich ")
    assert search_terms("rust").needles == ("rust",)  # not a city: no other names
    assert search_terms("!!") is None


def test_a_renamed_organiser_is_found_by_its_new_name(client, places_abroad):
    from calendar_app.services.curation import group_save

    group = places_abroad["zurich_group"].groups.get()
    group.name = "Rust Genève"
    group_save(group=group, user=None, changed=["name"])
    assert found(client, "geneve") == ids(places_abroad, "zurich_group")
    assert found(client, "zurich") == set()


def test_the_big_cities_index_is_kept_and_read_back(tmp_path, monkeypatch):
    from calendar_app.geocoding import aliases

    monkeypatch.setattr(aliases, "index_path", lambda: tmp_path / "big.pickle")
    aliases.big_city_names.cache_clear()
    try:
        assert aliases.city_keys("praha") == ("prague",)  # built from the gazetteer, kept
        assert (tmp_path / "big.pickle").exists()
        aliases.big_city_names.cache_clear()
        monkeypatch.setattr(aliases, "build_big_city_names", None)  # must not be needed
        assert aliases.city_keys("monaco di baviera") == ("munich",)
    finally:
        aliases.big_city_names.cache_clear()
