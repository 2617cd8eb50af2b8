"""The next issue's "Upcoming Events" section, drafted in the editors' own hand.

docs/twir-format.md has the conventions. An entry the editors published before is
written exactly as they last wrote it (its sighting's lines), unless something changed
since: then only the changed part (the date, the place, the title, the event link, an
organiser's name) is rewritten, and the draft says what. A new entry is written as the
editors write one: the organiser's name and link as they last wrote them for that
organiser (else as their lists in `calendar_app/data/` have it, else as the calendar gives
it), the place as they last wrote it for that organiser and place (else as their Meetup
tool writes a venue), the title and event link as the calendar has them. Headings and
order follow the editors' latest issue: `### Virtual` first, then the continents
alphabetically; entries carried over keep that issue's order, new ones go in by date
and then by location text as written.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import nh3
from dateutil.relativedelta import WE, relativedelta
from django.db.models import Prefetch, QuerySet
from markdown import Markdown

from calendar_app.calendars.identity import meetup_event_id
from calendar_app.calendars.venue import meetup_venue, tool_location
from calendar_app.models import (
    Attendance,
    GroupAlias,
    Meetup,
    MeetupGroup,
    MeetupPlace,
    MeetupQuerySet,
    Newsletter,
    Place,
    PlaceStatus,
    Sighting,
    SourceEvent,
    Status,
    region_label,
    zone_or_none,
)
from calendar_app.rules import group_alias_keys, section_region
from calendar_app.services.places import place_key
from calendar_app.twir import canonical_url, is_event_specific
from calendar_app.windows import NEWSLETTER_WINDOW

VIRTUAL = "Virtual"
# Countries whose editors write a subdivision: `Austin, TX, US`, `Sydney, NSW, AU`.
SUBDIVISION_COUNTRIES = {"US", "CA", "AU"}
# ISO code -> what the editors write.
EDITORS_COUNTRY = {"GB": "UK"}
# Places whose fields a curator or the geocoder corrected: write the fields, not the typo.
CORRECTED_STATUSES = {PlaceStatus.CORRECTED, PlaceStatus.FUZZY}
DATA_DIR = Path(__file__).resolve().parents[1] / "data"
# `* DATE | LOCATION | ORGANISERS`: the three fields of an entry's first line.
_FIELDS = re.compile(r"^(?P<lead>\s*\$?\s*[*+-]?\s*)(?P<date>[^|]*?)\s*\|\s*(?P<loc>[^|]*?)\s*\|")
_MEETUP_GROUP = re.compile(
    r"^https?://(?:www\.)?meetup\.com/(?:[a-z]{2}-[A-Z]{2}/)?([^/?#]+)", re.IGNORECASE
)

CLOSING = """\
If you are running a Rust event please add it to the [calendar] to get
it mentioned here. Please remember to add a link to the event too.
Email the [Rust Community Team][community] for access.

[calendar]: https://www.google.com/calendar/embed?src=apd9vmbc22egenmtu5l6c5jbfc%40group.calendar.google.com
[community]: mailto:community-team@rust-lang.org
"""


def next_issue_window(today: date) -> tuple[date, date]:
    """The next issue's window: from the coming Wednesday (today, on a Wednesday; This Week
    in Rust comes out on Wednesdays), as far as its events section looks ahead."""
    start = today + relativedelta(weekday=WE)
    return start, start + NEWSLETTER_WINDOW


def render_twir(*, start: date, end: date, meetups: MeetupQuerySet | None = None) -> str:
    """The section for the window start..end: published meetups only, cancelled ones left out."""
    return draft_twir(start=start, end=end, meetups=meetups).markdown


@dataclass
class DraftEntry:
    """One meetup in the draft: how it is written, and what changed since it was published."""

    meetup: Meetup
    state: str  # "new", "changed", "as published"
    changes: list[str] = field(default_factory=list)


@dataclass
class Draft:
    """The next issue's section, with what an editor checks before pasting it."""

    markdown: str
    sections: str  # the headings and entries only, to compare with the last issue's
    entries: list[DraftEntry]
    cancelled: list[Meetup]
    warnings: list[tuple[Meetup, str]]
    previous: Newsletter | None
    previous_sections: str
    start: date | None = None
    end: date | None = None

    @property
    def diff(self) -> str:
        """What changed against the last published issue's section, line by line."""
        lines = difflib.unified_diff(
            self.previous_sections.splitlines(),
            self.sections.splitlines(),
            fromfile=str(self.previous or "nothing"),
            tofile="this draft",
            lineterm="",
        )
        return "\n".join(lines)

    @property
    def empty_reason(self) -> str:
        """Why the draft has no entry ("" when it has some)."""
        if self.entries:
            return ""
        known = Meetup.objects.published().exclude(status=Status.CANCELLED)
        latest = known.order_by("-start_date").values_list("start_date", flat=True).first()
        if latest is None:
            return "No meetups are known yet: ingest newsletters or follow calendars first."
        if self.start and latest < self.start:
            return (
                f"No meetup is known in this window: the latest known meetup is on {latest}. "
                "Sync the calendars, or ingest a newer newsletter."
            )
        return "No published meetup falls in this window (hidden and cancelled ones are left out)."


