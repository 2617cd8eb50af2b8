"""The older layouts (2014 - February 2022): each era's lines read the right way round."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendar_app.twir import canonical_url, is_event_specific, parse_newsletter
from calendar_app.twir.records import IN_PERSON, VIRTUAL

HISTORY = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "history").glob("*.md"))
_HEADING = re.compile(r"^(#{1,6}) +(.*?)\s*$")
_BULLET = re.compile(r"^ ?[*+-](?:[ \t]+|$)")
_EVENTS = re.compile(r"^(?:upcoming (?:events|meetups)|meetups)$", re.IGNORECASE)


def bullet_lines(text: str) -> list[int]:
    """Line numbers of the top-level bullets of the events section, found without the parser."""
    lines = text.split("\n")
    level = 0
    found = []
    for number, line in enumerate(lines, start=1):
        heading = _HEADING.match(line)
        if heading and level and len(heading[1]) <= level:
            break
        if heading and _EVENTS.match(heading[2]):
            level = len(heading[1])
        elif level and _BULLET.match(line):
            found.append(number)
    return found


def issue(day: str, body: str, heading: str = "# Upcoming Events") -> str:
    return (
        f"Title: This Week in Rust 1\nNumber: 1\nDate: {day}\nCategory: This Week in Rust\n\n"
        f"Intro.\n\n{heading}\n\n{body}\n\nIf you are running a Rust event please add it to the"
        " [calendar].\n\n[calendar]: https://www.google.com/calendar/embed?src=x\n\n# Rust Jobs\n"
    )


def one(day: str, line: str, heading: str = "# Upcoming Events"):
    (entry,) = parse_newsletter(issue(day, line, heading)).entries
    return entry


def kinds(entry) -> list[str]:
    return [p.kind for p in entry.problems]


def summary(entry) -> tuple:
    """What users see of an entry: dates, title, organisers, places, attendance."""
    return (
        entry.start_date,
        entry.end_date,
        entry.title,
        [g.name for g in entry.groups],
        [p.text for p in entry.places],
        entry.attendance,
    )


# --- every line of the 12 real issues ---------------------------------------------------


@pytest.mark.parametrize("path", HISTORY, ids=lambda p: p.name)
def test_every_bullet_of_the_real_issues_is_read(path):
    text = path.read_text(encoding="utf-8")
    parsed = parse_newsletter(text)
    assert parsed.has_events_section
    assert [e.line for e in parsed.entries] == bullet_lines(text) != []
    assert all(entry.ok for entry in parsed.entries), [e.raw for e in parsed.entries if not e.ok]
    assert parsed.problems == []  # no window announced before November 2021: no flag


def test_the_real_issues_raise_few_flags():
    """Flags are for doubts: an era without organiser or place fields raises none."""
    problems = [
        (path.name[:10], entry.line, problem.kind)
        for path in HISTORY
        for entry in parse_newsletter(path.read_text(encoding="utf-8")).entries
        for problem in entry.problems
    ]
    assert problems == []


# --- one era at a time, lines in the shapes of docs/twir-format.md ----------------------

ERA_LINES = [
    # 2014: ISO-dated titles, prose dates, a date on the next line
    (
        "2014-12-08",
        "* [2014-12-18 Bay Area Rust - Crypto](http://www.meetup.com/Rust-Bay-Area/events/1/)",
        (date(2014, 12, 18), date(2014, 12, 18), "Bay Area Rust - Crypto", [], []),
    ),
    (
        "2014-12-08",
        "* [Rust Meetup Paris, December 18th](http://www.meetup.com/Rust-Paris/events/2/)",
        (date(2014, 12, 18), date(2014, 12, 18), "Rust Meetup Paris", [], []),
    ),
    (
        "2014-11-24",
        "* [Seattle Rust Meetup](https://www.eventbrite.com/e/seattle-1)\n  2014-12-08",
        (date(2014, 12, 8), date(2014, 12, 8), "Seattle Rust Meetup", [], []),
    ),
    # 2015: reference-style links, free text, wrapped lines
    (
        "2015-02-09",
        "* [Feb. 9. Sydney Meetup][syd]. Huon Wilson will be\n  attending.\n\n"
        "[syd]: http://www.meetup.com/Rust-Sydney/events/220100853/",
        (date(2015, 2, 9), date(2015, 2, 9), "Sydney Meetup", [], []),
    ),
    # 2015-17: month/day, with and without a link
    (
        "2015-10-12",
        "* [10/13. San Diego Rust Meetup #9](http://www.meetup.com/San-Diego-Rust/events/9/).",
        (
            date(2015, 10, 13),
            date(2015, 10, 13),
            "San Diego Rust Meetup #9",
            ["San Diego Rust"],
            [],
        ),
    ),
    (
        "2016-06-06",
        "* 6/15. Rust Los Angeles Monthly Meetup - Hack Night.",
        (
            date(2016, 6, 15),
            date(2016, 6, 15),
            "Rust Los Angeles Monthly Meetup - Hack Night",
            [],
            [],
        ),
    ),
    # 2015-18: `Mon D.` Group - Title, or a title alone; multi-day, bold
    (
        "2017-03-07",
        "* [Mar  9. Columbus Rust Society - Monthly Meeting](https://www.meetup.com/columbus-rs/events/1/).",
        (date(2017, 3, 9), date(2017, 3, 9), "Monthly Meeting", ["Columbus Rust Society"], []),
    ),
    (
        "2017-03-07",
        "* [Mar 11. Rust NYC - Rust Hack & Learn](https://www.meetup.com/Rust-NYC/events/2/).",
        (date(2017, 3, 11), date(2017, 3, 11), "Rust Hack & Learn", ["Rust NYC"], []),
    ),
    (
        "2017-03-07",
        "* [Mar 15. Rust Los Angeles - Rust LA Monthly Meetup - Hack Night](https://la.rs/3).",
        (
            date(2017, 3, 15),
            date(2017, 3, 15),
            "Rust LA Monthly Meetup - Hack Night",
            ["Rust Los Angeles"],
            [],
        ),
    ),
    (
        "2017-09-19",
        "* **[Sep 30 - Oct 1. RustFest Zürich](http://zurich.rustfest.eu).**",
        (date(2017, 9, 30), date(2017, 10, 1), "RustFest Zürich", [], []),
    ),
    (
        "2017-09-19",
        "* [Sep 23: Rust Hungary Kickoff](https://www.meetup.com/Rust-Hungary-Meetup/events/4/).",
        (date(2017, 9, 23), date(2017, 9, 23), "Rust Hungary Kickoff", [], []),
    ),
    # 2017-20: `Mon D. City, CC - Group - Title`, `City, CC - Title`, strays
    (
        "2018-10-09",
        "* [Oct 11. Columbus, US - Columbus Rust Society - Monthly Meeting](https://c.rs/5).",
        (
            date(2018, 10, 11),
            date(2018, 10, 11),
            "Monthly Meeting",
            ["Columbus Rust Society"],
            ["Columbus, US"],
        ),
    ),
    (
        "2018-03-06",
        "* [Mar 12. Seattle, US - Monthly meetup](https://www.meetup.com/Seattle-Rust-Meetup/events/6/).",
        (
            date(2018, 3, 12),
            date(2018, 3, 12),
            "Monthly meetup",
            [],
            ["Seattle, US"],
        ),
    ),
    (
        "2019-06-11",
        "* [Jun 24. Triangle Rustaceans - Durham, NC - Hack Night](https://t.rs/7).",
        (
            date(2019, 6, 24),
            date(2019, 6, 24),
            "Hack Night",
            ["Triangle Rustaceans"],
            ["Durham, NC"],
        ),
    ),
    (
        "2019-06-11",
        "* [Jun 28-29. Firenze, IT - RustLab 2019](https://www.rustlab.it/).",
        (date(2019, 6, 28), date(2019, 6, 29), "RustLab 2019", [], ["Firenze, IT"]),
    ),
    (
        "2019-06-11",
        "* [Jun 13. Arlington, VA, US - Rust DC — Mid-month Rustful](https://d.rs/8).",
        (
            date(2019, 6, 13),
            date(2019, 6, 13),
            "Mid-month Rustful",
            ["Rust DC"],
            ["Arlington, VA, US"],
        ),
    ),
    # 2020-21: `Month D, City, CC - Title - Group`
    (
        "2020-11-11",
        "* [November 12, Berlin, DE - Rust Hack and Learn - Berline.rs](https://berline.rs/)",
        (
            date(2020, 11, 12),
            date(2020, 11, 12),
            "Rust Hack and Learn",
            ["Berline.rs"],
            ["Berlin, DE"],
        ),
    ),
    (
        "2020-12-09",
        "* [December 10, Los Gatos, CA, US - Book #24 - Rust for Rustaceans - Los Gatos Reading Group](https://g.rs/9)",
        (
            date(2020, 12, 10),
            date(2020, 12, 10),
            "Book #24 - Rust for Rustaceans",
            ["Los Gatos Reading Group"],
            ["Los Gatos, CA, US"],
        ),
    ),
    # 2021: `Month D, YYYY, City, ST, CC - Title - Group`, and the typo `June 29. 2021`
    (
        "2021-06-02",
        "* [June 8, 2021, Seattle, WA, US - Monthly meetup - Seattle Rust Meetup](https://s.rs/1)",
        (
            date(2021, 6, 8),
            date(2021, 6, 8),
            "Monthly meetup",
            ["Seattle Rust Meetup"],
            ["Seattle, WA, US"],
        ),
    ),
    (
        "2021-06-16",
        "* [June 29. 2021, Zurich, CH - Rust 102 -- Choose Your Own Adventure - Rust Zurich](https://z.rs/2)",
        (
            date(2021, 6, 29),
            date(2021, 6, 29),
            "Rust 102 -- Choose Your Own Adventure",
            ["Rust Zurich"],
            ["Zurich, CH"],
        ),
    ),
    # 2021-22: pipes inside one link; `||` and ` - ` inside the title split nothing
    (
        "2021-12-01",
        "* [December 3, 2021 | New York City, NY, US | **Rust || Go - a talk** | NewSpace NYC](https://n.rs/3)",
        (
            date(2021, 12, 3),
            date(2021, 12, 3),
            "Rust || Go - a talk",
            ["NewSpace NYC"],
            ["New York City, NY, US"],
        ),
    ),
    (
        "2021-12-01",
        "* [December 8, 2021 | Cardiff, UK | C++/Rust: Learning from Each Other | Rust and C++ Cardiff](https://c.rs/4)",
        (
            date(2021, 12, 8),
            date(2021, 12, 8),
            "C++/Rust: Learning from Each Other",
            ["Rust and C++ Cardiff"],
            ["Cardiff, UK"],
        ),
    ),
]


@pytest.mark.parametrize(("day", "line", "expected"), ERA_LINES, ids=lambda v: str(v)[:40])
def test_each_era_reads_its_fields_the_right_way_round(day, line, expected):
    entry = one(day, line)
    assert summary(entry)[:5] == expected
    assert entry.attendance == IN_PERSON
    assert [link.primary for link in entry.links] == (
        [True] if "](" in line or "][" in line else []
    )
    assert kinds(entry) == []


def test_the_2014_heading_and_meetups_heading():
    line = "* [2014-12-15 Rust Paris](http://www.meetup.com/Rust-Paris)"
    for heading in (
        "## Upcoming Meetups",
        "# Meetups",
        "## Upcoming Rust Meetups",
        "# Rust Meetups",
    ):
        entry = one("2014-12-08", line, heading)
        assert (entry.start_date, entry.title) == (date(2014, 12, 15), "Rust Paris")


@pytest.mark.parametrize(
    ("day", "line"),
    [
        ("2016-06-06", "* 6/8. Rust Community Team Meeting at #rust-community on irc.mozilla.org."),
        (
            "2017-03-07",
            "* [Mar 15. Rust Community Team Meeting at #rust-community on irc.mozilla.org]"
            "(https://chat.mibbit.com/?server=irc.mozilla.org&channel=%23rust-community).",
        ),
        (
            "2018-03-06",
            "* [Mar 13. Rust Documentation Team Meeting at #rust-docs on irc.mozilla.org]"
            "(https://chat.mibbit.com/?server=irc.mozilla.org&channel=%23rust-docs).",
        ),
    ],
)
def test_irc_meetings_are_virtual_with_no_place(day, line):
    entry = one(day, line)
    assert entry.attendance == VIRTUAL
    assert entry.places == [] and entry.groups == []
    assert entry.title.endswith("Team Meeting")
    assert entry.location_text.startswith("#rust-") and "irc.mozilla.org" in entry.location_text
    assert kinds(entry) == []


@pytest.mark.parametrize(
    "line",
    [
        "* [Mar  8. Rust release triage](https://internals.rust-lang.org/t/release-cycle-triage-proposal/3544).",
        "* [Mar 13. Rust Events Team Meeting](https://t.me/joinchat/EkKINhHCgZ9llzvPidOssA).",
    ],
)
def test_online_meetings_without_a_channel_are_virtual_too(line):
    entry = one("2018-03-06", line)
    assert (entry.attendance, entry.places, entry.location_text) == (VIRTUAL, [], "")


@pytest.mark.parametrize(
    ("day", "line"),
    [
        ("2017-03-07", "* [Mar 11. Rust NYC - Rust Hack & Learn](https://r.rs/1)."),
        ("2018-03-06", "* [Mar 11. Rust NYC - Rust Hack & Learn](https://r.rs/1)."),
        ("2017-03-07", "* [Mar 14. AMA](https://r.rs/2)."),
        ("2017-09-19", "* [Sep 25. Rust Durham, NC - Becoming a Contributor](https://r.rs/3)."),
        ("2019-06-11", "* [Jun 25. Seoul Rust Meetup, Hapjeong - Deep dive](https://r.rs/4)."),
    ],
)
def test_a_part_that_is_no_place_is_never_a_place(day, line):
    entry = one(day, line)
    assert entry.places == [] and entry.location_text == ""
    assert "no_location" not in kinds(entry)


def test_january_events_in_a_december_issue_are_next_year():
    body = (
        "* [Dec 30. Rust Paris](https://p.rs/1).\n"
        "* [Jan  5. Rust Berlin - Hack and Learn](https://b.rs/2).\n"
        "* 1/6. Rust Community Team Meeting at #rust-community on irc.mozilla.org."
    )
    entries = parse_newsletter(issue("2016-12-27", body)).entries
    assert [e.start_date for e in entries] == [
        date(2016, 12, 30),
        date(2017, 1, 5),
        date(2017, 1, 6),
    ]
    assert all(kinds(e) == [] for e in entries)


def test_a_month_typo_is_read_and_flagged():
    entry = one("2016-12-05", "* [Dex  6. Rust Paris](https://p.rs/1).")
    assert entry.start_date == date(2016, 12, 6)
    assert kinds(entry) == ["date_typo"]


def test_the_2021_window_intro_is_read():
    body = (
        "Rusty Events between 12/01-12/15 🦀\n\n"
        "* [December 3, 2021 | Moscow, RU | **Rust Con** | RustCon.ru](https://rustcon.ru)"
    )
    parsed = parse_newsletter(issue("2021-12-01", body, "## Upcoming Events"))
    assert (parsed.window_start, parsed.window_end) == (date(2021, 12, 1), date(2021, 12, 15))
    body = body.replace("12/01-12/15", "1/12/2022 - 2/9/2022")
    parsed = parse_newsletter(issue("2022-01-12", body, "## Upcoming Events"))
    assert (parsed.window_start, parsed.window_end) == (date(2022, 1, 12), date(2022, 2, 9))


def test_a_missing_window_is_flagged_only_once_issues_announced_one():
    line = "* [December 3, 2021 | Moscow, RU | **Rust Con** | RustCon.ru](https://rustcon.ru)"
    assert parse_newsletter(issue("2021-06-02", line)).problems == []
    assert [p.kind for p in parse_newsletter(issue("2021-12-01", line)).problems] == ["no_window"]


def test_a_stray_of_another_era_is_read_and_flagged():
    entry = one(
        "2019-06-11", "* [December 3, 2021 | Moscow, RU | **Rust Con** | RustCon.ru](https://r.ru)"
    )
    assert (entry.title, [g.name for g in entry.groups]) == ("Rust Con", ["RustCon.ru"])
    assert "unexpected_layout" in kinds(entry)


def test_missing_fields_are_flagged_where_the_era_has_them():
    entry = one("2021-06-02", "* [June 8, 2021, Monthly meetup](https://s.rs/1)")
    assert "no_location" in kinds(entry)
    assert "no_group" in kinds(entry)  # no organiser, not even a Meetup group in the link
    assert kinds(one("2015-10-12", "* [10/13. Hack night](https://s.rs/1).")) == []


def test_a_line_with_no_date_is_an_unparsed_entry():
    body = "* [10/13. San Diego Rust](https://s.rs/1).\n* [Rust Paris](https://p.rs/2) soon."
    entries = parse_newsletter(issue("2015-10-12", body)).entries
    assert [e.ok for e in entries] == [True, False]
    assert kinds(entries[1]) == ["unparsed"]


def test_reference_links_resolve_and_schemeless_ones_become_web_links():
    body = (
        "* [Feb 10. San Diego Rust][sd].\n* [Feb 16. Rust Paris] [Paris].\n\n"
        "[sd]: www.meetup.com/San-Diego-Rust/events/220153428/\n"
        "[paris]: http://www.meetup.com/Rust-Paris"
    )
    entries = parse_newsletter(issue("2015-02-09", body, "## Upcoming Events")).entries
    assert [e.links[0].url for e in entries] == [
        "https://www.meetup.com/San-Diego-Rust/events/220153428/",
        "http://www.meetup.com/Rust-Paris",
    ]
    assert all(kinds(e) == [] for e in entries)


@pytest.mark.parametrize(
    ("old", "modern"),
    [
        (
            "http://www.meetup.com/de/Rust-Berlin/events/225137978/",
            "https://www.meetup.com/rust-berlin/events/225137978",
        ),
        (
            "https://www.meetup.com/de-DE/Rust-Modern-Systems-Programming-in-Leipzig/events/1/",
            "https://meetup.com/rust-modern-systems-programming-in-leipzig/events/1/",
        ),
        (
            "https://www.eventbrite.com/e/mozilla-rust-seattle-meetup-tickets-12222326307?aff=erelexporg",
            "https://eventbrite.com/e/mozilla-rust-seattle-meetup-tickets-12222326307",
        ),
    ],
)
def test_old_links_have_the_canonical_form_of_modern_ones(old, modern):
    assert canonical_url(old) == canonical_url(modern)
    assert is_event_specific(old) == is_event_specific(modern)


def test_a_two_letter_meetup_group_is_no_locale():
    assert canonical_url("https://www.meetup.com/js/events/1/") == "https://meetup.com/js/events/1"


# --- any day of each era, written the era's way, reads back --------------------------------

MONTH_NAMES = [
    "January February March April May June July August September October November December"
][0].split()
TITLES = [
    "Hack Night",
    "Rust 102 -- Choose Your Own Adventure",
    "C++/Rust: Learning from Each Other",
    "Async & Await, Part 2",
]
GROUPS = ["Rust Berlin", "Columbus Rust Society", "Rust DC", "Berline.rs"]
PLACES = ["Berlin, DE", "Columbus, OH, US", "Washington, DC, US", "Tokyo, JP"]


def _mon(day: date) -> str:
    return MONTH_NAMES[day.month - 1][:3]


def _month(day: date) -> str:
    return MONTH_NAMES[day.month - 1]


# (first and last day of the era, line for (day, title, group, place), fields it has)
ERA_FORMATS = {
    "iso_titles": (
        (date(2014, 11, 29), date(2015, 1, 31)),
        lambda d, t, g, p: f"* [{d.isoformat()} {t}](https://e.x/1)",
        "title",
    ),
    "references": (
        (date(2015, 3, 1), date(2015, 8, 31)),
        lambda d, t, g, p: f"* [{_mon(d)}. {d.day}. {t}][ev]. Free text.\n\n[ev]: https://e.x/1",
        "title",
    ),
    "slash_dates": (
        (date(2015, 9, 29), date(2017, 2, 28)),
        lambda d, t, g, p: f"* [{d.month}/{d.day}. {t}](https://e.x/1).",
        "title",
    ),
    "group_title": (
        (date(2015, 9, 29), date(2017, 5, 31)),
        lambda d, t, g, p: f"* [{_mon(d)} {d.day:>2}. {g} - {t}](https://e.x/1).",
        "title group",
    ),
    "place_group_title": (
        (date(2017, 6, 29), date(2020, 9, 30)),
        lambda d, t, g, p: f"* [{_mon(d)} {d.day:>2}. {p} - {g} - {t}](https://e.x/1).",
        "title group place",
    ),
    "place_title_group": (
        (date(2020, 10, 29), date(2021, 3, 31)),
        lambda d, t, g, p: f"* [{_month(d)} {d.day}, {p} - {t} - {g}](https://e.x/1)",
        "title group place",
    ),
    "dated_title_group": (
        (date(2021, 4, 29), date(2021, 11, 15)),
        lambda d, t, g, p: f"* [{_month(d)} {d.day}, {d.year}, {p} - {t} - {g}](https://e.x/1)",
        "title group place",
    ),
    "pipes": (
        (date(2021, 12, 13), date(2022, 2, 28)),
        lambda d, t, g, p: (
            f"* [{_month(d)} {d.day}, {d.year} | {p} | **{t}** | {g}](https://e.x/1)"
        ),
        "title group place",
    ),
}


@pytest.mark.parametrize("era", ERA_FORMATS)
@given(data=st.data())
def test_any_day_of_an_era_written_its_way_reads_back(era, data):
    (first, last), write, fields = ERA_FORMATS[era]
    day = data.draw(st.dates(first, last))
    issue_day = day - timedelta(days=data.draw(st.integers(0, 27)))
    title, group, place = (data.draw(st.sampled_from(v)) for v in (TITLES, GROUPS, PLACES))
    entry = one(issue_day.isoformat(), write(day, title, group, place))
    assert (entry.start_date, entry.end_date, entry.title) == (day, day, title)
    assert [g.name for g in entry.groups] == ([group] if "group" in fields else [])
    assert [p.text for p in entry.places] == ([place] if "place" in fields else [])
    assert entry.attendance == IN_PERSON
    assert kinds(entry) == []


OLD_SHAPES = st.sampled_from(
    [
        "* [{d}. {t}](https://e.x/1).",
        "* [{d}: {t}][r]\n  {t}\n\n[r]: {t}",
        "* **[{d} - {d}. {t} - {t}](https://e.x/1).**",
        "* [{d}, {t} - {t} - {t}](https://e.x/1)",
        "* [{d}, 2021 | {t} | **{t}** | {t}](https://e.x/1)",
        "* {d}. {t} at #{t} on irc.{t}.",
    ]
)
DATE_TEXT = st.sampled_from(
    ["Mar  9", "Dex 6", "10/13", "2/30", "0/0", "June 31", "Sep 30 - Oct 1"]
)


@given(
    issue_day=st.dates(date(2010, 1, 1), date(2100, 12, 31)),
    shape=OLD_SHAPES,
    day=DATE_TEXT,
    text=st.text(max_size=40),
)
def test_old_lines_never_break_the_parser(issue_day, shape, day, text):
    """Whatever the text, each bullet is an entry (read, or `unparsed` with a reason)."""
    body = shape.format(d=day, t=text.replace("\n", " "))
    parsed = parse_newsletter(issue(issue_day.isoformat(), body))
    for entry in parsed.entries:
        assert entry.ok or kinds(entry) == ["unparsed"]


def test_a_date_on_the_next_unindented_line_belongs_to_the_entry():
    body = "* [Rust Meetup Paris](http://p.rs/3)\non December 18th\n\nMore text."
    entry = one("2014-12-08", body, "## Upcoming Meetups")
    assert (entry.start_date, entry.title) == (date(2014, 12, 18), "Rust Meetup Paris")
    assert entry.raw.endswith("\non December 18th")  # the whole entry, as written


@pytest.mark.parametrize(
    ("day", "line", "title"),
    [
        ("2017-03-07", "* [Mar 16. {g} - Rust and WebAssembly]({u}).", "Rust and WebAssembly"),
        ("2020-11-11", "* [November 16, Leipzig, DE - Hack Night - {g}]({u})", "Hack Night"),
    ],
)
def test_an_organiser_with_a_dash_in_its_name_stays_whole(day, line, title):
    group = "Rust - Modern Systems Programming in Leipzig"
    url = "https://www.meetup.com/de-DE/Rust-Modern-Systems-Programming-in-Leipzig/events/1/"
    entry = one(day, line.format(g=group, u=url))
    assert (entry.title, [g.name for g in entry.groups]) == (title, [group])
