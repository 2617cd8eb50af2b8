"""Matching: which meetup each entry line belongs to, as a pure function of values.

In: the entries of one newsletter (`Sighted`) and a snapshot of the meetups they could
name (`KnownMeetup`, each with all its stored sightings). Out: a `Plan` (meetups to create,
field and relation changes, merges, flags) that `write.apply_plan` carries out.

Two sightings are one event when a rule below says so; the rules look at the two sightings
only, never at the order they were read in, so the meetups that come out are the same
whatever the order of the newsletters (docs/ARCHITECTURE.md, "Deduplication"):

- strong identity (`same_event`): a shared link and the same date; a shared event link
  and a date that reads as a move (`is_move`); the same link-less fallback key;
- weak identity (`same_by_title`): one organiser, one day, similar titles. Meetups joined
  this way are kept as separate rows merged into the survivor, so unmerge can undo it,
  and a later reading that no longer makes the join splits it (`stale_title_join`).

A meetup's values are a function of all its sightings (`meetup_values`): the newest issue
(by newsletter date) gives dates, title, places, organisers and attendance (a later issue
correcting Virtual to a place, or back, wins; a Virtual and an in-person listing in one
issue are a hybrid event); links are the union.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property

from calendar_app.geocoding.regions import meetup_region
from calendar_app.matching.survivor import pick_survivor
from calendar_app.online import HYBRID, IN_PERSON, VIRTUAL
from calendar_app.rules import FlagKind, fold_title, titles_alike

RESCHEDULED = FlagKind.RESCHEDULED
JOINED_BY_TITLE = FlagKind.POSSIBLE_DUPLICATE
NAME_MISMATCH = FlagKind.ORGANISER_NAME_MISMATCH
ANOTHER_EVENT = FlagKind.LINK_OF_ANOTHER_EVENT
DATE_DIFFERS = FlagKind.DATE_DIFFERS_FROM_CALENDAR
# recomputed from a meetup's sightings
DERIVED_FLAG_KINDS = (RESCHEDULED, JOINED_BY_TITLE, NAME_MISMATCH, ANOTHER_EVENT, DATE_DIFFERS)
# An event moved, or its date corrected, lands within this of where it was listed (the
# archive's moves are days or weeks, a wrong year is one year); a link seen again further
# away is a reused page, never the same event.
MAX_MOVE = timedelta(days=400)
Day = date  # `date` is also a field name below
_MEETUP_EVENT = re.compile(r"^https://meetup\.com/[^/]+/events/(\d+)$")  # a numeric id


# --- values ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """The newsletter a sighting comes from: `key` is unique, `date` orders them."""

    key: str
    date: Day | None
    label: str  # "TWIR 531 (2024-01-24)", for flag messages
    calendar: bool = False  # a followed calendar (undated), not a newsletter

    @property
    def order(self) -> tuple[Day, str]:
        return (self.date or date.min, self.key)


@dataclass(frozen=True)
class LinkValue:
    url: str
    canonical: str
    label: str
    primary: bool
    specific: bool  # names one event (and was not listed for two dates in its issue)


@dataclass(frozen=True)
class Sighted:
    """One entry line as matching needs it, from the newsletter being read or stored."""

    issue: Issue
    line: int
    start_date: date
    end_date: date
    title: str
    name: str  # what to call it when untitled: its first organiser, else its location
    attendance: str
    links: tuple[LinkValue, ...] = ()
    fallback: str = ""  # identity of a link-less entry: date, organiser, location
    organisers: tuple[int, ...] = ()  # group ids, in order
    places: tuple[int, ...] = ()  # usable place ids, in order
    region: str = ""  # of its first place
    # organisers listed with another organiser's name ("[name](page)"): under the page's
    misnamed: tuple[str, ...] = ()
    # dated before its own issue, or outside the issue's window: never joined by title
    suspect: bool = False
    # A withdrawn meetup's stored values, standing in for the sightings it lost: new lines
    # can find it again; never one of its values.
    stand_in: bool = False

    @cached_property  # sorted and compared many times per match
    def order(self) -> tuple[tuple[date, str], int]:
        return (self.issue.order, self.line)

    @cached_property
    def canonicals(self) -> frozenset[str]:
        return frozenset(link.canonical for link in self.links)

    @cached_property
    def specific(self) -> frozenset[str]:
        return frozenset(link.canonical for link in self.links if link.specific)


@dataclass(frozen=True)
class MeetupValues:
    """What a meetup shows that comes from its sightings."""

    title: str
    start_date: date
    end_date: date
    attendance: str
    region: str
    places: tuple[int, ...]
    groups: tuple[int, ...]
    links: tuple[LinkValue, ...]
    source_date: date | None


@dataclass(frozen=True)
class KnownMeetup:
    """A stored meetup (a survivor: merges already followed) with all its sightings."""

    id: int
    values: MeetupValues
    sequence: int = 0
    locked: frozenset[str] = frozenset()
    sightings: tuple[Sighted, ...] = ()
    apart: frozenset[int] = frozenset()  # meetups a curator unmerged from it: never by title
    withdrawn: bool = False  # hidden by a re-read that left nothing holding it

    def stand_in(self) -> Sighted:
        """Its stored values as a sighting, for a withdrawn meetup to be found again."""
        values = self.values
        return Sighted(
            issue=Issue(f"withdrawn:{self.id}", None, f"meetup {self.id}"),
            line=0,
            start_date=values.start_date,
            end_date=values.end_date,
            title=values.title,
            name=values.title,
            attendance=values.attendance,
            links=values.links,
            organisers=values.groups,
            places=values.places,
            region=values.region,
            stand_in=True,
        )


@dataclass(frozen=True)
class New:
    """A meetup the plan creates; `index` into `Plan.new`."""

    index: int


MeetupRef = int | New


@dataclass
class NewMeetup:
    values: MeetupValues
    fallback_key: str
    # Set when others are joined to it in the same plan: the links it is created with (its
    # own listings'); the others' link rows move to it as they would to a stored meetup,
    # and `values.links` then orders them all (so an unmerge gives each its own back).
    first_links: tuple[LinkValue, ...] | None = None


@dataclass
class Change:
    """What changes on a stored meetup; fields absent from `fields` stay as they are."""

    id: int
    fields: dict[str, object] = field(default_factory=dict)
    places: tuple[int, ...] | None = None
    groups: tuple[int, ...] | None = None
    links: tuple[LinkValue, ...] | None = None
    source_date: date | None = None

    @property
    def visible(self) -> bool:
        """Does anyone see it (not only which issue speaks for the meetup)?"""
        return bool(self.fields) or any(
            value is not None for value in (self.places, self.groups, self.links)
        )


@dataclass(frozen=True)
class Merge:
    survivor: MeetupRef
    other: MeetupRef
    reason: str  # "link" (one event after all) or "title" (organiser, day and title)


@dataclass(frozen=True)
class FlagValue:
    kind: str
    message: str


@dataclass
class Plan:
    new: list[NewMeetup] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    assigned: list[MeetupRef] = field(default_factory=list)  # per entry, in input order
    # derived flags (DERIVED_FLAG_KINDS) every survivor touched should carry, all of them
    flags: dict[MeetupRef, list[FlagValue]] = field(default_factory=dict)
    published: list[int] = field(default_factory=list)  # withdrawn meetups listed again


# --- the rules ---------------------------------------------------------------------------


def is_move(a: Sighted, b: Sighted) -> bool:
    """Do two sightings of one event link with different dates describe one moved event?

    Yes when the older issue's date was still ahead when the newer issue came out, or was
    impossible (before its own issue: a typo). A date that had passed by then means the
    link is reused for a new occurrence. Symmetric: only the issues' dates order them.
    """
    if abs((a.start_date - b.start_date).days) > MAX_MOVE.days or a.issue == b.issue:
        return False
    older, newer = sorted((a, b), key=lambda s: s.order)
    if older.issue.date is None or newer.issue.date is None:
        return True
    return older.start_date >= newer.issue.date or older.start_date < older.issue.date


def same_event(a: Sighted, b: Sighted) -> bool:
    """Strong identity: a shared link on one date, a shared event link moved, one fallback."""
    if a.fallback and a.fallback == b.fallback:
        return True
    shared = a.canonicals & b.canonicals
    if not shared:
        return False
    if a.start_date == b.start_date:
        return True
    return bool(shared & a.specific & b.specific) and is_move(a, b)


def calendar_anchors(sightings: Iterable[Sighted]) -> dict[str, Sighted]:
    """Event page -> the calendar event listing it: that page's date is the calendar's."""
    anchors: dict[str, Sighted] = {}
    for sighting in sorted((s for s in sightings if s.issue.calendar), key=lambda s: s.order):
        for link in sorted(sighting.specific):
            anchors.setdefault(link, sighting)
    return anchors


def same_listing_read_again(a: Sighted, b: Sighted) -> bool:
    """A line of an issue read again and a stored line of that issue: one listing when they
    share an event link and an organiser, whatever the dates (an erratum, or a damaged copy,
    moved it). Not a link alone: a shuffled copy puts one event's link under another's
    organiser and date, and that must not make the two events one."""
    if a.issue.key != b.issue.key or set(a.organisers) != set(b.organisers):
        return False
    shared = a.specific & b.specific
    return bool(shared) and abs((a.start_date - b.start_date).days) <= MAX_MOVE.days


def another_event(a: Sighted, b: Sighted, anchors: dict[str, Sighted]) -> Sighted | None:
    """The calendar event that keeps two sightings of its page on two dates apart, if any.

    A calendar event is anchored to the date its calendar gives: a newsletter listing its
    page on another date is that event only while the calendar's date was still ahead
    when the issue came out (a move the newsletter saw first: the calendar's date stands,
    flagged); a listing after that date is another event that reused the link. When the
    calendar moves the event too, the listing is on the calendar's date: a move.
    """
    if a.start_date == b.start_date:
        return None
    for link in sorted(a.specific & b.specific):
        calendar = anchors.get(link)
        if calendar is not None and _of_event(a, calendar) != _of_event(b, calendar):
            return calendar
    return None


def _of_event(sighting: Sighted, calendar: Sighted) -> bool:
    issued = sighting.issue.date
    return (
        sighting.start_date == calendar.start_date
        or issued is None  # a calendar: it is now
        or calendar.start_date >= issued
    )


def meetup_event_ids(sighting: Sighted) -> frozenset[str]:
    """The numeric Meetup event ids it links (placeholder ids are not numeric)."""
    return frozenset(
        m.group(1) for link in sighting.specific if (m := _MEETUP_EVENT.match(link)) is not None
    )


def listed_dates(sightings: Iterable[Sighted]) -> dict[str, set[date]]:
    """Numeric Meetup event id -> the dates it is listed on."""
    dates: dict[str, set[date]] = {}
    for sighting in sightings:
        for event_id in meetup_event_ids(sighting):
            dates.setdefault(event_id, set()).add(sighting.start_date)
    return dates


def two_meetup_events(a: Sighted, b: Sighted, dates: dict[str, set[date]]) -> bool:
    """Two distinct numeric Meetup events, one of them listed on a date of its own: never
    one event by title (a placeholder id that became numeric, or a hybrid event's two
    pages listed in one issue, still are)."""
    ids_a, ids_b = meetup_event_ids(a), meetup_event_ids(b)
    if a.issue == b.issue or not ids_a or not ids_b or ids_a & ids_b:
        return False
    return any(dates.get(i, set()) - {a.start_date} for i in ids_a | ids_b)


def same_by_title(a: Sighted, b: Sighted) -> bool:
    """Weak identity: one organiser, one day, similar titles (links may differ); never for
    a listing with a suspect date (its own event page decides where it belongs)."""
    return (
        not (a.suspect or b.suspect)
        and a.start_date == b.start_date
        and bool(set(a.organisers) & set(b.organisers))
        and titles_alike(a.title, b.title)  # the notion the duplicate queue shares
    )


SightingKey = tuple[str, int]  # (issue key, line): a listing, as a merge record names it


def stale_title_join(
    sightings: Sequence[Sighted],
    joined: frozenset[SightingKey],
    listed: Mapping[str, set[date]] | None = None,
) -> frozenset[SightingKey]:
    """The listings that go back to a meetup joined by title into the one holding
    `sightings` (`joined`: the listings the join brought), when the two are no longer one
    event by the rules that joined them: no shared link on one date (or a move), and no
    two listings of one organiser, day and title that are not two numeric Meetup events.
    A listing read since goes with the part whose listings it is one event with by link.
    `listed`: the dates Meetup events are listed on elsewhere (`listed_dates` of other
    meetups' listings, gathered once by a caller checking many joins).
    Empty when the join still holds (or one part has no listing left, or no title)."""
    theirs = [s for s in sightings if (s.issue.key, s.line) in joined]
    ours = [s for s in sightings if (s.issue.key, s.line) not in joined and not s.stand_in]
    if not theirs or not ours or not all(s.title for s in sightings):
        return frozenset()
    for sighting in sorted(ours, key=lambda s: s.order):  # oldest first: theirs grow in order
        if sighting.issue.calendar:  # a calendar's event goes back by its merge record
            continue
        rest = [o for o in ours if o is not sighting]
        if any(same_event(sighting, t) for t in theirs) and not any(
            same_event(sighting, o) for o in rest
        ):
            ours.remove(sighting)
            theirs.append(sighting)
    if not ours:
        return frozenset()
    dates = listed_dates(sightings)  # and elsewhere: only the ids these listings link
    for event_id in list(dates):
        dates[event_id] |= (listed or {}).get(event_id, set())
    for a in ours:
        for b in theirs:
            if same_event(a, b) or (same_by_title(a, b) and not two_meetup_events(a, b, dates)):
                return frozenset()
    return frozenset((s.issue.key, s.line) for s in theirs)


def attendance_of(sightings: Iterable[Sighted]) -> str:
    """How one attends, as the newest issue lists it (by newsletter date: an editor's
    correction wins); within one issue a Virtual listing and an in-person one are a hybrid
    event, as is a listing that says so. A calendar's own events count with them."""
    sightings = list(sightings)
    listed = [s for s in sightings if not s.issue.calendar]
    newest = max((s.issue.order for s in listed), default=None)
    kinds = {s.attendance for s in sightings if s.issue.calendar or s.issue.order == newest}
    if HYBRID in kinds or {VIRTUAL, IN_PERSON} <= kinds:
        return HYBRID
    return kinds.pop() if kinds else IN_PERSON


def _unique(values: Iterable[int]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(values))


def merged_links(sightings: Sequence[Sighted]) -> tuple[LinkValue, ...]:
    """Every link, first-seen first (oldest issue first); the first primary one is primary.

    A link is shown as the newest listing spells it (`/es-ES/bcnrust/events/1/` or
    `/bcnrust/events/1`; ties: the greatest spelling), whatever the order of reading.
    """
    links: dict[str, LinkValue] = {}
    spelling: dict[str, tuple] = {}
    for sighting in sorted(sightings, key=lambda s: s.order):
        for link in sighting.links:
            have = links.setdefault(link.canonical, link)
            if not have.label and link.label:  # a calendar's links have none: the editors'
                links[link.canonical] = replace(have, label=link.label)
            spelled = (sighting.order, link.url)
            spelling[link.canonical] = max(spelling.get(link.canonical, spelled), spelled)
    primary = next((c for c, link in links.items() if link.primary), None)
    return tuple(
        LinkValue(spelling[c][1], c, link.label, c == primary, link.specific)
        for c, link in links.items()
    )


def meetup_values(sightings: Sequence[Sighted], region_of: dict[int, str]) -> MeetupValues:
    """A meetup's values from all its sightings: the newest issue wins (see module doc).

    A calendar's events come first for the dates and the title (the organiser's own);
    places and organisers come from the newest newsletter (the editors' corrections),
    from the calendar only when no newsletter lists the event. A listing with a suspect
    date (before its issue, outside its window) gives nothing when another can.
    """
    # a listing with a suspect date gives nothing when another can
    listed = (
        [s for s in sightings if not s.issue.calendar and not s.suspect]
        or [s for s in sightings if not s.issue.calendar]
        or list(sightings)
    )
    newest_issue = max(s.issue.order for s in listed)
    newest = sorted((s for s in listed if s.issue.order == newest_issue), key=lambda s: s.line)
    first = newest[0]
    calendar = sorted((s for s in sightings if s.issue.calendar), key=lambda s: s.order)
    timed = calendar[0] if calendar else first
    places = _unique(p for s in newest for p in s.places)
    title = next((s.title for s in (*calendar[:1], *newest) if s.title), first.name)
    return MeetupValues(
        title=title[:500],
        start_date=timed.start_date,
        end_date=max(timed.end_date, timed.start_date),
        attendance=attendance_of(sightings),
        region=meetup_region(places, region_of),
        places=places,
        groups=organisers_of(newest, listed, timed.start_date),
        links=merged_links(sightings),
        source_date=first.issue.date,
    )


def organisers_of(
    newest: Sequence[Sighted], listed: Sequence[Sighted], day: date
) -> tuple[int, ...]:
    """The newest issue's organisers, then those of older listings of the event on its
    day (one event page listed by two organisers shows both)."""
    older = sorted((s for s in listed if s.start_date == day), key=lambda s: s.order, reverse=True)
    return _unique(g for s in (*newest, *older) for g in s.organisers)


def reschedule_flags(sightings: Sequence[Sighted]) -> list[FlagValue]:
    """One `rescheduled` flag per issue that gives the event another date than the one before."""
    by_issue: dict[Issue, Sighted] = {}
    for sighting in sorted(sightings, key=lambda s: s.order):
        if not sighting.issue.calendar:  # the calendar is now, not a step in time
            by_issue.setdefault(sighting.issue, sighting)
    flags, previous = [], None
    for issue, sighting in by_issue.items():
        if previous is not None and sighting.start_date != previous:
            flags.append(
                FlagValue(
                    RESCHEDULED,
                    f"{issue.label} lists it on {sighting.start_date}; it was on {previous}.",
                )
            )
        previous = sighting.start_date
    return flags


def calendar_date_flags(sightings: Sequence[Sighted]) -> list[FlagValue]:
    """The newest issue giving the event another date than its calendar does: the
    calendar's date stands until the calendar or a curator changes it."""
    calendar = sorted((s for s in sightings if s.issue.calendar), key=lambda s: s.order)
    listed = [s for s in sightings if not s.issue.calendar]
    if not calendar or not listed:
        return []
    newest_issue = max(s.issue.order for s in listed)
    newest = min((s for s in listed if s.issue.order == newest_issue), key=lambda s: s.line)
    if newest.start_date == calendar[0].start_date:
        return []
    return [
        FlagValue(
            DATE_DIFFERS,
            f"{newest.issue.label} lists it on {newest.start_date}; its calendar "
            f"({calendar[0].issue.label}) on {calendar[0].start_date}, the date kept.",
        )
    ]


def another_event_flags(
    sightings: Sequence[Sighted], anchors: dict[str, Sighted]
) -> list[FlagValue]:
    """Listings of a calendar event's page kept apart from it (`another_event`)."""
    own = {s.fallback for s in sightings if s.issue.calendar}
    flags = []
    for sighting in sorted(sightings, key=lambda s: s.order):
        for link in sorted(sighting.specific):
            calendar = anchors.get(link)
            if calendar is None or calendar.fallback in own or sighting.issue.calendar:
                continue
            flags.append(
                FlagValue(
                    ANOTHER_EVENT,
                    f"{sighting.issue.label} line {sighting.line} lists {link} on "
                    f'{sighting.start_date}: the page of "{calendar.title}" on '
                    f"{calendar.start_date} in {calendar.issue.label}; kept as another event.",
                )
            )
    return flags


def title_join_flag(components: Sequence[Sequence[Sighted]]) -> FlagValue:
    """Say which listings were taken for one event by organiser, day and title alone."""
    named = sorted(
        {
            min(s.canonicals) if s.canonicals else f"{s.issue.label} line {s.line}"
            for part in components
            for s in sorted(part, key=lambda s: s.order)[:1]
        }
    )
    return FlagValue(
        JOINED_BY_TITLE,
        "Joined as one event (same organiser, day and title; different links): " + ", ".join(named),
    )


def mismatch_flags(sightings: Sequence[Sighted]) -> list[FlagValue]:
    """One flag naming the listings that give an organiser's page another's name (one
    flag, so that what a meetup shows does not depend on the order its flags came in)."""
    lines = [
        f"{s.issue.label} line {s.line}: {listing}"
        for s in sorted(sightings, key=lambda s: s.order)
        for listing in s.misnamed
    ]
    if not lines:
        return []
    return [
        FlagValue(
            NAME_MISMATCH,
            "Listed with another organiser's name (the page's organiser is kept): "
            + "; ".join(lines),
        )
    ]


def strong_parts(sightings: Sequence[Sighted]) -> list[list[Sighted]]:
    """The sightings split into events by link, move and fallback (not by title)."""
    union = _Union()
    anchors = calendar_anchors(sightings)
    index: dict[tuple[str, object], list[int]] = {}
    for n, sighting in enumerate(sightings):
        union.find(n)
        for key in _keys(sighting):
            index.setdefault(key, []).append(n)
    for members in index.values():
        for i, n in enumerate(members):
            for m in members[i + 1 :]:
                a, b = sightings[n], sightings[m]
                if same_event(a, b) and another_event(a, b, anchors) is None:
                    union.union(n, m)
    parts: dict[object, list[Sighted]] = {}
    for n, sighting in enumerate(sightings):
        parts.setdefault(union.find(n), []).append(sighting)
    return list(parts.values())


def derived_flags(
    sightings: Sequence[Sighted], parts: Sequence[Sequence[Sighted]] | None = None
) -> list[FlagValue]:
    """The flags a meetup's sightings call for: its moves, and a join by title.

    `parts`: `strong_parts(sightings)`, when the caller knows them already.
    """
    misnamed = mismatch_flags(sightings)
    if len(sightings) < 2:  # one listing: neither a move nor a join
        return misnamed
    flags = reschedule_flags(sightings) + calendar_date_flags(sightings) + misnamed
    if parts is None:
        parts = strong_parts(sightings)
    if len(parts) > 1:
        flags.append(title_join_flag(parts))
    return flags


def with_locks(meetup: KnownMeetup, wanted: MeetupValues) -> Change:
    """The changes `wanted` makes to a stored meetup, leaving what a curator locked."""
    current, locked = meetup.values, meetup.locked
    change = Change(id=meetup.id)
    start, end = wanted.start_date, wanted.end_date
    if "start_date" in locked:
        start = current.start_date
        end = max(end, start) if "end_date" not in locked else current.end_date
    elif "end_date" in locked:
        end = current.end_date
        start = min(start, end)
    values = {
        "title": wanted.title,
        "start_date": start,
        "end_date": end,
        "attendance": wanted.attendance,
        "region": current.region if "places" in locked else wanted.region,
    }
    change.fields = {
        name: value
        for name, value in values.items()
        if name not in locked and getattr(current, name) != value
    }
    for relation in ("places", "groups", "links"):
        value = getattr(wanted, relation)
        if relation not in locked and value != getattr(current, relation):
            setattr(change, relation, value)
    if wanted.source_date != current.source_date:
        change.source_date = wanted.source_date
    return change


# --- grouping ----------------------------------------------------------------------------


class _Union:
    """Union-find over hashable nodes."""

    def __init__(self) -> None:
        self.parent: dict[object, object] = {}

    def find(self, node: object) -> object:
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, a: object, b: object) -> None:
        self.parent[self.find(a)] = self.find(b)


