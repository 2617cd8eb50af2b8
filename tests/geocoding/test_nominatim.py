"""The Nominatim backend with a fake transport: no test touches the network."""

from __future__ import annotations

import pytest
from geopy.exc import GeocoderServiceError
from geopy.extra.rate_limiter import RateLimiter
from geopy.location import Location

from calendar_app.geocoding import NominatimGeocoder

AGENT = "twirevents-tests/1.0 (test@example.org)"


def answer(lat, lon, **address):
    raw = {"place_id": 1, "lat": str(lat), "lon": str(lon), "display_name": "x", "address": address}
    return Location("x", (lat, lon), raw)


class FakeTransport:
    """Stands in for ``Nominatim.geocode``: answers from a dict, records the calls."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def __call__(self, query, **kwargs):
        self.calls.append((query, kwargs))
        answer = self.answers.get((query, kwargs.get("country_codes")))
        if isinstance(answer, Exception):
            raise answer
        return answer


CHARLOTTESVILLE = answer(
    38.03,
    -78.48,
    city="Charlottesville",
    state="Virginia",
    country_code="us",
    **{"ISO3166-2-lvl4": "US-VA"},
)
NUREMBERG = answer(
    49.45,
    11.08,
    city="Nuremberg",
    state="Bavaria",
    country_code="de",
    **{"ISO3166-2-lvl4": "DE-BY"},
)


def make(answers, **kwargs):
    transport = FakeTransport(answers)
    geocoder = NominatimGeocoder(
        AGENT, transport=transport, min_delay_seconds=0, error_wait_seconds=0, **kwargs
    )
    return geocoder, transport


def test_user_agent_is_required():
    for agent in ("", "  ", "my-application"):
        with pytest.raises(ValueError, match="NOMINATIM_USER_AGENT"):
            NominatimGeocoder(agent)


def test_real_client_is_rate_limited_to_one_request_per_second():
    geocoder = NominatimGeocoder(AGENT, url="https://nominatim.example.org")  # no request
    assert isinstance(geocoder.rate_limiter, RateLimiter)
    assert geocoder.rate_limiter.min_delay_seconds == 1
    client = geocoder.rate_limiter.func.__self__
    assert client.domain == "nominatim.example.org" and client.scheme == "https"
    assert client.headers["User-Agent"] == AGENT


def test_rate_limiter_sleeps_between_requests():
    transport = FakeTransport({("Nürnberg, BY", "de"): NUREMBERG})
    geocoder = NominatimGeocoder(AGENT, transport=transport)  # 1 s between requests
    clock, slept = [100.0], []
    geocoder.rate_limiter._clock = lambda: clock[0]

    def sleep(seconds):
        slept.append(seconds)
        clock[0] += seconds

    geocoder.rate_limiter._sleep = sleep
    geocoder.geocode("Nürnberg, BY, DE")
    geocoder.geocode("Praha, CZ")
    assert slept == [1.0]


def test_answer_is_parsed_and_kept():
    geocoder, transport = make({("Nürnberg, BY", "de"): NUREMBERG})
    result = geocoder.geocode("Nürnberg, BY, DE")
    assert (result.status, result.city, result.admin1, result.country) == (
        "resolved",
        "Nuremberg",
        "BY",
        "DE",
    )
    assert (result.latitude, result.longitude) == (49.45, 11.08)
    assert result.timezone == "Europe/Berlin"  # from timezonefinder
    assert result.geocoder == "nominatim" and result.problems == []
    assert result.raw["address"]["state"] == "Bavaria"
    query, kwargs = transport.calls[0]
    assert kwargs["country_codes"] == "de" and kwargs["addressdetails"] is True


def test_each_text_is_asked_once():
    geocoder, transport = make({("Nürnberg, BY", "de"): NUREMBERG})
    for _ in range(3):
        geocoder.geocode("Nürnberg, BY, DE")
        geocoder.geocode("nürnberg,  by, de")
    assert len(transport.calls) == 1 and geocoder.lookups == 1


def test_wrong_state_is_retried_without_it_and_flagged():
    geocoder, transport = make({("Charlottesville", "us"): CHARLOTTESVILLE})
    result = geocoder.geocode("Charlottesville, NC, US")
    assert [q for q, _ in transport.calls] == ["Charlottesville, NC", "Charlottesville"]
    assert (result.status, result.admin1) == ("corrected", "VA")
    assert [k for k, _ in result.problems] == ["admin1_mismatch"]


def test_us_state_reading_after_the_country_one():
    boulder = answer(
        40.01, -105.27, city="Boulder", country_code="us", **{"ISO3166-2-lvl4": "US-CO"}
    )
    geocoder, transport = make({("Boulder, CO", "us"): boulder})
    result = geocoder.geocode("Boulder, CO")
    assert (result.status, result.country, result.admin1) == ("resolved", "US", "CO")
    assert transport.calls[0] == (
        "Boulder",
        {"exactly_one": True, "addressdetails": True, "language": "en", "country_codes": "co"},
    )


def test_non_places_and_links_send_no_request():
    geocoder, transport = make({})
    assert geocoder.geocode("Europe / Africa").status == "not_a_place"
    assert geocoder.geocode("PDT Timezone").problems == []
    assert geocoder.geocode("[Scylla](https://www.scylladb.com/)").status == "not_found"
    assert transport.calls == []


def test_not_found_is_flagged_and_remembered():
    geocoder, transport = make({})
    result = geocoder.geocode("Nowhereville, DE")
    assert result.status == "not_found" and result.problems[0][0] == "geocode_failed"
    geocoder.geocode("Nowhereville, DE")
    assert geocoder.lookups == 1


def test_service_errors_are_not_remembered():
    geocoder, transport = make({("Paris", "fr"): GeocoderServiceError("503")})
    result = geocoder.geocode("Paris, FR")
    assert result.status == "not_found" and "503" in result.problems[0][1]
    assert len(transport.calls) == 3  # geopy's RateLimiter retried twice
    transport.answers[("Paris", "fr")] = answer(
        48.85, 2.35, city="Paris", country_code="fr", **{"ISO3166-2-lvl4": "FR-IDF"}
    )
    assert geocoder.geocode("Paris, FR").status == "resolved"  # asked again


def test_other_country_is_flagged():
    copenhagen = answer(55.68, 12.57, city="Copenhagen", country_code="dk")
    geocoder, _ = make({("Copenhagen", "se"): copenhagen})
    result = geocoder.geocode("Copenhagen, SE")
    assert (result.status, result.country) == ("corrected", "DK")
    assert [k for k, _ in result.problems] == ["country_corrected"]
