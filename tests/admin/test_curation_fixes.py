"""The editors' weekly loop, fixed: regions on admin saves, ISO draft dates, merges that list a
city once and take values field by field, flags with their raw lines, history baselines, labels."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import Flag, GroupAlias, Meetup, MeetupPlace
from calendar_app.rendering.export_twir import next_issue_window
from calendar_app.services.history import BASELINE_REASON
from tests.admin.conftest import action_data, change_form_data
from tests.factories import make_meetup, make_newsletter, make_place, make_sighting

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:calendar_app_meetup_changelist")
ADD = reverse("admin:calendar_app_meetup_add")


def change_url(meetup: Meetup) -> str:
    return reverse("admin:calendar_app_meetup_change", args=[meetup.pk])


PREFIXES = ("links", "meetupgroup_set", "meetupplace_set", "sightings", "source_events", "flags")


def add_form_data(**values) -> dict:
    data = {
        "attendance": "in_person",
        "status": "published",
        "region": "",
        **{
            f"{prefix}-{key}": value
            for prefix in PREFIXES
            for key, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
        },
    }
    data.update(values)
    return data


def test_a_meetup_added_in_the_admin_gets_the_region_of_its_place(admin_client):
    berlin = make_place()
    data = add_form_data(
        title="Rust Berlin Hack and Learn",
        start_date="2030-03-04",
        end_date="2030-03-04",
        **{
            "meetupplace_set-TOTAL_FORMS": 1,
            "meetupplace_set-0-place": berlin.pk,
            "meetupplace_set-0-position": 0,
        },
    )

    response = admin_client.post(ADD, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    meetup = Meetup.objects.get(title="Rust Berlin Hack and Learn")
    assert meetup.region == "europe"
    assert "region" not in meetup.locked_fields


def test_changing_the_primary_place_in_the_admin_moves_the_region(curator_client):
    meetup = make_meetup()
    tokyo = make_place("Tokyo, JP", city="Tokyo", country="JP", timezone_name="Asia/Tokyo")
    data = change_form_data(curator_client.get(change_url(meetup)))
    data["meetupplace_set-0-place"] = tokyo.pk

    assert curator_client.post(change_url(meetup), data).status_code == 302

    meetup.refresh_from_db()
    assert meetup.region == "asia"


def test_a_pending_place_added_in_the_admin_is_geocoded_with_its_zone(curator_client):
    meetup = make_meetup(places=[], region="")
    pending = make_place("Berlin, DE", city="", country="", timezone_name="", status="pending")
    data = change_form_data(curator_client.get(change_url(meetup)))
    data.update(
        {
            "meetupplace_set-TOTAL_FORMS": 1,
            "meetupplace_set-0-place": pending.pk,
            "meetupplace_set-0-position": 0,
        }
    )

    assert curator_client.post(change_url(meetup), data).status_code == 302

    pending.refresh_from_db()
    meetup.refresh_from_db()
    assert pending.country == "DE" and pending.timezone == "Europe/Berlin"
    assert meetup.region == "europe"


def test_draft_page_writes_iso_dates_into_its_date_inputs(curator_client):
    html = curator_client.get(reverse("admin:calendar_app_meetup_draft_twir")).content.decode()

    assert 'type="date"' in html
    start, end = next_issue_window(timezone.localdate())
    assert f'value="{start.isoformat()}"' in html and f'value="{end.isoformat()}"' in html


def test_merging_two_spellings_of_one_city_lists_it_once(curator_client):
    accented = make_place("Montréal, QC, CA", city="Montréal", admin1="QC", country="CA")
    plain = make_place("Montreal, QC, CA", city="Montréal", admin1="QC", country="CA")
    first = make_meetup("Rust Montréal", start=date(2030, 4, 2), places=[accented])
    second = make_meetup("Rust MTL", start=date(2030, 4, 2), places=[plain])

    curator_client.post(
        CHANGELIST,
        action_data("merge_selected", [first, second], confirm="yes", survivor=first.pk),
    )

    first.refresh_from_db()
    assert first.ordered_places() == [accented]
    page = curator_client.get(reverse("meetup_detail", args=[first.pk])).content.decode()
    assert page.count("Montréal, QC, CA") <= 1 or "Montréal, QC, CA; Montréal" not in page


def test_merge_takes_values_field_by_field(curator_client, curator):
    first = make_meetup("Rust Meetup", start=date(2030, 4, 2))
    second = make_meetup(
        "RustConf 2030 Unconf",
        start=date(2030, 4, 3),
        attendance="hybrid",
        links=[("https://lu.ma/rust-unconf", "Unconf")],
    )

    confirm = curator_client.post(CHANGELIST, action_data("merge_selected", [first, second]))
    html = confirm.content.decode()
    assert 'name="choose_title"' in html and "RustConf 2030 Unconf" in html

    curator_client.post(
        CHANGELIST,
        action_data(
            "merge_selected",
            [first, second],
            confirm="yes",
            survivor=first.pk,
            choose_title=second.pk,
            choose_dates=first.pk,
            choose_attendance=second.pk,
            choose_links=second.pk,
        ),
    )

    first.refresh_from_db()
    assert first.title == "RustConf 2030 Unconf"
    assert first.start_date == date(2030, 4, 2)
    assert first.attendance == "hybrid"
    assert first.primary_link.url == "https://lu.ma/rust-unconf"
    assert {"title", "attendance", "links"} <= set(first.locked_fields)

    second.refresh_from_db()
    curator_client.post(CHANGELIST, action_data("unmerge_selected", [second]))
    first.refresh_from_db()
    assert first.title == "Rust Meetup" and first.attendance == "in_person"
    assert first.primary_link.url.startswith("https://www.meetup.com/")


def test_every_flag_shows_its_raw_lines_in_the_queue_and_on_its_page(curator_client):
    meetup = make_meetup()
    sighting = make_sighting(meetup, make_newsletter())
    flag = Flag.objects.create(
        kind="rescheduled", message="moved", meetup=meetup, sighting=sighting
    )
    place_flag = Flag.objects.create(
        kind="geocode_fuzzy",
        message="check",
        place=meetup.primary_place,
        newsletter=sighting.newsletter,
    )

    queue = curator_client.get(reverse("admin:calendar_app_flag_changelist")).content.decode()
    assert queue.count(f"* {meetup.start_date} | Berlin, DE |") == 2
    for one in (flag, place_flag):
        page = curator_client.get(reverse("admin:calendar_app_flag_change", args=[one.pk]))
        assert f"* {meetup.start_date} | Berlin, DE |" in page.content.decode()
        assert "Resolve and next" in page.content.decode()


def test_resolve_and_next_goes_on_to_the_next_open_flag(curator_client, curator):
    meetup = make_meetup()
    first = Flag.objects.create(kind="a_first", message="one", meetup=meetup)
    second = Flag.objects.create(kind="b_second", message="two", meetup=meetup)
    url = reverse("admin:calendar_app_flag_resolve", args=[first.pk])

    response = curator_client.post(url, {"next": "1"})

    assert response.url == reverse("admin:calendar_app_flag_change", args=[second.pk])
    first.refresh_from_db()
    assert first.resolved and first.resolved_by == curator
    plain = curator_client.post(reverse("admin:calendar_app_flag_resolve", args=[second.pk]))
    assert plain.url == reverse("admin:calendar_app_flag_changelist")
    assert curator_client.get(url).status_code == 403


def test_an_ingested_meetup_gets_a_baseline_before_the_first_edit(curator_client, curator):
    meetup = make_meetup("As ingested")
    meetup.history.all().delete()  # ingest writes in bulk, without history rows
    data = change_form_data(curator_client.get(change_url(meetup)))
    data["title"] = "As curated"

    curator_client.post(change_url(meetup), data)

    records = list(meetup.history.order_by("history_date", "history_id"))
    assert [r.title for r in records][:2] == ["As ingested", "As curated"]
    assert records[0].history_change_reason == BASELINE_REASON
    assert records[1].history_user == curator
    assert records[1].history_change_reason == "Changed title"
    page = curator_client.get(reverse("admin:calendar_app_meetup_history", args=[meetup.pk]))
    assert "As ingested" in page.content.decode() and "Changed title" in page.content.decode()


def test_labels_read_well(curator_client):
    meetup = make_meetup()
    assert GroupAlias._meta.verbose_name_plural == "group aliases"
    index = curator_client.get(reverse("admin:index")).content.decode()
    assert "Group aliass" not in index
    html = curator_client.get(change_url(meetup)).content.decode()
    row = MeetupPlace.objects.get(meetup=meetup)
    assert f"{meetup.pk} #0: {row.place_id}" not in html
    assert 'size="90"' in html


def test_typed_coordinates_give_the_place_its_zone_and_its_meetups_their_region(curator_client):
    place = make_place(
        "Somewhere",
        city="",
        country="",
        timezone_name="",
        latitude=None,
        longitude=None,
        status="not_found",
    )
    meetup = make_meetup("Rust Tokyo", places=[place], region="")
    url = reverse("admin:calendar_app_place_change", args=[place.pk])
    data = change_form_data(curator_client.get(url))
    data.update(
        city="Tokyo", country="jp", latitude="35.68", longitude="139.76", status="corrected"
    )

    assert curator_client.post(url, data).status_code == 302

    place.refresh_from_db()
    meetup.refresh_from_db()
    assert (place.country, place.timezone, place.locked) == ("JP", "Asia/Tokyo", True)
    assert meetup.region == "asia"
    assert meetup.history.latest().history_change_reason.startswith("Region from place")


def test_an_inline_only_edit_records_one_history_row_with_its_reason(curator_client):
    meetup = make_meetup()
    tokyo = make_place("Tokyo, JP", city="Tokyo", country="JP", timezone_name="Asia/Tokyo")
    before = meetup.history.count()
    data = change_form_data(curator_client.get(change_url(meetup)))
    data["meetupplace_set-0-place"] = tokyo.pk

    curator_client.post(change_url(meetup), data)

    reasons = list(meetup.history.values_list("history_change_reason", flat=True)[:1])
    assert meetup.history.count() == before + 1
    assert reasons == ["Changed places; derived region"]
