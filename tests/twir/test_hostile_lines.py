"""Hostile and damaged input, reader side of issue 17. Every hostile line is written here."""

import codecs
import dataclasses
import time
from datetime import date

import pytest

from calendar_app.twir import parse_newsletter
from calendar_app.twir.grammars import modern, parse_groups
from calendar_app.twir.links import tokenize
from calendar_app.twir.locations import parse_location
from calendar_app.twir.sections import LINE_CAP, classify, strip_bullet
from calendar_app.twir.text import decode_newsletter, normalise_line_ends
from tests.twir.helpers import newsletter

GOOD = (
    "* 2024-10-17 | Cologne, DE | [Rust Cologne](https://www.meetup.com/rustcologne/)\n"
    "    * [**Embedded Abstractions**](https://www.meetup.com/rustcologne/events/298913201/)"
)


def entries(body: str):
    return parse_newsletter(newsletter("### Europe\n" + body)).entries


def kinds(entry):
    return [p.kind for p in entry.problems]


def strings(value):
    """Every string inside a parsed value (dataclasses, lists, problems)."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for item in dataclasses.fields(value):
            yield from strings(getattr(value, item.name))
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


CONTROLS = ["\x00", "\x7f", "\x0c", "\x85", "\x1b", "\x9b", "\x01", "\x0b"]


@pytest.mark.parametrize("control", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_control_characters_reach_no_text_or_url(control):
    body = (
        f"* 2024-10-17 | Col{control}ogne, DE | [Rust{control} Cologne](https://x.org/{control}g)\n"
        f"    * [**Embedded{control} Abstractions**](https://x.org/{control}events/1)"
    )
    result = parse_newsletter(newsletter("### Europe\n" + body))
    (entry,) = result.entries
    assert entry.title == "Embedded Abstractions"
    assert entry.location_text == "Cologne, DE"
    assert [(g.name, g.url) for g in entry.groups] == [("Rust Cologne", "https://x.org/g")]
    assert [link.url for link in entry.links] == ["https://x.org/events/1"]
    for text in strings(result):
        assert not any(ord(c) < 32 and c not in "\t\n" or 0x7F <= ord(c) <= 0x9F for c in text)


def test_a_bare_cr_inside_a_link_is_dropped_and_keeps_line_numbers():
    body = GOOD.replace("events/298913201/", "events/2989\r13201/")
    (entry,) = entries(body)
    assert entry.links[0].url == "https://www.meetup.com/rustcologne/events/298913201/"
    assert entry.line == 13
    assert "\r" not in entry.raw


def test_a_line_over_the_cap_is_flagged_not_parsed():
    long_line = "* 2024-10-18 | Berlin" + " ," * LINE_CAP + " | [G](https://x.org/)"
    found = entries(long_line + "\n    * [**T**](https://x.org/t)\n" + GOOD)
    first, cologne = found[0], found[-1]
    assert kinds(first) == ["unparsed"] and not first.ok
    assert "longer than" in first.problems[0].message and first.line == 13
    assert len(first.raw) <= LINE_CAP
    assert cologne.title == "Embedded Abstractions" and cologne.ok


# Each of these took seconds to minutes before: a regex searched again from every
# position of a long run (`C+$`, `\s+[+&]\s+`, `\s+"..."$`) or a scan restarted at
# every unclosed link. This is the one place where a test measures time.
N = 15_000  # 30 KB
PATHOLOGICAL = {
    "location edges": lambda: parse_location("Berlin" + " ," * N + " x"),
    "location markers": lambda: parse_location("Berlin" + " Virtual" * (N // 4) + " x"),
    "group edges": lambda: parse_groups(tokenize("Rust" + " ," * N + " x")),
    "group separators": lambda: parse_groups(tokenize("Rust" + " " * 2 * N + "x")),
    "group fields": lambda: modern("2024-10-17 | B | " + "|+" * N, None),
    "link title": lambda: tokenize("[t](https://x.org/" + " " * 2 * N + '"x)'),
    "unclosed links": lambda: tokenize("[a](" * (N // 2)),
    "bullet mark": lambda: strip_bullet(" " * 2 * N + "x"),
    "heading": lambda: classify(["# a" + " #" * N + "x"]),
    "thematic break": lambda: classify([" *" * N + "x"]),
    "emphasis": lambda: tokenize("*a " * N),
    "a 60 KB newsletter": lambda: parse_newsletter(
        newsletter("### Europe\n* 2024-10-17 | Berlin" + " ," * N + " | [G](https://x.org/)\n")
        + GOOD * 200
    ),
    "lines just under the cap": lambda: parse_newsletter(
        newsletter(
            "### Europe\n"
            + ("* 2024-10-17 | Berlin" + " ," * (LINE_CAP // 2 - 40) + " x | [G](https://x.org/)\n")
            * 8
        )
    ),
}


@pytest.mark.parametrize("case", PATHOLOGICAL, ids=list(PATHOLOGICAL))
def test_pathological_lines_take_linear_time(case):
    started = time.process_time()  # CPU time: other jobs share the machine
    PATHOLOGICAL[case]()
    assert time.process_time() - started < 0.5


@pytest.mark.parametrize(
    "written", ["0001-01-01", "9999-12-31", "2009-12-31", "2101-01-01", "9999-12-31 - 01"]
)
def test_an_implausible_date_is_a_flagged_line(written):
    first, second = entries(
        f"* {written} | Berlin, DE | [G](https://x.org/)\n    * [**T**](https://x.org/t)\n" + GOOD
    )
    assert first.start_date is None and kinds(first) == ["unparsed"]
    assert first.line == 13
    assert second.ok


def test_an_implausible_last_day_keeps_the_first_and_is_flagged():
    (entry,) = entries(
        "* 2024-10-25 - 9999-12-31 | Berlin, DE | [G](https://x.org/)\n"
        "    * [**T**](https://x.org/t)"
    )
    assert (entry.start_date, entry.end_date) == (date(2024, 10, 25), date(2024, 10, 25))
    assert "unclear_dates" in kinds(entry)


def test_a_range_into_the_last_plausible_month_does_not_overflow():
    text = newsletter(
        "### Europe\n* 2100-12-31 - 01 | Berlin, DE | [G](https://x.org/)", date="2100-12-20"
    )
    (entry,) = parse_newsletter(text).entries
    assert entry.start_date == date(2100, 12, 31) == entry.end_date
    assert "unclear_dates" in kinds(entry)


def test_an_implausible_header_date_or_window_is_no_date():
    text = newsletter(GOOD, date="9999-12-31", window="9999-12-01 - 9999-12-31")
    result = parse_newsletter(text)
    assert result.date is None and result.window_start is None
    assert "no_issue_date" in [p.kind for p in result.problems]
    assert [e.start_date for e in result.entries] == [date(2024, 10, 17)]


def test_a_failure_in_one_line_fails_only_that_line(monkeypatch):
    from calendar_app.twir import entries as entries_module

    real = entries_module.parse_location

    def broken(text):
        if text == "Bonn, DE":
            raise RecursionError("deep")
        return real(text)

    monkeypatch.setattr(entries_module, "parse_location", broken)
    found = entries("* 2024-10-18 | Bonn, DE | [G](https://x.org/)\n" + GOOD)
    assert kinds(found[0]) == ["unparsed"] and found[0].line == 13
    assert "line 13" in found[0].problems[0].message
    assert found[1].title == "Embedded Abstractions"


LF = newsletter("### Europe\n" + GOOD + "\n" + GOOD.replace("17", "18"))


@pytest.mark.parametrize(
    "variant",
    [
        LF.replace("\n", "\r\n"),
        LF.replace("\n", "\r"),
        "\ufeff" + LF,
        "\ufeff" + LF.replace("\n", "\r\n"),
    ],
    ids=["CRLF", "CR only", "BOM", "BOM and CRLF"],
)
def test_line_ends_and_bom_do_not_change_the_reading(variant):
    assert parse_newsletter(variant) == parse_newsletter(LF)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (LF.encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF8 + LF.encode("utf-8"), "UTF-8 with BOM"),
        (codecs.BOM_UTF16_LE + LF.encode("utf-16-le"), "UTF-16 LE"),
        (codecs.BOM_UTF16_BE + LF.replace("\n", "\r\n").encode("utf-16-be"), "UTF-16 BE, CRLF"),
        (LF.encode("utf-16"), "UTF-16 (Python's own BOM)"),
        (codecs.BOM_UTF32_LE + LF.encode("utf-32-le"), "UTF-32 LE"),
    ],
)
def test_encodings_are_decoded(data, name):
    assert parse_newsletter(decode_newsletter(data)) == parse_newsletter(LF), name


def test_a_file_in_an_old_code_page_is_read():
    written = LF.replace("Cologne, DE", "Köln, DE").replace(" 🦀", "")
    text = decode_newsletter(written.encode("cp1252"))
    assert parse_newsletter(text).entries[0].location_text == "Köln, DE"


def test_a_cr_only_file_takes_its_number_from_the_header_not_the_last_digits():
    text = (LF + "\nSee you in issue 98765\n").replace("\n", "\r")
    result = parse_newsletter(text)
    assert (result.number, result.date) == (569, date(2024, 10, 16))
    assert len(result.entries) == 2


def test_the_number_comes_from_the_header_only():
    body = "### Europe\n" + GOOD
    no_number = newsletter(body).replace("Number: 569\n", "").replace("Rust 569", "Rust")
    assert parse_newsletter(no_number + "\n2024 4242\n").number is None
    from_title = newsletter(body).replace("Number: 569\n", "")
    assert parse_newsletter(from_title + "\nissue 4242\n").number == 569


def test_normalising_line_ends():
    assert normalise_line_ends("a\r\nb\rc\nd") == "a\nbc\nd"  # a lone CR inside an LF file
    assert normalise_line_ends("a\rb\rc") == "a\nb\nc"


def test_an_indented_hash_line_does_not_end_the_section():
    body = GOOD + "\n   # * [**x**](https://x.org/x)\n" + GOOD.replace("17", "18")
    found = entries(body)
    assert [e.start_date for e in found] == [date(2024, 10, 17), date(2024, 10, 18)]
    assert all(e.ok for e in found)