@dataclass
class _Line:
    """One entry under one heading: its text, and where it goes."""

    text: str
    day: date
    location: str
    order: int | None  # its position in the last issue (None: not in it)


def draft_twir(*, start: date, end: date, meetups: QuerySet | None = None) -> Draft:
    """Every published meetup of the window start..end as an entry (see the module doc)."""
    base = cast(
        MeetupQuerySet, meetups if meetups is not None else Meetup.objects.all()
    ).published()
    window = base.overlapping(start, end).with_open_flag_count()
    queryset = (
        window.exclude(status=Status.CANCELLED)
        .for_display()
        .prefetch_related(
            Prefetch("sightings", queryset=Sighting.objects.select_related("newsletter")),
            Prefetch("source_events", queryset=SourceEvent.objects.select_related("source")),
        )
    )
    meetup_list = list(queryset)
    previous = Newsletter.objects.filter(date__lt=start).order_by("-date", "-number").first()
    layout = _Layout.of(previous)
    hand = EditorsHand.for_meetups(meetup_list, layout)
    listed = set(previous.sightings.values_list("meetup_id", flat=True)) if previous else set()
    sections: dict[str, list[_Line]] = {}
    entries, warnings = [], []
    known = _organisers_listed(queryset)
    for meetup in meetup_list:
        written = _as_published(meetup)
        changes: list[str] = []
        for heading, text, changed in _lines_of(meetup, written, hand):
            changes += [c for c in changed if c not in changes]
            # Carried over: where the last issue had it (a new date: placed by its date).
            order = None
            if written and not any(c.startswith("date:") for c in changed):
                order = layout.order_of_meetup.get((meetup.pk, heading))
            loc = _location_field(text)
            sections.setdefault(heading, []).append(
                _Line(text, _entry_day(text, meetup), loc, order)
            )
        state = "new" if meetup.pk not in listed else ("changed" if changes else "as published")
        entries.append(DraftEntry(meetup=meetup, state=state, changes=changes))
        warnings += [(meetup, warning) for warning in _warnings(meetup, known)]
    body = []
    for heading in sorted(sections, key=lambda h: (h != VIRTUAL, h)):
        body.append(f"### {layout.spelling.get(heading, heading)}")
        if layout.blank_after_heading:
            body.append("")
        body += [line.text for line in _ordered(sections[heading])]
        body.append("")
    head = [f"Rusty Events between {start.isoformat()} - {end.isoformat()} 🦀", ""]
    return Draft(
        markdown="\n".join(head + body) + "\n" + CLOSING,
        sections="\n".join(body),
        entries=entries,
        cancelled=list(window.filter(status=Status.CANCELLED)),
        warnings=warnings,
        previous=previous,
        previous_sections=_published_sections(previous, layout.blank_after_heading),
        start=start,
        end=end,
    )


def _ordered(lines: list[_Line]) -> list[_Line]:
    """The last issue's entries in its order; the others go in before the first of them
    that comes later by (date, location as written)."""
    carried = sorted((ln for ln in lines if ln.order is not None), key=lambda ln: ln.order or 0)
    fresh = sorted(
        (ln for ln in lines if ln.order is None), key=lambda ln: (ln.day, ln.location.casefold())
    )
    out: list[_Line] = []
    for line in carried:
        while fresh and (fresh[0].day, fresh[0].location.casefold()) < (
            line.day,
            line.location.casefold(),
        ):
            out.append(fresh.pop(0))
        out.append(line)
    return out + fresh


def _location_field(text: str) -> str:
    match = _FIELDS.match(text)
    return match["loc"] if match else ""


def _entry_day(text: str, meetup: Meetup) -> date:
    match = _FIELDS.match(text)
    try:
        return date.fromisoformat(match["date"][:10]) if match else meetup.start_date
    except ValueError:
        return meetup.start_date


