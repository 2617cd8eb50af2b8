"""What a visitor sees on `/submit/`: one compact kind choice, required fields marked,
the time zone picked from a list of IANA zones (the browser's own filled in by a static
script), its hint always there."""

from __future__ import annotations

import re
import zoneinfo

import pytest
from django.core.cache import cache
from django.urls import reverse

from calendar_app.models import Submission

pytestmark = pytest.mark.django_db
SUBMIT = reverse("submit")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def page(client) -> str:
    return client.get(SUBMIT).content.decode()


def tag(html: str, element_id: str) -> str:
    found = re.search(rf'<(?:input|select)[^>]*\bid="{element_id}"[^>]*>', html)
    assert found, element_id
    return found.group(0)


def label(html: str, field: str) -> str:
    found = re.search(rf'<label for="id_{field}">(.*?)</label>', html, re.S)
    assert found, field
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_the_kind_is_one_radio_group_without_a_blank_choice(client):
    html = page(client)
    group = html.split('<fieldset class="field choice-group', 1)[1].split("</fieldset>", 1)[0]
    legend = '<legend>What are you proposing? <span class="required-mark">(required)</span>'
    assert legend in group
    radios = re.findall(r'<input type="radio" name="kind" value="([^"]*)"[^>]*>', group)
    assert radios == ["event", "calendar"]  # no "---------"
    assert "---------" not in html
    # each label holds its circle and the words beside it
    choice = r'<label class="choice" for="id_kind_0"><input [^>]*> <span>An event</span>'
    assert re.search(choice, group)
    assert 'value="event"' in group and "checked" in tag(group, "id_kind_0")
    assert " required" in tag(group, "id_kind_0")


def test_required_fields_are_marked_in_words_and_for_assistive_technology(client):
    html = page(client)
    for field in ("title", "start_date", "url"):
        assert label(html, field).endswith("(required for an event)"), field
        assert 'aria-required="true"' in tag(html, f"id_{field}")
    assert label(html, "calendar_url").endswith("(required for a calendar to follow)")
    assert 'aria-required="true"' in tag(html, "id_calendar_url")
    for optional in ("end_date", "location", "group_name", "email"):
        assert "required" not in label(html, optional)
        assert "aria-required" not in tag(html, f"id_{optional}")


def test_a_missing_required_field_says_so_beside_it(client):
    response = client.post(SUBMIT, {"kind": "event", "start_date": "2030-05-06"})
    html = response.content.decode()
    assert response.status_code == 200 and Submission.objects.count() == 0
    assert html.count("Needed for an event.") == 2  # title and page
    calendar = client.post(SUBMIT, {"kind": "calendar"}).content.decode()
    assert "Needed for a calendar to follow." in calendar


def test_the_time_zone_is_a_searchable_list_of_iana_zones_with_its_hint(client):
    html = page(client)
    field = tag(html, "id_timezone")
    assert 'list="iana-zones"' in field and 'aria-describedby="id_timezone_hint"' in field
    zones = re.search(r'<datalist id="iana-zones">(.*?)</datalist>', html, re.S)
    assert zones
    offered = re.findall(r'<option value="([^"]+)">', zones.group(1))
    assert offered == sorted(zoneinfo.available_timezones())
    assert {"Europe/Berlin", "America/Los_Angeles", "Pacific/Auckland"} <= set(offered)
    hint = '<p class="hint small muted" id="id_timezone_hint">'
    assert hint in html and "e.g. Europe/Berlin" in html.split(hint, 1)[1].split("</p>", 1)[0]
    # the browser's zone comes from a static script (no inline script under the CSP)
    assert '<script src="/static/js/submit.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*ld\+json)[^>]*>", html)


def test_a_zone_not_in_the_list_is_refused_a_listed_one_kept(client):
    sent = {
        "kind": "event",
        "title": "Rust Munich",
        "start_date": "2030-05-06",
        "url": "https://example.org/e/1",
    }
    refused = client.post(SUBMIT, {**sent, "timezone": "Mars/Olympus"})
    html = refused.content.decode()
    assert refused.status_code == 200 and "Pick a zone from the list" in html
    assert 'value="Mars/Olympus"' in tag(html, "id_timezone")  # nothing lost
    assert client.post(SUBMIT, {**sent, "timezone": "Pacific/Auckland"}).status_code == 302
    assert Submission.objects.get().timezone == "Pacific/Auckland"
