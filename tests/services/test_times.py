"""meetup_set_times: instants, the event's zone (TZID else the place's) and local dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from calendar_app.services.times import meetup_set_times
from tests.factories import make_meetup, make_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetup():
    tokyo = make_place("Tokyo, JP", city="Tokyo", country="JP", timezone_name="Asia/Tokyo")
    return make_meetup("Rust Tokyo", start=date(2025, 7, 3), places=[tokyo], region="asia")


def test_the_calendars_zone_wins_and_the_dates_follow_it(meetup):
    starts = datetime(2025, 7, 3, 23, 30, tzinfo=UTC)
    meetup_set_times(meetup=meetup, starts_at=starts, timezone="Europe/London")
    meetup.refresh_from_db()
    assert meetup.timezone == "Europe/London"
    assert meetup.start_date == meetup.end_date == date(2025, 7, 4)  # 00:30 BST
    assert meetup.local_start == starts and meetup.local_start.utcoffset().seconds == 3600


def test_no_or_an_unknown_tzid_falls_back_to_the_places_zone(meetup):
    starts = datetime(2025, 7, 3, 10, tzinfo=UTC)
    meetup_set_times(meetup=meetup, starts_at=starts, timezone="Mars/Olympus_Mons")
    assert meetup.timezone == "Asia/Tokyo"
    assert meetup.start_date == date(2025, 7, 3)


def test_an_end_past_midnight_makes_it_end_next_day(meetup):
    tokyo = ZoneInfo("Asia/Tokyo")
    meetup_set_times(
        meetup=meetup,
        starts_at=datetime(2025, 7, 3, 22, tzinfo=tokyo),
        ends_at=datetime(2025, 7, 4, 1, tzinfo=tokyo),
    )
    assert (meetup.start_date, meetup.end_date) == (date(2025, 7, 3), date(2025, 7, 4))


def test_going_back_to_dates_only_clears_times_and_zone(meetup):
    meetup_set_times(meetup=meetup, starts_at=datetime(2025, 7, 3, 10, tzinfo=UTC))
    meetup_set_times(meetup=meetup, starts_at=None)
    meetup.refresh_from_db()
    assert (meetup.starts_at, meetup.ends_at, meetup.timezone) == (None, None, "")
    assert meetup.all_day


def test_a_curators_lock_is_kept(meetup):
    meetup.locked_fields = ["starts_at"]
    meetup_set_times(meetup=meetup, starts_at=datetime(2025, 7, 3, 10, tzinfo=UTC))
    meetup.refresh_from_db()
    assert meetup.starts_at is None


@pytest.mark.parametrize(
    "starts, ends",
    [
        (datetime(2025, 7, 3, 10), None),
        (datetime(2025, 7, 3, 10, tzinfo=UTC), datetime(2025, 7, 3, 9, tzinfo=UTC)),
        (None, datetime(2025, 7, 3, 9, tzinfo=UTC)),
    ],
)
def test_impossible_times_are_refused(meetup, starts, ends):
    with pytest.raises(ValidationError):
        meetup_set_times(meetup=meetup, starts_at=starts, ends_at=ends)
