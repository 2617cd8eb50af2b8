"""Rules with one home: every caller of a rule gives the same answer (issue 21)."""

from __future__ import annotations

from datetime import date

import pytest

from calendar_app.models import Meetup, MeetupPlace
from calendar_app.services.curation import meetup_relations_saved, meetup_save
from calendar_app.services.ingest import ingest_newsletter
from calendar_app.services.merge import merge_meetups, unmerge_meetup
from tests.factories import make_group, make_meetup, make_place
from tests.services.test_ingest import newsletter_text

pytestmark = pytest.mark.django_db

DAY = date(2030, 3, 5)


def HAMBURG():  # noqa: N802 - a place, as a constant reads
    return make_place("Hamburg, DE", city="Hamburg", latitude=53.55, longitude=9.99)


# --- SEQUENCE: which changes calendar clients must pick up --------------------------------


def test_a_place_change_raises_sequence_once_whoever_makes_it(admin_user):
    """Ingest, a curator, a merge and an unmerge all give a meetup a new place; each raises
    its SEQUENCE by one (a curator's did not, and ingest raised it twice with new dates)."""
    line = "* 2024-02-{day} | {place} | [Rust Cologne](https://www.meetup.com/rustcologne/)\n"
    line += "    * [**Talk**](https://www.meetup.com/rustcologne/events/298913201/)\n"
    ingest_newsletter(
        text=newsletter_text(
            530, "2024-01-17", "2024-02-14", line.format(day="07", place="Koln, DE")
        ),
        source="a",
    )
    ingest_newsletter(  # moved to another day and another place
        text=newsletter_text(
            531, "2024-01-24", "2024-02-21", line.format(day="08", place="Bonn, DE")
        ),
        source="b",
    )
    ingested = Meetup.objects.get()
    assert ingested.sequence == 1

    curated = make_meetup("Talk", start=DAY, places=[make_place("Berlin, DE")])
    MeetupPlace.objects.filter(meetup=curated).update(place=HAMBURG())
    meetup_relations_saved(meetup=curated, user=admin_user, touched=["places"])
    curated.refresh_from_db()
    assert curated.sequence == 1

    survivor = make_meetup("Talk", start=DAY, groups=[make_group("A")])
    other = make_meetup("Talk", start=DAY, groups=[make_group("B")], places=[HAMBURG()])
    merge_meetups(survivor=survivor, others=[other])
    survivor.refresh_from_db()
    assert survivor.sequence == 1
    unmerge_meetup(meetup=Meetup.objects.get(pk=other.pk))
    survivor.refresh_from_db()
    assert survivor.sequence == 2


def test_a_curators_title_edit_leaves_sequence_and_going_online_raises_it(admin_user):
    meetup = make_meetup("Talk", start=DAY)
    meetup.title = "Another talk"
    meetup_save(meetup=meetup, user=admin_user, changed=["title"])
    assert Meetup.objects.get(pk=meetup.pk).sequence == 0
    meetup.attendance = "virtual"  # LOCATION now says "Online (Berlin, Germany)"
    meetup_save(meetup=meetup, user=admin_user, changed=["attendance"])
    assert Meetup.objects.get(pk=meetup.pk).sequence == 1