# --- the editors' latest issue: headings, their spelling, the order of its entries -------


@dataclass
class _Layout:
    spelling: dict[str, str] = field(default_factory=dict)  # "Oceania" -> "Oceania:"
    blank_after_heading: bool = True
    order_of_meetup: dict[tuple[int, str], int] = field(default_factory=dict)
    meetup_link_form: str = ""  # "events" or "group": how it writes a Meetup group's link

    @classmethod
    def of(cls, newsletter: Newsletter | None) -> _Layout:
        layout = cls()
        if newsletter is None:
            return layout
        rows = list(
            newsletter.sightings.order_by("line").values_list("line", "section", "raw", "meetup_id")
        )
        gaps = []
        forms: Counter[str] = Counter()
        for n, (line, section, raw, meetup_id) in enumerate(rows):
            heading = _heading_label(section)
            layout.spelling.setdefault(heading, section.strip())
            layout.order_of_meetup.setdefault((meetup_id, heading), n)
            if n and rows[n - 1][1] != section:
                # blank, heading, (blank,) entry after the last line of the entry before
                gaps.append(line - (rows[n - 1][0] + rows[n - 1][2].count("\n")))
            for url in re.findall(r"\]\((https?://[^)\s]+)\)", raw.split("\n")[0]):
                if _MEETUP_GROUP.match(url):
                    forms["events" if "/events" in url else "group"] += 1
        if gaps:
            layout.blank_after_heading = max(set(gaps), key=gaps.count) >= 4
        layout.meetup_link_form = forms.most_common(1)[0][0] if forms else ""
        return layout


def _heading_label(section: str) -> str:
    """`Oceania:` -> `Oceania`; `Online` -> `Virtual`; a heading it does not know as is."""
    text = section.strip().lstrip("#").strip().rstrip(":").strip()
    region = section_region(text)
    if region:
        return region_label(region)
    return VIRTUAL if text.casefold() in {"virtual", "online"} else text


# --- how the editors last wrote an organiser, its places, its link ------------------------


@dataclass
class EditorsHand:
    """What the editors wrote before, for the organisers of the meetups being drafted."""

    layout: _Layout
    aliases: dict[int, set[str]]
    # group id -> its sightings' (date, line, parsed, meetup id, raw, section), newest first
    written: dict[int, list[tuple[date, int, dict, int, str, str]]]

    @classmethod
    def for_meetups(cls, meetups: list[Meetup], layout: _Layout) -> EditorsHand:
        group_ids = {g.pk for m in meetups for g in m.ordered_groups()}
        aliases: dict[int, set[str]] = {}
        for group_id, key in GroupAlias.objects.filter(group_id__in=group_ids).values_list(
            "group_id", "key"
        ):
            aliases.setdefault(group_id, set()).add(key)
        written: dict[int, list[tuple[date, int, dict, int, str, str]]] = {}
        rows = (
            Sighting.objects.filter(meetup__meetupgroup__group_id__in=group_ids)
            .values_list(
                "meetup__meetupgroup__group_id",
                "newsletter__date",
                "line",
                "parsed",
                "meetup_id",
                "raw",
                "section",
            )
            .order_by("-newsletter__date", "-newsletter_id", "-line")
        )
        for group_id, day, line, parsed, meetup_id, raw, section in rows:
            written.setdefault(group_id, []).append(
                (day or date.min, line, parsed, meetup_id, raw, section)
            )
        return cls(layout, aliases, written)

    def organiser(self, group: Any) -> tuple[str, str]:
        """(name, link): the group's name (a curator's rename included), linked as the
        editors last linked it, else as their lists have it, else its own link."""
        keys = self.aliases.get(group.pk, set())
        for _day, _line, parsed, *_rest in self.written.get(group.pk, []):
            for listed in parsed.get("groups", []):
                if keys & set(group_alias_keys(listed.get("name", ""), listed.get("url", ""))):
                    return group.name, listed.get("url", "") or group.url
        listed_url = editors_list_url(group.url, self.layout.meetup_link_form)
        return group.name, listed_url or group.url

    def series_entry(self, meetup: Meetup, heading: str, dates: str) -> str:
        """The next date of a series the editors list: their last entry for this organiser
        with this title under this heading (`Virtual (Berlin, DE) | [OpenTechSchool Berlin]
        (...) + [Rust Berlin](...)`, a jit.si room and a Meetup mirror), with the new date
        and the new event page in place of the old one; "" when there is none, or when it
        links another event's own page (a Meetup, Luma, ... event page not given for other
        dates) that cannot be swapped for this one. A room or stream link stays."""
        groups = meetup.ordered_groups()
        url = event_link(meetup)
        if not groups or not url or not meetup.title:
            return ""
        rows = self.written.get(groups[0].pk, [])
        for _day, _line, parsed, _meetup, raw, section in rows:
            if (parsed.get("title") or "").casefold() != meetup.title.casefold():
                continue
            if _heading_label(section) != heading:
                continue
            return _swapped(raw, parsed, url, dates, self._repeated_links(rows))
        return ""

    @staticmethod
    def _repeated_links(rows: list) -> set[str]:
        """Links the organiser's entries give for more than one date (a room, a stream)."""
        days: dict[str, set[str]] = {}
        for _day, _line, parsed, *_rest in rows:
            for link in parsed.get("links", []):
                days.setdefault(canonical_url(link["url"]), set()).add(parsed.get("start_date"))
        return {url for url, seen in days.items() if len(seen) > 1}

    def wrote_name(self, group: Any, on: date | None = None) -> bool:
        """Did the editors write the group under its current name (in the issue of `on`)?"""
        return any(
            listed.get("name") == group.name
            for day, _line, parsed, *_rest in self.written.get(group.pk, [])
            if on is None or day == on
            for listed in parsed.get("groups", [])
        )

    def location(self, group_id: int, place: Place | None, virtual: bool) -> str:
        """The location field as the editors last wrote it for this organiser at this
        place (for an online meetup: online), "" if they never did."""
        key = place.text if place is not None else None
        for _day, _line, parsed, *_rest in self.written.get(group_id, []):
            written_virtual = parsed.get("attendance") == Attendance.VIRTUAL
            if written_virtual != virtual:
                continue
            places = [place_key(p.get("text", "")) for p in parsed.get("places", [])]
            if key is None or places[:1] == [key]:
                return parsed.get("location_text", "")
        return ""


