"""Entries as matching sees them: parser output (or a stored sighting) -> `Sighted` values.

Pure: the organiser and place lookups are handed in as mappings, so this runs (and is
tested) without a database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from calendar_app.geocoding.regions import meetup_region
from calendar_app.matching.match import Issue, LinkValue, Sighted
from calendar_app.online import IN_PERSON
from calendar_app.twir import canonical_url, is_event_specific, is_safe_url
from calendar_app.twir.records import ParsedEntry, ParsedGroup, ParsedLink, ParsedPlace, Problem

DATE_OUTSIDE_WINDOW = "date_outside_window"  # FlagKind's value (readers use the strings)

GroupIds = Callable[[ParsedGroup], int | None]  # an organiser as listed -> its group id
PlaceIds = Callable[[str], int | None]  # a place as written -> its usable place id
Misnamed = Callable[[ParsedGroup], bool]  # is a listing's name another organiser's?


def issue_label(number: int | None, day: date | None, key: str) -> str:
    """How flags name a newsletter (Newsletter.__str__ for numbered issues)."""
    return f"TWIR {number} ({day})" if number else (str(day) if day else key)


def fallback_key(day: date, groups: Sequence[ParsedGroup], location: str) -> str:
    """Identity of an entry without links: its date, first organiser and location."""
    group = groups[0].name.casefold() if groups else ""
    return f"{day}|{group}|{location.casefold()}"[:600]


def entry_links(
    links: Sequence[tuple[str, str, bool]], generic: frozenset[str]
) -> tuple[LinkValue, ...]:
    """(url, label, primary) -> distinct safe links; `generic`: demoted in this issue."""
    out: list[LinkValue] = []
    seen: set[str] = set()
    for url, label, primary in links:
        if not is_safe_url(url):
            continue
        canonical = canonical_url(url)
        if canonical in seen:
            continue
        seen.add(canonical)
        specific = is_event_specific(url) and canonical not in generic
        out.append(LinkValue(url, canonical, label, primary, specific))
    return tuple(out)


def links_for_two_dates(entries: Sequence[ParsedEntry]) -> frozenset[str]:
    """Links this issue lists for two dates: generic here, whatever their shape."""
    dates: dict[str, set[date | None]] = {}
    for entry in entries:
        for link in entry.links:
            if is_safe_url(link.url):
                dates.setdefault(canonical_url(link.url), set()).add(entry.start_date)
    return frozenset(url for url, days in dates.items() if len(days) > 1)


def _ids(values: Sequence[Any], lookup: Callable[[Any], int | None]) -> tuple[int, ...]:
    found = (lookup(value) for value in values)
    return tuple(dict.fromkeys(i for i in found if i is not None))


def sighted(
    entry: ParsedEntry,
    issue: Issue,
    *,
    generic: frozenset[str],
    group_ids: GroupIds,
    place_ids: PlaceIds,
    region_of: Mapping[int, str],
    misnamed: Misnamed | None = None,
) -> Sighted:
    """A readable parsed entry (it has a start date) as matching sees it."""
    assert entry.start_date is not None  # callers pass readable entries only
    links = entry_links([(lk.url, lk.label, lk.primary) for lk in entry.links], generic)
    places = _ids([p.text for p in entry.places], place_ids)
    return Sighted(
        issue=issue,
        line=entry.line,
        start_date=entry.start_date,
        end_date=max(entry.end_date or entry.start_date, entry.start_date),
        title=entry.title,
        name=entry.groups[0].name if entry.groups else entry.location_text,
        attendance=entry.attendance,
        links=links,
        fallback="" if links else fallback_key(entry.start_date, entry.groups, entry.location_text),
        organisers=_ids(entry.groups, group_ids),
        places=places,
        region=meetup_region(places, region_of),
        misnamed=misnamed_listings(entry.groups, misnamed),
        suspect=suspect_date(entry, issue),
    )


def suspect_date(entry: ParsedEntry, issue: Issue) -> bool:
    """Dated before its own issue, or outside the window the issue announces."""
    assert entry.start_date is not None
    end = max(entry.end_date or entry.start_date, entry.start_date)
    if issue.date is not None and end < issue.date:
        return True
    return any(problem.kind == DATE_OUTSIDE_WINDOW for problem in entry.problems)


def misnamed_listings(groups: Sequence[ParsedGroup], misnamed: Misnamed | None) -> tuple[str, ...]:
    """The listings `[name](page)` whose name is another organiser's than the page's."""
    if misnamed is None:
        return ()
    return tuple(f"[{g.name}]({g.url})" for g in groups if misnamed(g))


def stored_entry(parsed: Mapping[str, Any], line: int, section: str) -> ParsedEntry:
    """A sighting's stored `parsed` values back as the parser's record."""
    return ParsedEntry(
        line=line,
        section=section,
        raw="",
        start_date=date.fromisoformat(parsed["start_date"]),
        end_date=date.fromisoformat(parsed["end_date"]) if parsed.get("end_date") else None,
        attendance=parsed.get("attendance", IN_PERSON),
        location_text=parsed.get("location_text", ""),
        places=[ParsedPlace(**place) for place in parsed.get("places", [])],
        groups=[ParsedGroup(**group) for group in parsed.get("groups", [])],
        title=parsed.get("title", ""),
        links=[ParsedLink(**link) for link in parsed.get("links", [])],
        problems=[Problem(**problem) for problem in parsed.get("problems", [])],
    )


def entry_as_json(entry: ParsedEntry, generic: frozenset[str]) -> dict[str, Any]:
    """What the parser read, stored on the Sighting for curators, re-checks and matching."""
    return {
        "start_date": entry.start_date.isoformat() if entry.start_date else None,
        "end_date": entry.end_date.isoformat() if entry.end_date else None,
        "original_dates": entry.original_dates,
        "attendance": entry.attendance,
        "location_text": entry.location_text,
        "places": [vars(place) for place in entry.places],
        "groups": [vars(group) for group in entry.groups],
        "title": entry.title,
        "links": [vars(link) for link in entry.links],
        "problems": [vars(problem) for problem in entry.problems],
        # links this issue listed for two dates (generic in it), for matching it again later
        "generic": sorted(generic & {canonical_url(lk.url) for lk in entry.links}),
    }
