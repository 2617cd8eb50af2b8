"""The entry grammar and its quirks, on tiny newsletters."""

from datetime import date

import pytest

from calendar_app.twir import parse_newsletter
from calendar_app.twir.records import HYBRID, IN_PERSON, VIRTUAL
from tests.twir.helpers import newsletter

COLOGNE = (
    "* 2024-10-17 | Cologne, DE | [Rust Cologne](https://www.meetup.com/rustcologne/)\n"
    "    * [**Embedded Abstractions**](https://www.meetup.com/rustcologne/events/298913201/)"
)


def entries(body: str, **kwargs):
    return parse_newsletter(newsletter(body, **kwargs)).entries


def one(body: str, **kwargs):
    (entry,) = entries(body, **kwargs)
    return entry


def kinds(entry):
    return [p.kind for p in entry.problems]


def test_the_modern_entry():
    entry = one("### Europe\n" + COLOGNE)
    assert entry.section == "Europe"
    assert entry.start_date == entry.end_date == date(2024, 10, 17)
    assert entry.attendance == IN_PERSON
    assert entry.location_text == "Cologne, DE"
    assert [(p.city, p.country) for p in entry.places] == [("Cologne", "DE")]
    assert [(g.name, g.url) for g in entry.groups] == [
        ("Rust Cologne", "https://www.meetup.com/rustcologne/")
    ]
    assert entry.title == "Embedded Abstractions"
    assert [(link.label, link.primary) for link in entry.links] == [("Embedded Abstractions", True)]
    assert entry.problems == []
    assert entry.raw == COLOGNE
    assert entry.line == 13  # 1-based, counted from the Title: line


@pytest.mark.parametrize(
    "variant",
    [
        COLOGNE.replace("* ", "- "),  # `-` bullets
        COLOGNE.replace("    *", "  *"),  # 2-space nesting
        COLOGNE.replace("    *", "\t*"),  # tab nesting
        COLOGNE.replace(" | ", "|"),  # no spaces around `|`
        COLOGNE.replace("2024-10-17 |", "2024-10-17|"),
        " " + COLOGNE,  # a leading space
        "$" + COLOGNE,  # a stray `$`
        COLOGNE.replace("/)\n", "/)$\n").replace(" | Cologne", " | $Cologne"),
        COLOGNE.replace("](", "] ("),  # a space between `]` and `(`
        COLOGNE.replace("/)", "/)   ") + "  ",  # trailing whitespace
        COLOGNE.replace("Cologne,", "Cologne\u200b,").replace("[**", "[\u200b**"),  # zero-width
    ],
)
def test_layout_quirks_read_the_same(variant):
    entry = one("### Europe\n" + variant)
    assert entry.start_date == date(2024, 10, 17)
    assert entry.location_text == "Cologne, DE"
    assert [g.name for g in entry.groups] == ["Rust Cologne"]
    assert entry.title == "Embedded Abstractions"
    assert entry.links[0].url == "https://www.meetup.com/rustcologne/events/298913201/"
    assert "unparsed" not in kinds(entry)


@pytest.mark.parametrize("joiner", [" + ", " and ", " & ", "; ", " | ", ", "])
def test_group_separators(joiner):
    body = f"* 2024-10-24 | Berlin, DE | [OpenTechSchool Berlin](https://berline.rs/){joiner}[Rust Berlin](https://www.meetup.com/rust-berlin/)"
    assert [g.name for g in one(body).groups] == ["OpenTechSchool Berlin", "Rust Berlin"]


def test_link_text_with_pipe_and_brackets():
    body = (
        "* 2025-08-21 | Buenos Aires, AR | [Rust en Español | Rust Argentina](https://www.meetup.com/rust-argentina/)"
        " + [Rust [AR] (Group)](https://example.com/a_(b))\n"
        "    * [**Rust Meetup Bremen [1]**](https://www.linkedin.com/events/x/)"
    )
    entry = one(body)
    assert [(g.name, g.url) for g in entry.groups] == [
        ("Rust en Español | Rust Argentina", "https://www.meetup.com/rust-argentina/"),
        ("Rust [AR] (Group)", "https://example.com/a_(b)"),
    ]
    assert entry.location_text == "Buenos Aires, AR"
    assert entry.title == "Rust Meetup Bremen [1]"


def test_unlinked_group():
    entry = one(
        "* 2024-10-24 | Salzburg, AT | Rust Salzburg\n    * [**Meetup**](https://example.com/e)"
    )
    assert [(g.name, g.url) for g in entry.groups] == [("Rust Salzburg", "")]