@lru_cache(maxsize=1)
def _editors_lists() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Meetup group slug -> the list's link; Luma feed -> (name, page)."""
    meetup: dict[str, str] = {}
    for name in ("rust-meetups.json", "maybe-rust-meetups.json"):
        for url in json.loads((DATA_DIR / name).read_text(encoding="utf-8")):
            match = _MEETUP_GROUP.match(url)
            if match:
                meetup.setdefault(match[1].casefold(), url)
    luma = {
        canonical_url(item["ics"]): (item["name"], item["page"])
        for item in json.loads((DATA_DIR / "luma-calendars.json").read_text(encoding="utf-8"))
    }
    return meetup, luma


def editors_list_url(url: str, form: str = "") -> str:
    """A Meetup group's link as the editors' list writes it (`.../<group>/events/`), in the
    form their latest issue writes such links (`form="group"`: `.../<group>/`); "" when the
    group is not on their lists."""
    match = _MEETUP_GROUP.match(url or "")
    if not match:
        return ""
    listed = _editors_lists()[0].get(match[1].casefold(), "")
    if listed and form == "group":
        return listed.removesuffix("events/")
    return listed


def _luma_organiser(meetup: Meetup) -> tuple[str, str]:
    """A calendar-only meetup with no organiser: its calendar's, as the editors list it."""
    for event in meetup.source_events.all():
        source = event.source
        if source.group is not None:
            return source.group.name, source.group.url
        lists = _editors_lists()[1]
        listed = lists.get(canonical_url(source.url)) or next(
            (item for item in lists.values() if item[0].casefold() == source.name.casefold()),
            None,
        )
        if listed:
            return listed
        if source.name:
            return source.name, ""
    return "", ""


# --- an entry ------------------------------------------------------------------------------


def _lines_of(
    meetup: Meetup, written: list[Sighting], hand: EditorsHand
) -> Iterable[tuple[str, str, list[str]]]:
    """(heading, the entry's lines, what changed) for each heading the meetup goes under."""
    if written:
        seen = set()
        for sighting in written:
            heading = _heading_label(sighting.section)
            if heading in seen or not heading:
                continue
            seen.add(heading)
            text, changes = corrected(meetup, sighting, hand)
            yield heading, text, changes
        return
    for heading in _headings(meetup):
        yield heading, _new_entry(meetup, heading, hand), []


def _as_published(meetup: Meetup) -> list[Sighting]:
    """The sightings of the newest issue that listed the meetup, in their order."""
    sightings = sorted(
        meetup.sightings.all(),
        key=lambda s: (s.newsletter.date or date.min, s.newsletter_id),
        reverse=True,
    )
    if not sightings:
        return []
    newest = [s for s in sightings if s.newsletter_id == sightings[0].newsletter_id]
    return sorted(newest, key=lambda s: s.line)


