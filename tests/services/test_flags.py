"""One rule raises every flag: one open flag per subject and kind; resolved stays resolved
unless the raw text changes."""

from __future__ import annotations

import pytest

from calendar_app.models import Flag, FlagKind
from calendar_app.services.flags import flags_raise
from calendar_app.services.geocode import raise_place_flags
from tests.factories import make_meetup, make_place

pytestmark = pytest.mark.django_db


def test_an_open_flag_is_raised_once_per_subject_and_kind():
    meetup = make_meetup("Rust Hack and Learn")
    first = flags_raise(
        [
            Flag(kind=FlagKind.RESCHEDULED, meetup=meetup, message="moved"),
            Flag(kind=FlagKind.RESCHEDULED, meetup=meetup, message="moved again"),
        ]
    )
    assert len(first) == 1
    assert flags_raise([Flag(kind=FlagKind.RESCHEDULED, meetup=meetup, message="x")]) == []
    other = flags_raise([Flag(kind=FlagKind.SECTION_MISMATCH, meetup=meetup, message="y")])
    assert len(other) == 1
    assert Flag.objects.filter(meetup=meetup).count() == 2


def test_a_resolved_flag_stays_resolved_unless_its_raw_text_changes():
    meetup = make_meetup("Rust Meetup")
    [flag] = flags_raise(
        [Flag(kind=FlagKind.CALENDAR_PROBLEM, meetup=meetup, raw="LINE A", message="bad")]
    )
    Flag.objects.filter(pk=flag.pk).update(resolved=True)
    again = Flag(kind=FlagKind.CALENDAR_PROBLEM, meetup=meetup, raw="LINE A", message="bad")
    assert flags_raise([again]) == []
    changed = Flag(kind=FlagKind.CALENDAR_PROBLEM, meetup=meetup, raw="LINE B", message="bad")
    assert len(flags_raise([changed])) == 1


def test_flags_without_a_subject_are_told_apart_by_their_message():
    raised = flags_raise(
        [
            Flag(kind=FlagKind.CALENDAR_PROBLEM, message="feed A: broken VTIMEZONE"),
            Flag(kind=FlagKind.CALENDAR_PROBLEM, message="feed B: broken VTIMEZONE"),
        ]
    )
    assert len(raised) == 2
    assert (
        flags_raise([Flag(kind=FlagKind.CALENDAR_PROBLEM, message="feed A: broken VTIMEZONE")])
        == []
    )


def test_geocoding_raises_through_the_same_rule():
    place = make_place("Nowhere", city="")
    assert raise_place_flags(place=place, problems=[(FlagKind.GEOCODE_FAILED, "not found")]) == 1
    assert raise_place_flags(place=place, problems=[(FlagKind.GEOCODE_FAILED, "not found")]) == 0
    assert place.flags.filter(resolved=False).count() == 1
