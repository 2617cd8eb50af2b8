"""Issue 24: the weekly loop in the admin, shorter than doing it by hand.

Curators add meetups; accepting a calendar follows it, accepting an event already listed
proposes a duplicate; flags default to what matters for the next issue, with the backlog
resolved in one go; changelists put what is ahead first; the draft page opens on the
next issue's window and says why a draft is empty.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import DuplicateCandidate, Flag, Meetup, Source, Submission
from calendar_app.rendering.export_twir import draft_twir, next_issue_window
from tests.admin.conftest import action_data, change_form_data
from tests.factories import make_group, make_meetup, make_place

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_the_next_issue_window_starts_on_the_coming_wednesday():
    assert next_issue_window(date(2024, 1, 22)) == (date(2024, 1, 24), date(2024, 2, 21))
    assert next_issue_window(date(2024, 1, 24)) == (date(2024, 1, 24), date(2024, 2, 21))
    assert next_issue_window(date(2024, 1, 25)) == (date(2024, 1, 31), date(2024, 2, 28))


def test_a_curator_adds_a_meetup_and_the_draft_lists_it(curator_client):
    add = reverse("admin:calendar_app_meetup_add")
    group = make_group("Rust Linz", url="https://www.meetup.com/rust-linz/")
    linz = make_place("Linz, AT", city="Linz", country="AT")
    page = curator_client.get(add)
    assert page.status_code == 200
    day = next_issue_window(TODAY())[0] + timedelta(days=1)
    data = change_form_data(page)
    data.update(
        {
            "title": "Rust Meetup Linz - 40th Edition",
            "start_date": day.isoformat(),
            "end_date": day.isoformat(),
            "attendance": "in_person",
            "status": "published",
            "links-TOTAL_FORMS": 1,
            "links-0-url": "https://www.meetup.com/rust-linz/events/300000001/",
            "links-0-primary": "on",
            "links-0-position": 0,
            "meetupgroup_set-TOTAL_FORMS": 1,
            "meetupgroup_set-0-group": group.pk,
            "meetupgroup_set-0-position": 0,
            "meetupplace_set-TOTAL_FORMS": 1,
            "meetupplace_set-0-place": linz.pk,
            "meetupplace_set-0-position": 0,
        }
    )

    response = curator_client.post(add, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    meetup = Meetup.objects.get(title="Rust Meetup Linz - 40th Edition")
    assert meetup.region == "europe" and meetup.status == "published"
    start, end = next_issue_window(TODAY())
    text = draft_twir(start=start, end=end).markdown
    assert (
        f"* {day.isoformat()} | Linz, AT | [Rust Linz](https://www.meetup.com/rust-linz/events/)\n"
        "    * [**Rust Meetup Linz - 40th Edition**]"
        "(https://www.meetup.com/rust-linz/events/300000001/)\n"
    ) in text


def test_accepting_a_calendar_follows_it_and_syncs_it_once(curator_client, server, settings):
    # A calendar from the public form is fetched from public addresses only; the loopback
    # test server stands for one through the trusted-hosts setting.
    settings.TRUSTED_SOURCE_HOSTS = ["127.0.0.1"]
    url = server.url("/meetup_group.ics")
    submission = Submission.objects.create(kind="calendar", calendar_url=url, group_name="Prague")

    curator_client.post(
        reverse("admin:calendar_app_submission_changelist"), action_data("accept", [submission])
    )

    source = Source.objects.get(url=url)
    assert source.name == "Prague" and source.enabled and not source.trusted
    assert source.last_success is not None and source.last_error == ""
    assert [path for path, _headers in server.requests] == ["/meetup_group.ics"]
    submission.refresh_from_db()
    assert submission.status == "accepted"
    assert submission.note.startswith(f"Now following source #{source.pk}: synced, ")


def test_accepting_an_event_already_listed_proposes_the_pair_instead(curator_client, client):
    day = TODAY() + timedelta(days=10)
    listed = make_meetup(
        "Rust Munich Meetup #42",
        start=day,
        places=[make_place("Munich, DE", city="Munich", country="DE")],
        groups=[make_group("Rust Munich", url="https://www.meetup.com/rust-munich/")],
        links=[("https://www.meetup.com/rust-munich/events/300000042/", "Rust Munich #42")],
    )
    submission = Submission.objects.create(
        kind="event",
        title="Rust Munich #42: embedded",
        start_date=day,
        url="https://www.meetup.com/de-DE/rust-munich/events/300000042/",
        location="Munich, DE",
        attendance="in_person",
        group_name="Rust Munich",
        group_url="https://www.meetup.com/rust-munich/",
    )

    curator_client.post(
        reverse("admin:calendar_app_submission_changelist"), action_data("accept", [submission])
    )

    submission.refresh_from_db()
    twin = submission.meetup
    assert twin is not None and twin.pk != listed.pk and twin.status == "hidden"
    pair = DuplicateCandidate.objects.get(status="open")
    assert {pair.first_id, pair.second_id} == {listed.pk, twin.pk}
    assert submission.note.startswith(f"Already listed as meetup #{listed.pk}")
    shown = client.get(reverse("event_list")).content.decode()
    assert shown.count("Rust Munich #42: embedded") == 0
    assert "Rust Munich Meetup #42" in shown


def test_flags_default_to_the_meetups_until_the_next_issue_ends(curator_client):
    changelist = reverse("admin:calendar_app_flag_changelist")
    soon = make_meetup("Soon", start=TODAY() + timedelta(days=2))
    later = make_meetup("Later", start=TODAY() + timedelta(days=90))
    past = make_meetup("Past", start=TODAY() - timedelta(days=90))
    wanted = [
        Flag.objects.create(kind="geocode_fuzzy", meetup=soon, message="soon"),
        Flag.objects.create(kind="geocode_fuzzy", place=soon.ordered_places()[0], message="at"),
    ]
    Flag.objects.create(kind="geocode_fuzzy", meetup=later, message="later")
    Flag.objects.create(kind="geocode_fuzzy", meetup=past, message="past")
    Flag.objects.create(kind="unparsed", raw="* garbage", message="old line")

    page = curator_client.get(changelist)

    assert {f.pk for f in page.context["cl"].result_list} == {f.pk for f in wanted}
    assert 'id="flag-resolve-older"' in page.content.decode()
    assert curator_client.get(changelist, {"scope": "all"}).context["cl"].result_count == 5


def test_resolve_all_flags_older_than_a_date(curator_client, curator):
    meetup = make_meetup()
    old = [Flag.objects.create(kind="geocode_fuzzy", meetup=meetup) for _ in range(3)]
    Flag.objects.filter(pk__in=[f.pk for f in old]).update(
        created=timezone.now() - timedelta(days=30)
    )
    fresh = Flag.objects.create(kind="geocode_fuzzy", meetup=meetup)

    response = curator_client.post(
        reverse("admin:calendar_app_flag_resolve_older"),
        {"before": (TODAY() - timedelta(days=7)).isoformat()},
    )

    assert response.status_code == 302
    assert set(Flag.objects.filter(resolved=True).values_list("pk", flat=True)) == {
        f.pk for f in old
    }
    assert {f.resolved_by for f in Flag.objects.filter(resolved=True)} == {curator}
    fresh.refresh_from_db()
    assert not fresh.resolved
    assert curator_client.get(reverse("admin:calendar_app_flag_resolve_older")).status_code == 403


def test_changelists_put_what_is_ahead_first(curator_client):
    past = make_meetup("Past", start=TODAY() - timedelta(days=10))
    long_past = make_meetup("Long past", start=TODAY() - timedelta(days=400))
    later = make_meetup("Later", start=TODAY() + timedelta(days=30))
    soon = make_meetup("Soon", start=TODAY() + timedelta(days=1))
    DuplicateCandidate.objects.create(first=past, second=long_past, reason="x")
    DuplicateCandidate.objects.create(first=later, second=soon, reason="x")

    meetups = curator_client.get(reverse("admin:calendar_app_meetup_changelist"))
    pairs = curator_client.get(reverse("admin:calendar_app_duplicatecandidate_changelist"))

    assert [m.title for m in meetups.context["cl"].result_list] == [
        "Soon",
        "Later",
        "Past",
        "Long past",
    ]
    assert [p.first.title for p in pairs.context["cl"].result_list] == ["Later", "Past"]


def test_the_draft_page_opens_on_the_next_issue_and_says_why_it_is_empty(curator_client):
    make_meetup("Long ago", start=TODAY() - timedelta(days=400))
    start, end = next_issue_window(TODAY())

    page = curator_client.get(reverse("admin:calendar_app_meetup_draft_twir")).content.decode()

    assert f"Rusty Events between {start.isoformat()} - {end.isoformat()}" in page
    assert start.strftime("%A") == "Wednesday" and 'id="draft-window"' in page
    assert 'id="draft-empty"' in page and "the latest known meetup is on" in page
