"""Issue 24's flow in a real browser: a curator opens the draft of the next issue, finds a
meetup only a followed calendar knows, corrects its place in the admin, and the draft
writes the correction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from calendar_app.models import Meetup, Source
from calendar_app.rendering.export_twir import next_issue_window
from calendar_app.services.ingest import ingest_paths
from calendar_app.services.sources_sync import sync_sources
from tests.browser.test_admin_weekly_loop import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FEED = "/rust-cambridge.ics"
TITLE = "Rust Cambridge: Embedded Night"


def newsletter(day, first, second) -> str:
    """The last issue read: two meetups of the coming window, one in Cambridge, MA."""
    return (
        f"Title: This Week in Rust 700\nNumber: 700\nDate: {day}\n"
        f"Category: This Week in Rust\n\n## Upcoming Events\n\n"
        f"Rusty Events between {day} - {day + timedelta(days=28)} 🦀\n\n"
        "### Europe\n\n"
        f"* {first} | Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin/)\n"
        "    * [**Rust Hack and Learn**](https://www.meetup.com/rust-berlin/events/400000001/)\n"
        "\n### North America\n\n"
        f"* {second} | Cambridge, MA, US | [Boston Rust Meetup](https://www.meetup.com/bostonrust/)\n"
        "    * [**Rust in Kendall Square**](https://www.meetup.com/bostonrust/events/400000002/)\n"
        "\n## Jobs\n\nNone.\n"
    )


def calendar(day) -> bytes:
    """The Meetup calendar of a group the newsletters never listed: one event."""
    stamp = day.strftime("%Y%m%d")
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Meetup//RemoteApi//EN\r\n"
        "X-ORIGINAL-URL:https://www.meetup.com/rust-cambridge/events/ical/\r\n"
        "X-WR-CALNAME:Events - Rust Cambridge\r\n"
        "BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\nBEGIN:STANDARD\r\nDTSTART:19701025T020000\r\n"
        "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
        "BEGIN:VEVENT\r\nDTSTAMP:20261201T120000Z\r\n"
        f"DTSTART;TZID=Europe/London:{stamp}T183000\r\n"
        f"DTEND;TZID=Europe/London:{stamp}T210000\r\n"
        "STATUS:CONFIRMED\r\n"
        f"SUMMARY:{TITLE}\r\n"
        "LOCATION:Makespace (16 Mill Lane\\, Cambridge\\, CB2 1RX\\, United Kingdom)\r\n"
        "URL:https://www.meetup.com/rust-cambridge/events/400000003/\r\n"
        "UID:event_400000003@meetup.com\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_a_curator_corrects_a_calendar_meetups_place_and_the_draft_writes_it(
    page, server, tmp_path
):
    start, end = next_issue_window(timezone.localdate())
    issue = tmp_path / "last-issue.md"
    issue.write_text(
        newsletter(start - timedelta(days=7), start + timedelta(1), start + timedelta(2))
    )
    ingest_paths([str(issue)])
    server.bodies[FEED] = calendar(start + timedelta(days=3))
    source = Source.objects.create(url=server.url(FEED), name="Rust Cambridge")
    report = sync_sources(sources=[source])
    assert (report.fetched, report.failed) == (1, 0)
    log_in(page)

    page.click("text=Draft next issue's events")
    # next week's window: from the coming Wednesday, drafted without asking
    assert page.input_value("#id_start") == start.isoformat()
    assert f"events from {start.isoformat()} to {end.isoformat()}" in page.inner_text(
        "#draft-window"
    )
    day = (start + timedelta(days=3)).isoformat()
    guessed = f"* {day} | Cambridge, GB | [Rust Cambridge](https://www.meetup.com/rust-cambridge/)"
    assert guessed in page.input_value("#twir-markdown")
    assert f"new: {day} {TITLE}" in page.inner_text("#draft-notes")

    # the calendar's venue is an old one: the group meets in Cambridge, MA
    page.click(f"#draft-notes .draft-new >> text={TITLE}")
    page.wait_for_selector("text=Change meetup")
    page.click("#meetupplace_set-0 .select2-selection")
    page.fill(".select2-search__field", "Cambridge, MA")
    page.click(".select2-results__option:has-text('Cambridge, MA')")
    page.click("input[name=_save]")
    page.wait_for_selector("text=was changed successfully")

    page.click("text=Draft next issue's events")
    markdown = page.input_value("#twir-markdown")
    corrected = guessed.replace("Cambridge, GB", "Cambridge, MA, US")
    assert "Cambridge, GB" not in markdown
    north_america = markdown.split("### North America")[1]
    assert f"{corrected}\n    * [**{TITLE}**]" in north_america
    assert "places" in Meetup.objects.get(title=TITLE).locked_fields  # ingest will not undo it
