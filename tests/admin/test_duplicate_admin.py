"""The duplicate queue in the admin: side by side, merge choosing fields, or "not a duplicate"."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from calendar_app.models import DuplicateCandidate, DuplicateStatus, Meetup
from calendar_app.services.duplicates import duplicates_refresh
from tests.factories import make_group, make_meetup

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    group = make_group("Rust Melbourne")
    first = make_meetup(
        "Rust Melbourne August",
        start=date(2030, 8, 27),
        groups=[group],
        links=[("https://www.meetup.com/rust-melbourne/events/315039490/", "")],
    )
    second = make_meetup(
        "Rust Melbourne Meetup",
        start=date(2030, 8, 27),
        groups=[group],
        attendance="hybrid",
        links=[("https://luma.com/d0rndgyv", "")],
    )
    duplicates_refresh()
    return DuplicateCandidate.objects.get(), first, second


def test_queue_lists_the_pair_and_shows_it_side_by_side(curator_client, pair):
    candidate, first, second = pair
    queue = curator_client.get(reverse("admin:calendar_app_duplicatecandidate_changelist"))
    assert "Rust Melbourne Meetup" in queue.content.decode()

    page = curator_client.get(
        reverse("admin:calendar_app_duplicatecandidate_change", args=[candidate.pk])
    )
    html = page.content.decode()
    assert "https://luma.com/d0rndgyv" in html and "rust-melbourne/events/315039490" in html
    assert 'name="choose_title"' in html and "Not a duplicate" in html


def test_merge_from_the_pair_page_takes_the_chosen_fields(curator_client, pair):
    candidate, first, second = pair
    url = reverse("admin:calendar_app_duplicatecandidate_change", args=[candidate.pk])

    response = curator_client.post(
        url,
        {
            "decision": "merge",
            "survivor": first.pk,
            "choose_title": second.pk,
            "choose_attendance": second.pk,
        },
    )

    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.title, first.attendance) == ("Rust Melbourne Meetup", "hybrid")
    assert Meetup.objects.get(pk=second.pk).duplicate_of_id == first.pk
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.MERGED


def test_not_a_duplicate_is_remembered(curator_client, pair, curator):
    candidate, *_ = pair
    url = reverse("admin:calendar_app_duplicatecandidate_change", args=[candidate.pk])

    curator_client.post(url, {"decision": "not_duplicate"})

    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.NOT_DUPLICATE and candidate.decided_by == curator
    assert duplicates_refresh() == 0
