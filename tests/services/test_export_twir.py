"""The TWIR section written back out: the editors' conventions, and a round trip."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from calendar_app.models import Meetup
from calendar_app.rendering.export_twir import render_twir
from calendar_app.twir import parse_newsletter
from tests.factories import make_group, make_meetup, make_place

pytestmark = pytest.mark.django_db

START, END = date(2030, 3, 1), date(2030, 3, 29)
SAMPLES = Path(__file__).parents[1] / "fixtures" / "samples"


def as_newsletter(section: str, day: date) -> str:
    """Wrap a rendered section in an issue, as the editors would paste it."""
    return (
        f"Title: This Week in Rust (round trip {day})\nNumber: {day:%Y%m%d}\n"
        f"Date: {day.isoformat()}\n"
        f"Category: This Week in Rust\n\n## Upcoming Events\n\n{section}\n## Jobs\n"
    )


def test_section_layout_and_entry_grammar():
    cologne = make_place("Cologne, DE", city="Cologne", country="DE")
    make_meetup(
        "Embedded Abstractions",
        start=date(2030, 3, 6),
        places=[cologne],
        groups=[make_group("Rust Cologne", url="https://www.meetup.com/rustcologne/")],
        links=[
            ("https://www.meetup.com/rustcologne/events/1/", "Embedded Abstractions"),
            ("https://rust.cologne/2030/03/06/", "Event page"),
        ],
    )

    text = render_twir(start=START, end=END)

    assert text.splitlines()[:4] == [
        "Rusty Events between 2030-03-01 - 2030-03-29 🦀",
        "",
        "### Europe",
        "",
    ]
    # An organiser the editors never listed is linked as their list has it.
    assert (
        "* 2030-03-06 | Cologne, DE | [Rust Cologne](https://www.meetup.com/rustcologne/events/)\n"
        "    * [**Embedded Abstractions**](https://www.meetup.com/rustcologne/events/1/)"
        " | [**Event page**](https://rust.cologne/2030/03/06/)\n"
    ) in text
    assert "[calendar]:" in text


def test_virtual_first_then_continents_alphabetically_hybrid_under_both():
    def place(text, city, cc, admin1=""):
        return make_place(text, city=city, country=cc, admin1=admin1)

    make_meetup(
        "Sydney",
        start=date(2030, 3, 2),
        region="oceania",
        places=[place("Sydney, NSW, AU", "Sydney", "AU", "NSW")],
    )
    make_meetup(
        "Austin",
        start=date(2030, 3, 2),
        region="north-america",
        places=[place("Austin, TX, US", "Austin", "US", "TX")],
    )
    make_meetup(
        "Barcelona",
        start=date(2030, 3, 3),
        region="europe",
        attendance="hybrid",
        places=[place("Barcelona, ES", "Barcelona", "ES")],
    )
    make_meetup(
        "Dallas",
        start=date(2030, 3, 2),
        region="north-america",
        attendance="virtual",
        places=[place("Dallas, TX, US", "Dallas", "US", "TX")],
    )
    make_meetup("Anywhere", start=date(2030, 3, 2), region="", attendance="virtual", places=[])
    make_meetup(
        "Nairobi",
        start=date(2030, 3, 9),
        region="africa",
        places=[place("Nairobi, KE", "Nairobi", "KE")],
    )

    text = render_twir(start=START, end=END)

    headings = [line for line in text.splitlines() if line.startswith("### ")]
    assert headings == [
        "### Virtual",
        "### Africa",
        "### Europe",
        "### North America",
        "### Oceania",
    ]
    virtual = text.split("### Virtual")[1].split("### Africa")[0]
    entries = [line.split(" | ")[1] for line in virtual.splitlines() if line.startswith("* ")]
    assert entries == ["Virtual", "Virtual (Dallas, TX, US)", "Hybrid (Barcelona, ES)"]
    assert "* 2030-03-03 | Hybrid (Barcelona, ES) |" in text.split("### Europe")[1]
    assert "| Sydney, NSW, AU |" in text


def test_entries_sorted_by_date_then_city_multi_day_and_uk():
    for city, day in (("Zurich", 4), ("Aarhus", 4), ("Bern", 2)):
        make_meetup(
            city,
            start=date(2030, 3, day),
            places=[make_place(f"{city}, CH", city=city, country="CH")],
        )
    make_meetup(
        "RustNation",
        start=date(2030, 3, 10),
        end=date(2030, 3, 11),
        places=[make_place("London, UK", city="London", country="GB")],
    )

    text = render_twir(start=START, end=END)

    cities = [line.split(" | ")[1] for line in text.splitlines() if line.startswith("* ")]
    assert cities == ["Bern, CH", "Aarhus, CH", "Zurich, CH", "London, UK"]
    assert "* 2030-03-10 - 2030-03-11 | London, UK |" in text


def test_corrected_places_are_written_from_their_fields():
    place = make_place("Charlottesville, NC, US", city="Charlottesville", country="US", admin1="VA")
    place.locked = True
    place.save()
    london = make_place("london, gb", city="London", country="GB", status="corrected")
    make_meetup(
        "Crafting Interpreters",
        attendance="virtual",
        region="north-america",
        start=date(2030, 3, 5),
        places=[place],
    )
    make_meetup("LDN", start=date(2030, 3, 5), places=[london])

    text = render_twir(start=START, end=END)

    assert "| Virtual (Charlottesville, VA, US) |" in text
    assert "| London, UK |" in text


def test_only_published_meetups_in_the_window():
    make_meetup("Shown", start=date(2030, 3, 5))
    make_meetup("Hidden", start=date(2030, 3, 5), status="hidden")
    make_meetup("Cancelled", start=date(2030, 3, 5), status="cancelled")
    make_meetup("Too late", start=END + timedelta(days=1))
    merged = make_meetup("Merged", start=date(2030, 3, 5))
    merged.duplicate_of = Meetup.objects.get(title="Shown")
    merged.save()

    text = render_twir(start=START, end=END)
    only = render_twir(start=START, end=END, meetups=Meetup.objects.filter(title="Hidden"))

    titles = [line for line in text.splitlines() if line.startswith("    * ")]
    assert len(titles) == 1 and "**Shown**" in titles[0]
    assert "    * " not in only


def test_the_parser_reads_the_export_back():
    make_meetup(
        "Rust Hack n Learn",
        start=date(2030, 3, 5),
        attendance="hybrid",
        groups=[
            make_group("OpenTechSchool Berlin", url="https://berline.rs/"),
            make_group("Rust Berlin"),
        ],
        links=[
            ("https://meet.jit.si/RustHackAndLearnBerlin", "Rust Hack n Learn"),
            ("https://www.meetup.com/rust-berlin/events/9/", "Mirror: Rust Hack"),
        ],
    )

    parsed = parse_newsletter(as_newsletter(render_twir(start=START, end=END), START))

    assert [e.section for e in parsed.entries] == ["Virtual", "Europe"]
    for entry in parsed.entries:
        assert not [p for p in entry.problems if p.kind == "unparsed"]
        assert (entry.start_date, entry.attendance, entry.title) == (
            date(2030, 3, 5),
            "hybrid",
            "Rust Hack n Learn",
        )
        assert [p.text for p in entry.places] == ["Berlin, DE"]
        assert [g.name for g in entry.groups] == ["OpenTechSchool Berlin", "Rust Berlin"]
        assert [(link.url, link.label) for link in entry.links] == [
            ("https://meet.jit.si/RustHackAndLearnBerlin", "Rust Hack n Learn"),
            ("https://www.meetup.com/rust-berlin/events/9/", "Mirror: Rust Hack"),
        ]


# --- round trip through ingest -------------------------------------------------------------


def snapshot() -> dict:
    """What the public sees of every published meetup, keyed by primary link and date."""
    out = {}
    meetups = Meetup.objects.published().exclude(status="cancelled").for_display()
    for m in meetups.prefetch_related("meetupgroup_set__group__alias_set"):
        key = (m.primary_link.canonical_url if m.primary_link else m.title, m.start_date)
        out[key] = {
            "dates": (m.start_date, m.end_date),
            "title": m.title,
            "attendance": m.attendance,
            "links": [link.canonical_url for link in m.ordered_links()],
            # By aliases: each entry keeps the organiser name and link the editors wrote for
            # it, so a re-read organiser is known by some of the names and links it had.
            "organisers": [set(g.aliases) for g in m.ordered_groups()],
            "places": [
                (p.city, p.admin1, p.country) if p.city else p.text for p in m.ordered_places()
            ],
        }
    return out


def test_round_trip_through_ingest():
    from calendar_app.services.ingest import ingest_newsletter, ingest_paths

    ingest_paths([str(SAMPLES)])
    expected = snapshot()
    assert len(expected) > 300  # the twelve samples' meetups
    first = min(day for _link, day in expected)
    last = max(dates["dates"][1] for dates in expected.values())
    windows = []
    while first <= last:
        # One issue per four weeks, as the editors publish them; by start date only.
        end = first + timedelta(days=27)
        meetups = Meetup.objects.filter(start_date__gte=first)
        windows.append((first, render_twir(start=first, end=end, meetups=meetups)))
        first = end + timedelta(days=1)

    from calendar_app.models import Group, Newsletter, Place

    Meetup.objects.all().delete()
    for model in (Newsletter, Group, Place):
        model.objects.all().delete()
    for day, section in windows:
        ingest_newsletter(text=as_newsletter(section, day), source=f"roundtrip-{day}.md")

    got = snapshot()
    assert sorted(got) == sorted(expected)
    for key, values in expected.items():
        organisers = values.pop("organisers")
        read_again = got[key].pop("organisers")
        # An event joined from two links (a placeholder id, then its numeric id) is written
        # back as the editors last wrote it: with the link of that line only.
        links, links_again = values.pop("links"), got[key].pop("links")
        assert links_again and set(links_again) <= set(links), key
        assert got[key] == values, key
        assert len(read_again) == len(organisers), key
        assert all(again <= before for again, before in zip(read_again, organisers, strict=True)), (
            key
        )


def test_a_timed_meetup_keeps_the_newsletters_date_format_on_its_local_day():
    tokyo = make_place("Tokyo, JP", city="Tokyo", country="JP", timezone_name="Asia/Tokyo")
    make_meetup(
        "Rust Tokyo",
        start=date(2030, 3, 6),
        region="asia",
        places=[tokyo],
        groups=[make_group("Rust Tokyo", url="https://rust.tokyo/")],
        links=[("https://rust.tokyo/2030/03/", "Rust Tokyo")],
        starts_at=datetime(2030, 3, 6, 16, tzinfo=UTC),  # 01:00 on the 7th in Tokyo
    )
    text = render_twir(start=START, end=END)
    assert "* 2030-03-07 | Tokyo, JP | [Rust Tokyo](https://rust.tokyo/)\n" in text
    assert "01:00" not in text and "16:00" not in text


def test_the_five_seed_issues_round_trip_with_their_organisers_names():
    """Issue 24: the name an organiser is shown under is the name the section writes, so
    reading the exported sections back changes no organiser's name (it changed 22 of 199:
    `Canberra Rust User Group (CRUG)` read back as `Canberra Rust User Group`)."""
    from calendar_app.models import Group, Newsletter, Place
    from calendar_app.services.ingest import ingest_newsletter, ingest_paths

    ingest_paths([str(path) for path in sorted(SAMPLES.glob("00*.txt"))])

    def names() -> dict:
        meetups = Meetup.objects.published().exclude(status="cancelled").for_display()
        return {
            (m.primary_link.canonical_url if m.primary_link else m.title, m.start_date): [
                g.name for g in m.ordered_groups()
            ]
            for m in meetups
        }

    before = names()
    assert len(before) == 199
    assert ["Canberra Rust User Group (CRUG)"] in before.values()
    first, last = min(day for _link, day in before), max(day for _link, day in before)
    # All of them as one section: entries the editors wrote in different issues, under
    # the names of their day, come back in one issue.
    section = render_twir(start=first, end=last)
    Meetup.objects.all().delete()
    for model in (Newsletter, Group, Place):
        model.objects.all().delete()
    ingest_newsletter(text=as_newsletter(section, first), source="roundtrip.md")

    after = names()
    assert sorted(after) == sorted(before)
    changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    assert changed == {}
