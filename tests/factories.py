"""Small factories: build the few records a test needs, with readable defaults."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from django.utils import timezone

from calendar_app.models import (
    Group,
    GroupAlias,
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Newsletter,
    Place,
    Sighting,
)
from calendar_app.services.times import meetup_set_times

_counter = itertools.count(1)


def make_place(
    text: str = "Berlin, DE",
    *,
    city: str = "Berlin",
    country: str = "DE",
    admin1: str = "",
    latitude: float | None = 52.52,
    longitude: float | None = 13.405,
    timezone_name: str = "Europe/Berlin",
    status: str = "resolved",
) -> Place:
    place, _ = Place.objects.get_or_create(
        text=text.casefold(),
        defaults=dict(
            written=text,
            city=city,
            country=country,
            admin1=admin1,
            latitude=latitude,
            longitude=longitude,
            timezone=timezone_name,
            status=status,
            geocoder="offline",
        ),
    )
    return place


def make_group(name: str = "Rust Berlin", url: str = "") -> Group:
    group = Group.objects.create(
        name=name,
        url=url or f"https://www.meetup.com/{name.lower().replace(' ', '-')}/",
        slug=Group.unique_slug(name),
    )
    GroupAlias.objects.create(group=group, key=f"name:{name.casefold()}")
    return group


def make_meetup(
    title: str = "Rust Hack and Learn",
    *,
    start: date | None = None,
    end: date | None = None,
    attendance: str = "in_person",
    region: str = "europe",
    status: str = "published",
    places: list[Place] | None = None,
    groups: list[Group] | None = None,
    links: list[tuple[str, str]] | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    tz: str = "",
) -> Meetup:
    """A meetup with its places, groups and links ((url, label); the first is primary).

    With `starts_at` it gets times through the service (zone `tz`, else the place's)."""
    start = start or timezone.localdate() + timedelta(days=3)
    meetup = Meetup.objects.create(
        title=title,
        start_date=start,
        end_date=end or start,
        attendance=attendance,
        region=region,
        status=status,
    )
    for position, place in enumerate(places if places is not None else [make_place()]):
        MeetupPlace.objects.create(meetup=meetup, place=place, position=position)
    for position, group in enumerate(groups if groups is not None else [make_group_once()]):
        MeetupGroup.objects.create(meetup=meetup, group=group, position=position)
    n = next(_counter)
    default_links = [(f"https://www.meetup.com/rust-berlin/events/{n}/", title)]
    for position, (url, label) in enumerate(links if links is not None else default_links):
        MeetupLink.objects.create(
            meetup=meetup,
            url=url,
            canonical_url=url.rstrip("/"),
            label=label,
            primary=position == 0,
            position=position,
        )
    if starts_at is not None:
        meetup_set_times(meetup=meetup, starts_at=starts_at, ends_at=ends_at, timezone=tz)
    return meetup


def make_group_once(name: str = "Rust Berlin") -> Group:
    return Group.objects.filter(name=name).first() or make_group(name)


def make_newsletter(number: int = 532, day: date = date(2024, 1, 31)) -> Newsletter:
    return Newsletter.objects.create(
        key=str(number),
        number=number,
        date=day,
        title=f"This Week in Rust {number}",
        source=f"tests/{number}.md",
        content_hash=f"hash-{number}",
        window_start=day,
        window_end=day + timedelta(days=28),
    )


def make_sighting(
    meetup: Meetup, newsletter: Newsletter, line: int = 10, section: str = "Europe"
) -> Sighting:
    return Sighting.objects.create(
        meetup=meetup,
        newsletter=newsletter,
        line=line,
        section=section,
        raw=f"* {meetup.start_date} | Berlin, DE | [Rust Berlin](https://example.org/)",
    )


def clear_ingested() -> None:
    """Forget every newsletter, meetup, organiser and place (inside the test's transaction:
    `flush` cannot TRUNCATE there on PostgreSQL while deferred constraints are pending)."""
    from calendar_app.models import Flag, Group, Meetup, Newsletter, Place

    Flag.objects.all().delete()
    Meetup.objects.all().delete()
    Newsletter.objects.all().delete()
    Group.objects.all().delete()
    Place.objects.all().delete()