def _keys(sighting: Sighted) -> list[tuple[str, object]]:
    keys: list[tuple[str, object]] = [("link", c) for c in sighting.canonicals]
    if sighting.fallback:
        keys.append(("fallback", sighting.fallback))
    return keys


def _title_keys(sighting: Sighted) -> list[tuple[int, date]]:
    return [(g, sighting.start_date) for g in sighting.organisers] if sighting.title else []


@dataclass
class _Node:
    """A new entry (index) or a stored meetup (id), with the sightings it stands for."""

    entry: int | None
    meetup: KnownMeetup | None
    sightings: tuple[Sighted, ...]


def _nodes(entries: Sequence[Sighted], known: Sequence[KnownMeetup]) -> list[_Node]:
    return [_Node(i, None, (e,)) for i, e in enumerate(entries)] + [
        _Node(None, m, m.sightings or ((m.stand_in(),) if m.withdrawn else ())) for m in known
    ]


def _pairs(
    nodes: list[_Node], keys_of: Callable[[Sighted], Sequence[object]]
) -> Iterable[tuple[int, int, Sighted, Sighted]]:
    """Pairs of sightings sharing a key, at least one of them new (stored ones are matched)."""
    index: dict[object, list[tuple[int, Sighted]]] = {}
    for n, node in enumerate(nodes):
        for sighting in node.sightings:
            for key in keys_of(sighting):
                index.setdefault(key, []).append((n, sighting))
    for bucket in index.values():
        for i, (n, a) in enumerate(bucket):
            for m, b in bucket[i + 1 :]:
                if n != m and (nodes[n].entry is not None or nodes[m].entry is not None):
                    yield n, m, a, b


