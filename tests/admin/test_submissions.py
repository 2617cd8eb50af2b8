"""The public form `/submit/`: nothing public until a curator accepts; abuse kept out."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from calendar_app.models import Meetup, Source, Submission, SubmissionStatus
from tests.admin.conftest import action_data

pytestmark = pytest.mark.django_db
SUBMIT = reverse("submit")
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def event(**values) -> dict:
    return {
        "kind": "event",
        "title": "Rust Munich Meetup #42",
        "start_date": "2030-05-06",
        "start_time": "18:30",
        "timezone": "Europe/Berlin",
        "url": "https://www.meetup.com/rust-munich/events/42/",
        "location": "Munich, DE",
        "attendance": "in_person",
        "group_name": "Rust Munich",
        "group_url": "https://www.meetup.com/rust-munich",
        "email": "organiser@example.org",
        **values,
    }


def test_the_form_shows_its_fields_and_is_linked_from_every_page(client):
    page = client.get(SUBMIT).content.decode()
    for name in (
        "kind",
        "title",
        "start_date",
        "start_time",
        "end_date",
        "end_time",
        "timezone",
        "url",
        "location",
        "attendance",
        "group_name",
        "group_url",
        "calendar_url",
        "email",
    ):
        assert f'name="{name}"' in page
    assert 'href="/submit/"' in client.get(reverse("group_list")).content.decode()


def test_a_submission_never_publishes_anything_by_itself(client):
    response = client.post(SUBMIT, event(), follow=True)

    assert "your proposal was sent" in response.content.decode()
    assert Submission.objects.get().status == SubmissionStatus.PENDING
    assert Meetup.objects.count() == 0
    assert "Rust Munich Meetup" not in client.get(reverse("event_list")).content.decode()


def test_a_curator_accepts_and_the_meetup_appears(curator_client, client):
    client.post(SUBMIT, event())
    submission = Submission.objects.get()
    index = curator_client.get(reverse("admin:index")).content.decode()
    assert "1 waiting" in index

    curator_client.post(
        reverse("admin:calendar_app_submission_changelist"), action_data("accept", [submission])
    )

    submission.refresh_from_db()
    meetup = submission.meetup
    assert submission.status == SubmissionStatus.ACCEPTED and meetup is not None
    assert meetup.region == "europe" and meetup.status == "published"
    assert [g.name for g in meetup.ordered_groups()] == ["Rust Munich"]
    assert meetup.url == "https://www.meetup.com/rust-munich/events/42/"
    assert meetup.starts_at is not None and meetup.timezone == "Europe/Berlin"
    assert meetup.starts_at.isoformat() == "2030-05-06T16:30:00+00:00"  # 18:30 in Munich
    page = client.get(meetup.get_absolute_url()).content.decode()
    assert "Rust Munich Meetup #42" in page and "18:30" in page
    assert "0 waiting" in curator_client.get(reverse("admin:index")).content.decode()


def test_rejecting_keeps_the_record(curator_client, client):
    client.post(SUBMIT, event())
    submission = Submission.objects.get()
    curator_client.post(
        reverse("admin:calendar_app_submission_changelist"), action_data("reject", [submission])
    )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.REJECTED
    assert Meetup.objects.count() == 0


def test_a_second_submission_beyond_the_limit_is_rejected(client, settings):
    settings.SUBMISSIONS_RATE = "1/h"
    assert client.post(SUBMIT, event()).status_code == 302
    second = client.post(SUBMIT, event(title="Another"))
    assert second.status_code == 429
    assert "Too many proposals" in second.content.decode()
    assert Submission.objects.count() == 1
    other_address = client.post(SUBMIT, event(title="Elsewhere"), REMOTE_ADDR="198.51.100.7")
    assert other_address.status_code == 302


def test_the_honeypot_is_thanked_but_not_kept(client):
    assert client.post(SUBMIT, event(website="http://spam.example")).status_code == 302
    assert Submission.objects.count() == 0


def test_only_http_links_and_no_inside_calendar_urls(client, settings):
    settings.SUBMISSIONS_RATE = "100/h"
    bad = client.post(SUBMIT, event(url="javascript:alert(1)"))
    assert bad.status_code == 200 and Submission.objects.count() == 0
    for inside in (
        "http://127.0.0.1/cal.ics",
        "http://localhost:8000/cal.ics",
        "http://169.254.169.254/latest",
        "http://10.0.0.5/cal.ics",
        "http://[::1]/x.ics",
        "http://0.0.0.0/x.ics",
        "http://224.0.0.251/x.ics",
        "http://[::ffff:10.0.0.1]/x.ics",  # IPv4-mapped
        "http://[::127.0.0.1]/x.ics",  # IPv4-compatible
        "http://[64:ff9b::7f00:1]/x.ics",  # NAT64 of 127.0.0.1
        "http://[2002:a9fe:a9fe::1]/x.ics",  # 6to4 of 169.254.169.254
        "http://[ff02::1]/x.ics",
    ):
        response = client.post(SUBMIT, {"kind": "calendar", "calendar_url": inside})
        assert "cannot be fetched from here" in response.content.decode(), inside
    assert Submission.objects.count() == 0
    ok = client.post(SUBMIT, {"kind": "calendar", "calendar_url": "https://93.184.216.34/cal.ics"})
    assert ok.status_code == 302
    assert Submission.objects.get().kind == "calendar"


def test_an_accepted_calendar_is_followed_as_a_public_source(curator_client, client):
    url = "https://93.184.216.34/cal.ics"
    client.post(SUBMIT, {"kind": "calendar", "calendar_url": url, "group_name": "Rust Far"})
    submission = Submission.objects.get()
    curator_client.post(
        reverse("admin:calendar_app_submission_changelist"), action_data("accept", [submission])
    )
    source = Source.objects.get(url=url)
    assert (source.name, source.trusted) == ("Rust Far", False)  # fetched from public only
    submission.refresh_from_db()
    assert f"#{source.pk}" in submission.note


def test_size_limits(client):
    response = client.post(SUBMIT, event(title="x" * 5000))
    assert response.status_code == 200 and Submission.objects.count() == 0


def test_script_is_escaped_in_every_field(client, curator_client):
    text_fields = ("title", "location", "group_name")
    values = event(**{name: SCRIPT for name in text_fields})
    values["url"] = "https://example.org/" + SCRIPT
    values["group_url"] = "https://example.org/g?" + SCRIPT
    assert client.post(SUBMIT, values).status_code == 302
    submission = Submission.objects.get()

    pages = [
        curator_client.get(reverse("admin:calendar_app_submission_changelist")),
        curator_client.get(reverse("admin:calendar_app_submission_change", args=[submission.pk])),
    ]
    curator_client.post(
        reverse("admin:calendar_app_submission_changelist"), action_data("accept", [submission])
    )
    submission.refresh_from_db()
    pages += [
        client.get(submission.meetup.get_absolute_url()),
        client.get(reverse("event_list")),
        curator_client.get(
            reverse("admin:calendar_app_meetup_change", args=[submission.meetup.pk])
        ),
    ]
    for page in pages:
        assert page.status_code == 200
        assert SCRIPT not in page.content.decode()
    # The form page with errors escapes what it shows back, too.
    again = client.post(SUBMIT, {"kind": "event", "title": SCRIPT})
    assert SCRIPT not in again.content.decode()
