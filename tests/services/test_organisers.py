"""Organisers are known by their page: a name slipped onto another's page, or a co-listing,
never merges two of them; a page replacing another under one name stays one; a curator's
merge or split wins over later imports (docs/ARCHITECTURE.md, "Group")."""

from __future__ import annotations

from datetime import date
from itertools import permutations

import pytest
from django.contrib.auth.models import User

from calendar_app.models import Flag, FlagKind, Group, GroupAlias, Meetup
from calendar_app.rules import listing_keys
from calendar_app.services import curation
from calendar_app.services.groups import organisers
from calendar_app.services.ingest import ingest_newsletter

SEATTLE = "[Seattle Rust User Group](https://www.meetup.com/seattle-rust-user-group/)"
NASHVILLE = "[Music City Rust Developers](https://www.meetup.com/music-city-rust-developers/)"
# four lines of the archive: Seattle's name with Nashville's page
SLIP = "[Seattle Rust User Group Meetup](https://www.meetup.com/music-city-rust-developers/)"
SEATTLE_AS_MEETUP = (
    "[Seattle Rust User Group Meetup](https://www.meetup.com/seattle-rust-user-group/)"
)
CO_LISTED = "[OpenTechSchool Berlin](https://berline.rs/) + [Rust Berlin](https://www.meetup.com/rust-berlin/)"


def newsletter(number: int, day: str, entries: str) -> str:
    return (
        f"Title: This Week in Rust {number}\nNumber: {number}\nDate: {day}\n"
        f"Category: This Week in Rust\n\n## Upcoming Events\n\n"
        f"Rusty Events between {day} - 2024-12-31 🦀\n\n### North America\n\n{entries}\n"
        f"## Jobs\n\nNone.\n"
    )


def line(day: str, where: str, group: str, title: str, link: str) -> str:
    return f"* {day} | {where} | {group}\n    * [**{title}**]({link})\n"


def seattle(day: str, event: int, group: str = SEATTLE) -> str:
    link = f"https://www.meetup.com/seattle-rust-user-group/events/{event}/"
    return line(day, "Seattle, WA, US", group, "Seattle Rust User Group Meetup", link)


def nashville(day: str, event: int, group: str = NASHVILLE) -> str:
    link = f"https://www.meetup.com/music-city-rust-developers/events/{event}/"
    return line(day, "Nashville, TN, US", group, "Rust Hack Night", link)


def organisers_of(title: str) -> list[list[str]]:
    return sorted(
        [g.name for g in m.ordered_groups()] for m in Meetup.objects.canonical().filter(title=title)
    )


# --- the rule, as a pure function ----------------------------------------------------------


def keys(name: str, url: str = "") -> tuple[str, str]:
    return listing_keys(name, url)


SEA = "https://www.meetup.com/seattle-rust-user-group/"
NASH = "https://www.meetup.com/music-city-rust-developers/"
SPAN = (date(2023, 1, 4), date(2025, 6, 4))


def test_a_name_slipped_onto_another_organisers_page_joins_nothing():
    listings = {
        keys("Seattle Rust User Group Meetup", SEA): SPAN,
        keys("Music City Rust Developers", NASH): SPAN,
        keys("Seattle Rust User Group Meetup", NASH): (date(2024, 3, 6), date(2024, 4, 3)),
    }
    found = organisers(listings)
    sea, nash = keys("x", SEA)[1], keys("x", NASH)[1]
    assert found.cluster[sea] != found.cluster[nash]
    assert found.cluster[keys("Seattle Rust User Group Meetup")[0]] == found.cluster[sea]
    assert found.mismatched == {keys("Seattle Rust User Group Meetup", NASH)}


def test_a_page_replacing_another_under_one_name_is_one_organiser():
    """Dallas Rust: meetup.com/dallas-rust until 2023, then meetup.com/dallasrust, renamed
    Dallas Rust User Meetup there (the archive's own history)."""
    old, new = "https://www.meetup.com/Dallas-Rust/", "https://www.meetup.com/dallasrust/events/"
    listings = {
        keys("Dallas Rust", old): (date(2022, 3, 2), date(2023, 3, 29)),
        keys("Dallas Rust", new): (date(2023, 11, 22), date(2024, 10, 16)),
        keys("Dallas Rust User Meetup", new): (date(2025, 1, 15), date(2026, 8, 19)),
    }
    found = organisers(listings)
    assert len({found.cluster[k] for pair in listings for k in pair}) == 1
    assert not found.mismatched