def _components(nodes: list[_Node], anchors: dict[str, Sighted]) -> tuple[_Union, _Union]:
    strong, weak = _Union(), _Union()
    for n in range(len(nodes)):
        strong.find(n)
    for n, m, a, b in _pairs(nodes, _keys):
        read_again = (nodes[n].entry is None) != (nodes[m].entry is None)
        if (same_event(a, b) and another_event(a, b, anchors) is None) or (
            read_again and same_listing_read_again(a, b)
        ):
            strong.union(n, m)
    kept = _KeptApart(nodes, strong)
    for n, m in _untitled_companions(nodes):
        x, y = weak.find(strong.find(n)), weak.find(strong.find(m))
        if x != y and not kept.between(x, y):
            weak.union(x, y)
            kept.joined(x, y)
    dates = listed_dates(s for node in nodes for s in node.sightings)
    for n, m, a, b in _pairs(nodes, _title_keys):
        x, y = weak.find(strong.find(n)), weak.find(strong.find(m))
        if (
            x != y
            and same_by_title(a, b)
            and not two_meetup_events(a, b, dates)
            and not kept.between(x, y)
        ):
            weak.union(x, y)
            kept.joined(x, y)
    return strong, weak


def untitled_companion(untitled: Sighted, titled: Sequence[Sighted]) -> bool:
    """Is a listing without title and links the same event as the one titled listing of
    its organiser on its day in its issue (a hybrid event listed under two headings, the
    title line only under one)? Not when the organiser has two titled events that day."""
    return (
        not untitled.title
        and not untitled.links
        and len({fold_title(t.title) for t in titled}) == 1
        and all(t.issue == untitled.issue and t.start_date == untitled.start_date for t in titled)
    )


