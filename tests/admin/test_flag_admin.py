"""The flag review queue: open flags by kind, each linking to what it concerns."""

from __future__ import annotations

import pytest
from django.urls import reverse

from calendar_app.models import Flag
from tests.admin.conftest import action_data
from tests.factories import make_meetup, make_newsletter, make_place

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:calendar_app_flag_changelist")


def test_queue_shows_open_flags_with_links_to_what_they_concern(curator_client):
    meetup = make_meetup("Rust Hack and Learn")
    place = make_place("Aukland, NZ", city="Auckland", country="NZ")
    newsletter = make_newsletter()
    Flag.objects.create(kind="possible_duplicate", meetup=meetup, message="twice?")
    Flag.objects.create(kind="geocode_fuzzy", place=place, message="Aukland?")
    Flag.objects.create(kind="unparsed", newsletter=newsletter, line=42, raw="* garbage")
    Flag.objects.create(kind="rescheduled", meetup=meetup, resolved=True)

    page = curator_client.get(CHANGELIST, {"scope": "all"})

    assert page.context["cl"].result_count == 3
    html = page.content.decode()
    assert reverse("admin:calendar_app_meetup_change", args=[meetup.pk]) in html
    assert reverse("admin:calendar_app_place_change", args=[place.pk]) in html
    assert reverse("admin:calendar_app_newsletter_change", args=[newsletter.pk]) in html
    by_kind = curator_client.get(CHANGELIST, {"kind": "unparsed", "scope": "all"})
    assert by_kind.context["cl"].result_count == 1
    resolved = curator_client.get(CHANGELIST, {"state": "resolved", "scope": "all"})
    assert resolved.context["cl"].result_count == 1


def test_resolve_in_bulk_records_who_and_when(curator_client, curator):
    meetup = make_meetup()
    flags = [Flag.objects.create(kind="geocode_fuzzy", meetup=meetup) for _ in range(3)]

    response = curator_client.post(CHANGELIST, action_data("resolve", flags[:2]))

    assert response.status_code == 302
    resolved = Flag.objects.filter(resolved=True)
    assert resolved.count() == 2
    assert {flag.resolved_by for flag in resolved} == {curator}
    assert all(flag.resolved_at for flag in resolved)
    assert curator_client.get(CHANGELIST).context["cl"].result_count == 1

    curator_client.post(CHANGELIST + "?state=resolved", action_data("reopen", flags[:1]))
    assert Flag.objects.filter(resolved=False).count() == 2


def test_flag_change_page_shows_the_raw_line(curator_client):
    flag = Flag.objects.create(kind="unparsed", raw="* 2024-13-45 | ??? |", line=7)
    page = curator_client.get(reverse("admin:calendar_app_flag_change", args=[flag.pk]))
    assert "* 2024-13-45 | ??? |" in page.content.decode()