def test_appended_links_in_the_groups_field():
    body = (
        "* 2023-04-12 | Kuala Lumpur, MY | [Rust Malaysia](https://rust-malaysia.github.io/); "
        "[Telegram](https://t.me/golangmalaysia) | [Alt link](https://example.com/alt)"
        " | [Rust KL](https://example.com/kl)\n"
        "    * [**Meetup**](https://example.com/e) | [Map](https://goo.gl/maps/x)"
    )
    entry = one(body, date="2023-03-29", window="2023-03-29 - 2023-04-26")
    assert [g.name for g in entry.groups] == ["Rust Malaysia", "Rust KL"]
    assert [(link.label, link.primary) for link in entry.links] == [
        ("Meetup", True),
        ("Map", False),
        ("Telegram", False),
        ("Alt link", False),
    ]


def test_title_line_with_mirrors_and_extras():
    body = (
        "* 2024-10-24 | Virtual (Berlin, DE) | [Rust Berlin](https://www.meetup.com/rust-berlin/)\n"
        "    * [**Rust Hack and Learn**](https://meet.jit.si/RustHackAndLearnBerlin) | "
        "[**Mirror: Rust Hack n Learn Meetup**](https://www.meetup.com/rust-berlin/events/1/) - "
        "[Stream](https://www.youtube.com/@x) , [**New York Mirror**](https://example.com/ny)"
    )
    entry = one(body)
    assert entry.title == "Rust Hack and Learn"
    assert [link.label for link in entry.links] == [
        "Rust Hack and Learn",
        "Mirror: Rust Hack n Learn Meetup",
        "Stream",
        "New York Mirror",
    ]
    assert [link.primary for link in entry.links] == [True, False, False, False]


def test_plain_title_and_second_title_line():
    body = (
        "* 2024-01-27-28 | Calgary, AB, CA | [Rust Calgary](https://www.eventbrite.ca/o/x)\n"
        "    * [Day 1](https://www.eventbrite.ca/e/day-1)  \n"
        "    * [**Day 2**](https://www.eventbrite.ca/e/day-2)"
    )
    entry = one(body, date="2024-01-17", window="2024-01-17 - 2024-02-14")
    assert (entry.start_date, entry.end_date) == (date(2024, 1, 27), date(2024, 1, 28))
    assert entry.title == "Day 1"
    assert [link.label for link in entry.links] == ["Day 1", "Day 2"]
    assert entry.raw.count("\n") == 2


def test_no_title_line():
    entry = one("* 2024-10-24 | Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin/)")
    assert entry.title == "" and entry.links == []
    assert kinds(entry) == ["no_title"]


def test_title_without_link():
    entry = one(
        "* 2024-10-24 | Berlin, DE | [Rust Berlin](https://x.org/)\n    * **Rust and Tell**"
    )
    assert entry.title == "Rust and Tell" and entry.links == []
    assert entry.problems == []


def test_missing_location_field():
    entry = one(
        "* 2024-10-24 | [Scylla](https://www.scylladb.com/)\n    * [**Workshop**](https://x.org/w)"
    )
    assert entry.location_text == "" and [g.name for g in entry.groups] == ["Scylla"]
    assert kinds(entry) == ["no_location"]


def test_location_with_a_link_keeps_its_text():
    entry = one(
        "* 2024-10-24 | [Berlin, DE](https://berlin.de) | [Rust Berlin](https://x.org/)\n    * [T](https://x.org/t)"
    )
    assert entry.location_text == "Berlin, DE"
    assert [p.city for p in entry.places] == ["Berlin"]


def test_no_separators_at_all_is_still_read():
    entry = one("* 2024-10-24 Berlin, DE [Rust Berlin](https://x.org/)\n    * [T](https://x.org/t)")
    assert entry.start_date == date(2024, 10, 24)
    assert entry.location_text == "Berlin, DE"
    assert [g.name for g in entry.groups] == ["Rust Berlin"]
    assert kinds(entry) == ["malformed"]


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("* TBA | Berlin, DE | [Rust Berlin](https://x.org/)", "no date"),
        ("* 2023-02-30 | Berlin, DE | [Rust Berlin](https://x.org/)", "not a date"),
        ("*", "empty"),
        ("* see the calendar", "no date"),
    ],
)
def test_unreadable_lines_become_unparsed_entries(line, why):
    entry = one(line + "\n    * [**Title**](https://x.org/t)")
    assert entry.start_date is None and not entry.ok
    assert kinds(entry) == ["unparsed"]
    assert why in entry.problems[0].message
    assert entry.raw == line + "\n    * [**Title**](https://x.org/t)"


