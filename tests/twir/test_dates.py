from datetime import date

import pytest

from calendar_app.twir.dates import (
    DateRange,
    InvalidDate,
    check_window,
    parse_iso_dates,
)

D = date


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024-02-07", D(2024, 2, 7), D(2024, 2, 7)),
        ("2024-10-17 - 2024-10-18", D(2024, 10, 17), D(2024, 10, 18)),
        ("2023-02-16, 2023-02-17", D(2023, 2, 16), D(2023, 2, 17)),
        ("2024-03-26, 2024-03-28", D(2024, 3, 26), D(2024, 3, 28)),  # not consecutive
        ("2024-05-28 & 2024-05-29", D(2024, 5, 28), D(2024, 5, 29)),
        ("2022-05-19 & 05-20", D(2022, 5, 19), D(2022, 5, 20)),
        ("2024-01-27-28", D(2024, 1, 27), D(2024, 1, 28)),
        ("2025-09-02 * 2025-09-05", D(2025, 9, 2), D(2025, 9, 5)),
        ("2023-10-9", D(2023, 10, 9), D(2023, 10, 9)),
        ("2024-10-17 to 2024-10-18", D(2024, 10, 17), D(2024, 10, 18)),
        ("2024-10-17 — 10-18", D(2024, 10, 17), D(2024, 10, 18)),
        ("2024-10-17 – 2024-10-19", D(2024, 10, 17), D(2024, 10, 19)),
        ("2024-12-30 - 01-02", D(2024, 12, 30), D(2025, 1, 2)),  # over new year
        ("2024-01-30-02", D(2024, 1, 30), D(2024, 2, 2)),  # over a month end
        ("2024-01-31 - 02", D(2024, 1, 31), D(2024, 2, 2)),  # from a 31st (February is short)
        ("2024-12-31 - 01", D(2024, 12, 31), D(2025, 1, 1)),  # over new year, the day alone
        ("$2024-02-07 ", D(2024, 2, 7), D(2024, 2, 7)),
        ("2024-02-07, 18:00", D(2024, 2, 7), D(2024, 2, 7)),  # a time is no second day
    ],
)
def test_date_forms(text, start, end):
    found = parse_iso_dates(text)
    assert found is not None
    dates, _ = found
    assert (dates.start, dates.end) == (start, end)
    assert dates.problems == []


def test_no_date():
    assert parse_iso_dates("Virtual (Berlin, DE)") is None


def test_invalid_date_raises():
    with pytest.raises(InvalidDate):
        parse_iso_dates("2023-02-30")


def test_end_before_start_is_a_problem():
    dates, _ = parse_iso_dates("2024-10-18 - 2024-10-17")
    assert (dates.start, dates.end) == (D(2024, 10, 18), D(2024, 10, 18))
    assert [p.kind for p in dates.problems] == ["end_before_start"]


def test_unreadable_later_day_keeps_the_first():
    dates, _ = parse_iso_dates("2024-10-17 - 2024-13-01")
    assert dates.start == dates.end == D(2024, 10, 17)
    assert [p.kind for p in dates.problems] == ["unclear_dates"]


WINDOW = (D(2024, 10, 16), D(2024, 11, 13))


def test_wrong_year_is_corrected():
    dates = check_window(DateRange(D(2022, 10, 31), D(2022, 10, 31)), WINDOW)
    assert dates.start == dates.end == D(2024, 10, 31)
    assert [p.kind for p in dates.problems] == ["year_corrected"]


def test_year_correction_across_new_year_window():
    window = (D(2024, 12, 18), D(2025, 1, 15))
    dates = check_window(DateRange(D(2024, 1, 8), D(2024, 1, 8)), window)
    assert dates.start == D(2025, 1, 8)


def test_date_outside_window_is_kept_and_flagged():
    dates = check_window(DateRange(D(2023, 3, 8), D(2023, 3, 8)), (D(2023, 3, 29), D(2023, 4, 26)))
    assert dates.start == D(2023, 3, 8)
    assert [p.kind for p in dates.problems] == ["date_outside_window"]


def test_a_multi_day_event_overlapping_the_window_is_inside():
    dates = check_window(DateRange(D(2024, 10, 14), D(2024, 10, 17)), WINDOW)
    assert dates.problems == []


def test_window_edges_are_inside():
    for day in WINDOW:
        assert check_window(DateRange(day, day), WINDOW).problems == []