def _untitled_companions(nodes: list[_Node]) -> Iterable[tuple[int, int]]:
    """(untitled node, titled node) pairs `untitled_companion` joins, one new at least."""
    buckets: dict[tuple[str, date, int], list[tuple[int, Sighted]]] = {}
    for n, node in enumerate(nodes):
        for sighting in node.sightings:
            if sighting.issue.calendar:
                continue
            for group in sighting.organisers[:1]:
                buckets.setdefault((sighting.issue.key, sighting.start_date, group), []).append(
                    (n, sighting)
                )
    for bucket in buckets.values():
        titled = [(n, s) for n, s in bucket if s.title]
        for n, sighting in bucket:
            if not titled or not untitled_companion(sighting, [s for _, s in titled]):
                continue
            m = titled[0][0]
            if n != m and (nodes[n].entry is not None or nodes[m].entry is not None):
                yield n, m


class _KeptApart:
    """Stored meetups per weak group, so that a curator's unmerge is not joined again."""

    def __init__(self, nodes: list[_Node], strong: _Union) -> None:
        self.members: dict[object, set[int]] = {}
        self.apart: dict[int, frozenset[int]] = {}
        for n, node in enumerate(nodes):
            if node.meetup is not None:
                self.members.setdefault(strong.find(n), set()).add(node.meetup.id)
                self.apart[node.meetup.id] = node.meetup.apart

    def between(self, x: object, y: object) -> bool:
        ours, theirs = self.members.get(x, set()), self.members.get(y, set())
        return any(self.apart[i] & theirs for i in ours) or any(
            self.apart[i] & ours for i in theirs
        )

    def joined(self, x: object, y: object) -> None:
        """`x` now belongs to `y`'s group (union makes y the root)."""
        self.members.setdefault(y, set()).update(self.members.pop(x, set()))


