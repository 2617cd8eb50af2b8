"""The next issue's "Upcoming Events" section, written from the curated data.

It follows the editors' own conventions (docs/twir-format.md) so that the text can be
pasted into a newsletter as is, and so that our own parser reads it back to the same
meetups: `### Virtual` first, then the continents alphabetically; hybrid meetups under
both; entries by date, then city.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from typing import cast

import nh3
from django.db.models import Prefetch, QuerySet
from markdown import Markdown

from calendar_app.models import (
    Attendance,
    Meetup,
    MeetupGroup,
    MeetupPlace,
    MeetupQuerySet,
    Newsletter,
    Place,
    PlaceStatus,
    Sighting,
    Status,
    region_label,
)
from calendar_app.rules import section_region
from calendar_app.services.places import place_key

VIRTUAL = "Virtual"
# Countries whose editors write a subdivision: `Austin, TX, US`, `Sydney, NSW, AU`.
SUBDIVISION_COUNTRIES = {"US", "CA", "AU"}
# ISO code -> what the editors write.
EDITORS_COUNTRY = {"GB": "UK"}
# Places whose fields a curator or the geocoder corrected: write the fields, not the typo.
CORRECTED_STATUSES = {PlaceStatus.CORRECTED, PlaceStatus.FUZZY}

CLOSING = """\
If you are running a Rust event please add it to the [calendar] to get
it mentioned here. Please remember to add a link to the event too.
Email the [Rust Community Team][community] for access.

[calendar]: https://www.google.com/calendar/embed?src=apd9vmbc22egenmtu5l6c5jbfc%40group.calendar.google.com
[community]: mailto:community-team@rust-lang.org
"""


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


def draft_twir(*, start: date, end: date, meetups: QuerySet | None = None) -> Draft:
    """Entries the editors published are written back exactly as they last wrote them (the
    Sighting keeps their lines), unless the meetup changed since; the others are written
    from the curated fields."""
    base = cast(
        MeetupQuerySet, meetups if meetups is not None else Meetup.objects.all()
    ).published()
    window = base.overlapping(start, end).with_open_flag_count()
    queryset = (
        window.exclude(status=Status.CANCELLED)
        .for_display()
        .prefetch_related(
            Prefetch("sightings", queryset=Sighting.objects.select_related("newsletter"))
        )
    )
    previous = Newsletter.objects.filter(date__lt=start).order_by("-date", "-number").first()
    listed = set(previous.sightings.values_list("meetup_id", flat=True)) if previous else set()
    sections: dict[str, list[tuple]] = {}
    entries, warnings = [], []
    known = _organisers_listed(queryset)
    for meetup in queryset:
        written, changes = _as_published(meetup)
        state = "new" if meetup.pk not in listed else ("changed" if changes else "as published")
        entries.append(DraftEntry(meetup=meetup, state=state, changes=changes))
        warnings += [(meetup, warning) for warning in _warnings(meetup, known)]
        for heading in _headings(meetup):
            text = _written_for(written, heading) if written and not changes else None
            key, generated = _entry(meetup, heading)
            sections.setdefault(heading, []).append((key, text or generated))
    body = []
    for heading in sorted(sections, key=lambda h: (h != VIRTUAL, h)):
        body += [f"### {heading}", ""]
        body += [text for _key, text in sorted(sections[heading], key=lambda e: e[0])]
        body.append("")
    head = [f"Rusty Events between {start.isoformat()} - {end.isoformat()} 🦀", ""]
    return Draft(
        markdown="\n".join(head + body) + "\n" + CLOSING,
        sections="\n".join(body),
        entries=entries,
        cancelled=list(window.filter(status=Status.CANCELLED)),
        warnings=warnings,
        previous=previous,
        previous_sections=_published_sections(previous),
    )


def _as_published(meetup: Meetup) -> tuple[list[Sighting], list[str]]:
    """The sightings of the newest issue that listed the meetup, and what changed since."""
    sightings = sorted(
        meetup.sightings.all(),
        key=lambda s: (s.newsletter.date or date.min, s.newsletter_id),
        reverse=True,
    )
    if not sightings:
        return [], []
    newest = [s for s in sightings if s.newsletter_id == sightings[0].newsletter_id]
    return sorted(newest, key=lambda s: s.line), _changes(meetup, newest[0].parsed or {})


def _changes(meetup: Meetup, parsed: dict) -> list[str]:
    """Date, title, place or attendance a curator (or a later source) changed since."""
    if not parsed:
        return []  # nothing read to compare with
    changes = []
    dates = (meetup.start_date.isoformat(), meetup.end_date.isoformat())
    if parsed.get("start_date") and (parsed["start_date"], parsed.get("end_date")) != dates:
        changes.append(f"date: {parsed['start_date']} → {meetup.start_date.isoformat()}")
    if parsed.get("title") and parsed["title"] != meetup.title:
        changes.append(f"title: {parsed['title']} → {meetup.title}")
    written = {place_key(p.get("text", "")) for p in parsed.get("places", [])} - {""}
    current = {place.text for place in meetup.ordered_places()}
    if written != current and (written or current):
        changes.append("place: " + "; ".join(place_text(p) for p in meetup.ordered_places()))
    if parsed.get("attendance") and parsed["attendance"] != meetup.attendance:
        changes.append(f"attendance: {parsed['attendance']} → {meetup.attendance}")
    return changes


def _written_for(sightings: list[Sighting], heading: str) -> str:
    """The editors' lines under this heading in that issue (else under another one)."""
    for sighting in sightings:
        if _section_heading(sighting.section) == heading.casefold():
            return sighting.raw
    return sightings[0].raw


