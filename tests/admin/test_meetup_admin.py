"""Meetup curation in the admin: edits lock, merges are confirmed and reversible, bulk status."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from calendar_app.models import Flag, Meetup, MeetupPlace, Sighting
from tests.admin.conftest import action_data, change_form_data
from tests.factories import make_group, make_meetup, make_newsletter, make_place, make_sighting

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:calendar_app_meetup_changelist")


def change_url(meetup: Meetup) -> str:
    return reverse("admin:calendar_app_meetup_change", args=[meetup.pk])


def test_changelist_columns_filters_and_search(curator_client):
    flagged = make_meetup("Rust Hack and Learn", groups=[make_group("Rust Berlin")])
    Flag.objects.create(kind="geocode_fuzzy", meetup=flagged, message="check")
    Flag.objects.create(kind="geocode_fuzzy", meetup=flagged, message="done", resolved=True)
    make_meetup(
        "Quiet Meetup", region="asia", places=[make_place("Tokyo, JP", city="Tokyo", country="JP")]
    )

    page = curator_client.get(CHANGELIST)
    assert page.status_code == 200
    html = page.content.decode()
    for column in ("organisers", "open flags", "Merged into", "Draft next issue"):
        assert column.casefold() in html.casefold()
    assert "Rust Berlin" in html

    flagged_only = curator_client.get(CHANGELIST, {"flagged": "yes"})
    assert list(flagged_only.context["cl"].result_list) == [flagged]
    assert [m.open_flags for m in flagged_only.context["cl"].result_list] == [1]  # open only
    unflagged = curator_client.get(CHANGELIST, {"flagged": "no"}).context["cl"].result_list
    assert [m.title for m in unflagged] == ["Quiet Meetup"]
    by_flags = curator_client.get(CHANGELIST, {"o": "-6"}).context["cl"].result_list
    assert by_flags[0] == flagged  # sorted by the open flags column
    assert curator_client.get(CHANGELIST, {"region": "asia"}).context["cl"].result_count == 1
    found = curator_client.get(CHANGELIST, {"q": "tokyo"}).context["cl"].result_list
    assert [m.title for m in found] == ["Quiet Meetup"]


def test_change_page_shows_sightings_with_raw_lines_and_locks(curator_client):
    meetup = make_meetup()
    meetup.locked_fields = ["title"]
    meetup.save()
    make_sighting(meetup, make_newsletter())
    html = curator_client.get(change_url(meetup)).content.decode()
    assert "| Berlin, DE |" in html
    assert "locked fields" in html.casefold()
    assert 'name="unlock" value="title"' in html


def test_editing_a_field_locks_it_and_records_who(curator_client, curator):
    meetup = make_meetup("Old title", start=date(2030, 5, 1))
    data = change_form_data(curator_client.get(change_url(meetup)))
    data.update(title="New title", start_date="2030-05-02", end_date="2030-05-02")

    response = curator_client.post(change_url(meetup), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    meetup.refresh_from_db()
    assert meetup.title == "New title"
    assert set(meetup.locked_fields) == {"title", "start_date", "end_date"}
    latest = meetup.history.latest()
    assert latest.history_user == curator
    changed = {change.field for change in latest.diff_against(latest.prev_record).changes}
    assert {"title", "start_date", "end_date", "locked_fields"} <= changed


def test_unlock_checkbox_hands_fields_back_to_ingest(curator_client):
    meetup = make_meetup()
    meetup.locked_fields = ["title", "status"]
    meetup.save()
    data = change_form_data(curator_client.get(change_url(meetup)))
    data["unlock"] = ["title"]

    assert curator_client.post(change_url(meetup), data).status_code == 302

    meetup.refresh_from_db()
    assert meetup.locked_fields == ["status"]


def test_changing_places_inline_locks_places(curator_client):
    meetup = make_meetup()
    paris = make_place("Paris, FR", city="Paris", country="FR")
    data = change_form_data(curator_client.get(change_url(meetup)))
    data["meetupplace_set-0-place"] = paris.pk

    assert curator_client.post(change_url(meetup), data).status_code == 302

    meetup.refresh_from_db()
    assert meetup.ordered_places() == [paris]
    assert meetup.locked_fields == ["places"]


def test_adding_a_link_inline_derives_its_canonical_url_and_locks_links(curator_client):
    meetup = make_meetup()
    data = change_form_data(curator_client.get(change_url(meetup)))
    data.update(
        {
            "links-TOTAL_FORMS": 2,
            "links-1-url": "https://www.meetup.com/de-DE/Rust-Berlin/events/123/?utm_source=x",
            "links-1-label": "Mirror",
            "links-1-position": 1,
        }
    )

    assert curator_client.post(change_url(meetup), data).status_code == 302

    link = meetup.links.get(label="Mirror")
    assert link.canonical_url == "https://meetup.com/rust-berlin/events/123"
    meetup.refresh_from_db()
    assert "links" in meetup.locked_fields


def test_history_page_shows_field_by_field_changes(curator_client):
    meetup = make_meetup("Before")
    data = change_form_data(curator_client.get(change_url(meetup)))
    data["title"] = "After"
    curator_client.post(change_url(meetup), data)

    page = curator_client.get(reverse("admin:calendar_app_meetup_history", args=[meetup.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "carol" in html
    assert "Before" in html and "After" in html


def test_merge_asks_for_the_survivor_then_merges(curator_client, curator):
    newsletter = make_newsletter()
    first = make_meetup("Rust Hack n Learn", start=date(2030, 2, 1))
    second = make_meetup("Rust Hack and Learn", start=date(2030, 2, 1), attendance="virtual")
    make_sighting(first, newsletter, line=10)
    make_sighting(second, newsletter, line=20)

    confirm = curator_client.post(CHANGELIST, action_data("merge_selected", [first, second]))

    assert confirm.status_code == 200
    assert "admin/calendar_app/meetup/merge_confirmation.html" in [
        t.name for t in confirm.templates
    ]
    html = confirm.content.decode()
    assert f'value="{first.pk}"' in html and f'value="{second.pk}"' in html
    assert Meetup.objects.canonical().count() == 2  # nothing happens before confirming

    done = curator_client.post(
        CHANGELIST,
        action_data("merge_selected", [first, second], confirm="yes", survivor=second.pk),
    )

    assert done.status_code == 302 and done.url == change_url(second)
    first.refresh_from_db()
    assert first.duplicate_of == second
    assert set(Sighting.objects.values_list("meetup", flat=True)) == {second.pk}
    assert first.history.latest().history_user == curator


def test_merge_refuses_a_single_or_already_merged_meetup(curator_client):
    only = make_meetup()
    response = curator_client.post(CHANGELIST, action_data("merge_selected", [only]), follow=True)
    assert "Select at least two meetups" in response.content.decode()


def test_unmerge_action_restores_the_meetup(curator_client):
    newsletter = make_newsletter()
    first, second = make_meetup("A"), make_meetup("B")
    make_sighting(first, newsletter, line=10)
    curator_client.post(
        CHANGELIST,
        action_data("merge_selected", [first, second], confirm="yes", survivor=second.pk),
    )

    response = curator_client.post(CHANGELIST, action_data("unmerge_selected", [first]))

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.duplicate_of is None
    assert first.sightings.count() == 1
    assert first.links.count() == 1 and second.links.count() == 1


@pytest.mark.parametrize(
    ("action", "status"),
    [("hide", "hidden"), ("cancel", "cancelled"), ("publish", "published")],
)
def test_bulk_status_actions_set_and_lock_status(curator_client, curator, action, status):
    meetups = [make_meetup("One", status="hidden"), make_meetup("Two")]

    response = curator_client.post(CHANGELIST, action_data(action, meetups))

    assert response.status_code == 302
    for meetup in meetups:
        meetup.refresh_from_db()
        assert meetup.status == status
        assert "status" in meetup.locked_fields
        assert meetup.history.latest().history_user == curator


def test_unlock_all_action(curator_client):
    meetup = make_meetup()
    meetup.locked_fields = ["title", "places"]
    meetup.save()

    curator_client.post(CHANGELIST, action_data("unlock_all", [meetup]))

    meetup.refresh_from_db()
    assert meetup.locked_fields == []


def test_draft_page_renders_the_twir_section(curator_client):
    make_meetup("Rust Hack and Learn", start=date(2030, 3, 4))
    url = reverse("admin:calendar_app_meetup_draft_twir")

    page = curator_client.get(url, {"start": "2030-03-01", "end": "2030-03-29"})

    html = page.content.decode()
    assert "Rusty Events between 2030-03-01 - 2030-03-29" in html
    assert "<textarea" in html and "readonly" in html
    assert "[**Rust Hack and Learn**]" in html
    assert "Copy" in html


def test_draft_page_defaults_to_the_next_four_weeks(curator_client):
    page = curator_client.get(reverse("admin:calendar_app_meetup_draft_twir"))
    assert page.status_code == 200
    assert "Rusty Events between" in page.content.decode()


def test_place_row_moves_with_merge(curator_client):
    paris = make_place("Paris, FR", city="Paris", country="FR")
    first = make_meetup("A", places=[paris])
    second = make_meetup("B")
    curator_client.post(
        CHANGELIST,
        action_data("merge_selected", [first, second], confirm="yes", survivor=second.pk),
    )
    assert MeetupPlace.objects.filter(meetup=second, place=paris).exists()


TWO_LINKS = [("https://example.org/a", "Event"), ("https://example.org/b", "Mirror")]


def test_the_primary_mark_moves_to_another_link_in_one_save(curator_client):
    meetup = make_meetup(links=TWO_LINKS)
    data = change_form_data(curator_client.get(change_url(meetup)))
    data.pop("links-0-primary", None)
    data["links-1-primary"] = "on"

    assert curator_client.post(change_url(meetup), data).status_code == 302
    assert [link.label for link in meetup.links.filter(primary=True)] == ["Mirror"]


def test_two_primary_links_are_refused_with_a_message(curator_client):
    meetup = make_meetup(links=TWO_LINKS)
    data = change_form_data(curator_client.get(change_url(meetup)))
    data["links-0-primary"] = data["links-1-primary"] = "on"

    response = curator_client.post(change_url(meetup), data)
    assert response.status_code == 200
    assert "Only one link can be the primary link." in response.content.decode()
    assert meetup.links.filter(primary=True).count() == 1


def test_changelist_search_is_the_folded_search_and_counts_once(
    curator_client, django_assert_max_num_queries
):
    """The admin's search reads the folded columns (accents, case, city names forgiven) and
    links; no page counts the whole table beside the filtered count."""
    munich = make_place("München, DE", city="Munich", country="DE")
    wanted = make_meetup(
        "Rust Café Night",
        groups=[make_group("Rust Zürich")],
        places=[munich],
        links=[("https://www.meetup.com/rust-zurich/events/123/", "")],
    )
    for n in range(60):
        make_meetup(f"Other {n}", groups=[make_group(f"Group {n}")])
    cl = curator_client.get(CHANGELIST).context["cl"]
    assert cl.result_count == 61 and cl.show_full_result_count is False
    for term in ("cafe", "ZURICH rust", "munchen", "meetup.com/rust-zurich/events/123"):
        with django_assert_max_num_queries(11):  # session, user, counts, page, columns
            found = curator_client.get(CHANGELIST, {"q": term}).context["cl"]
        assert list(found.result_list) == [wanted], term
        assert found.full_result_count is None  # no second count of everything
    assert curator_client.get(CHANGELIST, {"q": "nowhere"}).context["cl"].result_count == 0
