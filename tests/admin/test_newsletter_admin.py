"""Newsletters: what each issue brought (sightings, flags) and ingesting it again."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from calendar_app.models import Flag, Newsletter, Sighting
from tests.admin.conftest import action_data
from tests.factories import make_meetup, make_newsletter, make_sighting

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parents[1] / "fixtures" / "samples" / "2024-01-17-this-week-in-rust.md"


def test_newsletter_page_lists_its_sightings_and_flags(curator_client):
    newsletter = make_newsletter()
    meetup = make_meetup("Rust Hack and Learn")
    make_sighting(meetup, newsletter, line=12)
    Flag.objects.create(kind="unparsed", newsletter=newsletter, line=99, message="no date")

    page = curator_client.get(reverse("admin:calendar_app_newsletter_change", args=[newsletter.pk]))

    html = page.content.decode()
    assert reverse("admin:calendar_app_meetup_change", args=[meetup.pk]) in html
    assert "| Berlin, DE |" in html
    assert "no date" in html


def test_ingest_again_from_source(curator_client):
    from calendar_app.services.ingest import ingest_paths

    ingest_paths([str(SAMPLE)])
    newsletter = Newsletter.objects.get()
    Sighting.objects.filter(newsletter=newsletter).delete()

    response = curator_client.post(
        reverse("admin:calendar_app_newsletter_changelist"),
        action_data("ingest_again", [newsletter]),
    )

    assert response.status_code == 302
    assert Sighting.objects.filter(newsletter=newsletter).count() > 40