def test_nested_line_before_any_entry_is_its_own_entry():
    found = entries("### Europe\n    * [**Orphan**](https://x.org/o)\n" + COLOGNE)
    assert [e.ok for e in found] == [False, True]
    assert kinds(found[0]) == ["unparsed"]


def test_not_entries_intro_closing_comments_references():
    body = (
        "### Europe\n"
        + COLOGNE
        + "\n<!--\n* 2024-10-18 | Bonn, DE | [Hidden](https://x.org/)\n-->\n"
        "<!-- * 2024-10-19 | Bonn, DE | [Hidden](https://x.org/) -->\n"
        "If you are running a Rust event please add it to the [calendar] to get\n"
        "it mentioned here.\n\n[calendar]: https://www.google.com/calendar/embed?src=x\n"
    )
    found = entries(body)
    assert [e.location_text for e in found] == ["Cologne, DE"]


def test_region_headings():
    body = (
        "### Virtual\n"
        + COLOGNE
        + "\n### Oceania:\n"
        + COLOGNE
        + "\n### **North America**\n"
        + COLOGNE
    )
    assert [e.section for e in entries(body)] == ["Virtual", "Oceania", "North America"]


def test_year_corrected_against_the_window():
    entry = one(
        "* 2022-10-31 | Virtual (Nürnberg, DE) | [Rust Nuremberg](https://x.org/)\n    * [T](https://x.org/t)"
    )
    assert entry.start_date == entry.end_date == date(2024, 10, 31)
    assert entry.original_dates == "2022-10-31"
    assert kinds(entry) == ["year_corrected"]


def test_date_outside_window_is_flagged_not_moved():
    entry = one(
        "* 2024-12-31 | Berlin, DE | [Rust Berlin](https://x.org/)\n    * [T](https://x.org/t)"
    )
    assert entry.start_date == date(2024, 12, 31) and entry.original_dates == ""
    assert kinds(entry) == ["date_outside_window"]


def test_bare_city_under_virtual_before_mid_2022_is_virtual():
    body = (
        "### Virtual\n* 2022-03-02 | Berlin, DE | [OTS](https://x.org/)\n    * [T](https://x.org/t)"
    )
    entry = one(body, date="2022-03-02", window="2022-03-02 - 2022-03-30")
    assert entry.attendance == VIRTUAL


def test_bare_city_under_virtual_later_stays_in_person():
    body = (
        "### Virtual\n* 2024-10-17 | Berlin, DE | [OTS](https://x.org/)\n    * [T](https://x.org/t)"
    )
    assert one(body).attendance == IN_PERSON


def test_hybrid_under_virtual_stays_hybrid():
    body = "### Virtual\n* 2022-03-02 | Hybrid (Berlin, DE) | [OTS](https://x.org/)\n    * [T](https://x.org/t)"
    assert one(body, date="2022-03-02", window="2022-03-02 - 2022-03-30").attendance == HYBRID


def test_unsafe_links_are_flagged():
    entry = one(
        "* 2024-10-17 | Berlin, DE | [G](https://x.org/)\n    * [**T**](javascript:alert(1))"
    )
    assert kinds(entry) == ["unsafe_url"]


LEGACY = """Title: This Week in Rust 395
Number: 395
Date: 2021-06-16
Category: This Week in Rust

# Upcoming Events

**Online**
* [June 17, 2021, Berlin, DE - Rust Hack and Learn - Berline.rs](https://berline.rs/)
* [November 25, 2021 | Cardiff, WLS | **Rust Book Club** | Rust and C++ Cardiff](https://www.meetup.com/x/events/1/)

**North America**
* [Jun 22. Mountain View, US - Open Table](https://www.meetup.com/y/events/2/).
* Something nobody can read
* [2021-06-23, Zurich, CH - Rust Zurich Meetup - Rust Zurich](https://www.meetup.com/z/events/3/)

# Rust Jobs
"""