def corrected(meetup: Meetup, sighting: Sighting, hand: EditorsHand) -> tuple[str, list[str]]:
    """The sighting's lines with only what changed since rewritten, and what that was:
    the date (any source), the place, title and link (a curator's correction or a moved
    event page), an organiser's name (a curator's rename)."""
    raw, parsed = sighting.raw, sighting.parsed or {}
    first, _, rest = raw.partition("\n")
    fields = _FIELDS.match(first)
    if not parsed or fields is None:
        return raw, []
    ever_written = [s.parsed or {} for s in meetup.sightings.all()]
    date_text, changes = _redated(meetup, parsed, fields["date"])
    loc_text, moved = _relocated(meetup, parsed, fields["loc"], ever_written)
    written_on = sighting.newsletter.date or date.min
    groups_text, renamed = _renamed(meetup, parsed, first[fields.end() :], written_on, hand)
    rest, retitled = _retitled_relinked(meetup, parsed, rest, ever_written)
    changes += moved + renamed + retitled
    if not changes:
        return raw, []
    line = (
        first[: fields.start("date")]
        + date_text
        + first[fields.end("date") : fields.start("loc")]
        + loc_text
        + first[fields.end("loc") : fields.end()]
        + groups_text
    )
    return line + ("\n" + rest if rest else ""), changes


def _redated(meetup: Meetup, parsed: dict, date_text: str) -> tuple[str, list[str]]:
    """The date field, rewritten when the meetup moved or the reader corrected its year."""
    dates = (meetup.start_date.isoformat(), meetup.end_date.isoformat())
    if parsed.get("start_date") and (parsed["start_date"], parsed.get("end_date")) != dates:
        return _dates(meetup), [f"date: {parsed['start_date']} → {dates[0]}"]
    if parsed.get("original_dates") and dates[0] not in date_text:
        return _dates(meetup), [f"date: {parsed['original_dates']} → {dates[0]}"]
    return date_text, []


def _relocated(
    meetup: Meetup, parsed: dict, loc_text: str, ever_written: list[dict]
) -> tuple[str, list[str]]:
    """The location field, rewritten when a curator corrected the place or attendance
    (or, for a meetup no calendar knows, when its places are none the editors wrote)."""
    places = meetup.ordered_places()
    current = {place.text for place in places}

    def written(values: dict) -> set[str]:
        return {place_key(p.get("text", "")) for p in values.get("places", [])} - {""}

    place_changed = bool(written(parsed) != current and (written(parsed) or current))
    place_changed = place_changed and all(written(v) != current for v in ever_written)
    place_corrected = (
        meetup.is_locked("places")
        or not meetup.source_events.all()
        or any(p.locked or p.status in CORRECTED_STATUSES for p in places)
    )
    attendance = parsed.get("attendance")
    attendance_changed = meetup.is_locked("attendance") and attendance not in (
        None,
        meetup.attendance,
    )
    if (place_changed and place_corrected) or attendance_changed:
        fixed = location(meetup, places)
        return fixed, [f"place: {fixed}"]
    if any(p.locked for p in places) and not place_changed:
        fixed = location(meetup, places)  # a curator corrected the place's fields
        if place_key(fixed) != place_key(loc_text) and _is_plain_location(loc_text):
            return fixed, [f"place: {fixed}"]
    return loc_text, []


def _retitled_relinked(
    meetup: Meetup, parsed: dict, rest: str, ever_written: list[dict]
) -> tuple[str, list[str]]:
    """The title lines, with a curator's title and a moved event page."""
    changes = []
    title = parsed.get("title", "")
    titles = {values.get("title") for values in ever_written}
    curated = not meetup.source_events.all()
    retitled = meetup.is_locked("title") or (curated and meetup.title not in titles)
    if title and title != meetup.title and meetup.title and retitled:
        rest = _retitled(rest, title, meetup.title)
        changes.append(f"title: {title} → {meetup.title}")
    old_link, new_link = _moved_link(meetup, parsed)
    if old_link and old_link in rest:
        rest = rest.replace(old_link, new_link, 1)
        changes.append(f"link: {old_link} → {new_link}")
    return rest, changes


def _is_plain_location(text: str) -> bool:
    """`Charlottesville, NC, US`, `Virtual (Dallas, TX, US)`: one place, no hybrid wording."""
    inner = text
    if text.startswith("Virtual ("):
        inner = text.removeprefix("Virtual (").removesuffix(")")
    return ";" not in inner and "+" not in inner and " / " not in inner and "(" not in inner


