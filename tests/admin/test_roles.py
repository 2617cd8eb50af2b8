"""Roles: curators can do exactly the curation, anonymous visitors nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.test import Client
from django.urls import reverse

from calendar_app.models import Meetup
from tests.factories import make_meetup

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "admin:index",
    "admin:calendar_app_meetup_changelist",
    "admin:calendar_app_meetup_draft_twir",
    "admin:calendar_app_flag_changelist",
    "admin:calendar_app_place_changelist",
    "admin:calendar_app_group_changelist",
    "admin:calendar_app_groupalias_changelist",
    "admin:calendar_app_newsletter_changelist",
    "admin:calendar_app_sighting_changelist",
    "admin:calendar_app_source_changelist",
    "admin:calendar_app_sourceevent_changelist",
    "admin:calendar_app_duplicatecandidate_changelist",
    "admin:calendar_app_submission_changelist",
]


def test_curators_group_has_exactly_the_curation_permissions():
    codenames = set(
        AuthGroup.objects.get(name="curators").permissions.values_list("codename", flat=True)
    )
    assert codenames == {
        "view_duplicatecandidate",
        "change_duplicatecandidate",
        "view_submission",
        "change_submission",
        "view_meetup",
        "change_meetup",
        "add_meetup",
        "view_meetuplink",
        "change_meetuplink",
        "add_meetuplink",
        "delete_meetuplink",
        "view_meetupgroup",
        "change_meetupgroup",
        "add_meetupgroup",
        "delete_meetupgroup",
        "view_meetupplace",
        "change_meetupplace",
        "add_meetupplace",
        "delete_meetupplace",
        "view_place",
        "change_place",
        "view_group",
        "change_group",
        "view_groupalias",
        "change_groupalias",
        "add_groupalias",
        "delete_groupalias",
        "view_flag",
        "change_flag",
        "view_newsletter",
        "change_newsletter",
        "view_sighting",
        "view_source",
        "change_source",
        "add_source",
        "view_sourceevent",
    }


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_curator_reaches_every_curation_page(curator_client, name):
    assert curator_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_anonymous_cannot_run_admin_actions(client):
    meetup = make_meetup()
    response = client.post(
        reverse("admin:calendar_app_meetup_changelist"),
        {"action": "hide", "_selected_action": [meetup.pk]},
    )
    assert response.status_code == 302
    meetup.refresh_from_db()
    assert meetup.status == "published"


def test_curators_cannot_manage_users_or_delete_meetups(curator_client):
    assert curator_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    meetup = make_meetup()
    delete = reverse("admin:calendar_app_meetup_delete", args=[meetup.pk])
    assert curator_client.get(delete).status_code == 403


def test_staff_without_the_group_sees_no_curation():
    from django.contrib.auth.models import User

    client = Client()
    client.force_login(User.objects.create_user("nobody", password="x-x-x-x-x", is_staff=True))
    assert client.get(reverse("admin:calendar_app_meetup_changelist")).status_code == 403


def test_a_post_to_the_public_list_writes_nothing(client):
    meetup = make_meetup()
    client.post("/events/", {"title": "spam", "status": "hidden"})
    assert Meetup.objects.count() == 1
    meetup.refresh_from_db()
    assert (meetup.title, meetup.status) == ("Rust Hack and Learn", "published")


def test_public_pages_answer_only_get_and_head(client):
    assert client.post("/events/", {"title": "spam"}).status_code == 405


def test_the_admin_front_page_links_the_weekly_tasks(curator_client):
    page = curator_client.get("/admin/").content.decode()
    assert 'href="/admin/calendar_app/meetup/draft-twir/"' in page
    assert "Draft next issue" in page
    assert 'href="/admin/calendar_app/flag/"' in page
