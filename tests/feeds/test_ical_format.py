"""RFC 5545 / RFC 7986 rules asserted on the bytes of every feed variant."""

from __future__ import annotations

import re
from datetime import UTC, date, timedelta

import pytest
from django.core.cache import caches
from django.urls import reverse
from icalendar import Calendar

from calendar_app.models import Meetup, MeetupPlace
from calendar_app.models.content import data_version_bump
from calendar_app.rendering.ical import PlainGeo, feed_events
from calendar_app.services.merge import merge_meetups
from tests.factories import make_meetup, make_place
from tests.feeds.conftest import TRICKY_TITLE
from tests.feeds.helpers import event_blocks, parse_strictly, unfolded_lines, values

pytestmark = pytest.mark.django_db

FEED = "/feeds/events.ics"
SITE = "http://testserver"
VARIANTS = [
    "",
    "?region=europe",
    "?region=asia",  # empty calendar
    "?attendance=virtual",
    "?attendance=hybrid&country=gb",
    "?city=Berlin",
    "?group=rust-berlin",
    "?q=rust",
    "?near=52.5,13.4&radius_km=50",
    "?include_past=1",
    "?start=2020-01-01&end=2030-12-31",
]


def feed(client, query: str = "") -> bytes:
    response = client.get(FEED + query)
    assert response.status_code == 200, response.content
    return response.content


@pytest.mark.parametrize("query", VARIANTS)
def test_every_variant_parses_with_three_parsers_and_keeps_the_line_rules(client, sample, query):
    body = feed(client, query)
    parse_strictly(body)
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert b"\r" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n")), "line over 75 octets"


def test_single_meetup_download_parses(client, sample):
    body = client.get(reverse("meetup_ics", args=[sample.conference.pk])).content
    cal = parse_strictly(body)
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [str(sample.conference.uid)]


def test_calendar_properties_describe_the_filter(client, sample, site):
    body = feed(client, "?region=europe&attendance=&utm_source=x")
    assert values(body, "VERSION") == ["2.0"]
    assert values(body, "PRODID")
    assert values(body, "NAME") == ["Rust meetups - Europe"]
    assert values(body, "X-WR-CALNAME") == ["Rust meetups - Europe"]
    assert values(body, "X-WR-CALDESC") and values(body, "DESCRIPTION")
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT12H" in unfolded_lines(body)
    assert values(body, "X-PUBLISHED-TTL") == ["PT12H"]
    assert values(body, "SOURCE") == ["http://testserver/feeds/events.ics?region=europe"]
    assert values(feed(client), "NAME") == ["Rust meetups"]


def test_source_does_not_depend_on_parameter_order(client, sample):
    one = feed(client, "?region=europe&attendance=hybrid")
    other = feed(client, "?attendance=hybrid&region=europe")
    assert one == other


def test_one_uid_per_meetup_from_the_stored_uid(client, sample):
    body = feed(client)
    uids = values(body, "UID")
    assert len(uids) == len(set(uids))
    assert sorted(uids) == sorted(str(m.uid) for m in sample.in_feed)


def test_hidden_merged_and_old_meetups_are_not_in_feeds(client, sample):
    uids = set(values(feed(client, "?include_past=1"), "UID"))
    assert str(sample.hidden.uid) not in uids
    assert str(sample.merged.uid) not in uids
    assert str(sample.old.uid) in uids  # include_past lifts the 30-day window
    assert str(sample.old.uid) not in values(feed(client), "UID")


def test_dtstamp_and_last_modified_are_the_last_change_in_utc(client, sample):
    sample.berlin.refresh_from_db()
    expected = sample.berlin.updated.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    for block in event_blocks(feed(client)):
        stamp = next(line for line in block if line.startswith("DTSTAMP"))
        assert re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", stamp)
        modified = next(line for line in block if line.startswith("LAST-MODIFIED"))
        assert re.fullmatch(r"LAST-MODIFIED:\d{8}T\d{6}Z", modified)
        if f"UID:{sample.berlin.uid}" in block:
            assert stamp == f"DTSTAMP:{expected}"


def test_all_day_dates_with_an_exclusive_end(client, sample):
    blocks = {b[0]: b for b in event_blocks(feed(client))}  # SUMMARY comes first
    conference = blocks["SUMMARY:RustConf Europe"]
    start, end = sample.conference.start_date, sample.conference.end_date
    assert f"DTSTART;VALUE=DATE:{start:%Y%m%d}" in conference
    assert f"DTEND;VALUE=DATE:{end + timedelta(days=1):%Y%m%d}" in conference
    berlin = blocks["SUMMARY:Rust Hack and Learn"]
    day = sample.berlin.start_date
    assert f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}" in berlin


def test_geo_has_at_most_six_decimals_in_plain_notation(client, sample):
    geos = values(feed(client), "GEO")
    assert "51.507351;-0.00005" in geos
    for geo in geos:
        assert re.fullmatch(r"-?\d{1,2}(\.\d{1,6})?;-?\d{1,3}(\.\d{1,6})?", geo), geo
    assert PlainGeo((-0.0000001, 179.1234567)).to_ical() == "0;179.123457"


def test_text_is_escaped(client, sample):
    summaries = values(feed(client), "SUMMARY")
    assert 'Rust\\, "Ferris"\\; C:\\\\path\\nsecond line' in summaries
    cal = parse_strictly(feed(client))
    titles = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert TRICKY_TITLE in titles


def test_two_renders_are_byte_identical(client, sample):
    first = feed(client, "?region=europe")
    data_version_bump()  # the kept answer is stale
    assert feed(client, "?region=europe") == first  # VEVENTs kept from the first
    caches["vevents"].clear()
    data_version_bump()  # the kept answer is stale
    assert feed(client, "?region=europe") == first  # all rendered again


