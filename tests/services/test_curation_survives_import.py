"""Curators' edits stick: import all samples, curate in the admin, import again, all intact."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from calendar_app.models import Meetup, MeetupLink, Place, Sighting
from tests.admin.conftest import action_data, change_form_data

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parents[1] / "fixtures" / "samples"
CHANGELIST = reverse("admin:calendar_app_meetup_changelist")


@pytest.fixture
def curator_client() -> Client:
    user = User.objects.create_user("carol", is_staff=True)
    user.groups.add(AuthGroup.objects.get(name="curators"))
    client = Client()
    client.force_login(user)
    return client


def seen_meetups(count: int) -> list[Meetup]:
    """Distinct meetups seen in several issues, identified by an event-specific link."""
    specific = MeetupLink.objects.filter(event_specific=True, primary=True).values("meetup")
    candidates = (
        Meetup.objects.canonical()
        .filter(pk__in=specific, attendance="in_person")
        .exclude(places=None)
        .order_by("start_date", "pk")
    )
    picked = [m for m in candidates if m.sightings.count() >= 2][:count]
    assert len(picked) == count
    return picked


def edit(client: Client, meetup: Meetup, **changes) -> None:
    url = reverse("admin:calendar_app_meetup_change", args=[meetup.pk])
    data = change_form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]


def test_every_curator_edit_survives_a_second_import(curator_client):
    from calendar_app.services.ingest import ingest_paths

    ingest_paths([str(SAMPLES)])
    renamed, redated, hidden, survivor, merged, moved = seen_meetups(6)
    new_day = redated.start_date + timedelta(days=1)
    other_place = Place.objects.exclude(meetups=moved).filter(status="resolved").first()
    corrected = hidden.ordered_places()[0]

    edit(curator_client, renamed, title="Renamed by a curator")
    edit(curator_client, redated, start_date=new_day, end_date=new_day)
    curator_client.post(CHANGELIST, action_data("hide", [hidden]))
    curator_client.post(
        CHANGELIST,
        action_data("merge_selected", [survivor, merged], confirm="yes", survivor=survivor.pk),
    )
    edit(curator_client, moved, **{"meetupplace_set-0-place": other_place.pk})
    place_url = reverse("admin:calendar_app_place_change", args=[corrected.pk])
    place_data = change_form_data(curator_client.get(place_url))
    place_data.update(latitude=1.5, longitude=2.5)
    assert curator_client.post(place_url, place_data).status_code == 302
    merged_lines = set(
        Sighting.objects.filter(meetup=survivor).values_list("newsletter__key", "line")
    )
    canonical_before = Meetup.objects.canonical().count()

    ingest_paths([str(SAMPLES)], force=True)

    for meetup in (renamed, redated, hidden, survivor, merged, moved, corrected):
        meetup.refresh_from_db()
    assert renamed.title == "Renamed by a curator"
    assert (redated.start_date, redated.end_date) == (new_day, new_day)
    assert hidden.status == "hidden"
    assert merged.duplicate_of == survivor
    assert (
        set(Sighting.objects.filter(meetup=survivor).values_list("newsletter__key", "line"))
        >= merged_lines
    )
    assert not Sighting.objects.filter(meetup=merged).exists()
    assert moved.ordered_places() == [other_place]
    assert (corrected.latitude, corrected.longitude, corrected.locked) == (1.5, 2.5, True)
    assert Meetup.objects.canonical().count() == canonical_before
