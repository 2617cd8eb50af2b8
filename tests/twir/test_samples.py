"""Facts that must hold on the twelve sample newsletters."""

from dataclasses import replace
from datetime import date

import pytest

from calendar_app.twir import parse_newsletter
from calendar_app.twir.records import HYBRID, VIRTUAL
from tests.twir.helpers import ALL_SAMPLES, CLEAN, SAMPLES, SEEDS, count_entry_lines, damage, read

ENTRY_COUNTS = {
    "000_a7224cf5cd8a9145.txt": 40,
    "001_b974e00deb8cc223.txt": 45,
    "002_549cfd427d09cf91.txt": 46,
    "003_be00f24dea159675.txt": 36,
    "004_7255190bc3e6a3fd.txt": 38,
    "2022-03-02-this-week-in-rust.md": 23,
    "2022-07-27-this-week-in-rust.md": 33,
    "2024-01-17-this-week-in-rust.md": 44,
    "2024-01-24-this-week-in-rust.md": 41,
    "2025-01-15-this-week-in-rust.md": 60,
    "2025-08-06-this-week-in-rust.md": 53,
    "2026-08-19-this-week-in-rust.md": 55,
}


def parsed(name: str):
    return parse_newsletter(read(SAMPLES / name))


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.name)
def test_every_entry_line_is_accounted_for(path):
    text = read(path)
    result = parse_newsletter(text)
    assert result.has_events_section
    assert len(result.entries) == count_entry_lines(text) == ENTRY_COUNTS[path.name]
    lines = text.split("\n")
    for entry in result.entries:
        assert entry.raw.split("\n")[0] == lines[entry.line - 1] or result.repaired
        assert entry.ok, entry.raw


def test_seeds_hold_205_entry_lines():
    assert sum(len(parse_newsletter(read(path)).entries) for path in SEEDS) == 205


def test_seed_000_header_and_window():
    result = parsed("000_a7224cf5cd8a9145.txt")
    assert (result.number, result.date) == (532, date(2024, 1, 31))
    assert (result.window_start, result.window_end) == (date(2024, 1, 31), date(2024, 2, 28))
    assert result.title == "This Week in Rust 532"
    assert result.repaired


def test_2024_10_16_seed_corrects_the_wrong_year():
    (entry,) = [e for e in parsed("002_549cfd427d09cf91.txt").entries if e.original_dates]
    assert entry.original_dates == "2022-10-31"
    assert entry.start_date == date(2024, 10, 31)
    assert [p.kind for p in entry.problems] == ["year_corrected"]
    assert entry.location_text == "Virtual (Nürnberg, DE)"


def test_2023_03_29_seed_flags_boulder_outside_the_window():
    result = parsed("004_7255190bc3e6a3fd.txt")
    flagged = [
        e for e in result.entries if any(p.kind == "date_outside_window" for p in e.problems)
    ]
    assert [(e.start_date, e.places[0].city) for e in flagged] == [(date(2023, 3, 8), "Boulder")]


def test_charlottesville_keeps_the_state_as_written():
    result = parsed("002_549cfd427d09cf91.txt")
    places = {(p.city, p.subdivision, p.country) for e in result.entries for p in e.places}
    assert ("Charlottesville", "NC", "US") in places
    assert ("Minneapolis", "MN", "US") in places  # `Minneapolis, MN US`


@pytest.mark.parametrize(
    ("name", "location", "attendance"),
    [
        ("000_a7224cf5cd8a9145.txt", "Virtual + In Person (Barcelona, ES)", HYBRID),
        ("000_a7224cf5cd8a9145.txt", "Praha, CZ - Virtual + In-person", HYBRID),
        ("000_a7224cf5cd8a9145.txt", "Hybrid (Barcelona, ES)", HYBRID),
        ("002_549cfd427d09cf91.txt", "Virtual and In-Person (Seattle, WA, US)", HYBRID),
        ("003_be00f24dea159675.txt", "Munich, DE + Virtual", HYBRID),
        ("2022-07-27-this-week-in-rust.md", "Virtual + Wellington, NZ", HYBRID),
        ("003_be00f24dea159675.txt", "Virtual (Europe / Africa)", VIRTUAL),
        (
            "2022-03-02-this-week-in-rust.md",
            "Berlin, DE",
            VIRTUAL,
        ),  # bare city under Virtual, 2022-03
    ],
)
def test_attendance_in_samples(name, location, attendance):
    found = {e.attendance for e in parsed(name).entries if e.location_text == location}
    assert found == {attendance}


@pytest.mark.parametrize(
    ("name", "written", "start", "end"),
    [
        ("001_b974e00deb8cc223.txt", "London, UK", date(2023, 2, 16), date(2023, 2, 17)),
        ("002_549cfd427d09cf91.txt", "Beijing, CN", date(2024, 10, 17), date(2024, 10, 18)),
        (
            "2024-01-17-this-week-in-rust.md",
            "Calgary, AB, CA",
            date(2024, 1, 27),
            date(2024, 1, 28),
        ),
        ("2025-08-06-this-week-in-rust.md", "Wellington, NZ", date(2025, 8, 27), date(2025, 8, 30)),
        ("2026-08-19-this-week-in-rust.md", "Berlin, DE", date(2026, 9, 14), date(2026, 9, 16)),
    ],
)
def test_multi_day_events_in_samples(name, written, start, end):
    assert (start, end) in {
        (e.start_date, e.end_date) for e in parsed(name).entries if e.location_text == written
    }


def test_mainmatter_workshop_with_ampersand_dates():
    result = parsed("2025-01-15-this-week-in-rust.md")
    (entry,) = [
        e for e in result.entries if e.groups and e.groups[0].name == "Mainmatter Rust Workshop"
    ]
    assert (entry.start_date, entry.end_date) == (date(2025, 1, 23), date(2025, 1, 24))


def _without_repair_flag(result):
    return replace(result, repaired=False)


@pytest.mark.parametrize("codec", ["cp1252", "mac_roman"])
@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_damaged_and_clean_parse_the_same(path, codec):
    text = read(path)
    damaged = parse_newsletter(damage(text, codec))
    assert damaged.repaired
    assert _without_repair_flag(damaged) == parse_newsletter(text)


@pytest.mark.parametrize("codec", ["cp1252", "mac_roman"])
@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_damaging_a_seed_again_changes_nothing(path, codec):
    """Seeds are damaged already; damaging the repaired text gives the same records."""
    first = parse_newsletter(read(path))
    again = parse_newsletter(damage(read(path), codec))
    assert _without_repair_flag(again) == _without_repair_flag(first)


def test_repaired_seed_records_are_clean():
    result = parsed("000_a7224cf5cd8a9145.txt")
    text = repr(result.entries)
    for marker in ("√", "Ã", "ðŸ", "\uf8ff", "‚Ä", "â€"):
        assert marker not in text
    assert any(p.city == "Wrocław" for e in result.entries for p in e.places)