def test_assembled_feed_equals_the_library_rendering_of_the_whole_calendar(client, sample):
    """The feed joins separately rendered VEVENTs; it must be what icalendar writes at once."""
    body = feed(client)
    whole = Calendar.from_ical(body.split(b"BEGIN:VEVENT")[0] + b"END:VCALENDAR\r\n")
    queryset = Meetup.objects.filter(pk__in=[m.pk for m in sample.in_feed])
    by_uid = {str(event["UID"]): event for event in feed_events(queryset, site_url=SITE)}
    for uid in values(body, "UID"):
        whole.add_component(by_uid[uid])
    assert whole.to_ical() == body
    data_version_bump()  # the kept answer is stale
    assert feed(client) == body  # the second time from the kept VEVENTs: the same bytes


def test_feed_queries_do_not_grow_with_the_meetups(client, sample, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):  # bounds 1, validators 4, data 5
        feed(client)
    for n in range(10):
        make_meetup(f"Extra {n}", places=[make_place(f"Town {n}", city=f"Town {n}")])
    caches["vevents"].clear()
    with django_assert_max_num_queries(10):  # bounds 1, validators 4, data 5
        feed(client)


def test_sequence_rises_after_a_date_change(client, sample):
    def sequence() -> int:
        blocks = [b for b in event_blocks(feed(client)) if f"UID:{sample.berlin.uid}" in b]
        return int(next(line for line in blocks[0] if line.startswith("SEQUENCE:"))[9:])

    before = sequence()
    sample.berlin.refresh_from_db()
    day = sample.berlin.start_date + timedelta(1)
    assert sample.berlin.reschedule(start_date=day, end_date=day)
    sample.berlin.save()
    assert sequence() == before + 1


def test_cancelled_meetup_stays_with_status_cancelled(client, sample):
    blocks = [b for b in event_blocks(feed(client)) if f"UID:{sample.cancelled.uid}" in b]
    assert len(blocks) == 1
    assert "STATUS:CANCELLED" in blocks[0]
    confirmed = [b for b in event_blocks(feed(client)) if "STATUS:CONFIRMED" in b]
    assert len(confirmed) == len(sample.in_feed) - 1


def test_location_url_categories_and_description(client, sample):
    blocks = {b[0]: b for b in event_blocks(feed(client))}
    berlin = blocks["SUMMARY:Rust Hack and Learn"]
    assert "LOCATION:Berlin\\, Germany" in berlin
    assert "URL;VALUE=URI:https://www.meetup.com/rust-berlin/events/1/" in berlin
    assert "CATEGORIES:Europe,In person,Rust Berlin" in berlin
    description = next(line for line in berlin if line.startswith("DESCRIPTION:"))
    assert "Organised by Rust Berlin." in description
    assert "Stream: https://youtube.com/live/x" in description
    assert "Listed in This Week in Rust 532 (2024-01-31)." in description
    assert f"/events/{sample.berlin.pk}/" in description
    assert "LOCATION:Online" in blocks["SUMMARY:Rust Online"]
    assert "LOCATION:London\\, UK (and online)" in blocks["SUMMARY:RustConf Europe"]
    assert "CATEGORIES:Virtual,Rust Gathering" in blocks["SUMMARY:Rust Online"]


def test_categories_are_a_real_list(client, sample):
    cal = parse_strictly(feed(client))
    event = next(e for e in cal.walk("VEVENT") if str(e["UID"]) == str(sample.conference.uid))
    assert list(event["CATEGORIES"].cats) == ["Europe", "Hybrid", "Rust London User Group"]


def test_a_place_change_reaches_the_feed(client, sample):
    """Feeds show place names: a meetup moved to another city changes LOCATION."""
    paris = make_place("Paris, FR", city="Paris", country="FR", latitude=48.8566, longitude=2.3522)
    MeetupPlace.objects.filter(meetup=sample.berlin).update(place=paris)
    sample.berlin.save()
    blocks = [b for b in event_blocks(feed(client)) if f"UID:{sample.berlin.uid}" in b]
    assert "LOCATION:Paris\\, France" in blocks[0]


def test_uid_survives_a_merge(client, sample):
    """The survivor of a curator's merge keeps its uid; the merged-away one leaves the feed."""
    twin = make_meetup("Rust Hack & Learn", start=sample.berlin.start_date)
    merge_meetups(survivor=sample.berlin, others=[twin])
    uids = values(feed(client), "UID")
    assert uids.count(str(sample.berlin.uid)) == 1
    assert str(twin.uid) not in uids


def test_multi_day_event_in_strict_parser_spans_its_days(client, sample):
    from ical.calendar_stream import IcsCalendarStream

    strict = IcsCalendarStream.calendar_from_ics(feed(client).decode())
    event = next(e for e in strict.events if e.uid == str(sample.conference.uid))
    assert event.dtstart == sample.conference.start_date
    assert event.dtend == sample.conference.end_date + timedelta(days=1)
    assert isinstance(event.dtstart, date)


def test_filter_text_in_the_calendar_name_is_escaped_not_injected(client, sample):
    body = client.get(FEED, {"q": "rust\r\nBEGIN:VEVENT\r\nX-INJECTED:1, a;b"}).content
    parse_strictly(body)
    assert not any(line.startswith("X-INJECTED") for line in unfolded_lines(body))
    assert values(body, "NAME") == ["Rust meetups - “rust BEGIN:VEVENT X-INJECTED:1\\, a\\;b”"]
    assert values(body, "X-WR-CALDESC")[0].endswith("\\, as listed in This Week in Rust.")