def _renamed(
    meetup: Meetup, parsed: dict, groups_text: str, written_on: date, hand: EditorsHand
) -> tuple[str, list[str]]:
    """The organisers field with each organiser under its current name, when that name
    is newer than the line (a later issue's, or a curator's that no issue wrote): the
    name the site shows an organiser under is the name the section writes. Two names
    the editors wrote in one issue (`FOSDEM 2024`, `FOSDEM '24`) both stay."""
    listed = parsed.get("groups", [])
    groups = meetup.ordered_groups()
    if len(listed) != len(groups):
        return groups_text, []
    changes = []
    for written, group in zip(listed, groups, strict=True):
        old = written.get("name", "")
        if not old or old == group.name:
            continue
        newer = group.source_date is not None and group.source_date > written_on
        if hand.wrote_name(group, on=written_on) or not (newer or not hand.wrote_name(group)):
            continue
        linked = f"[{old}]("
        if linked in groups_text:
            groups_text = groups_text.replace(linked, f"[{group.name}](", 1)
        elif old in groups_text:
            groups_text = groups_text.replace(old, group.name, 1)
        else:
            continue
        changes.append(f"organiser: {old} → {group.name}")
    return groups_text, changes


def _retitled(rest: str, old: str, new: str) -> str:
    for pattern in (f"[**{old}**]", f"**{old}**", f"[{old}]"):
        if pattern in rest:
            return rest.replace(pattern, pattern.replace(old, new), 1)
    line = _title_line_text(new, "")
    return f"    * {line}" + ("\n" + rest if rest else "")


def _moved_link(meetup: Meetup, parsed: dict) -> tuple[str, str]:
    """(written, current): the event page the entry links, when the meetup's page moved
    since (a placeholder Meetup id that became a numeric id; a link a curator replaced)."""
    links = parsed.get("links", [])
    if not links:
        return "", ""
    written = next((lk for lk in links if lk.get("primary")), links[0]).get("url", "")
    current = event_link(meetup)
    if not current or canonical_url(current) == canonical_url(written):
        return "", ""
    old_id = meetup_event_id(written)
    if old_id and not old_id.isdigit() and meetup_event_id(current).isdigit():
        return written, current
    if meetup.is_locked("links"):
        return written, current
    return "", ""


def event_link(meetup: Meetup) -> str:
    """The event's page: the primary link, unless that is a placeholder Meetup id and the
    meetup's calendar gives the event's numeric id (the editors publish the calendar's)."""
    primary = meetup.primary_link
    if primary is None:
        return ""
    old_id = meetup_event_id(primary.url)
    if old_id and not old_id.isdigit():
        for event in meetup.source_events.all():
            for url, *_rest in (event.values or {}).get("links", []):
                if meetup_event_id(url).isdigit() and _same_meetup_event(url, primary.url):
                    return str(url)
    return primary.url


def _dates(meetup: Meetup, day: date | None = None) -> str:
    start = day or meetup.start_date
    text = start.isoformat()
    end = meetup.end_date + (start - meetup.start_date)
    if end > start:
        text += f" - {end.isoformat()}"
    return text


def _swapped(raw: str, parsed: dict, url: str, dates: str, repeated: set[str]) -> str:
    """`raw` with `dates` and `url` in place of its date field and its event page."""
    first, _, rest = raw.partition("\n")
    fields = _FIELDS.match(first)
    if fields is None:
        return ""
    swapped = 0
    for link in parsed.get("links", []):
        old = link.get("url", "")
        if _same_meetup_event(old, url) and old in rest:
            rest = rest.replace(old, url, 1)
            swapped += 1
        elif canonical_url(old) not in repeated and is_event_specific(old):
            return ""  # another event's own page: not this event's entry
    if swapped != 1:
        return ""
    first = first[: fields.start("date")] + dates + first[fields.end("date") :]
    return first + ("\n" + rest if rest else "")


def _new_entry(meetup: Meetup, heading: str, hand: EditorsHand) -> str:
    """An entry the editors never wrote, in their conventions (see the module doc)."""
    home = _organiser_home(meetup)
    day = _dates(meetup, _online_day(meetup, home))
    series = hand.series_entry(meetup, heading, day)
    if series:
        return series
    where = _new_location(meetup, hand, home)
    lines = [f"* {day} | {where} | {_organisers(meetup, hand)}"]
    title_line = _title_line(meetup)
    if title_line:
        lines.append(f"    * {title_line}")
    return "\n".join(lines)