# --- the plan ----------------------------------------------------------------------------


@dataclass
class _Part:
    """One strong component: the nodes that are one event by link or fallback."""

    nodes: list[_Node]

    @property
    def sightings(self) -> list[Sighted]:
        return [s for node in self.nodes for s in node.sightings if not s.stand_in]

    @property
    def known(self) -> list[KnownMeetup]:
        return [node.meetup for node in self.nodes if node.meetup is not None]

    @property
    def first(self) -> tuple:
        return min(s.order for node in self.nodes for s in node.sightings)


def match(
    entries: Sequence[Sighted],
    known: Sequence[KnownMeetup],
    *,
    region_of: dict[int, str],
) -> Plan:
    """The plan for `entries` (one newsletter, in line order) given the stored `known`.

    `known` may hold meetups no entry names (a query's wider net): they are left alone.
    `region_of`: place id -> region slug, for the places of every sighting.
    """
    nodes = _nodes(entries, known)
    anchors = calendar_anchors(s for node in nodes for s in node.sightings)
    strong, weak = _components(nodes, anchors)
    groups: dict[object, dict[object, _Part]] = {}
    for n, node in enumerate(nodes):
        root = strong.find(n)
        part = groups.setdefault(weak.find(root), {}).setdefault(root, _Part([]))
        part.nodes.append(node)
    planner = _Planner(len(entries), region_of, anchors)
    for parts in groups.values():
        if any(node.entry is not None for part in parts.values() for node in part.nodes):
            planner.add_group(sorted(parts.values(), key=lambda p: p.first))
        else:  # a stored meetup kept apart from a calendar event read now: say so
            planner.flag_apart(list(parts.values()))
    return planner.plan