def test_legacy_grammars():
    parsed = parse_newsletter(LEGACY)
    first, second, third, fourth, fifth = parsed.entries
    assert (first.start_date, first.location_text, first.title) == (
        date(2021, 6, 17),
        "Berlin, DE",
        "Rust Hack and Learn",
    )
    assert [g.name for g in first.groups] == ["Berline.rs"]
    assert first.links[0].primary and first.links[0].url == "https://berline.rs/"
    assert (second.start_date, second.location_text, second.title) == (
        date(2021, 11, 25),
        "Cardiff, WLS",
        "Rust Book Club",
    )
    assert [g.name for g in second.groups] == ["Rust and C++ Cardiff"]
    assert (third.start_date, third.location_text, third.title) == (
        date(2021, 6, 22),
        "Mountain View, US",
        "Open Table",
    )
    assert not fourth.ok
    assert (fifth.start_date, fifth.location_text, fifth.title) == (
        date(2021, 6, 23),
        "Zurich, CH",
        "Rust Zurich Meetup",
    )
    assert parsed.problems == []  # no issue announced its window before November 2021
    assert (parsed.window_start, parsed.window_end) == (date(2021, 6, 16), date(2021, 7, 14))


def test_no_events_section():
    parsed = parse_newsletter("Title: This Week in Rust 1\nNumber: 1\nDate: 2013-06-22\n\nHello.\n")
    assert not parsed.has_events_section and parsed.entries == []
    assert [p.kind for p in parsed.problems] == ["no_events_section"]
    assert (parsed.number, parsed.date) == (1, date(2013, 6, 22))


def test_the_section_ends_at_a_heading_as_high():
    body = (
        COLOGNE + "\n\n## Call for Participation\n\n* 2024-10-18 | Bonn, DE | [X](https://x.org/)"
    )
    assert len(entries(body)) == 1


def test_a_lone_hash_hides_no_entry():
    body = "### Europe\n#\n" + COLOGNE
    assert [e.location_text for e in entries(body)] == ["Cologne, DE"]


BONN = (
    "* 2024-10-24 | Bonn, DE | [Rust Bonn](https://www.meetup.com/rust-bonn/)\n"
    "    * [**Rust and Tell**](https://www.meetup.com/rust-bonn/events/298913999/)"
)


def test_lines_inside_an_unclosed_comment_are_not_read_and_the_issue_is_flagged():
    # As on the page: an HTML comment that is never closed hides everything after it.
    body = "### Europe\n" + COLOGNE + "\n<!-- moved to next week:\n" + BONN
    parsed = parse_newsletter(newsletter(body))

    assert [e.location_text for e in parsed.entries] == ["Cologne, DE"]
    assert [p.kind for p in parsed.problems] == ["malformed"]
    assert "line 15 opens an HTML comment" in parsed.problems[0].message


def test_a_closed_comment_hides_its_lines_only_and_raises_nothing():
    body = "### Europe\n<!--\n" + BONN + "\n-->\n" + COLOGNE
    parsed = parse_newsletter(newsletter(body))

    assert [e.location_text for e in parsed.entries] == ["Cologne, DE"]
    assert parsed.problems == []


def test_an_unclosed_comment_after_the_events_section_is_no_problem():
    parsed = parse_newsletter(newsletter("### Europe\n" + COLOGNE) + "<!-- footer\n")

    assert [e.location_text for e in parsed.entries] == ["Cologne, DE"]
    assert parsed.problems == []


def test_entries_under_a_second_upcoming_events_heading_are_read():
    text = newsletter("### Europe\n" + COLOGNE) + (
        "\nMore jobs.\n\n## Upcoming Events\n\n" + BONN + "\n\n### Oceania\n"
        "* 2024-10-24 | Sydney, NSW, AU | [Rust Sydney](https://www.meetup.com/rust-sydney/)\n"
        "    * [**Rust Sydney Meetup**](https://www.meetup.com/rust-sydney/events/303/)\n"
        "\n## Quote of the Week\n\n* 2024-10-30 | Not | [an entry](https://x.org/)\n"
    )
    parsed = parse_newsletter(text)

    read = [(e.location_text, e.section, e.title) for e in parsed.entries]
    assert read == [
        ("Cologne, DE", "Europe", "Embedded Abstractions"),
        ("Bonn, DE", "", "Rust and Tell"),  # no region heading above it in its section
        ("Sydney, NSW, AU", "Oceania", "Rust Sydney Meetup"),
    ]


def test_an_events_heading_inside_the_events_section_is_not_read_twice():
    body = "### Europe\n" + COLOGNE + "\n\n### Upcoming Events\n\n" + BONN
    assert [e.location_text for e in entries(body)] == ["Cologne, DE", "Bonn, DE"]
