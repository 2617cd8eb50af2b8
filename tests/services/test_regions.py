"""Regions come from the place, not the newsletter's section; places are geocoded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from calendar_app.geocoding import OfflineGeocoder
from calendar_app.models import Flag, Meetup, Place
from calendar_app.services import geocode
from calendar_app.services.ingest import ingest_paths

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"
SEED_001 = SAMPLES / "001_b974e00deb8cc223.txt"

pytestmark = pytest.mark.django_db


def test_san_francisco_under_oceania_is_north_america_with_a_flag():
    ingest_paths([str(SAMPLES / "004_7255190bc3e6a3fd.txt")])
    meetup = Meetup.objects.get(start_date="2023-04-18", places__city="San Francisco")
    assert meetup.sightings.get().section == "Oceania"
    assert meetup.region == "north-america"
    assert Flag.objects.filter(kind="section_mismatch", meetup=meetup).exists()


def test_virtual_europe_africa_has_no_place_and_no_region():
    ingest_paths([str(SAMPLES / "003_be00f24dea159675.txt")])
    meetups = Meetup.objects.filter(sightings__raw__contains="Virtual (Europe / Africa)")
    assert meetups.exists()
    for meetup in meetups:
        assert list(meetup.places.all()) == []
        assert meetup.region == ""
        assert meetup.attendance == "virtual"
    assert not Flag.objects.filter(place__text__contains="europe / africa").exists()


def test_every_place_text_is_geocoded_once_across_newsletters(monkeypatch):
    calls: list[str] = []
    backend = OfflineGeocoder()
    real = backend.geocode

    def counting(text: str):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(backend, "geocode", counting)
    monkeypatch.setattr(geocode, "default_geocoder", lambda: backend)
    ingest_paths([str(SAMPLES)])
    assert len(calls) == len(set(calls)) == Place.objects.count()
    ingest_paths([str(SAMPLES)], force=True)
    assert len(calls) == Place.objects.count()


def test_a_locked_place_is_not_geocoded_again():
    ingest_paths([str(SEED_001)])
    place = Place.objects.get(text="copenhagen, dk")
    place.latitude, place.longitude, place.locked = 55.0, 12.0, True
    place.save()
    ingest_paths([str(SEED_001)], force=True)
    place.refresh_from_db()
    assert (place.latitude, place.longitude) == (55.0, 12.0)