def test_the_same_name_on_two_pages_in_use_at_once_with_other_names_stays_two():
    """A name on two pages listed at the same time, each with a name of its own: a slip."""
    listings = {
        keys("Rust Berlin", "https://www.meetup.com/rust-berlin/"): SPAN,
        keys("OpenTechSchool Berlin", "https://berline.rs/"): SPAN,
        keys("Rust Berlin", "https://berline.rs/"): (date(2024, 2, 1), date(2024, 2, 1)),
    }
    found = organisers(listings)
    assert (
        found.cluster[keys("x", "https://berline.rs/")[1]]
        != found.cluster[keys("x", "https://www.meetup.com/rust-berlin/")[1]]
    )


def test_pages_a_curator_pinned_to_two_organisers_are_never_joined():
    a, b = (
        keys("Rust Nürnberg", "https://www.meetup.com/rust-noris/"),
        keys("Rust Nürnberg", "https://www.meetup.com/rust-nuremberg/"),
    )
    listings = {a: SPAN, b: SPAN}
    assert organisers(listings).cluster[a[1]] == organisers(listings).cluster[b[1]]
    split = organisers(listings, {a[1]: 1, b[1]: 2})
    assert split.cluster[a[1]] != split.cluster[b[1]]


# --- through ingest --------------------------------------------------------------------------


ISSUES = [
    newsletter(
        531,
        "2024-01-24",
        seattle("2024-02-15", 298631774, SEATTLE_AS_MEETUP) + nashville("2024-02-13", 11),
    ),
    newsletter(538, "2024-03-13", nashville("2024-03-12", 12, group=SLIP)),
    newsletter(540, "2024-03-27", seattle("2024-04-18", 298631775, SEATTLE_AS_MEETUP)),
]


@pytest.mark.django_db
@pytest.mark.parametrize("order", list(permutations(range(len(ISSUES)))))
def test_the_name_slip_stays_with_the_pages_organiser_and_is_flagged(order):
    for n in order:
        ingest_newsletter(text=ISSUES[n], source=f"{n}.md")
    assert sorted(Group.objects.values_list("name", flat=True)) == [
        "Music City Rust Developers",
        "Seattle Rust User Group Meetup",
    ]
    assert organisers_of("Rust Hack Night") == [["Music City Rust Developers"]] * 2
    assert (
        organisers_of("Seattle Rust User Group Meetup") == [["Seattle Rust User Group Meetup"]] * 2
    )
    flag = Flag.objects.get(kind=FlagKind.ORGANISER_NAME_MISMATCH)
    assert flag.meetup.start_date == date(2024, 3, 12)
    assert f"TWIR 538 (2024-03-13) line 12: {SLIP}" in flag.message
    nashville_group = Group.objects.get(name="Music City Rust Developers")
    assert nashville_group.meetups.count() == 2  # its page shows its own meetups only


@pytest.mark.django_db
def test_co_organisers_listed_together_stay_two_organisers_on_one_meetup():
    link = "https://berline.rs/2024/12/19/rust-hack-and-learn.html"
    text = newsletter(
        531,
        "2024-01-24",
        line("2024-02-01", "Virtual (Berlin, DE)", CO_LISTED, "Rust Hack and Learn", link)
        + line(
            "2024-02-06",
            "Berlin, DE",
            "[Rust Berlin](https://www.meetup.com/rust-berlin/)",
            "Rust and Tell",
            "https://www.meetup.com/rust-berlin/events/299421383",
        )
        + line(
            "2024-02-08",
            "Berlin, DE",
            "[OpenTechSchool Berlin](https://berline.rs/)",
            "Rust Hack and Learn (in person)",
            "https://berline.rs/2024/02/08/hack.html",
        ),
    )
    ingest_newsletter(text=text, source="531.md")
    assert Group.objects.count() == 2
    assert organisers_of("Rust Hack and Learn") == [["OpenTechSchool Berlin", "Rust Berlin"]]
    assert organisers_of("Rust and Tell") == [["Rust Berlin"]]
    assert organisers_of("Rust Hack and Learn (in person)") == [["OpenTechSchool Berlin"]]
    assert not Flag.objects.filter(kind=FlagKind.ORGANISER_NAME_MISMATCH).exists()


