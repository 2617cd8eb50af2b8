"""The editors' weekly loop in a real browser: draft the section, merge a duplicate pair
choosing fields, accept a proposal that then shows on the public site."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from calendar_app.models import DuplicateCandidate, DuplicateStatus, Flag, Meetup, Submission
from calendar_app.rendering.export_twir import next_issue_window
from calendar_app.rules import FlagKind
from calendar_app.services.duplicates import duplicates_refresh
from tests.browser.test_admin_flow import PASSWORD, make_curator
from tests.factories import make_group, make_meetup, make_newsletter, make_sighting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page) -> None:
    curator = make_curator()
    group = curator.groups.get()
    group.permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_duplicatecandidate",
                "change_duplicatecandidate",
                "view_submission",
                "change_submission",
            ]
        )
    )
    page.goto("/admin/")
    page.fill("#id_username", "carol")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_editor_drafts_next_weeks_section_from_the_defaults(page):
    day = timezone.localdate() + timedelta(days=6)
    published = make_meetup("Rust Hack and Learn", start=day)
    as_written = make_sighting(published, make_newsletter()).raw
    make_meetup("Rust and Tell", start=day + timedelta(days=1))
    log_in(page)

    page.click("text=Draft next issue's events")
    start = page.input_value("#id_start")
    # the next issue's window: from the coming Wednesday, a value the date input shows
    assert start == next_issue_window(timezone.localdate())[0].isoformat()
    page.click("input[value=Draft]")

    markdown = page.input_value("#twir-markdown")
    assert markdown.startswith(f"Rusty Events between {start}")
    assert as_written in markdown  # published before: exactly as the editors wrote it
    assert "[**Rust and Tell**]" in markdown  # new: written from the curated fields
    assert page.locator("#draft-preview h3").first.inner_text() == "Europe"
    assert "Rust and Tell" in page.locator("#draft-preview").inner_text()
    assert "new" in page.inner_text("#draft-notes")


def test_editor_reviews_a_duplicate_pair_side_by_side_and_merges_choosing_fields(page):
    day = timezone.localdate() + timedelta(days=9)
    group = make_group("Rust Melbourne")
    first = make_meetup(
        "Rust Melbourne August",
        start=day,
        groups=[group],
        links=[("https://www.meetup.com/rust-melbourne/events/315039490/", "")],
    )
    second = make_meetup(
        "Rust Melbourne Meetup",
        start=day,
        groups=[group],
        attendance="hybrid",
        links=[("https://luma.com/d0rndgyv", "")],
    )
    duplicates_refresh()
    log_in(page)

    page.click("text=Review possible duplicates")
    page.click("text=Rust Melbourne August")
    page.wait_for_selector("text=same day and organiser")
    assert "https://luma.com/d0rndgyv" in page.content()
    page.check(f"input[name=survivor][value='{first.pk}']")
    page.check(f"input[name=choose_title][value='{second.pk}']")
    page.check(f"input[name=choose_attendance][value='{second.pk}']")
    page.click("button[value=merge]")
    page.wait_for_selector("text=Merged into")

    first.refresh_from_db()
    assert (first.title, first.attendance) == ("Rust Melbourne Meetup", "hybrid")
    assert Meetup.objects.get(pk=second.pk).duplicate_of_id == first.pk
    assert DuplicateCandidate.objects.get().status == DuplicateStatus.MERGED
    page.goto(f"/events/{first.pk}/")
    assert "Rust Melbourne Meetup" in page.content()


def test_a_proposal_accepted_by_a_curator_appears_on_the_public_page(page, browser, live_server):
    day = timezone.localdate() + timedelta(days=12)
    visitor = browser.new_context(base_url=live_server.url).new_page()
    visitor.goto("/")
    visitor.click("text=Submit an event")
    visitor.check("input[name=kind][value=event]")
    visitor.fill("#id_title", "Rust Munich Meetup #42")
    visitor.fill("#id_start_date", day.isoformat())
    visitor.fill("#id_url", "https://www.meetup.com/rust-munich/events/42/")
    visitor.fill("#id_location", "Munich, DE")
    visitor.fill("#id_group_name", "Rust Munich")
    visitor.fill("#id_group_url", "https://www.meetup.com/rust-munich")
    visitor.click("text=Send for review")
    visitor.wait_for_selector("text=your proposal was sent")
    visitor.goto("/events/")
    assert "Rust Munich Meetup #42" not in visitor.content()

    log_in(page)
    assert "1 waiting" in page.inner_text("#waiting-submissions")
    page.click("text=Review submissions")
    submission = Submission.objects.get()
    page.check(f"input[name=_selected_action][value='{submission.pk}']")
    page.select_option("select[name=action]", "accept")
    page.click("button[name=index]")
    page.wait_for_selector("text=Accepted 1 submission(s)")

    visitor.goto("/events/")
    assert "Rust Munich Meetup #42" in visitor.content()
    visitor.context.close()


def test_editor_resolves_flags_from_the_queue_one_after_the_other(page):
    meetup = make_meetup("Rust Hack and Learn")
    sighting = make_sighting(meetup, make_newsletter())
    # Kinds the admin knows (FlagKind): the queue goes in kind order, so this one is first.
    first = Flag.objects.create(
        kind=FlagKind.GEOCODE_FUZZY, message="check", meetup=meetup, sighting=sighting
    )
    second = Flag.objects.create(kind=FlagKind.RESCHEDULED, message="moved", meetup=meetup)
    log_in(page)

    page.click("text=Review open flags")
    assert page.locator("pre.raw-lines").first.inner_text().startswith(f"* {meetup.start_date}")
    page.locator("tr", has_text="Fuzzy geocode").locator("text=Resolve and next").click()
    page.wait_for_selector("text=Resolve and next")
    assert page.url.endswith(f"/admin/calendar_app/flag/{second.pk}/change/")
    page.click("button.default:has-text('Resolve')")
    page.wait_for_selector("text=Select flag to change")

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.resolved and second.resolved
