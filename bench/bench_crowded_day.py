"""A crowded day: one newsletter puts 5,000 entries on one day, then a 5-entry newsletter.

Measures the second newsletter as `manage.py ingest_twir` does it: its ingest, then the
duplicate check of the meetups it touched (`duplicates_refresh(meetup_ids=...)`), and how many
pairs that check scored. Before blocking keys the check compared every pair of the day
(12.5 million for 5,000 entries); it should compare only pairs with the 5 new meetups.

`python bench/bench_crowded_day.py [--tree PATH]` measures another checkout (e.g. an export
of the commit before a change) on the same newsletters: the before/after of a change.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from _django import CHILD, OUT, ROOT

DAY = date(2031, 3, 12)
CITIES = ["Berlin, DE", "Paris, FR", "Seattle, WA, US", "Tokyo, JP", "Sydney, NSW, AU"]
TOPICS = [
    "Hack and Learn",
    "Monthly Meetup",
    "Async Deep Dive",
    "Embedded Night",
    "Lightning Talks",
]

MEASURE = (
    CHILD
    + """
from django.utils import timezone
from calendar_app.models import Meetup
from calendar_app.services import duplicates
from calendar_app.services.ingest import ingest_paths
scored = 0
score = duplicates.pair_reason
def counting(a, b):
    global scored
    scored += 1
    return score(a, b)
duplicates.pair_reason = counting
out = {}
started = time.perf_counter()
ingest_paths([sys.argv[1]])
out["first_ingest_s"] = time.perf_counter() - started
out["meetups_on_day"] = Meetup.objects.filter(start_date=sys.argv[3]).count()
since = timezone.now()
started = time.perf_counter()
report = ingest_paths([sys.argv[2]])
out["second_ingest_s"] = time.perf_counter() - started
touched = list(Meetup.objects.filter(updated__gte=since).values_list("pk", flat=True))
started = time.perf_counter()
out["proposed"] = duplicates.duplicates_refresh(meetup_ids=touched)
out["refresh_s"] = time.perf_counter() - started
out["touched"] = len(touched)
out["pairs_scored"] = scored
print(json.dumps(out))
"""
)


def newsletter(number: int, issued: date, entries: list[tuple[str, str, str, str]]) -> str:
    lines = []
    for city, name, title, link in entries:
        slug = name.lower().replace(" ", "-")
        lines.append(f"* {DAY} | {city} | [{name}](https://www.meetup.com/{slug}/)")
        lines.append(f"    * [**{title}**]({link})")
    return (
        f"Title: This Week in Rust {number}\nNumber: {number}\nDate: {issued}\n"
        f"Category: This Week in Rust\n\n## Upcoming Events\n\n"
        f"Rusty Events between {issued} - {issued + timedelta(28)} 🦀\n\n### Europe\n\n"
        + "\n".join(lines)
        + "\n\n## Jobs\n\nNone.\n"
    )


def write(folder: Path, crowd: int) -> tuple[Path, Path]:
    rng = random.Random(0)

    def entry(n: int) -> tuple[str, str, str, str]:
        # Organisers of their own names; a fifth of the day shares each topic's words.
        word = "".join(rng.choice("bcdfghjklmnprstvz") + rng.choice("aeiou") for _ in range(4))
        name = f"Rust {word.title()}"
        link = f"https://www.meetup.com/rust-{word}/events/{400_000_000 + n}/"
        return CITIES[n % len(CITIES)], name, f"{name}: {TOPICS[n % len(TOPICS)]}", link

    first, second = folder / "first", folder / "second"
    first.mkdir()
    second.mkdir()
    issued = DAY - timedelta(14)
    (first / f"{issued}-this-week-in-rust.md").write_text(
        newsletter(900, issued, [entry(n) for n in range(crowd)]), encoding="utf-8"
    )
    later = issued + timedelta(7)
    (second / f"{later}-this-week-in-rust.md").write_text(
        newsletter(901, later, [entry(n) for n in range(crowd, crowd + 5)]), encoding="utf-8"
    )
    return first, second


def measure(tree: Path, first: Path, second: Path) -> dict:
    db = OUT / "crowded-day.sqlite3"
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        path.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    python = ROOT / ".venv" / "bin" / "python"
    result = subprocess.run(
        [str(python if python.exists() else sys.executable), "-c", MEASURE]
        + [str(first), str(second), str(DAY)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout to measure")
    parser.add_argument("--crowd", type=int, default=5000, help="entries on the crowded day")
    options = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        first, second = write(Path(folder), options.crowd)
        print(json.dumps(measure(options.tree.resolve(), first, second), indent=1))
