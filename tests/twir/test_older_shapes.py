"""Line shapes of 2014 and 2015 beyond the twelve sample issues (issue 22): the day first,
a weekday, a time, ranges, the date before or after the link, a missing reference
definition, other separators. Each line reads with its day and a clean title."""

from __future__ import annotations

from datetime import date

import pytest

from calendar_app.twir import parse_newsletter
from tests.twir.test_history import issue, kinds, one

MEETUPS_2014 = "## Upcoming Meetups"
EVENTS_2015 = "## Upcoming Events"
SF = "http://www.meetup.com/Rust-Bay-Area/events/219697152/"
PARIS = "http://www.meetup.com/Rust-Paris"

# (issue date, line, first day, last day, title) in the 2014 layouts: the date anywhere.
SHAPES_2014 = [
    ("2014-12-08", f"* [Rust Paris]({PARIS}) - 15 December", "2014-12-15", None, "Rust Paris"),
    (
        "2014-12-08",
        f"* [Rust Paris]({PARIS}) on the 15th of December",
        "2014-12-15",
        None,
        "Rust Paris",
    ),
    (
        "2014-12-08",
        f"* [Rust Paris]({PARIS}) on 15 December 2014",
        "2014-12-15",
        None,
        "Rust Paris",
    ),
    (
        "2014-12-08",
        "* [Rust Paris, 18th December](http://x.org/1)",
        "2014-12-18",
        None,
        "Rust Paris",
    ),
    (
        "2014-12-08",
        f"* 2014-12-18: [Bay Area Rust - Crypto]({SF})",
        "2014-12-18",
        None,
        "Bay Area Rust - Crypto",
    ),
    (
        "2014-12-08",
        f"* 2014-12-18 [Bay Area Rust - Crypto]({SF})",
        "2014-12-18",
        None,
        "Bay Area Rust - Crypto",
    ),
    (
        "2014-12-08",
        "* [Rust Meetup Hamburg](http://www.meetup.com/Rust-Meetup-Hamburg/), 12/18.",
        "2014-12-18",
        None,
        "Rust Meetup Hamburg",
    ),
    (
        "2014-12-08",
        "* [12/18 Rust Meetup Hamburg](http://x.org/1)",
        "2014-12-18",
        None,
        "Rust Meetup Hamburg",
    ),
    (
        "2014-12-08",
        f"* [Thursday, December 18th: Bay Area Rust]({SF})",
        "2014-12-18",
        None,
        "Bay Area Rust",
    ),
    (
        "2014-12-08",
        f"* [Bay Area Rust]({SF}), Thursday December 18th at 7pm.",
        "2014-12-18",
        None,
        "Bay Area Rust",
    ),
    (
        "2014-12-08",
        "* [2014-12-18/19 RustCamp](http://x.org/1)",
        "2014-12-18",
        "2014-12-19",
        "RustCamp",
    ),
    (
        "2014-12-08",
        "* [2014-12-18 to 2014-12-19 RustCamp](http://x.org/1)",
        "2014-12-18",
        "2014-12-19",
        "RustCamp",
    ),
    (
        "2014-12-08",
        "* [Dec 18-19 RustCamp](http://x.org/1)",
        "2014-12-18",
        "2014-12-19",
        "RustCamp",
    ),
    (
        "2014-12-08",
        "* [December 18-19, RustCamp](http://x.org/1)",
        "2014-12-18",
        "2014-12-19",
        "RustCamp",
    ),
    (
        "2014-12-08",
        "* [RustCamp, 30 Dec - 2 Jan](http://x.org/1)",
        "2014-12-30",
        "2015-01-02",
        "RustCamp",
    ),
    (
        "2014-12-08",
        "* [Rust Paris on January 5th, 2015](http://x.org/1)",
        "2015-01-05",
        None,
        "Rust Paris",
    ),
    (
        "2014-12-08",
        "* Rust Paris on December 18th: http://x.org/1",
        "2014-12-18",
        None,
        "Rust Paris",
    ),
    # the day first in numbers, as Europe writes it
    ("2014-12-08", "* [Rust Paris, 18.12.](http://x.org/1)", "2014-12-18", None, "Rust Paris"),
    ("2014-12-08", "* [Rust Paris, 18/12](http://x.org/1)", "2014-12-18", None, "Rust Paris"),
    ("2014-12-08", "* [Rust Paris 8.12.2014](http://x.org/1)", "2014-12-08", None, "Rust Paris"),
]

