"""Line-level faults of issue 12: lines that were lost or read with artefacts.

Every line here is written for the test, in the shape the issue describes."""

from datetime import date

import pytest

from calendar_app.twir import parse_newsletter
from calendar_app.twir.records import IN_PERSON, VIRTUAL
from tests.twir.helpers import newsletter

WINDOW = {"date": "2025-02-26", "window": "2025-02-26 - 2025-03-26"}


def entries(body: str, **kwargs):
    return parse_newsletter(newsletter(body, **(kwargs or WINDOW))).entries


def kinds(entry):
    return [p.kind for p in entry.problems]


@pytest.mark.parametrize("indent", ["", " "])
def test_an_entry_line_without_bullet_is_an_entry(indent):
    body = (
        "### Europe\n"
        f"{indent}2025-02-27 | Girona, ES | [Rust Girona](https://www.meetup.com/rust-girona/)\n"
        "    * [**Ferris at the river**](https://www.meetup.com/rust-girona/events/301/)\n"
        "* 2025-02-28 | Lyon, FR | [Rust Lyon](https://example.org/lyon)\n"
        "    * [**Lyon night**](https://example.org/lyon/1)"
    )
    first, second = entries(body)
    assert (first.line, first.start_date, first.location_text) == (
        13,
        date(2025, 2, 27),
        "Girona, ES",
    )
    assert [g.name for g in first.groups] == ["Rust Girona"]
    assert first.title == "Ferris at the river"
    assert first.problems == []
    assert second.title == "Lyon night"


def test_a_title_line_that_lost_its_indentation_is_the_title():
    body = (
        "### Virtual\n"
        "* 2025-03-04 | Virtual | [Book Club Org](https://example.org/bookclub)\n"
        "* [**Rust for Rustaceans Book Club: chapter 3**](https://example.org/bookclub/3)\n"
        "* 2025-03-05 | Virtual | [Other Org](https://example.org/other)\n"
        "    * [**Other talk**](https://example.org/other/1)"
    )
    first, second = entries(body)
    assert first.title == "Rust for Rustaceans Book Club: chapter 3"
    assert [link.url for link in first.links] == ["https://example.org/bookclub/3"]
    assert first.problems == []
    assert first.raw.split("\n")[1].startswith("* [**Rust for Rustaceans")
    assert second.title == "Other talk"


def test_an_unindented_link_bullet_after_a_titled_entry_stays_an_entry():
    body = (
        "### Europe\n"
        "* 2025-03-04 | Berlin, DE | [G](https://example.org/g)\n"
        "    * [**Title**](https://example.org/g/1)\n"
        "* [**Stray**](https://example.org/stray)"
    )
    first, second = entries(body)
    assert first.title == "Title"
    assert kinds(second) == ["unparsed"]


def test_a_title_written_as_a_reference_without_url():
    body = (
        "### Europe\n"
        "* 2025-03-05 | Salzburg, AT | [Rust Salzburg](https://example.org/sbg)\n"
        "    * [**Rust Salzburg meetup**]: 6:30pm - Hackspace, 1. OG, Some Street 3"
    )
    (entry,) = entries(body)
    assert entry.title == "Rust Salzburg meetup"


@pytest.mark.parametrize(
    ("written", "title"),
    [
        ("[**LDN Talks May 2022 *Quickwit Takeover***]", "LDN Talks May 2022 Quickwit Takeover"),
        ("[**Talks: *Async* and *Embedded***]", "Talks: Async and Embedded"),
        ("[**Using *mut T and *const T**]", "Using *mut T and *const T"),
    ],
)
def test_emphasis_stars_do_not_stay_in_titles(written, title):
    body = (
        "### Europe\n"
        "* 2025-03-06 | London, UK | [LDN](https://example.org/ldn)\n"
        f"    * {written}(https://example.org/ldn/1)"
    )
    (entry,) = entries(body)
    assert entry.title == title


def test_a_stray_bracket_after_a_group_link_is_no_group():
    body = (
        "### Europe\n"
        "* 2025-03-06 | London, UK | [Rust London User Group](https://example.org/ldn)]\n"
        "    * [**Talks**](https://example.org/ldn/1)"
    )
    (entry,) = entries(body)
    assert [(g.name, g.url) for g in entry.groups] == [
        ("Rust London User Group", "https://example.org/ldn")
    ]


def _under_virtual(issue: str, end: str, day: str):
    body = (
        "### Virtual\n"
        f"* {day} | Berlin, DE | [Hack and Learn](https://example.org/hl)\n"
        "    * [**Hack and Learn**](https://example.org/hl/1)"
    )
    (entry,) = entries(body, date=issue, window=f"{issue} - {end}")
    return entry


def test_bare_city_under_virtual_in_late_july_2022_is_virtual():
    assert _under_virtual("2022-07-20", "2022-08-17", "2022-07-26").attendance == VIRTUAL


def test_bare_city_under_virtual_from_august_2022_is_in_person():
    assert _under_virtual("2022-08-03", "2022-08-31", "2022-08-09").attendance == IN_PERSON


def test_every_problem_kind_the_readers_write_is_a_flag_kind():
    """The readers write plain strings (no Django); each must be a FlagKind the admin knows."""
    import pathlib
    import re

    from calendar_app.rules import FlagKind

    source = "\n".join(path.read_text() for path in pathlib.Path("calendar_app/twir").rglob("*.py"))
    written = set(re.findall(r'Problem\(\s*"([a-z_]+)"', source))
    written |= set(re.findall(r'^\s+"([a-z_]+)",\s*$', source, re.M)) & {"unexpected_layout"}
    assert written, "no Problem kinds found: the pattern is stale"
    assert written <= set(FlagKind.values)