def _online_day(meetup: Meetup, home: Place | None) -> date | None:
    """An online meetup with a time is dated in its organiser's zone (Luma gives UTC)."""
    if meetup.attendance != Attendance.VIRTUAL or meetup.starts_at is None or home is None:
        return None
    if meetup.timezone and meetup.timezone != "UTC":
        return None  # the calendar's own zone (a Meetup group's TZID) already dates it
    zone = zone_or_none(home.timezone)
    return meetup.starts_at.astimezone(zone).date() if zone else None


def _new_location(meetup: Meetup, hand: EditorsHand, home: Place | None) -> str:
    groups = meetup.ordered_groups()
    places = meetup.ordered_places()
    virtual = meetup.attendance == Attendance.VIRTUAL
    place = places[0] if places else (home if virtual else None)
    if groups and len(places) <= 1 and meetup.attendance != Attendance.HYBRID:
        written = hand.location(groups[0].pk, place if not virtual else None, virtual)
        if written and (not virtual or place is None or place.text in place_key(written)):
            return written
    venue_text = _venue_text(meetup) if not virtual else _home_venue_text(meetup)
    if venue_text:
        return f"{VIRTUAL} ({venue_text})" if virtual else venue_text
    if meetup.attendance == Attendance.IN_PERSON and not places:
        # in person, but the gazetteer found no place: the calendar's words, never `Virtual`
        return _calendar_location(meetup) or location(meetup, [])
    return location(meetup, places or ([home] if home else []))


def _calendar_location(meetup: Meetup) -> str:
    """The LOCATION its calendar gives, on one line and without the entry's `|` separator."""
    for event in meetup.source_events.all():
        text = " ".join(str((event.values or {}).get("location", "")).split())
        if text:
            return text.replace("|", "/")
    return ""


def _venue_text(meetup: Meetup) -> str:
    """The place as the editors' Meetup tool writes the calendar's venue, "" if unknown."""
    places = meetup.ordered_places()
    if meetup.is_locked("places") or any(
        p.locked or p.status == PlaceStatus.CORRECTED for p in places
    ):
        return ""  # a curator's place wins
    for event in meetup.source_events.all():
        venue = meetup_venue((event.values or {}).get("location", ""))
        if venue:
            return tool_location(venue)
    return ""


def _home_venue_text(meetup: Meetup) -> str:
    """Where the organiser of an online meetup meets in person, as the tool writes it."""
    groups = meetup.ordered_groups()
    if not groups:
        return ""
    events = SourceEvent.objects.filter(meetup__groups=groups[0]).exclude(values__location="")
    for values in events.order_by("-last_seen").values_list("values", flat=True)[:5]:
        venue = meetup_venue((values or {}).get("location", ""))
        if venue:
            return tool_location(venue)
    return ""


def _organisers(meetup: Meetup, hand: EditorsHand) -> str:
    groups = meetup.ordered_groups()
    if not groups:
        name, url = _luma_organiser(meetup)
        if not name:
            return meetup.title
        return f"[{name}]({url})" if url else name
    out = []
    for group in groups:
        name, url = hand.organiser(group)
        out.append(f"[{name}]({url})" if url else name)
    return " + ".join(out)


def _organisers_listed(meetups: QuerySet) -> set[int]:
    """Organisers (of these meetups) the editors ever listed in an issue: the others came
    from a form or a calendar, and an editor looks at them before they go in."""
    groups = MeetupGroup.objects.filter(meetup__in=meetups).values("group_id")
    listed = MeetupGroup.objects.filter(group_id__in=groups, meetup__sightings__isnull=False)
    return set(listed.values_list("group_id", flat=True).distinct())


def _warnings(meetup: Meetup, listed_organisers: set[int]) -> list[str]:
    found = [
        f"organiser {group.name} never listed in an issue"
        for group in meetup.ordered_groups()
        if group.pk not in listed_organisers
    ]
    if not meetup.ordered_groups():
        found.append("no organiser")
    open_flags = getattr(meetup, "open_flags", 0)
    if open_flags:
        found.append(f"{open_flags} open flag(s)")
    if not meetup.region and meetup.attendance != Attendance.VIRTUAL:
        found.append("no region")
    if meetup.attendance != Attendance.VIRTUAL and not meetup.ordered_places():
        found.append("place not found: written as its calendar gives it, check it")
    if not meetup.url:
        found.append("no link")
    return found


