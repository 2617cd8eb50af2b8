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


def make_synthetic_meetups(n: int = 20000, years: int = 2, seed: int = 0) -> int:
    """Create `n` meetups over `years` around today; returns the number created."""
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
    first_day = today - timedelta(days=span // 2)
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
