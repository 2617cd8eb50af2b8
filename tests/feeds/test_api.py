"""/api/events.json: the JSON item contract, the shared filters, pagination."""

from __future__ import annotations

import pytest

from calendar_app.models import Flag

pytestmark = pytest.mark.django_db

API = "/api/events.json"
ITEM_KEYS = {
    "id",
    "uid",
    "title",
    "start_date",
    "end_date",
    "attendance",
    "region",
    "status",
    "start",
    "end",
    "all_day",
    "timezone",
    "url",
    "links",
    "groups",
    "places",
    "sightings",
    "sources",
    "description",
    "series",
    "flags",
}


def test_items_follow_the_contract(client, sample):
    Flag.objects.create(kind="geocode_fuzzy", message="Berlin?", meetup=sample.berlin)
    Flag.objects.create(kind="rescheduled", message="done", meetup=sample.berlin, resolved=True)
    payload = client.get(API).json()
    assert payload["count"] == len(sample.in_feed)
    item = next(e for e in payload["events"] if e["id"] == sample.berlin.pk)
    assert set(item) == ITEM_KEYS
    assert item["uid"] == str(sample.berlin.uid)
    assert item["start_date"] == sample.berlin.start_date.isoformat()
    assert item["url"] == "https://www.meetup.com/rust-berlin/events/1/"
    assert item["links"][1] == {"url": "https://youtube.com/live/x", "label": "Stream"}
    assert item["groups"] == [
        {"name": "Rust Berlin", "url": "https://www.meetup.com/rust-berlin/", "slug": "rust-berlin"}
    ]
    assert set(item["places"][0]) == {
        "text",
        "city",
        "admin1",
        "country",
        "latitude",
        "longitude",
        "timezone",
        "status",
        "venue",
        "address",
        "inferred",
        "venue_latitude",
        "venue_longitude",
    }
    assert (item["description"], item["series"]) == ("", None)
    assert item["places"][0]["inferred"] is False
    assert item["sightings"] == [
        {"newsletter": 532, "newsletter_date": "2024-01-31", "section": "Europe", "line": 10}
    ]
    assert item["flags"] == [{"kind": "geocode_fuzzy", "message": "Berlin?"}]


def test_same_filters_as_the_list(client, sample):
    ids = {e["id"] for e in client.get(API + "?attendance=virtual").json()["events"]}
    assert ids == {sample.online.pk}
    cancelled = client.get(API).json()["events"]
    assert {"cancelled"} == {e["status"] for e in cancelled if e["id"] == sample.cancelled.pk}
    all_ids = {e["id"] for e in client.get(API + "?include_past=1").json()["events"]}
    assert sample.old.pk in all_ids
    assert not {sample.hidden.pk, sample.merged.pk} & all_ids


def test_pagination(client, sample):
    first = client.get(API + "?page_size=2&region=europe").json()
    assert first["pages"] == 2 and len(first["events"]) == 2
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert second["next"] is None and len(second["events"]) == 2
    assert not {e["id"] for e in first["events"]} & {e["id"] for e in second["events"]}
    assert client.get(API + "?page=9").status_code == 404
    assert client.get(API + "?page=x").status_code == 400


def test_pages_have_their_own_etags(client, sample):
    one = client.get(API + "?page_size=2")["ETag"]
    two = client.get(API + "?page_size=2&page=2")["ETag"]
    assert one != two


def test_flag_changes_revalidate(client, sample):
    etag = client.get(API)["ETag"]
    Flag.objects.create(kind="geocode_failed", message="?", meetup=sample.online)
    assert client.get(API, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_items_equal_the_model_based_reference(sample):
    from calendar_app.models import Flag, Meetup, MeetupLink
    from calendar_app.rendering.export_json import json_items
    from tests.feeds.json_reference import for_json, meetup_to_dict

    Flag.objects.create(kind="geocode_fuzzy", message="check", meetup=sample.berlin)
    Flag.objects.create(kind="old", message="done", meetup=sample.berlin, resolved=True)
    MeetupLink.objects.filter(meetup=sample.conference).update(primary=False)
    queryset = Meetup.objects.order_by("start_date", "pk")
    assert json_items(queryset) == [meetup_to_dict(m) for m in for_json(queryset)]
    assert any(item["flags"] for item in json_items(queryset))
