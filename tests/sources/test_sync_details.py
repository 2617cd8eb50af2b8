"""What a synced calendar keeps beyond the time: venue, address, GEO, description,
organiser without --group, series; a newsletter never overwrites a calendar's venue."""

from __future__ import annotations

import pytest
from django.utils import timezone

from calendar_app.models import Meetup, MeetupPlace, Series, Source
from calendar_app.services.ingest import ingest_newsletter
from tests.sources.test_sync import (
    PRAGUE_ENTRY,
    SHAPES,
    api,
    by_title,
    follow,
    newsletter,
    sync,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(server):
    sync(follow(server, *(f"/{name}.ics" for name in SHAPES)))


def meetup(title: str) -> Meetup:
    return Meetup.objects.canonical().get(title=title)


def primary_row(m: Meetup) -> MeetupPlace:
    row = MeetupPlace.objects.filter(meetup=m).order_by("position", "id").first()
    assert row is not None
    return row


def test_venue_address_and_geo_are_kept_on_the_place_link(synced):
    luma = primary_row(meetup("Rust Ottawa monthly meeting (December)"))
    assert (luma.venue, luma.address) == ("Incubator13", "815 St. Laurent Blvd, Ottawa, ON")
    assert (luma.latitude, luma.longitude) == (45.43, -75.66)
    assert luma.place.city == "Ottawa"
    nyc = primary_row(Meetup.objects.canonical().filter(title="Rust NYC hack night").first())
    assert (nyc.venue, nyc.address) == ("Recurse Center", "397 Bridge St, Brooklyn, NY 11201, USA")
    assert nyc.latitude is None  # no GEO: the pin stays on the town


def test_description_series_and_organisers_without_group(synced):
    prague = meetup("Rust Prague: Async v Praze, díl 3")
    assert "Talks and pizza." in prague.description
    assert [(g.name, g.url) for g in prague.ordered_groups()] == [
        ("Rust Prague", "https://www.meetup.com/rust-prague/")
    ]
    luma = meetup("Rust Ottawa monthly meeting (December)")
    assert [g.name for g in luma.ordered_groups()] == ["Rust Ottawa"]  # X-WR-CALNAME
    weekly = Meetup.objects.canonical().filter(title="Rust NYC hack night")
    series = Series.objects.get(key="7kq3rustnyc0weekly@google.com")
    assert series.rule_text == "every Wednesday, 19:00"
    assert {m.series_id for m in weekly} == {series.pk}
    assert weekly.count() >= 3
    # Every calendar-only meetup has an organiser
    assert not Meetup.objects.canonical().filter(meetupgroup__isnull=True).exists()
    # Google's link, from the description (its wrapper removed), is the meetup's page
    conference = meetup("RustConf North 2027")
    assert conference.url == "https://rustconf-north.example.org/2027"


def test_a_newsletter_never_overwrites_the_calendars_venue(synced, server):
    ingest_newsletter(text=newsletter(PRAGUE_ENTRY), source="twir-600.md")
    prague = meetup("Rust Prague: Async v Praze, díl 3")
    assert prague.sightings.count() == 1  # one meetup: calendar and newsletter
    row = primary_row(prague)
    assert row.venue == "Svornosti 3321/2"
    assert row.address.startswith("Svornosti 3321/2, Smíchov")
    assert (row.latitude, row.longitude) == (50.08, 14.43)


def test_a_curators_lock_keeps_their_venue(synced, server):
    luma = meetup("Rust Ottawa monthly meeting (December)")
    row = primary_row(luma)
    row.venue = "Incubator 13 (second floor)"
    row.save()
    luma.locked_fields = ["places"]
    luma.save()
    sync(follow(server, "/luma_calendar.ics?again"))
    assert primary_row(luma).venue == "Incubator 13 (second floor)"


def test_api_items_of_a_meetup_a_luma_and_a_google_event(synced, client):
    items = api(client)
    prague = by_title(items, "Rust Prague: Async v Praze, díl 3")
    assert prague["places"][0]["venue"] == "Svornosti 3321/2"
    assert (prague["places"][0]["venue_latitude"], prague["places"][0]["inferred"]) == (
        50.08,
        False,
    )
    assert "Talks and pizza." in prague["description"]
    assert prague["series"] is None
    assert prague["sources"] == [
        {"name": "meetup_group.ics", "kind": "ics", "uid": "event_312345678@meetup.com"}
    ]
    luma = by_title(items, "Rust Ottawa monthly meeting (December)")
    assert luma["places"][0]["address"] == "815 St. Laurent Blvd, Ottawa, ON"
    assert luma["groups"][0]["name"] == "Rust Ottawa"
    weekly = [i for i in items if i["title"] == "Rust NYC hack night"]
    series = weekly[0]["series"]
    assert series["rule_text"] == "every Wednesday, 19:00"
    today = timezone.localdate().isoformat()
    occurrences = sorted(
        i["start"] for i in items if i["series"] and i["series"]["id"] == series["id"]
    )
    assert series["next"] == [start for start in occurrences if start[:10] >= today][:5]
    assert "2026-12-30T19:00:00-05:00" in occurrences
    assert all(item["groups"] for item in items)  # never empty for a calendar event
    assert "127.0.0.1" not in client.get("/api/events.json", {"include_past": "1"}).content.decode()


def test_a_synced_meetup_has_one_history_row_per_sync_that_changed_it(synced, server):
    """Times, status and details a calendar sets are written together: one history row
    for the sync that made the meetup's calendar values, none for a sync that changed
    nothing."""
    prague = meetup("Rust Prague: Async v Praze, díl 3")
    rows = list(prague.history.order_by("history_id").values_list("history_type", flat=True))
    assert rows[-1] == "~" and rows.count("~") == 1  # times, zone and details: one row
    assert prague.starts_at is not None and prague.timezone == "Europe/Prague"
    Source.objects.update(etag="", last_modified="")  # fetched and merged again: no 304
    report = sync(Source.objects.all())
    assert report.not_modified == 0 and report.fetched == len(SHAPES)
    assert meetup(prague.title).history.count() == len(rows)  # nothing changed: no row