def _section_heading(section: str) -> str:
    return section.strip().rstrip(":").casefold()


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
    open_flags = getattr(meetup, "open_flags", 0)
    if open_flags:
        found.append(f"{open_flags} open flag(s)")
    if not meetup.region and meetup.attendance != Attendance.VIRTUAL:
        found.append("no region")
    if not meetup.url:
        found.append("no link")
    return found


def _published_sections(newsletter: Newsletter | None) -> str:
    """The last issue's section as its sightings keep it: headings and entry lines."""
    if newsletter is None:
        return ""
    lines: list[str] = []
    heading = None
    for section, raw in newsletter.sightings.order_by("line").values_list("section", "raw"):
        if section != heading:
            if heading is not None:
                lines.append("")
            lines += [f"### {section.strip().rstrip(':')}", ""]
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


def _entry(meetup: Meetup, heading: str) -> tuple[tuple, str]:
    """(sort key, the entry's Markdown lines)."""
    places = meetup.ordered_places() or _organiser_home(meetup)
    city = places[0].city or places[0].written if places else ""
    dates = meetup.start_date.isoformat()
    if meetup.is_multi_day:
        dates += f" - {meetup.end_date.isoformat()}"
    lines = [f"* {dates} | {location(meetup, places)} | {_groups(meetup)}"]
    title_line = _title_line(meetup)
    if title_line:
        lines.append(f"    * {title_line}")
    return (meetup.start_date, city.casefold(), meetup.title.casefold()), "\n".join(lines)


def _organiser_home(meetup: Meetup) -> list[Place]:
    """Where the organiser of an online meetup known only from its calendar meets in person
    (its latest place), for `Virtual (City, CC)`; the editors' own entries stay as written."""
    groups = meetup.ordered_groups()
    if meetup.attendance == Attendance.IN_PERSON or not groups:
        return []
    if meetup.sightings.exists() or not meetup.source_events.exists():
        return []
    home = (
        MeetupPlace.objects.filter(meetup__groups=groups[0], position=0)
        .order_by("-meetup__start_date")
        .select_related("place")
        .first()
    )
    return [home.place] if home else []


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


def _groups(meetup: Meetup) -> str:
    """`[Rust Berlin](url) + [OpenTechSchool](url)`; an organiser with no URL unlinked."""
    groups = meetup.ordered_groups()
    if not groups:
        return meetup.title
    return " + ".join(f"[{g.name}]({g.url})" if g.url else g.name for g in groups)


def _title_line(meetup: Meetup) -> str:
    """`[**Title**](url) | [**Mirror: ...**](url)`: the primary link first, then the others."""
    links = meetup.ordered_links()
    primary = meetup.primary_link
    if primary is None:
        return f"**{meetup.title}**" if meetup.title else ""
    title = meetup.title or primary.label or primary.url
    out = [f"[**{title}**]({primary.url})"]
    out += [f"[**{link.label or 'Link'}**]({link.url})" for link in links if link != primary]
    return " | ".join(out)
