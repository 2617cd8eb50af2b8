"""A curator in a real browser: log in, merge two meetups, see the result on the public site."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from calendar_app.models import Meetup
from tests.factories import make_meetup, make_newsletter, make_sighting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "curate-me-42"


# The migrations that grant the `curators` group more (sources, queues, adding meetups).
GRANTS = (
    "0007_meetup_times_and_sources",
    "0009_curation_queues_and_submissions",
    "0020_curators_add_meetups",
)


def make_curator() -> User:
    """The `curators` group as the migrations build it (transactional tests flush it away)."""
    migration = importlib.import_module("calendar_app.migrations.0003_curators_group")
    codenames = [f"{act}_{model}" for model, acts in migration.PERMISSIONS.items() for act in acts]
    for name in GRANTS:
        codenames += importlib.import_module(f"calendar_app.migrations.{name}").CURATOR_PERMISSIONS
    group, _ = AuthGroup.objects.get_or_create(name=migration.CURATORS)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="calendar_app", codename__in=codenames)
    )
    user = User.objects.create_user("carol", password=PASSWORD, is_staff=True)
    user.groups.add(group)
    return user


def test_curator_merges_two_meetups(page, live_server):
    make_curator()
    day = timezone.localdate() + timedelta(days=5)
    newsletter = make_newsletter()
    keep = make_meetup("Rust Hack and Learn", start=day)
    drop = make_meetup("Rust Hack n Learn (mirror)", start=day, attendance="virtual")
    make_sighting(keep, newsletter, line=10)
    make_sighting(drop, newsletter, line=20)

    page.goto("/admin/")
    page.fill("#id_username", "carol")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto("/admin/calendar_app/meetup/")
    page.check(f"input[name=_selected_action][value='{keep.pk}']")
    page.check(f"input[name=_selected_action][value='{drop.pk}']")
    page.select_option("select[name=action]", "merge_selected")
    page.click("button[name=index]")

    page.wait_for_selector("text=Pick the meetup that survives")
    page.check(f"#survivor-{keep.pk}")
    page.click("input[value='Merge into the selected meetup']")
    page.wait_for_selector("text=Merged 1 meetup(s)")

    assert Meetup.objects.get(pk=drop.pk).duplicate_of_id == keep.pk
    page.goto(f"/events/{keep.pk}/")
    assert "Rust Hack and Learn" in page.content()
    page.goto(f"/events/{drop.pk}/")
    assert page.url == f"{live_server.url}/events/{keep.pk}/"
    assert "Rust Hack and Learn" in page.content()
