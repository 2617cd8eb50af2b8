"""`geocode_places` and the Place service (Django; skipped under ``-p no:django``)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings as django_settings

if not django_settings.configured:
    pytest.skip("needs pytest-django", allow_module_level=True)

from django.core.management import call_command

from calendar_app.geocoding import OfflineGeocoder
from calendar_app.models import Flag, Place
from calendar_app.services import geocode as service
from tests.factories import make_meetup, make_place

pytestmark = pytest.mark.django_db


class Counting:
    """Wraps a geocoder and counts the texts that reach it."""

    name = "offline"

    def __init__(self, inner):
        self.inner = inner
        self.calls: list[str] = []

    def geocode(self, text):
        self.calls.append(text)
        return self.inner.geocode(text)


@pytest.fixture
def counting(gazetteer):
    return Counting(OfflineGeocoder(gazetteer=gazetteer))


def pending(written: str) -> Place:
    return Place.objects.create(text=written.casefold(), written=written)


def run(*args: str) -> str:
    out = StringIO()
    call_command("geocode_places", *args, stdout=out)
    return out.getvalue()


def test_geocode_place_fills_the_fields(counting):
    place = pending("Nürnberg, BY, DE")
    assert service.geocode_place(place, geocoder=counting) == []
    place.refresh_from_db()
    assert (place.city, place.admin1, place.country, place.status) == (
        "Nuremberg",
        "BY",
        "DE",
        "resolved",
    )
    assert place.timezone == "Europe/Berlin" and place.geocoder == "offline"
    assert place.latitude is not None and round(place.latitude, 1) == 49.5
    assert place.raw["name"] == "Nuremberg"
    assert place.geocoded_at is not None and counting.calls == ["Nürnberg, BY, DE"]


def test_geocode_place_returns_problems_and_leaves_locked_places(counting):
    wrong = pending("Charlottesville, NC, US")
    problems = service.geocode_place(wrong, geocoder=counting)
    assert [kind for kind, _ in problems] == ["admin1_mismatch"]
    assert (wrong.admin1, wrong.status) == ("VA", "corrected")
    locked = make_place("Somewhere, DE", city="Kassel", status="resolved")
    locked.locked = True
    locked.save()
    assert service.geocode_place(locked, geocoder=counting) == []
    locked.refresh_from_db()
    assert locked.city == "Kassel" and len(counting.calls) == 1


def test_default_run_geocodes_only_new_places(counting):
    pending("Lehi, UT, US")
    pending("Aukland, NZ")
    pending("Global")
    make_place("Berlin, DE")  # already resolved
    report = service.geocode_places(geocoder=counting)
    assert (report.considered, report.geocoded, report.flagged) == (3, 3, 1)
    assert report.by_status == {"resolved": 1, "fuzzy": 1, "not_a_place": 1}
    assert Flag.objects.get().kind == "geocode_fuzzy"
    again = service.geocode_places(geocoder=counting)
    assert again.considered == 0 and len(counting.calls) == 3  # no second lookup


def test_retry_failed_and_all(counting):
    pending("Nowhereville")  # no country either: nothing to place it in
    service.geocode_places(geocoder=counting)
    assert Place.objects.get().status == "not_found"
    assert service.geocode_places(geocoder=counting).considered == 0
    assert service.geocode_places(geocoder=counting, retry_failed=True).considered == 1
    assert Flag.objects.filter(kind="geocode_failed").count() == 1  # not raised twice
    make_place("Vienna, AT", city="Wien?", country="DE")  # a bad old answer
    report = service.geocode_places(geocoder=counting, everything=True)
    assert report.considered == 2 and report.changed == 1
    vienna = Place.objects.get(text="vienna, at")
    assert (vienna.city, vienna.country) == ("Vienna", "AT")


def test_region_follows_a_corrected_country(counting):
    place = make_place("Copenhagen, SE", city="", country="SE", status="not_found")
    meetup = make_meetup(places=[place], region="europe")
    other = make_meetup(
        places=[make_place("Tokyo, JP", city="Tokyo", country="JP"), place], region="asia"
    )
    service.geocode_places(geocoder=counting, retry_failed=True)
    place.refresh_from_db()
    assert (place.country, place.status) == ("DK", "corrected")
    meetup.refresh_from_db()
    other.refresh_from_db()
    assert meetup.region == "europe" and other.region == "asia"  # not its primary place
    assert Flag.objects.get(place=place).kind == "country_corrected"


def test_region_updated_unless_locked(counting):
    place = make_place("Columbus, IL", city="", country="IL", status="pending")
    free = make_meetup(places=[place], region="asia")
    locked = make_meetup(places=[place], region="asia")
    locked.locked_fields = ["region"]
    locked.save()
    report = service.geocode_places(geocoder=counting)
    free.refresh_from_db()
    locked.refresh_from_db()
    assert (free.region, locked.region) == ("north-america", "asia")
    assert report.meetups_updated == 1


def test_command_prints_counts(settings):
    settings.GEOCODER = "offline"
    pending("Brookline, MA, US")
    pending("PDT Timezone")
    out = run()
    assert "geocoded 2 of 2 places" in out and "not_a_place=1" in out and "resolved=1" in out
    assert "geocoded 0 of 0" in run()
    assert "geocoded 2 of 2" in run("--all")
    assert "geocoded 0 of 0" in run("--retry-failed")
    with pytest.raises(Exception):  # noqa: B017 - argparse: the two are exclusive
        run("--all", "--retry-failed")