@pytest.mark.django_db
def test_a_renamed_organiser_on_the_same_page_stays_one_shown_by_its_newest_name():
    ingest_newsletter(text=ISSUES[2], source="540.md")  # newest first
    ingest_newsletter(text=ISSUES[0], source="531.md")
    seattle_groups = Group.objects.filter(url__contains="seattle")
    assert [g.name for g in seattle_groups] == ["Seattle Rust User Group Meetup"]


@pytest.mark.django_db
def test_a_curators_merge_and_split_win_over_later_imports():
    user = User.objects.create_superuser("curator", "c@example.org", "x")
    ingest_newsletter(text=ISSUES[0], source="531.md")
    sea = Group.objects.get(name="Seattle Rust User Group Meetup")
    nash = Group.objects.get(name="Music City Rust Developers")
    curation.groups_merge(survivor=sea, others=[nash], user=user)
    ingest_newsletter(text=ISSUES[1], source="538.md")
    ingest_newsletter(text=ISSUES[2], source="540.md")
    assert Group.objects.count() == 1  # the merge stands
    # ... and a split too: the Nashville page moved back to an organiser of its own
    nash = Group.objects.create(name="Music City Rust Developers", slug="music-city")
    alias = GroupAlias.objects.get(key=f"url:{keys('x', NASH)[1].removeprefix('url:')}")
    curation.group_alias_move(alias=alias, group=nash, user=user)
    later = newsletter(545, "2024-05-01", nashville("2024-05-14", 13) + seattle("2024-05-16", 9))
    ingest_newsletter(text=later, source="545.md")
    ingest_newsletter(text=ISSUES[1], source="538.md", force=True)  # read again
    assert sorted(Group.objects.values_list("pk", flat=True)) == sorted([sea.pk, nash.pk])
    assert organisers_of("Rust Hack Night") == [["Music City Rust Developers"]] * 3
    assert organisers_of("Seattle Rust User Group Meetup") == [["Seattle Rust User Group"]] * 3


@pytest.mark.django_db
def test_listings_organised_part_by_part_are_organised_as_all_at_once():
    """A resolver organises again only the part of the organisers a new listing touches
    (a sync's feeds one after another): the organisers are those of all listings at once,
    and so are the stored groups."""
    from calendar_app.services.groups import GroupResolver
    from calendar_app.twir.records import ParsedGroup

    batches = [
        [ParsedGroup("Seattle Rust User Group", "https://www.meetup.com/seattle-rust-user-group/")],
        [
            ParsedGroup(
                "Music City Rust Developers", "https://www.meetup.com/music-city-rust-developers/"
            )
        ],
        [ParsedGroup("Rust Berlin", "https://www.meetup.com/rust-berlin/")],
        # Seattle's name slipped onto Nashville's page: a flag, never a merge
        [
            ParsedGroup(
                "Seattle Rust User Group", "https://www.meetup.com/music-city-rust-developers/"
            )
        ],
        # Rust Berlin moves to a page of its own: one organiser, two pages
        [ParsedGroup("Rust Berlin", "https://berline.rs/")],
        [ParsedGroup("Rust Berlin Meetup", "")],
    ]
    resolver = GroupResolver()
    for batch in batches:
        resolver.prepare(batch)
    every = [g for batch in batches for g in batch]
    at_once = organisers({listing_keys(g.name, g.url): (None, None) for g in every})
    assert resolver.organised == at_once
    fresh = GroupResolver()
    fresh.prepare(every)
    assert {k: resolver.ids[k] for k in fresh.ids} == fresh.ids
    assert Group.objects.count() == len(set(at_once.cluster.values()))
