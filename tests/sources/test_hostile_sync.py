"""Hostile calendars beside ordinary ones (issue 25): each bad source fails or is cut down
alone, with its reason on the source, and every ordinary and valid event is merged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from calendar_app.calendars import bounds
from calendar_app.models import Flag, FlagKind, Meetup, Source, SourceEvent
from calendar_app.services.sources import (
    MergeCounts,
    source_record_success,
    sources_sync,
)
from calendar_app.services.sources_sync import sync_sources
from tests.sources import feed_server

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
ORDINARY = ("meetup_group", "luma_calendar", "google_calendar")


def calendar(*events: str, head: str = "") -> bytes:
    text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\n" + head
    return (text + "".join(events) + "END:VCALENDAR\r\n").encode()


def vevent(uid: str, title: str, start: str = "DTSTART:20261209T180000Z", extra: str = "") -> str:
    return f"BEGIN:VEVENT\r\nUID:{uid}\r\n{start}\r\nSUMMARY:{title}\r\n{extra}END:VEVENT\r\n"


BROKEN_ZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Custom/Broken\r\nBEGIN:STANDARD\r\nDTSTART:garbage\r\n"
    "TZOFFSETFROM:+zz00\r\nTZOFFSETTO:nonsense\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
)
BROKEN_ALARM = "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:soon-ish\r\nEND:VALARM\r\n"
BROKEN_TODO = "BEGIN:VTODO\r\nUID:todo@x\r\nDUE:whenever\r\nDTSTART:garbage\r\nEND:VTODO\r\n"

HOSTILE = {
    "/minutely.ics": calendar(
        vevent("minutely@x", "Every minute", extra="RRULE:FREQ=MINUTELY\r\n"),
        vevent("secondly@x", "Every second", extra="RRULE:FREQ=SECONDLY\r\n"),
        vevent("beside-minutely@x", "Valid beside the minutely series"),
    ),
    "/daily.ics": calendar(
        *(vevent(f"daily-{i}@x", f"Daily {i}", extra="RRULE:FREQ=DAILY\r\n") for i in range(200))
    ),
    "/broken-zone.ics": calendar(
        BROKEN_ZONE,
        BROKEN_TODO,
        vevent("zoned@x", "In the broken zone", start="DTSTART;TZID=Custom/Broken:20261210T190000"),
        vevent("alarmed@x", "With a broken alarm", extra=BROKEN_ALARM),
        head="X-WR-TIMEZONE:Europe/Berlin\r\n",
    ),
    "/long-etag.ics": calendar(vevent("etag@x", "Behind a long ETag")),
    "/one-uid.ics": calendar(*(vevent("same@x", f"Copy {i}") for i in range(500))),
}


@pytest.fixture
def other():
    running = feed_server.start()
    yield running
    feed_server.shut(running)


def test_a_hostile_set_beside_ordinary_feeds(server, other, settings, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_SERIES_OCCURRENCES", 30)
    monkeypatch.setattr(bounds, "MAX_FEED_OCCURRENCES", 100)
    server.bodies.update(HOSTILE)
    server.etags["/long-etag.ics"] = '"' + "e" * 598 + '"'
    port = server.server_address[1]
    settings.TRUSTED_SOURCE_HOSTS = [f"localhost:{port}"]  # the public source's first hop
    server.redirect_to = other.url("/meetup_group.ics")  # another loopback port
    paths = ["/drip-headers", *HOSTILE, "/always-304", *(f"/{n}.ics" for n in ORDINARY)]
    sources = [Source.objects.create(url=server.url(p), name=p.strip("/")) for p in paths]
    public = Source.objects.create(
        url=f"http://localhost:{port}/redirect", name="public-redirect", trusted=False
    )
    order: list[str] = []

    report = sync_sources(
        sources=[*sources, public],
        now=NOW,
        timeout=2.0,
        progress=lambda i, n, source: order.append(source.name),
    )

    by_name = {s.name: s for s in Source.objects.all()}
    failed = {name for name, s in by_name.items() if s.consecutive_failures}
    assert failed == {"drip-headers", "always-304", "public-redirect"}
    assert "no complete answer within 2 s" in by_name["drip-headers"].last_error
    assert "304" in by_name["always-304"].last_error
    assert by_name["public-redirect"].last_error.startswith("refused:")
    assert other.requests == []  # the inside server was never asked
    assert order[-1] == "drip-headers"  # the stuck server held nobody else
    assert (report.failed, report.fetched) == (3, len(paths) - 2)

    # ordinary feeds and every valid event merged
    titles = set(Meetup.objects.values_list("title", flat=True))
    for title in (
        "Rust Prague: Hack night",
        "Valid beside the minutely series",
        "In the broken zone",
        "With a broken alarm",
        "Behind a long ETag",
    ):
        assert title in titles, title
    zoned = Meetup.objects.get(title="In the broken zone")
    assert zoned.starts_at == datetime(2026, 12, 10, 18, tzinfo=UTC)  # 19:00 in Berlin
    assert not {"Every minute", "Every second"} & titles

    # the limits, said on the source and in flags
    assert "MINUTELY" in by_name["minutely.ics"].notes
    assert "SECONDLY" in by_name["minutely.ics"].notes
    daily = by_name["daily.ics"]
    assert "more than 100 occurrences" in daily.notes and daily.events_seen == 100
    assert Meetup.objects.filter(title__startswith="Daily ").count() == 100
    assert "500 events share this UID" in by_name["one-uid.ics"].notes
    assert Meetup.objects.filter(title__startswith="Copy ").count() == 1
    assert by_name["long-etag.ics"].etag == ""  # too long to keep: the next GET is plain
    assert by_name["meetup_group.ics"].etag == '"meetup_group-v1"'
    flags = " ".join(
        Flag.objects.filter(kind=FlagKind.CALENDAR_PROBLEM).values_list("message", flat=True)
    )
    for said in (
        "MINUTELY: refused",
        "more than 100 occurrences",
        "the first 30 read",
        "unreadable VTIMEZONE",
        "'Custom/Broken' is unreadable",
        "unreadable VALARM",
        "unreadable VTODO",
        "500 events share this UID",
    ):
        assert said in flags, said
    assert report.limited.keys() == {
        server.url("/minutely.ics"),
        server.url("/daily.ics"),
        server.url("/one-uid.ics"),
    }


def test_a_write_that_fails_is_recorded_on_its_source_and_the_next_one_syncs():
    """Whatever breaks while a source is written (here its health) is rolled back to its
    savepoint and said on that source; the other sources are written."""
    first = Source.objects.create(url="https://example.org/a.ics")
    second = Source.objects.create(url="https://example.org/b.ics")

    def fetch(source):
        from calendar_app.services.sources_fetch import FetchResult

        return FetchResult(source.url, 200, body=b"x", etag='"v1"')

    def merge(source, body):
        SourceEvent.objects.create(source=source, uid=f"written-{source.pk}")
        # a count the health write that follows cannot store (a positive integer column)
        return MergeCounts(events=-1 if source.pk == first.pk else 1)

    report = sources_sync(sources=[first, second], fetch=fetch, merge=merge, workers=1)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.consecutive_failures == 1 and first.last_error
    assert first.etag == ""  # nothing of the failed write kept, its events neither
    assert list(SourceEvent.objects.values_list("uid", flat=True)) == [f"written-{second.pk}"]
    assert (second.etag, second.consecutive_failures, second.events_seen) == ('"v1"', 0, 1)
    assert report.failed == 1 and report.fetched == 1


@pytest.mark.parametrize(
    ("etag", "last_modified", "kept"),
    [
        (
            '"' + "x" * 600 + '"',
            "Tue, 24 Nov 2026 12:00:00 GMT",
            ("", "Tue, 24 Nov 2026 12:00:00 GMT"),
        ),
        ('"ok\x00\x1b"', "M" * 150, ('"ok"', "")),
    ],
)
def test_validators_that_do_not_fit_are_dropped_not_written(etag, last_modified, kept):
    source = Source.objects.create(url="https://example.org/c.ics")
    source_record_success(source=source, at=NOW, etag=etag, last_modified=last_modified)
    source.refresh_from_db()
    assert (source.etag, source.last_modified) == kept


@pytest.mark.postgres
def test_long_values_from_a_feed_never_fail_its_write_on_postgresql(server):
    """On PostgreSQL a 600-character ETag crashed `sync_sources` (varchar(500)); so could a
    NUL. Run with DATABASE_URL=postgres://...; on SQLite it checks the same."""
    long_uid = "u" * 1500 + "@x"
    server.bodies["/long.ics"] = calendar(
        vevent(
            long_uid,
            "T" * 2000,
            extra="LOCATION:" + "L" * 3000 + "\r\nURL:https://e.org/" + "p" * 2000 + "\r\n",
        ),
        vevent("plain@x", "Plain after long"),
    )
    server.etags["/long.ics"] = '"' + "e" * 700 + '"'
    long_source = Source.objects.create(url=server.url("/long.ics"), name="long")
    after = Source.objects.create(url=server.url("/luma_calendar.ics"), name="after")
    report = sync_sources(sources=[long_source, after], now=NOW)
    assert report.failed == 0, report.errors
    long_source.refresh_from_db()
    assert long_source.etag == "" and long_source.events_seen == 2
    assert Meetup.objects.filter(title="Plain after long").exists()
    assert Source.objects.get(name="after").last_success is not None


def test_ingest_twir_url_has_an_overall_deadline(server, monkeypatch):
    """`ingest_twir URL` against a server dripping its headers: an error within the
    deadline, and the other paths are read."""
    from calendar_app.services.ingest import ingest_paths, read

    monkeypatch.setattr(read, "URL_DEADLINE", 1.0)
    report = ingest_paths([server.url("/drip-headers"), server.url("/404")])
    assert len(report.errors) == 2
    assert "no complete answer within 1 s" in report.errors[0]
    assert "HTTP 404" in report.errors[1]
