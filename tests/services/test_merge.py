"""Merging meetups and groups, and undoing a meetup merge."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from calendar_app.models import Flag, GroupAlias, Meetup, MeetupLink, Source, SourceEvent
from calendar_app.services.joins import merge_groups
from calendar_app.services.merge import merge_meetups, unmerge_meetup
from tests.factories import (
    make_group,
    make_meetup,
    make_newsletter,
    make_place,
    make_sighting,
)

pytestmark = pytest.mark.django_db

DAY = date(2030, 2, 1)
SHARED = "https://www.meetup.com/rust-berlin/events/1/"


@pytest.fixture
def pair():
    """The same event listed twice: in person in Berlin and as a virtual mirror."""
    newsletter = make_newsletter()
    berlin = make_place()
    online = make_place("Virtual (Berlin, DE)".casefold(), city="", country="")
    survivor = make_meetup(
        "Rust Hack n Learn",
        start=DAY,
        places=[berlin],
        groups=[make_group("Rust Berlin")],
        links=[(SHARED, "Rust Hack n Learn")],
    )
    other = make_meetup(
        "Rust Hack and Learn",
        start=DAY,
        attendance="virtual",
        places=[online, berlin],
        groups=[make_group("OpenTechSchool")],
        links=[("https://meet.jit.si/RustBerlin", "Rust Hack and Learn"), (SHARED, "Mirror")],
    )
    make_sighting(survivor, newsletter, line=10)
    make_sighting(other, newsletter, line=20)
    Flag.objects.create(kind="possible_duplicate", meetup=other, message="same as survivor?")
    return survivor, other


def test_merge_moves_everything_to_the_survivor(pair):
    survivor, other = pair
    uid = survivor.uid

    merge_meetups(survivor=survivor, others=[other])

    survivor.refresh_from_db()
    other.refresh_from_db()
    assert other.duplicate_of == survivor
    assert survivor.uid == uid
    assert survivor.sightings.count() == 2
    assert [g.name for g in survivor.ordered_groups()] == ["Rust Berlin", "OpenTechSchool"]
    assert [p.text for p in survivor.ordered_places()] == ["berlin, de", "virtual (berlin, de)"]
    assert [link.url for link in survivor.ordered_links()] == [
        SHARED,
        "https://meet.jit.si/RustBerlin",
    ]
    assert survivor.primary_link.url == SHARED
    assert survivor.flags.count() == 1
    assert survivor.sequence == 1  # its places changed
    assert {"places", "groups", "links"} <= set(survivor.locked_fields)
    assert list(Meetup.objects.published()) == [survivor]


def test_merging_differently_dated_meetups_locks_the_survivors_dates(pair):
    survivor, other = pair
    other.start_date = other.end_date = date(2030, 2, 8)
    other.save()
    merge_meetups(survivor=survivor, others=[other])
    survivor.refresh_from_db()
    assert {"start_date", "end_date"} <= set(survivor.locked_fields)
    assert survivor.start_date == DAY


def test_unmerge_restores_what_moved(pair):
    survivor, other = pair
    before = {
        "survivor_links": set(survivor.links.values_list("id", flat=True)),
        "other_links": set(other.links.values_list("id", flat=True)),
        "other_places": [p.pk for p in other.ordered_places()],
        "other_groups": [g.pk for g in other.ordered_groups()],
    }
    merge_meetups(survivor=survivor, others=[other])

    unmerge_meetup(meetup=Meetup.objects.get(pk=other.pk))

    survivor.refresh_from_db()
    other.refresh_from_db()
    assert other.duplicate_of is None and other.merge_record == {"apart": [survivor.pk]}
    assert set(survivor.links.values_list("id", flat=True)) == before["survivor_links"]
    assert set(other.links.values_list("id", flat=True)) == before["other_links"]
    assert [p.pk for p in other.ordered_places()] == before["other_places"]
    assert [g.pk for g in other.ordered_groups()] == before["other_groups"]
    assert other.sightings.count() == 1 and survivor.sightings.count() == 1
    assert other.flags.count() == 1
    assert survivor.locked_fields == []
    assert MeetupLink.objects.get(meetup=other, url="https://meet.jit.si/RustBerlin").primary


def test_meetups_merged_into_a_merged_one_follow_to_the_new_survivor():
    a, b, c = make_meetup("A"), make_meetup("B"), make_meetup("C")
    merge_meetups(survivor=b, others=[a])
    merge_meetups(survivor=c, others=[b])

    assert Meetup.objects.get(pk=a.pk).duplicate_of == c
    unmerge_meetup(meetup=Meetup.objects.get(pk=b.pk))
    assert Meetup.objects.get(pk=a.pk).duplicate_of == b


def test_merge_refuses_merged_meetups():
    a, b, c = make_meetup("A"), make_meetup("B"), make_meetup("C")
    merge_meetups(survivor=b, others=[a])
    with pytest.raises(ValueError):
        merge_meetups(survivor=a, others=[c])
    with pytest.raises(ValueError):
        merge_meetups(survivor=c, others=[a])
    with pytest.raises(ValueError):
        unmerge_meetup(meetup=c)


def test_merge_records_the_curator_in_history(pair, django_user_model):
    survivor, other = pair
    user = django_user_model.objects.create_user("carol")
    merge_meetups(survivor=survivor, others=[other], user=user)
    latest = Meetup.objects.get(pk=other.pk).history.latest()
    assert latest.history_user == user
    assert latest.history_change_reason == f"Merged into meetup #{survivor.pk}"


def test_merge_groups_moves_aliases_and_meetups():
    keep, dupe = make_group("Rust Berlin"), make_group("Rust Berlin e.V.")
    GroupAlias.objects.create(group=dupe, key="url:https://meetup.com/rust-berlin-ev")
    shared = make_meetup("Shared", groups=[dupe, keep])
    own = make_meetup("Own", groups=[dupe])

    merge_groups(survivor=keep, others=[dupe])

    assert GroupAlias.objects.get(key="url:https://meetup.com/rust-berlin-ev").group == keep
    assert GroupAlias.objects.get(key="name:rust berlin e.v.").group == keep
    assert shared.ordered_groups() == [keep]
    assert own.ordered_groups() == [keep]


def test_a_merge_brings_the_calendars_provenance_and_time_and_unmerge_takes_them_back():
    listed = make_meetup("Rust Hack and Learn", start=DAY)
    starts = datetime.combine(DAY, time(18, 30), tzinfo=ZoneInfo("Europe/Berlin"))
    from_calendar = make_meetup("Hack and Learn", start=DAY, starts_at=starts)
    source = Source.objects.create(url="https://www.meetup.com/rust-berlin/events/ical/")
    seen = SourceEvent.objects.create(source=source, uid="event_1@meetup.com", meetup=from_calendar)

    merge_meetups(survivor=listed, others=[from_calendar])
    listed.refresh_from_db()
    seen.refresh_from_db()
    assert seen.meetup == listed
    assert (listed.starts_at, listed.timezone) == (starts, "Europe/Berlin")

    unmerge_meetup(meetup=Meetup.objects.get(pk=from_calendar.pk))
    listed.refresh_from_db()
    seen.refresh_from_db()
    assert seen.meetup_id == from_calendar.pk
    assert (listed.starts_at, listed.timezone) == (None, "")