def _published_sections(newsletter: Newsletter | None, blank_after_heading: bool = True) -> str:
    """The last issue's section as its sightings keep it: headings and entry lines."""
    if newsletter is None:
        return ""
    lines: list[str] = []
    heading = None
    for section, raw in newsletter.sightings.order_by("line").values_list("section", "raw"):
        if section != heading:
            if heading is not None:
                lines.append("")
            lines.append(f"### {section.strip()}")
            if blank_after_heading:
                lines.append("")
            heading = section
        lines.append(raw)
    if lines:
        lines.append("")
    return "\n".join(lines)


def markdown_preview(markdown: str) -> str:
    """The draft as HTML, for the editors' eyes: untrusted text, so sanitised (nh3)."""
    html = Markdown().convert(markdown)
    return nh3.clean(html, tags={"h3", "p", "ul", "li", "a", "strong", "em", "code"})


def _headings(meetup: Meetup) -> list[str]:
    """Virtual meetups under Virtual, in-person ones under their continent, hybrid under both."""
    region = meetup.get_region_display() if meetup.region else _section_written(meetup)
    if meetup.attendance == Attendance.VIRTUAL:
        return [VIRTUAL]
    if meetup.attendance == Attendance.HYBRID:
        return [VIRTUAL] + ([region] if region and region != VIRTUAL else [])
    return [region or VIRTUAL]


def _section_written(meetup: Meetup) -> str:
    """No region (the place was not found): keep the continent the editors last filed it under."""
    sighting = meetup.sightings.order_by("-newsletter__date", "-line").first()
    return region_label(section_region(sighting.section) if sighting else "")


def _organiser_home(meetup: Meetup) -> Place | None:
    """Where the organiser of an online meetup known from its calendar meets in person
    (the place of its latest meetup), for `Virtual (City, CC)` and its zone."""
    groups = meetup.ordered_groups()
    if meetup.attendance == Attendance.IN_PERSON or not groups:
        return None
    if not meetup.source_events.all():
        return None  # entered by hand: written as entered
    home = (
        MeetupPlace.objects.filter(meetup__groups=groups[0], position=0)
        .order_by("-meetup__start_date")
        .select_related("place")
        .first()
    )
    return home.place if home else None


def location(meetup: Meetup, places: list[Place]) -> str:
    """`Paris, FR`; `Virtual (Dallas, TX, US)` or `Virtual`; `Hybrid (Barcelona, ES)`."""
    written = "; ".join(place_text(place) for place in places)
    if meetup.attendance == Attendance.IN_PERSON and written:
        return written
    prefix = "Hybrid" if meetup.attendance == Attendance.HYBRID else VIRTUAL
    return f"{prefix} ({written})" if written else prefix


def place_text(place: Place) -> str:
    """As the editors wrote it, unless its fields were corrected since: then from the fields."""
    if (place.locked or place.status in CORRECTED_STATUSES) and place.city:
        parts = [place.city]
        if place.admin1 and (
            place.country in SUBDIVISION_COUNTRIES or (place.written or "").count(",") >= 2
        ):
            parts.append(place.admin1)
        if place.country:
            parts.append(EDITORS_COUNTRY.get(place.country, place.country))
        return ", ".join(parts)
    text = place.written or place.label
    head, sep, country = text.rpartition(", ")
    return f"{head}, {EDITORS_COUNTRY[country]}" if sep and country in EDITORS_COUNTRY else text


def _title_line(meetup: Meetup) -> str:
    """`[**Title**](url) | [**Mirror: ...**](url)`: the event page first, then the others."""
    url = event_link(meetup)
    if not url:
        return f"**{meetup.title}**" if meetup.title else ""
    primary = meetup.primary_link
    out = [_title_line_text(meetup.title or (primary.label if primary else "") or url, url)]
    for link in meetup.ordered_links():
        if canonical_url(link.url) == canonical_url(url) or _same_meetup_event(link.url, url):
            continue
        out.append(f"[**{link.label or 'Link'}**]({link.url})")
    return " | ".join(out)


def _same_meetup_event(a: str, b: str) -> bool:
    """A placeholder and the numeric id of one Meetup event (same group page)."""
    return (
        bool(meetup_event_id(a))
        and bool(meetup_event_id(b))
        and (
            urlsplit(a).path.split("/events/")[0].casefold()
            == urlsplit(b).path.split("/events/")[0].casefold()
        )
    )


def _title_line_text(title: str, url: str) -> str:
    return f"[**{title}**]({url})" if url else f"**{title}**"
