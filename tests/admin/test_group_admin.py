"""Groups: merging keeps every alias, so later imports land on the merged group."""

from __future__ import annotations

import pytest
from django.urls import reverse

from calendar_app.models import Group, GroupAlias, MeetupGroup
from tests.admin.conftest import action_data
from tests.factories import make_group, make_meetup

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:calendar_app_group_changelist")


def test_merge_groups_with_confirmation(curator_client):
    keep = make_group("Rust Berlin", url="https://www.meetup.com/rust-berlin/")
    dupe = make_group("Rust Berlin Meetup", url="https://www.meetup.com/Rust-Berlin-Meetup/")
    GroupAlias.objects.create(group=dupe, key="url:https://meetup.com/rust-berlin-meetup")
    both = make_meetup("Both", groups=[keep, dupe])
    only_dupe = make_meetup("Dupe only", groups=[dupe])

    confirm = curator_client.post(CHANGELIST, action_data("merge_selected", [keep, dupe]))
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Pick the group that survives" in page
    assert 'value="Merge into the selected group"' in page
    for group in (keep, dupe):  # a survivor radio and the selection, kept, for each
        assert f'id="survivor-{group.pk}"' in page
        assert f'name="_selected_action" value="{group.pk}"' in page
    assert Group.objects.count() == 2

    done = curator_client.post(
        CHANGELIST, action_data("merge_selected", [keep, dupe], confirm="yes", survivor=keep.pk)
    )

    assert done.status_code == 302
    assert list(Group.objects.all()) == [keep]
    assert set(GroupAlias.objects.values_list("key", flat=True)) == {
        "name:rust berlin",
        "name:rust berlin meetup",
        "url:https://meetup.com/rust-berlin-meetup",
    }
    assert set(GroupAlias.objects.values_list("group", flat=True)) == {keep.pk}
    assert both.ordered_groups() == [keep]
    assert only_dupe.ordered_groups() == [keep]
    assert MeetupGroup.objects.count() == 2


def test_group_change_page_edits_name_and_aliases(curator_client):
    group = make_group("Rust Koln")
    page = curator_client.get(reverse("admin:calendar_app_group_change", args=[group.pk]))
    assert page.status_code == 200
    assert "name:rust koln" in page.content.decode()
