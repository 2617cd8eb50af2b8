"""What clients see over HTTP: headers, conditional GET, errors."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.http import http_date, parse_http_date

from calendar_app.models import Group, Meetup, Newsletter, Place
from calendar_app.models.content import data_version_bump
from tests.factories import make_meetup, make_place

pytestmark = pytest.mark.django_db

FEED = "/feeds/events.ics"
API = "/api/events.json"


def test_subscription_headers(client, sample):
    response = client.get(FEED)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Content-Disposition" not in response
    assert response["ETag"].startswith('"') and not response["ETag"].startswith("W/")
    assert "max-age=3600" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    # When this data version was first rendered: never before the newest change it shows.
    stamps = [m.updated for m in Meetup.objects.all()]
    stamps += [n.ingested_at for n in Newsletter.objects.all()]
    stamps += [h.history_date for h in Place.history.all()]
    stamps += [h.history_date for h in Group.history.all()]
    assert parse_http_date(response["Last-Modified"]) >= int(max(stamps).timestamp())


def test_single_meetup_download(client, sample):
    response = client.get(reverse("meetup_ics", args=[sample.berlin.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["ETag"]


def test_single_meetup_hidden_is_404_and_merged_redirects(client, sample):
    assert client.get(reverse("meetup_ics", args=[sample.hidden.pk])).status_code == 404
    assert client.get(reverse("meetup_ics", args=[99999])).status_code == 404
    response = client.get(reverse("meetup_ics", args=[sample.merged.pk]))
    assert response.status_code == 301
    assert response["Location"] == reverse("meetup_ics", args=[sample.berlin.pk])


@pytest.mark.parametrize("url", [FEED, API, "/events/1.ics"])
def test_if_none_match_200_then_304_then_200_after_an_edit(client, sample, url):
    url = url.replace("/1.ics", f"/{sample.berlin.pk}.ics")
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"] == first["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    sample.berlin.refresh_from_db()
    sample.berlin.title = "Rust Hack and Learn (new venue)"
    sample.berlin.save()
    after = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert after["ETag"] != etag
    assert b"new venue" in after.content


def test_if_modified_since_is_compared(client, sample):
    first = client.get(FEED)
    last_modified = first["Last-Modified"]
    assert client.get(FEED, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    earlier = http_date(parse_http_date(last_modified) - 60)
    assert client.get(FEED, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200
    time.sleep(1.01)  # HTTP dates have whole seconds
    sample.online.refresh_from_db()
    sample.online.save()
    assert client.get(FEED, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


def test_etag_changes_when_a_meetup_enters_or_leaves_the_filter(client, sample):
    etag = client.get(FEED + "?region=europe")["ETag"]
    make_meetup("Rust Tokyo", region="asia")
    assert client.get(FEED + "?region=europe", HTTP_IF_NONE_MATCH=etag).status_code == 304
    sample.tricky.refresh_from_db()
    sample.tricky.status = "hidden"
    sample.tricky.save()
    response = client.get(FEED + "?region=europe", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert b"Ferris" not in response.content


def test_etag_changes_when_a_place_is_corrected(client, sample):
    """A place edit does not stamp its meetups, but the feed shows it: the ETag must move."""
    etag = client.get(FEED)["ETag"]
    place = make_place()  # Berlin, as the sample uses
    place.latitude = 52.5
    place.save()
    response = client.get(FEED, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert b"GEO:52.5;13.405" in response.content


def test_etag_does_not_depend_on_parameter_order_or_junk(client, sample):
    etag = client.get(FEED + "?region=europe&attendance=in_person")["ETag"]
    other = client.get(FEED + "?attendance=in_person&utm_source=x&region=europe&q=")
    assert other["ETag"] == etag
    assert client.get(FEED + "?region=asia")["ETag"] != etag


@pytest.mark.parametrize(
    "query",
    [
        "?region=atlantis",
        "?start=yesterday",
        "?near=north",
        "?radius_km=-5",
        "?country=Germany",
        "?attendance=maybe",
    ],
)
def test_invalid_filters_are_400_not_500(client, sample, query):
    response = client.get(FEED + query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    api = client.get(API + query)
    assert api.status_code == 400
    assert "errors" in api.json()


def test_head_and_post(client, sample):
    assert client.head(FEED).status_code == 200
    assert client.post(FEED).status_code == 405


def test_feed_window_is_thirty_days(client, sample):
    recent = make_meetup("Last Month", start=sample.cancelled.start_date - timedelta(days=9))
    body = client.get(FEED).content
    assert str(recent.uid).encode() in body  # 29 days ago
    assert str(sample.old.uid).encode() not in body  # 40 days ago


def test_include_past_zero_keeps_the_window(client, sample):
    body = client.get(FEED + "?include_past=0").content
    assert str(sample.old.uid).encode() not in body
    assert str(sample.old.uid).encode() in client.get(FEED + "?include_past=1").content


def test_a_repeated_request_is_served_from_the_kept_feed(client, django_assert_num_queries):
    """The same data version means the same data: no second render, the same bytes."""
    first = client.get("/feeds/events.ics")
    with django_assert_num_queries(0):
        second = client.get("/feeds/events.ics")
    assert second.content == first.content and second["ETag"] == first["ETag"]


def test_any_spelling_of_a_filter_is_served_from_the_one_rendered_feed(
    client, sample, django_assert_max_num_queries
):
    """Unknown parameters and the order of the known ones name no new feed: a random query
    string cannot make the server render again."""
    first = client.get("/feeds/events.ics?region=europe&include_past=1")
    assert first.status_code == 200
    for query in (
        "include_past=1&region=europe",
        "region=europe&include_past=1&utm_source=x&nonce=81723",
        "nonce=1&include_past=1&region=europe&page=9",
    ):
        with django_assert_max_num_queries(0):
            again = client.get(f"/feeds/events.ics?{query}")
        assert again.content == first.content and again["ETag"] == first["ETag"]


def test_a_feed_is_bounded_in_time_and_size(client, settings, monkeypatch):
    """include_past or an old start reach back a year at most; past the size bound the
    upcoming meetups are kept (soonest first) and the oldest of the past dropped."""
    from datetime import date, timedelta

    from calendar_app.queries import selectors
    from tests.factories import make_meetup

    today = date.today()
    old = make_meetup("Two years ago", start=today - timedelta(days=730))
    months = [make_meetup(f"Past {n}", start=today - timedelta(days=30 * n)) for n in (1, 2, 3)]
    coming = [make_meetup(f"Coming {n}", start=today + timedelta(days=7 * n)) for n in (1, 2)]

    def uids(query: str) -> set[str]:
        body = client.get("/feeds/events.ics?" + query).content.decode()
        return {line[4:].strip() for line in body.splitlines() if line.startswith("UID:")}

    everything = uids("include_past=1")
    assert not any(str(old.uid) in u for u in everything)  # beyond a year
    assert all(any(str(m.uid) in u for u in everything) for m in months + coming)
    assert not any(str(old.uid) in u for u in uids(f"start={today.year - 3}-01-01"))
    monkeypatch.setattr(selectors, "FEED_MAX_EVENTS", 4)
    data_version_bump()  # a new bound is new code: what was kept before is stale
    bounded = uids("include_past=1&bound=4")
    kept = {m.title for m in months + coming if any(str(m.uid) in u for u in bounded)}
    assert kept == {"Coming 1", "Coming 2", "Past 1", "Past 2"}
    monkeypatch.setattr(selectors, "FEED_MAX_EVENTS", 1)
    data_version_bump()
    kept = {m.title for m in months + coming if any(str(m.uid) in u for u in uids("x=1"))}
    assert kept == {"Coming 1"}


def test_gzip_for_clients_that_accept_it(client, sample):
    import gzip

    plain = client.get("/feeds/events.ics")
    packed = client.get("/feeds/events.ics", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content)
    assert packed["ETag"] == plain["ETag"][:-1] + '-gzip"'  # another representation
    mixed = client.get(
        "/feeds/events.ics", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=plain["ETag"]
    )
    assert mixed.status_code == 200 and mixed["Content-Encoding"] == "gzip"
    refused = client.get("/feeds/events.ics", HTTP_ACCEPT_ENCODING="gzip;q=0")
    assert "Content-Encoding" not in refused
    again = client.get(
        "/feeds/events.ics", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"]
    )
    assert again.status_code == 304