# The 2015 layout: the date first, then the title, written in more ways than `Feb. 9. `.
SHAPES_2015 = [
    ("* [Feb 19, Rust Bay Area][sf].", "2015-02-19", None, "Rust Bay Area"),
    ("* [Feb 19 - Rust Bay Area][sf].", "2015-02-19", None, "Rust Bay Area"),
    ("* [Feb 19 Rust Bay Area][sf].", "2015-02-19", None, "Rust Bay Area"),
    ("* [Feb.19. Rust Bay Area][sf].", "2015-02-19", None, "Rust Bay Area"),
    ("* [Thu Feb 19. Rust Bay Area][sf]. Topic is I/O.", "2015-02-19", None, "Rust Bay Area"),
    ("* [Feb 19 at 7pm. Rust Bay Area][sf].", "2015-02-19", None, "Rust Bay Area"),
    ("* [19 Feb. Rust Bay Area][sf].", "2015-02-19", None, "Rust Bay Area"),
    ("* [2/19 Rust Bay Area][sf].", "2015-02-19", None, "Rust Bay Area"),
    ("* [2/19 - Rust Bay Area][sf].", "2015-02-19", None, "Rust Bay Area"),
    ("* [2/19, Rust Bay Area][sf].", "2015-02-19", None, "Rust Bay Area"),
    ("* [Feb 28 - Mar 1. Rust Hackathon][sf].", "2015-02-28", "2015-03-01", "Rust Hackathon"),
    ("* [Feb 19 & 20. RustCamp][sf].", "2015-02-19", "2015-02-20", "RustCamp"),
    ("* Feb 19. [Rust Bay Area][sf]. Topic is I/O.", "2015-02-19", None, "Rust Bay Area"),
]
DEFINITIONS = f"[sf]: {SF}\n[paris]: {PARIS}\n"


def _summary(entry) -> tuple:
    return (entry.start_date, entry.end_date, entry.title)


@pytest.mark.parametrize(("day", "line", "first", "last", "title"), SHAPES_2014)
def test_2014_lines_read_with_their_day_and_title(day, line, first, last, title):
    entry = one(day, line, MEETUPS_2014)
    expected = (date.fromisoformat(first), date.fromisoformat(last or first), title)
    assert _summary(entry) == expected
    assert "unparsed" not in kinds(entry)


@pytest.mark.parametrize(("line", "first", "last", "title"), SHAPES_2015)
def test_2015_lines_read_with_their_day_and_title(line, first, last, title):
    (entry,) = parse_newsletter(
        issue("2015-02-09", line + "\n\n" + DEFINITIONS, EVENTS_2015)
    ).entries
    expected = (date.fromisoformat(first), date.fromisoformat(last or first), title)
    assert _summary(entry) == expected
    assert kinds(entry) == []  # read in the layout of its time: nothing to check
    assert entry.links[0].url == SF


@pytest.mark.parametrize(
    "line",
    [
        "* [Feb 19. Rust Bay Area][sfx].",
        "* [Feb 19. Rust Bay Area][].",
        "* [Feb 19. Rust Bay Area].",
    ],
)
def test_a_reference_without_its_definition_reads_as_text(line):
    (entry,) = parse_newsletter(issue("2015-02-09", line, EVENTS_2015)).entries
    assert _summary(entry) == (date(2015, 2, 19), date(2015, 2, 19), "Rust Bay Area")
    assert entry.links == []


def test_a_typo_month_is_not_taken_before_a_day_written_right():
    entry = one(
        "2014-12-08", "* [Rust Jam 3: Bay Area Rust, December 18th](http://x.org/1)", MEETUPS_2014
    )
    assert entry.start_date == date(2014, 12, 18)
    assert "date_typo" not in kinds(entry)


def test_a_modern_line_in_a_modern_issue_is_still_read_by_the_modern_grammar():
    """Only issues before March 2022 hand a pipe-less `DATE [link]` line to the old layouts."""
    entry = one("2024-10-16", "* 2024-10-18 [Rust Cologne](https://www.meetup.com/rustcologne/)")
    assert [g.name for g in entry.groups] == ["Rust Cologne"]
    assert "malformed" in kinds(entry)


@pytest.mark.parametrize(
    "line",
    [
        "* [Rust 1.2. Release party](http://x.org/1)",  # a version, not February 1
        "* [Rust 1.10. is out](http://x.org/1)",
        "* [C/C++ and Rust: a 1/2 day workshop](http://x.org/1)",  # a fraction
    ],
)
def test_numbers_that_are_no_day_are_not_read_as_one(line):
    entry = one("2014-12-08", line, MEETUPS_2014)
    assert entry.start_date is None
    assert kinds(entry) == ["unparsed"]
