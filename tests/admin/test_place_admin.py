"""Places: a curator's correction locks the place; "geocode again" asks the geocoder anew."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.admin.conftest import action_data, change_form_data
from tests.factories import make_meetup, make_place

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:calendar_app_place_changelist")


def change_url(place) -> str:
    return reverse("admin:calendar_app_place_change", args=[place.pk])


def test_correcting_a_place_locks_it_and_shows_its_meetups(curator_client, curator):
    place = make_place(
        "Charlottesville, NC, US",
        city="Charlottesville",
        country="US",
        admin1="NC",
        latitude=35.0,
        longitude=-79.0,
        timezone_name="America/New_York",
    )
    meetup = make_meetup("Crafting Interpreters", places=[place], region="north-america")
    page = curator_client.get(change_url(place))
    assert reverse("admin:calendar_app_meetup_change", args=[meetup.pk]) in page.content.decode()

    data = change_form_data(page)
    data.update(admin1="VA", latitude=38.03, longitude=-78.48)
    assert curator_client.post(change_url(place), data).status_code == 302

    place.refresh_from_db()
    assert (place.admin1, place.latitude, place.longitude) == ("VA", 38.03, -78.48)
    assert place.locked
    assert place.history.latest().history_user == curator


def test_saving_without_changes_does_not_lock(curator_client):
    place = make_place()
    curator_client.post(change_url(place), change_form_data(curator_client.get(change_url(place))))
    place.refresh_from_db()
    assert not place.locked


def test_geocode_again_unlocks_and_geocodes(curator_client):
    place = make_place("Berlin, DE", city="Wrong", country="DE", latitude=0.0, longitude=0.0)
    place.locked = True
    place.save()

    response = curator_client.post(CHANGELIST, action_data("geocode_again", [place]))

    assert response.status_code == 302
    place.refresh_from_db()
    assert not place.locked
    assert place.city == "Berlin"
    assert round(place.latitude) == 53 and round(place.longitude) == 13


def test_changelist_filters_by_status_and_lock(curator_client):
    make_place()
    make_place("Aukland, NZ", city="Auckland", country="NZ", status="fuzzy")
    page = curator_client.get(CHANGELIST, {"status__exact": "fuzzy"})
    assert page.context["cl"].result_count == 1


def test_correcting_the_country_moves_its_meetups_region(curator_client):
    place = make_place("Copenhagen, US", city="Copenhagen", country="US")
    meetup = make_meetup("Rust Copenhagen", places=[place], region="north-america")
    locked = make_meetup("Locked region", places=[place], region="north-america")
    locked.locked_fields = ["region"]
    locked.save()
    data = change_form_data(curator_client.get(change_url(place)))
    data["country"] = "DK"

    assert curator_client.post(change_url(place), data).status_code == 302

    meetup.refresh_from_db()
    locked.refresh_from_db()
    assert (meetup.region, locked.region) == ("europe", "north-america")
