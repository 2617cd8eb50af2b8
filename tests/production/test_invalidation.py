"""One home for "the public data changed": every write of a content model, however it is
made (a bare QuerySet.update, bulk_create, bulk_update, delete, save), reaches the page,
the feed and the API at the next GET; and every model of the app is either public data
(models.content.Content) or named here as private, so a new model cannot be forgotten."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db.models import F
from django.utils import timezone

from calendar_app.models import (
    Flag,
    Group,
    GroupAlias,
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Newsletter,
    Place,
    Series,
    Sighting,
    Source,
    SourceEvent,
)
from calendar_app.models.content import Content, ContentQuerySet, data_version
from calendar_app.signals import content_models
from tests.factories import make_group, make_meetup, make_newsletter, make_place, make_sighting

# Never shown to the public: the curators' queue, proposals and the listings that decide
# who is whom (their outcome is written to Group and GroupAlias, which are content).
PRIVATE = {"DuplicateCandidate", "Submission", "GroupListing"}


def test_every_model_is_public_data_or_named_private():
    for model in apps.get_app_config("calendar_app").get_models():
        name = model._meta.object_name
        if name.startswith("Historical"):  # written with the row they record
            continue
        if name in PRIVATE:
            assert not issubclass(model, Content), name
            continue
        assert issubclass(model, Content), f"{name}: public data (Content) or PRIVATE?"
        assert isinstance(model._default_manager.all(), ContentQuerySet), name
    assert {m.__name__ for m in content_models()} >= {"Meetup", "Place", "Group", "Flag"}


@pytest.fixture
def world(db):
    """A meetup with everything the API shows of it: places, organiser, link, series,
    sighting, open flag, calendar source."""
    day = timezone.localdate() + timedelta(days=5)
    meetup = make_meetup(
        "Rust Night",
        start=day,
        places=[make_place("Köln, DE", city="Köln")],
        groups=[make_group("Rust Cologne")],
        links=[("https://www.meetup.com/rust-cologne/events/1/", "Rust Night")],
    )
    series = Series.objects.create(key="uid-series", rule_text="every Monday, 19:00")
    Meetup.objects.filter(pk=meetup.pk).update(series=series)
    MeetupPlace.objects.filter(meetup=meetup).update(venue="Old Venue")
    make_sighting(meetup, make_newsletter(600, date(2024, 1, 31)), section="Europe")
    Flag.objects.create(kind="rescheduled", meetup=meetup, message="old flag message")
    source = Source.objects.create(url="https://example.org/a.ics", name="Old calendar")
    SourceEvent.objects.create(source=source, uid="old-uid", meetup=meetup, raw="", values={})
    return meetup


def api(client) -> str:
    response = client.get("/api/events.json")
    assert response.status_code == 200
    return json.dumps(response.json(), ensure_ascii=False)


def feed(client) -> str:
    response = client.get("/feeds/events.ics")
    assert response.status_code == 200
    return response.content.decode().replace("\r\n ", "")  # unfold long lines


def page(client, meetup: Meetup) -> str:
    response = client.get(f"/events/{meetup.pk}/")
    assert response.status_code == 200
    return response.content.decode()


# model, the bare update, the text it makes visible, where it shows (api, feed, page)
UPDATES: list[tuple[type, Callable[[Meetup], object], str, tuple[str, ...]]] = [
    (
        Meetup,
        lambda m: Meetup.objects.filter(pk=m.pk).update(title="Renamed Night"),
        "Renamed Night",
        ("api", "feed", "page"),
    ),
    (
        Group,
        lambda m: Group.objects.filter(meetups=m).update(name="Rust Köln Crew"),
        "Rust Köln Crew",
        ("api", "feed", "page"),
    ),
    (
        Place,
        lambda m: Place.objects.filter(meetups=m).update(city="Bonn"),
        "Bonn",
        ("api", "feed", "page"),
    ),
    (
        MeetupPlace,
        lambda m: MeetupPlace.objects.filter(meetup=m).update(venue="New Venue Hall"),
        "New Venue Hall",
        ("api", "feed", "page"),
    ),
    (
        MeetupLink,
        lambda m: MeetupLink.objects.filter(meetup=m).update(
            url="https://www.meetup.com/rust-cologne/events/2/"
        ),
        "rust-cologne/events/2/",
        ("api", "feed", "page"),
    ),
    (
        MeetupGroup,
        lambda m: MeetupGroup.objects.filter(meetup=m).update(group=make_group("Ferris Club")),
        "Ferris Club",
        ("api", "feed", "page"),
    ),
    (
        Series,
        lambda m: Series.objects.filter(meetups=m).update(rule_text="every Friday, 18:00"),
        "very Friday, 18:00",  # the page says "Every ..."
        ("api", "page"),
    ),
    (
        Newsletter,
        lambda m: Newsletter.objects.update(number=777),
        '"newsletter": 777',
        ("api",),
    ),
    (
        Sighting,
        lambda m: Sighting.objects.filter(meetup=m).update(section="Asia"),
        '"section": "Asia"',
        ("api",),
    ),
    (
        Flag,
        lambda m: Flag.objects.filter(meetup=m).update(message="new flag message"),
        "new flag message",
        ("api",),
    ),
    (
        Source,
        lambda m: Source.objects.update(name="New calendar"),
        "New calendar",
        ("api",),
    ),
    (
        SourceEvent,
        lambda m: SourceEvent.objects.filter(meetup=m).update(uid="new-uid"),
        "new-uid",
        ("api",),
    ),
]


@pytest.mark.parametrize(
    ("model", "update", "shown", "where"), UPDATES, ids=[u[0].__name__ for u in UPDATES]
)
def test_a_bare_update_shows_at_the_next_get(client, world, model, update, shown, where):
    views = {"api": lambda: api(client), "feed": lambda: feed(client)}
    views["page"] = lambda: page(client, world)
    before = {name: views[name]() for name in where}  # now cached
    for name in where:
        assert shown not in before[name], name
        assert views[name]() == before[name]  # served again from the cache
    update(world)
    for name in where:
        assert shown in views[name](), f"{model.__name__}: {name} is stale"


def test_group_alias_update_bumps_the_version(world):
    version = data_version()
    GroupAlias.objects.update(pinned=True)
    assert data_version() != version


@pytest.mark.parametrize("model", content_models(), ids=lambda m: m.__name__)
def test_every_write_without_a_signal_bumps_the_version(db, model):
    """QuerySet.update and delete send no signal per row: still a new version, whatever
    the model (bulk_create and bulk_update: the test below)."""
    rows = model._default_manager.filter(pk=-1)
    key = model._meta.pk.attname
    for write in (lambda: rows.update(**{key: F(key)}), rows.delete):
        version = data_version()
        write()
        assert data_version() != version


def test_bulk_create_and_bulk_update_bump_the_version_and_show(client, world):
    before = api(client)
    clone = Meetup.objects.get(pk=world.pk)
    clone.pk, clone.uid, clone.title = None, uuid.uuid4(), "Bulk Night"
    (created,) = Meetup.objects.bulk_create([clone])
    assert "Bulk Night" in api(client) != before
    created.title = "Bulk Night Renamed"
    Meetup.objects.bulk_update([created], ["title"])
    assert "Bulk Night Renamed" in api(client)
    Meetup.objects.filter(pk=created.pk).delete()
    assert "Bulk Night" not in api(client)