class _Planner:
    def __init__(
        self, entries: int, region_of: dict[int, str], anchors: dict[str, Sighted]
    ) -> None:
        self.plan = Plan(assigned=[New(-1)] * entries)
        self.region_of = region_of
        self.anchors = anchors

    def add_group(self, parts: list[_Part]) -> None:
        """One real event: its parts become one meetup each, merged into the survivor."""
        refs = [self.part_meetup(part) for part in parts]
        known = [m for part in parts for m in part.known]
        # The rule that picks each part's meetup picks the group's among them.
        survivor: MeetupRef = (
            pick_survivor((m.id, len(m.locked)) for m in known) if known else refs[0]
        )
        sightings = [s for part in parts for s in part.sightings]
        for ref in refs:
            if ref != survivor:
                self.plan.merges.append(Merge(survivor, ref, "title"))
        stored = next((m for m in known if m.id == survivor), None)
        if stored is not None and stored.withdrawn:
            self.plan.published.append(stored.id)
        if stored is not None:
            change = with_locks(stored, meetup_values(sightings, self.region_of))
            if change.visible or change.source_date is not None:
                self.plan.changes.append(change)
        elif isinstance(survivor, New) and len(parts) > 1:  # one part: its values are made
            new = self.plan.new[survivor.index]
            new.first_links = new.values.links
            new.values = meetup_values(sightings, self.region_of)
        # Sightings all read now were all compared: their parts are their strong parts.
        strong = None if known else [part.sightings for part in parts]
        self.plan.flags[survivor] = derived_flags(sightings, strong) + another_event_flags(
            sightings, self.anchors
        )

    def flag_apart(self, parts: list[_Part]) -> None:
        """A stored meetup no entry joins whose listings use the page of a calendar event
        read now: its flags again, `link_of_another_event` among them."""
        if len(parts) != 1 or len(parts[0].known) != 1:
            return
        [meetup] = parts[0].known
        flags = another_event_flags(meetup.sightings, self.anchors)
        if flags:
            self.plan.flags[meetup.id] = derived_flags(meetup.sightings) + flags

    def part_meetup(self, part: _Part) -> MeetupRef:
        """The meetup a strong component is: stored (others merged into it) or new."""
        known = part.known
        if known:
            ref: MeetupRef = pick_survivor((m.id, len(m.locked)) for m in known)
            for other in known:
                if other.id != ref:
                    self.plan.merges.append(Merge(ref, other.id, "link"))
        else:
            sightings = part.sightings
            fallback = next((s.fallback for s in sorted(sightings, key=lambda s: s.order)), "")
            self.plan.new.append(NewMeetup(meetup_values(sightings, self.region_of), fallback))
            ref = New(len(self.plan.new) - 1)
        for node in part.nodes:
            if node.entry is not None:
                self.plan.assigned[node.entry] = ref
        return ref


def refresh(known: Sequence[KnownMeetup], *, region_of: dict[int, str]) -> Plan:
    """The plan that brings stored meetups back in line with their own sightings."""
    plan = Plan()
    anchors = calendar_anchors(s for meetup in known for s in meetup.sightings)
    for meetup in known:
        change = with_locks(meetup, meetup_values(meetup.sightings, region_of))
        if change.visible or change.source_date is not None:
            plan.changes.append(change)
        plan.flags[meetup.id] = derived_flags(meetup.sightings) + another_event_flags(
            meetup.sightings, anchors
        )
    return plan
