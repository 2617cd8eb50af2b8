"""The database itself refuses duplicates and out-of-range values (SQLite and PostgreSQL).

Each test writes one good row, then shows the bad one raises IntegrityError: the rule
holds whatever code path writes (ingest, admin, bulk updates, a shell).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from calendar_app.models import Flag, Meetup, MeetupLink, Newsletter, Place
from tests.factories import make_meetup, make_place

pytestmark = pytest.mark.django_db


def rejected(write) -> None:
    """`write()` fails in the database (in a savepoint, so the test can go on)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


@pytest.fixture
def meetup():
    return make_meetup("Rust Hack and Learn", start=date(2025, 3, 13), links=[])


@pytest.fixture
def newsletter():
    return Newsletter.objects.create(
        key="600", number=600, source="twir-600.md", content_hash="x" * 64
    )


def test_one_primary_link_per_meetup(meetup):
    MeetupLink.objects.create(
        meetup=meetup, url="https://a.example/", canonical_url="a", primary=True
    )
    MeetupLink.objects.create(meetup=meetup, url="https://b.example/", canonical_url="b")
    rejected(
        lambda: MeetupLink.objects.create(
            meetup=meetup, url="https://c.example/", canonical_url="c", primary=True
        )
    )
    rejected(lambda: MeetupLink.objects.filter(canonical_url="b").update(primary=True))
    other = make_meetup("Another", start=date(2025, 3, 14), links=[])
    MeetupLink.objects.create(
        meetup=other, url="https://a.example/", canonical_url="a", primary=True
    )  # one per meetup, not one in all
    assert MeetupLink.objects.filter(primary=True).count() == 2


def test_one_primary_link_is_a_form_error_not_a_crash(meetup):
    MeetupLink.objects.create(
        meetup=meetup, url="https://a.example/", canonical_url="a", primary=True
    )
    second = MeetupLink(meetup=meetup, url="https://b.example/", canonical_url="b", primary=True)
    with pytest.raises(ValidationError, match="at most one primary link"):
        second.validate_constraints()


def test_one_unparsed_flag_per_newsletter_line(newsletter):
    Flag.objects.create(kind="unparsed", newsletter=newsletter, line=12, raw="* ???")
    Flag.objects.create(kind="date_outside_window", newsletter=newsletter, line=12)
    Flag.objects.create(kind="unparsed", newsletter=newsletter, line=13, raw="* ?")
    rejected(
        lambda: Flag.objects.create(kind="unparsed", newsletter=newsletter, line=12, raw="* ???")
    )
    rejected(
        lambda: Flag.objects.bulk_create(
            [
                Flag(kind="unparsed", newsletter=newsletter, line=14),
                Flag(kind="unparsed", newsletter=newsletter, line=14),
            ]
        )
    )
    assert Flag.objects.filter(kind="unparsed").count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "deleted"),
        ("status", ""),
        ("attendance", "telepathic"),
        ("region", "antarctica"),
        ("region", "Europe"),
    ],
)
def test_meetup_choices_are_enforced(meetup, field, value):
    rejected(lambda: Meetup.objects.filter(pk=meetup.pk).update(**{field: value}))


def test_meetup_choices_accept_every_choice_and_an_empty_region(meetup):
    for status in ("published", "hidden", "cancelled"):
        Meetup.objects.filter(pk=meetup.pk).update(status=status)
    for attendance in ("in_person", "virtual", "hybrid"):
        Meetup.objects.filter(pk=meetup.pk).update(attendance=attendance)
    Meetup.objects.filter(pk=meetup.pk).update(region="")
    assert Meetup.objects.get(pk=meetup.pk).region == ""


@pytest.mark.parametrize("country", ["de", "De", "D", "d"])
def test_place_country_is_an_upper_case_code(country):
    place = make_place("Berlin, DE", country="DE")
    make_place("Virtual", city="", country="", latitude=None, longitude=None)
    rejected(lambda: Place.objects.filter(pk=place.pk).update(country=country))
    assert Place.objects.get(pk=place.pk).country == "DE"


def test_place_save_stores_the_country_upper_case():
    place = Place.objects.create(text="wrocław, pl", city="Wrocław", country=" pl")
    place.refresh_from_db()
    assert place.country == "PL"
    place.country = "cz"
    place.full_clean()  # what the admin form does: no error for lower case
    place.save(update_fields=["country"])
    place.refresh_from_db()
    assert place.country == "CZ"


def test_a_one_letter_country_is_a_validation_error():
    place = Place(text="nowhere, x", country="x")
    with pytest.raises(ValidationError, match="two-letter ISO code"):
        place.full_clean()
