"""Following calendars: adding them, their health, back-off, and a sync that never lets one
failing feed stop the others or lose what is known."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from calendar_app.models import Meetup, Source
from calendar_app.services.sources import (
    MergeCounts,
    SourceURLError,
    fetch_file,
    fetch_source,
    source_add,
    source_url,
    sources_due,
    sources_set_enabled,
    sources_sync,
)
from calendar_app.services.sources_fetch import FetchResult
from tests.factories import make_group, make_meetup

pytestmark = pytest.mark.django_db

CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def ics(tmp_path) -> Path:
    path = tmp_path / "group.ics"
    path.write_bytes(CALENDAR)
    return path


def test_a_local_path_is_stored_as_an_absolute_file_url(ics, monkeypatch):
    monkeypatch.chdir(ics.parent)
    assert source_url("group.ics") == ics.resolve().as_uri()
    assert source_url(ics.resolve().as_uri()) == ics.resolve().as_uri()
    assert source_url(" https://www.meetup.com/rust-berlin/events/ical/ ") == (
        "https://www.meetup.com/rust-berlin/events/ical/"
    )


@pytest.mark.parametrize(
    "value",
    [
        "ftp://example.org/a.ics",
        "javascript:alert(1)",
        "https://",
        "/no/such/file.ics",
        "http://a b",
    ],
)
def test_what_cannot_be_followed_is_refused(value):
    with pytest.raises(SourceURLError):
        source_url(value)


def test_adding_is_idempotent_by_url():
    group = make_group("Rust Berlin")
    first, created = source_add(url="https://example.org/a.ics", name="A")
    again, created_again = source_add(url="https://example.org/a.ics")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.name == "A"
    source_add(url="https://example.org/a.ics", name="Renamed", group=group)
    first.refresh_from_db()
    assert (first.name, first.group) == ("Renamed", group)
    assert Source.objects.count() == 1


def test_back_off_doubles_after_each_failure_up_to_a_cap():
    now = timezone.now()
    source = Source(url="https://example.org/a.ics", interval=timedelta(hours=6))
    assert source.next_due() is None and source.is_due(now)
    source.last_attempt = now
    assert source.next_due() == now + timedelta(hours=6)
    source.consecutive_failures = 2
    assert source.next_due() == now + timedelta(hours=24)
    source.consecutive_failures = 30
    assert source.next_due() == now + timedelta(hours=48)
    assert not source.is_due(now + timedelta(hours=47))
    assert source.is_due(now + timedelta(hours=48))
    source.enabled = False
    assert not source.is_due(now + timedelta(days=30))


def test_due_sources_are_the_enabled_ones_whose_wait_is_over():
    now = timezone.now()
    never = Source.objects.create(url="https://example.org/never.ics")
    Source.objects.create(url="https://example.org/fresh.ics", last_attempt=now)
    stale = Source.objects.create(
        url="https://example.org/stale.ics", last_attempt=now - timedelta(hours=7)
    )
    Source.objects.create(url="https://example.org/off.ics", enabled=False)
    assert {s.pk for s in sources_due(now=now)} == {never.pk, stale.pk}


def test_enabling_forgets_the_failures_and_makes_it_due():
    source = Source.objects.create(
        url="https://example.org/a.ics",
        enabled=False,
        consecutive_failures=5,
        last_attempt=timezone.now(),
    )
    assert sources_set_enabled(sources=Source.objects.all(), enabled=True) == 1
    source.refresh_from_db()
    assert source.enabled and source.consecutive_failures == 0 and source.is_due()
    assert sources_set_enabled(sources=Source.objects.all(), enabled=True) == 0
    assert sources_set_enabled(sources=Source.objects.all(), enabled=False) == 1


def test_sync_records_health_and_one_failure_does_not_stop_the_others():
    good = Source.objects.create(url="https://example.org/good.ics")
    bad = Source.objects.create(url="https://example.org/bad.ics")
    crash = Source.objects.create(url="https://example.org/crash.ics")
    same = Source.objects.create(url="https://example.org/same.ics", etag='"old"')

    def fetch(source: Source) -> FetchResult:
        if source.pk == bad.pk:
            return FetchResult(source.url, 500, error="HTTP 500\nServer Error")
        if source.pk == crash.pk:
            raise RuntimeError("connection reset")
        if source.pk == same.pk:
            return FetchResult(source.url, 304)
        return FetchResult(source.url, 200, body=CALENDAR, etag='"v1"')

    merged = []
    report = sources_sync(
        sources=Source.objects.order_by("pk"),
        fetch=fetch,
        merge=lambda source, body: merged.append((source.pk, body)) or MergeCounts(events=7),
    )
    assert (report.sources, report.fetched, report.not_modified, report.failed) == (4, 1, 1, 2)
    assert report.events == 7 and merged == [(good.pk, CALENDAR)]
    assert report.errors == {
        bad.url: "HTTP 500\nServer Error",
        crash.url: "RuntimeError: connection reset",
    }
    for source in (good, bad, crash, same):
        source.refresh_from_db()
    assert (good.etag, good.events_seen, good.last_error, good.consecutive_failures) == (
        '"v1"',
        7,
        "",
        0,
    )
    assert good.last_success is not None
    assert bad.last_error == "HTTP 500 Server Error" and bad.consecutive_failures == 1
    assert bad.last_success is None and bad.last_attempt is not None
    assert same.etag == '"old"' and same.last_success is not None


def test_a_merge_that_fails_is_rolled_back_and_recorded():
    source = Source.objects.create(url="https://example.org/a.ics", etag='"v0"')
    meetup = make_meetup("Kept")

    def merge(source: Source, body: bytes) -> MergeCounts:
        Meetup.objects.filter(pk=meetup.pk).update(title="Half written")
        raise ValueError("not a calendar")

    report = sources_sync(
        sources=[source],
        fetch=lambda s: FetchResult(s.url, 200, body=b"<html>", etag='"v1"'),
        merge=merge,
    )
    assert report.failed == 1 and report.fetched == 0
    meetup.refresh_from_db()
    source.refresh_from_db()
    assert meetup.title == "Kept"
    assert source.last_error == "ValueError: not a calendar"
    assert source.etag == '"v0"'  # asked again in full next time


def test_a_file_source_is_read_then_not_modified_until_it_changes(ics):
    source, _ = source_add(url=source_url(str(ics)))
    report = sources_sync(
        sources=[source], merge=lambda s, body: MergeCounts(events=body.count(b"VCALENDAR"))
    )
    assert (report.fetched, report.events) == (1, 2)
    source.refresh_from_db()
    assert source.last_modified and source.events_seen == 2
    assert fetch_file(source).not_modified
    stat = ics.stat()
    ics.write_bytes(CALENDAR + b"\r\n")
    os.utime(ics, (stat.st_atime, stat.st_mtime + 10))
    assert fetch_file(source).ok


def test_a_vanished_file_is_a_recorded_failure(ics):
    source, _ = source_add(url=source_url(str(ics)))
    ics.unlink()
    report = sources_sync(sources=[source])
    source.refresh_from_db()
    assert report.failed == 1 and "cannot read" in source.last_error


def test_a_scheme_without_a_fetcher_is_a_clear_error():
    result = fetch_source(Source(url="gopher://example.org/a.ics"))
    assert not result.ok and "gopher" in result.error
