"""The pure matching step, without a database (runs with `pytest -p no:django` too).

Every rule: a link and a date; generic links; moves (in either order); reused event pages;
fallback keys; organiser, day and title; the newer issue wins; attendance; curator locks;
merges followed to the survivor; the survivor rule.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date

from calendar_app.matching.match import (
    HYBRID,
    IN_PERSON,
    JOINED_BY_TITLE,
    RESCHEDULED,
    VIRTUAL,
    Issue,
    KnownMeetup,
    LinkValue,
    Merge,
    New,
    Sighted,
    is_move,
    listed_dates,
    match,
    meetup_values,
    refresh,
    same_by_title,
    same_event,
    stale_title_join,
    with_locks,
)
from calendar_app.matching.survivor import follow_merges, pick_survivor
from calendar_app.rules import titles_alike as similar_titles

JAN17 = Issue("530", date(2024, 1, 17), "TWIR 530 (2024-01-17)")
JAN24 = Issue("531", date(2024, 1, 24), "TWIR 531 (2024-01-24)")
JAN31 = Issue("532", date(2024, 1, 31), "TWIR 532 (2024-01-31)")
EVENT = "https://meetup.com/rustcologne/events/298913201"
REGIONS = {1: "europe", 2: "north-america"}


def link(url: str = EVENT, *, primary: bool = True, specific: bool = True) -> LinkValue:
    return LinkValue(url, url, "Link", primary, specific)


def seen(
    issue: Issue = JAN17,
    day: date = date(2024, 2, 7),
    *,
    line: int = 10,
    title: str = "Embedded",
    links: tuple[LinkValue, ...] = (link(),),
    attendance: str = IN_PERSON,
    organisers: tuple[int, ...] = (7,),
    places: tuple[int, ...] = (1,),
    fallback: str = "",
) -> Sighted:
    return Sighted(
        issue=issue,
        line=line,
        start_date=day,
        end_date=day,
        title=title,
        name="Rust Cologne",
        attendance=attendance,
        links=links,
        fallback=fallback,
        organisers=organisers,
        places=places,
        region=REGIONS.get(places[0], "") if places else "",
    )


def stored(meetup_id: int, *sightings: Sighted, locked: frozenset[str] = frozenset()):
    return KnownMeetup(
        id=meetup_id,
        values=meetup_values(sightings, REGIONS),
        locked=locked,
        sightings=sightings,
    )


# --- strong identity ---------------------------------------------------------------------


def test_one_link_one_date_is_one_event():
    assert same_event(seen(JAN17), seen(JAN24))


def test_a_generic_link_never_joins_two_dates():
    room = (link("https://meet.jit.si/rust", specific=False),)
    assert not same_event(
        seen(JAN17, date(2024, 2, 1), links=room), seen(JAN24, date(2024, 2, 15), links=room)
    )


def test_an_event_link_with_a_date_still_ahead_is_a_move_in_either_order():
    early = seen(JAN17, date(2024, 2, 7))
    late = seen(JAN24, date(2024, 2, 14))
    assert is_move(early, late) and is_move(late, early)
    assert same_event(early, late) and same_event(late, early)


def test_a_move_seen_two_issues_later_still_joins():
    """Listed for one date, then the next week in the two issues after: one event."""
    first = seen(JAN17, date(2024, 1, 26))
    third = seen(JAN31, date(2024, 2, 2))
    second = seen(JAN24, date(2024, 2, 2))
    assert same_event(first, second)
    # The third issue alone would not read it as a move (the old date had passed)...
    assert not same_event(first, third)
    # ...but second and third are one event by link and date, so all three are one.
    plan = match([first], [stored(5, second, third)], region_of=REGIONS)
    assert plan.assigned == [5] and plan.new == []


def test_a_reused_event_page_after_its_date_passed_is_a_new_occurrence():
    january = seen(JAN17, date(2024, 1, 20))
    february = seen(JAN24, date(2024, 2, 20))
    assert not is_move(january, february)
    assert not same_event(january, february)


def test_two_dates_in_one_issue_are_two_events():
    assert not same_event(seen(JAN17, date(2024, 2, 1)), seen(JAN17, date(2024, 2, 8), line=12))


def test_link_less_entries_join_by_fallback_key():
    a = seen(JAN17, links=(), fallback="2024-02-07|rust cologne|cologne, de")
    b = seen(JAN24, links=(), fallback="2024-02-07|rust cologne|cologne, de")
    c = seen(JAN24, links=(), fallback="2024-02-07|rust bonn|bonn, de", organisers=(8,))
    assert same_event(a, b) and not same_event(a, c)


# --- weak identity: organiser, day, title -------------------------------------------------


def test_similar_titles():
    assert similar_titles("Rust Meetup: Embedded!", "rust meetup embedded")
    assert similar_titles("Monthly Rust Meetup - March", "Monthly Rust meetup – March")
    assert not similar_titles("Weekly coding session", "Hack night")
    assert not similar_titles("", "Hack night")


def test_a_placeholder_link_then_a_numeric_one_is_one_event():
    placeholder = seen(JAN17, links=(link("https://meetup.com/x/events/xvkdgtyhcgbfc"),))
    numeric = seen(JAN24, links=(link("https://meetup.com/x/events/307089940"),))
    assert not same_event(placeholder, numeric)
    assert same_by_title(placeholder, numeric)
    plan = match([numeric], [stored(3, placeholder)], region_of=REGIONS)
    assert plan.merges == [Merge(3, New(0), "title")]
    assert plan.flags[3][-1].kind == JOINED_BY_TITLE


def test_one_organiser_two_titles_one_day_stay_two():
    coding = seen(JAN17, title="Weekly coding session", links=(link("https://a.example/1"),))
    hack = seen(JAN17, line=12, title="Hack night", links=(link("https://a.example/2"),))
    plan = match([coding, hack], [], region_of=REGIONS)
    assert len(plan.new) == 2 and plan.merges == []


def test_same_title_other_organiser_stays_apart():
    a = seen(JAN17, links=(link("https://a.example/1"),), organisers=(1,))
    b = seen(JAN17, line=12, links=(link("https://b.example/1"),), organisers=(2,))
    assert not same_by_title(a, b)


def test_a_title_join_within_one_issue_is_a_merge_of_two_new_meetups():
    a = seen(JAN17, links=(link("https://meetup.com/x/events/1"),))
    b = seen(JAN17, line=14, links=(link("https://lu.ma/abcdefgh"),))
    plan = match([a, b], [], region_of=REGIONS)
    assert len(plan.new) == 2
    assert plan.merges == [Merge(New(0), New(1), "title")]
    assert plan.assigned == [New(0), New(1)]
    # The survivor is made with its own link; the other's comes with the merge (and goes
    # back with an unmerge); its values order both.
    survivor = plan.new[0]
    assert [lk.canonical for lk in survivor.first_links or ()] == ["https://meetup.com/x/events/1"]
    assert [lk.canonical for lk in survivor.values.links] == [
        "https://meetup.com/x/events/1",
        "https://lu.ma/abcdefgh",
    ]
    assert plan.new[1].first_links is None


# --- values --------------------------------------------------------------------------------


def test_the_newest_issue_gives_the_values_whatever_came_first():
    old = seen(JAN17, date(2024, 2, 7), title="Old title", places=(1,))
    new = seen(JAN24, date(2024, 2, 14), title="New title", places=(2,))
    for order in ([old, new], [new, old]):
        values = meetup_values(order, REGIONS)
        assert (values.title, values.start_date, values.places, values.region) == (
            "New title",
            date(2024, 2, 14),
            (2,),
            "north-america",
        )


def test_the_newest_issue_says_how_one_attends_in_any_order():
    """A later issue correcting Virtual to a place (or back) wins; no hybrid of the two."""
    assert meetup_values([seen(attendance=VIRTUAL)], REGIONS).attendance == VIRTUAL
    corrected = [seen(JAN17, attendance=VIRTUAL), seen(JAN24, attendance=IN_PERSON)]
    assert meetup_values(corrected, REGIONS).attendance == IN_PERSON
    assert meetup_values(corrected[::-1], REGIONS).attendance == IN_PERSON
    back = [seen(JAN17), seen(JAN24, attendance=VIRTUAL)]
    assert meetup_values(back[::-1], REGIONS).attendance == VIRTUAL


def test_a_virtual_and_an_in_person_listing_in_one_issue_are_hybrid():
    pair = [
        seen(JAN17, attendance=VIRTUAL),
        seen(JAN24, line=10, attendance=VIRTUAL, places=()),
        seen(JAN24, line=30, attendance=IN_PERSON),
    ]
    assert meetup_values(pair, REGIONS).attendance == HYBRID
    said = [seen(JAN17, attendance=IN_PERSON), seen(JAN24, attendance=HYBRID)]
    assert meetup_values(said, REGIONS).attendance == HYBRID


def test_links_are_the_union_oldest_first_and_the_first_primary_stays_primary():
    mirror = link("https://rust.cologne/2024/02/07", primary=False, specific=False)
    values = meetup_values([seen(JAN24, links=(link(), mirror)), seen(JAN17)], REGIONS)
    assert [(lk.canonical, lk.primary) for lk in values.links] == [
        (EVENT, True),
        (mirror.url, False),
    ]


def test_a_moved_event_gets_one_rescheduled_flag_per_move():
    sightings = [seen(JAN17, date(2024, 2, 7)), seen(JAN24, date(2024, 2, 14))]
    plan = match(sightings[1:], [stored(4, sightings[0])], region_of=REGIONS)
    assert [f.kind for f in plan.flags[4]] == [RESCHEDULED]
    assert (
        plan.flags[4][0].message
        == "TWIR 531 (2024-01-24) lists it on 2024-02-14; it was on 2024-02-07."
    )
    assert plan.changes[0].fields["start_date"] == date(2024, 2, 14)


def test_locked_fields_keep_the_curators_values():
    meetup = stored(4, seen(JAN17), locked=frozenset({"title", "start_date", "end_date", "places"}))
    change = with_locks(meetup, meetup_values([seen(JAN24, date(2024, 2, 14), title="x")], REGIONS))
    assert "title" not in change.fields and "start_date" not in change.fields
    assert change.places is None


def test_an_older_issue_read_later_changes_nothing_visible():
    newer = seen(JAN24, title="New title")
    plan = match([seen(JAN17, title="Old title")], [stored(4, newer)], region_of=REGIONS)
    assert plan.assigned == [4]
    assert all(not change.visible for change in plan.changes)


def test_refresh_brings_a_meetup_back_to_its_sightings():
    meetup = stored(4, seen(JAN17, title="Old"))
    moved = KnownMeetup(id=4, values=meetup.values, sightings=(seen(JAN24, title="New"),))
    assert refresh([moved], region_of=REGIONS).changes[0].fields == {"title": "New"}


# --- survivors -----------------------------------------------------------------------------


def test_merges_are_followed_to_the_survivor():
    assert follow_merges(1, {1: 2, 2: 3, 3: None}) == 3
    assert follow_merges(1, {1: 2, 2: 1}) in {1, 2}  # a loop ends
    assert follow_merges(9, {}) == 9


def test_the_survivor_is_the_curated_one_else_the_oldest():
    assert pick_survivor([(5, 0), (3, 0), (9, 0)]) == 3
    assert pick_survivor([(5, 2), (3, 0)]) == 5


def test_two_stored_copies_joined_by_a_new_sighting_are_merged():
    """A newest-first ingest left a copy at the old date; the issue between joins them."""
    copy_at_old_date = stored(8, seen(JAN17, date(2024, 1, 26)))
    moved = stored(5, seen(JAN31, date(2024, 2, 2)))
    plan = match([seen(JAN24, date(2024, 2, 2))], [copy_at_old_date, moved], region_of=REGIONS)
    assert plan.merges == [Merge(5, 8, "link")]
    assert plan.assigned == [5]


def test_the_plan_does_not_depend_on_the_order_of_the_stored_meetups():
    a = stored(8, seen(JAN17, date(2024, 1, 26)))
    b = stored(5, seen(JAN31, date(2024, 2, 2)))
    plans = [
        match([seen(JAN24, date(2024, 2, 2))], list(order), region_of=REGIONS)
        for order in itertools.permutations([a, b])
    ]
    assert plans[0] == plans[1]


# --- an issue read again -------------------------------------------------------------------


def test_an_issue_read_again_with_another_date_keeps_the_meetup_its_line_held():
    old = stored(5, seen(JAN17, date(2024, 2, 7)))
    plan = match([seen(JAN17, date(2024, 2, 8))], [old], region_of=REGIONS)

    assert plan.assigned == [5] and plan.new == []
    assert plan.changes[0].fields["start_date"] == date(2024, 2, 8)


def test_an_issue_read_again_never_joins_an_event_link_under_another_organiser():
    # A shuffled copy: another organiser's bullet above this event's title line.
    old = stored(5, seen(JAN17, date(2024, 2, 7)))
    plan = match([seen(JAN17, date(2024, 2, 9), organisers=(8,))], [old], region_of=REGIONS)

    assert plan.assigned == [New(0)]


def test_a_withdrawn_meetup_is_found_again_by_its_stored_values():
    withdrawn = replace(stored(5, seen(JAN17)), sightings=(), withdrawn=True)
    plan = match([seen(JAN24)], [withdrawn], region_of=REGIONS)

    assert plan.assigned == [5] and plan.published == [5]
    assert plan.flags[5] == []  # its stored values are no listing: no move, no join


# --- a stored title join checked again (issue 22) ----------------------------------------

FIRST_EVENT = "https://meetup.com/rustcologne/events/301111111"
SECOND_EVENT = "https://meetup.com/rustcologne/events/302222222"


def test_a_title_join_still_made_by_the_listings_is_kept():
    ours = seen(JAN17, date(2024, 2, 7), links=(link(FIRST_EVENT),))
    theirs = seen(JAN24, date(2024, 2, 7), line=12, links=(link(SECOND_EVENT),))
    assert stale_title_join([ours, theirs], frozenset({("531", 12)})) == frozenset()


def test_a_title_join_whose_listing_moved_to_a_day_of_its_own_is_stale():
    ours = seen(JAN17, date(2024, 2, 7), links=(link(FIRST_EVENT),))
    theirs = seen(JAN24, date(2024, 2, 14), line=12, links=(link(SECOND_EVENT),))
    assert stale_title_join([ours, theirs], frozenset({("531", 12)})) == {("531", 12)}


def test_a_title_join_of_two_meetup_events_is_stale_once_one_is_listed_elsewhere():
    ours = seen(JAN17, date(2024, 2, 7), links=(link(FIRST_EVENT),))
    theirs = seen(JAN24, date(2024, 2, 7), line=12, links=(link(SECOND_EVENT),))
    later = seen(JAN31, date(2024, 2, 21), line=9, links=(link(SECOND_EVENT),))
    joined = frozenset({("531", 12)})
    assert stale_title_join([ours, theirs], joined) == frozenset()
    assert stale_title_join([ours, theirs], joined, listed_dates([later])) == joined
    assert stale_title_join([ours, theirs], joined, listed_dates([ours])) == frozenset()
    # a listing read since that is one event with the joined one by link goes with it
    again = seen(JAN31, date(2024, 2, 14), line=9, links=(link(SECOND_EVENT),))
    moved = seen(JAN24, date(2024, 2, 14), line=12, links=(link(SECOND_EVENT),))
    assert stale_title_join([ours, moved, again], joined) == {("531", 12), ("532", 9)}
