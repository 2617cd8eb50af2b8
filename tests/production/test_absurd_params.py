"""Absurd query parameters give a 400 or a form error, never a 500 (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_meetup, make_place

LONG = "x" * 10_240
LONG_UNICODE = "Zürich 💥 " * 1_000

ABSURD: dict[str, list[tuple[str, str]]] = {
    "radius-huge": [("near", "52.52,13.40"), ("radius_km", "1e308")],
    "radius-overflow": [("near", "52.52,13.40"), ("radius_km", "9" * 400)],
    "radius-inf": [("near", "52.52,13.40"), ("radius_km", "inf")],
    "radius-nan": [("near", "52.52,13.40"), ("radius_km", "nan")],
    "radius-negative": [("near", "52.52,13.40"), ("radius_km", "-5")],
    "radius-zero": [("near", "52.52,13.40"), ("radius_km", "0")],
    "radius-text": [("near", "52.52,13.40"), ("radius_km", "far")],
    "radius-alone": [("radius_km", "50")],
    "near-nan": [("near", "nan,nan")],
    "near-inf": [("near", "inf,0")],
    "near-minus-inf": [("near", "0,-inf")],
    "near-overflow": [("near", "1e309,1")],
    "near-out-of-range": [("near", "91,181")],
    "near-pole": [("near", "90,180"), ("radius_km", "20000")],
    "near-one-number": [("near", "1")],
    "near-three-numbers": [("near", "1,2,3")],
    "near-commas": [("near", ",")],
    "near-text": [("near", "berlin")],
    "near-long": [("near", "1" * 10_240 + ",2")],
    "start-feb-30": [("start", "2024-02-30")],
    "start-month-13": [("start", "2024-13-01")],
    "start-year-0": [("start", "0000-01-01")],
    "start-five-digit-year": [("start", "99999-01-01")],
    "start-negative": [("start", "-1")],
    "start-text": [("start", "tomorrow")],
    "start-long": [("start", LONG)],
    "dates-extreme": [("start", "0001-01-01"), ("end", "9999-12-31")],
    "dates-reversed": [("start", "2030-01-01"), ("end", "2020-01-01")],
    "end-min": [("end", "0001-01-01")],
    "end-max": [("end", "9999-12-31")],
    "q-10k": [("q", LONG)],
    "q-unicode-10k": [("q", LONG_UNICODE)],
    "q-many-words": [("q", " ".join(["rust"] * 2_000))],
    "q-nul": [("q", "rust\x00meetup")],
    "q-crlf": [("q", "rust\r\nBEGIN:VEVENT\r\nX-INJECTED:1")],
    "city-crlf": [("city", "Berlin\r\nX-INJECTED:1")],
    "group-crlf": [("group", "rust\nX-INJECTED:1")],
    "q-percent-underscore": [("q", "%_%_\\")],
    "city-10k": [("city", LONG)],
    "city-nul": [("city", "\x00")],
    "group-10k": [("group", LONG)],
    "country-10k": [("country", LONG)],
    "country-bad": [("country", "ZZZ")],
    "region-bad": [("region", "atlantis")],
    "region-10k": [("region", LONG)],
    "attendance-bad": [("attendance", "telepathic")],
    "include-past-bad": [("include_past", "maybe")],
    "repeated-region": [("region", "europe"), ("region", "asia"), ("region", "nowhere")],
    "repeated-near": [("near", "1,2"), ("near", "nan,nan")],
    "repeated-start": [("start", "2024-01-01"), ("start", "bad")],
    "repeated-many": [("q", "rust")] * 500,
    "unknown-keys": [(f"k{i}", "v") for i in range(200)],
    "page-huge": [("page", "999999999")],
    "page-negative": [("page", "-1")],
    "page-text": [("page", "last; DROP TABLE calendar_app_meetup")],
    "page-overflow": [("page", "9" * 400)],
    "sql-ish": [("q", "'; DROP TABLE calendar_app_meetup; --"), ("city", "' OR 1=1 --")],
}

PATHS = ["/events/", "/feeds/events.ics", "/api/events.json", "/"]


@pytest.fixture
def some_meetups(db):
    today = timezone.localdate()
    berlin = make_place()
    make_meetup("Rust Berlin", start=today, places=[berlin])
    make_meetup(
        "Rust Sydney",
        start=today,
        region="oceania",
        places=[
            make_place(
                "Sydney, AU",
                city="Sydney",
                country="AU",
                latitude=-33.87,
                longitude=151.21,
                timezone_name="Australia/Sydney",
            )
        ],
    )


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", list(ABSURD))
def test_absurd_params_never_500(some_meetups, path, case):
    client = Client(raise_request_exception=False)
    response = client.get(f"{path}?{urlencode(ABSURD[case])}")
    allowed = {200, 400, 404} if case.startswith("page-") else {200, 400}  # 404: no such page
    assert response.status_code in allowed, (case, response.status_code)


@pytest.mark.parametrize(
    "path",
    [
        "/calendar/0000/01/",
        "/calendar/9999/12/",
        "/calendar/0001/01/",
        "/calendar/2024/00/",
        "/calendar/2024/13/",
        "/events/0/",
        "/events/99999999999999999999999/",
        "/events/99999999999999999999999.ics",
        "/groups/" + "x" * 5000 + "/",
        "/events/1/?" + "a=" * 1000,
    ],
)
def test_absurd_paths_never_500(db, path):
    client = Client(raise_request_exception=False)
    response = client.get(path)
    assert response.status_code in (200, 301, 302, 400, 404), (path, response.status_code)


@pytest.mark.parametrize("etag", ["*", "", '"' + "x" * 10_000 + '"', 'W/"1", "2", ,,,', "\x7f"])
def test_odd_if_none_match_never_500(some_meetups, etag):
    client = Client(raise_request_exception=False)
    response = client.get("/feeds/events.ics", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code in (200, 304), response.status_code


def test_invalid_filter_is_reported_not_ignored(some_meetups):
    """A bad value is not silently dropped: a 400, or no events and the error."""
    client = Client(raise_request_exception=False)
    response = client.get("/api/events.json", {"start": "2024-02-30", "include_past": "1"})
    if response.status_code == 200:
        data = response.json()
        items = data.get("events", []) if isinstance(data, dict) else data
        assert not items, "an invalid date must not fall back to an unfiltered list"
    else:
        assert response.status_code == 400


def test_month_view_extremes(db):
    client = Client(raise_request_exception=False)
    for year, month in [(1, 1), (9999, 12), (date.today().year, 1)]:
        response = client.get(f"/calendar/{year:04d}/{month:02d}/")
        assert response.status_code in (200, 404), (year, month, response.status_code)
