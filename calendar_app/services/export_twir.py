"""The next issue's "Upcoming Events" section, written from the curated data.

It follows the editors' own conventions (docs/twir-format.md) so that the text can be
pasted into a newsletter as is, and so that our own parser reads it back to the same
meetups: `### Virtual` first, then the continents alphabetically; hybrid meetups under
both; entries by date, then city.
"""

from __future__ import annotations

from datetime import date

from calendar_app.models import (
    Attendance,
    Meetup,
    MeetupPlace,
    MeetupQuerySet,
    Place,
    PlaceStatus,
    Region,
    Status,
)
from calendar_app.rules import section_region

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
    base: MeetupQuerySet = meetups if meetups is not None else Meetup.objects.all()
    queryset = base.published()
    queryset = queryset.exclude(status=Status.CANCELLED).overlapping(start, end).for_display()
    sections: dict[str, list[tuple]] = {}
    for meetup in queryset:
        for heading in _headings(meetup):
            sections.setdefault(heading, []).append(_entry(meetup, heading))
    lines = [f"Rusty Events between {start.isoformat()} - {end.isoformat()} 🦀", ""]
    for heading in sorted(sections, key=lambda h: (h != VIRTUAL, h)):
        lines += [f"### {heading}", ""]
        lines += [text for _key, text in sorted(sections[heading], key=lambda e: e[0])]
        lines.append("")
    return "\n".join(lines) + "\n" + CLOSING


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
    return dict(Region.choices).get(section_region(sighting.section) if sighting else "", "")


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
    text = place.written or place.display_name
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
