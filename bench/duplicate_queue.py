"""The duplicate queue over the whole archive: how many pairs it proposes, listed to judge.

Ingests every newsletter we have (the samples, the shared corpus and its history, the
seeds), follows every calendar we have as a file (the sample calendars and the test
fixtures' feeds), syncs them, refreshes the queue and prints one line per proposal;
with `--judged FILE` it also counts how many of them the judged list calls real.

    .venv/bin/python bench/duplicate_queue.py [--json OUT] \
        [--judged tests/fixtures/duplicates/judged.json]

A fresh SQLite database in bench/out/ (never the dev db).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _django import ROOT, setup

NEWSLETTERS = [
    ROOT / "tests/fixtures/samples",
    ROOT / "tests/fixtures/history",  # with samples: the shared corpus, its history, the seeds
]
WEEK_NOW = datetime(2024, 1, 20, 12, tzinfo=UTC)
CALENDARS = [
    ROOT / "calendar_app/data/sample_calendars",
    ROOT / "tests/fixtures/calendars",
]


def build() -> None:
    from calendar_app.models import Source
    from calendar_app.services.ingest import ingest_paths
    from calendar_app.services.sources import source_add, source_url
    from calendar_app.services.sources_sync import sync_sources

    paths = sorted(
        {
            p.name: str(p)
            for f in NEWSLETTERS
            if f.is_dir()
            for p in f.rglob("*")
            if p.is_file() and p.suffix in (".md", ".txt")
        }.values(),
        key=lambda p: Path(p).name,
    )
    ingest_paths(paths)
    for folder in CALENDARS:
        for file in sorted(folder.rglob("*.ics")):
            if file.name != "bad_events.ics":
                source_add(url=source_url(str(file)), name=file.stem)
    # The feeds of the week of 2024-01-24 as they stood before it (their events are past now)
    week = Source.objects.filter(url__contains="/week-2024-01-24/")
    sync_sources(sources=week, now=WEEK_NOW)
    sync_sources(sources=Source.objects.exclude(pk__in=week))


def proposals() -> list[dict]:
    from calendar_app.models import DuplicateCandidate
    from calendar_app.services.duplicates import duplicates_refresh

    duplicates_refresh()
    out = []
    for c in DuplicateCandidate.objects.open().select_related("first", "second"):
        out.append(
            {
                "reason": c.reason,
                "score": round(c.score, 1),
                "first": describe(c.first),
                "second": describe(c.second),
            }
        )
    out.sort(key=lambda p: (p["first"]["day"], p["first"]["title"], p["second"]["title"]))
    return out


def describe(meetup) -> dict:
    return {
        "title": meetup.title or "",
        "day": meetup.start_date.isoformat(),
        "groups": [g.name for g in meetup.ordered_groups()],
        "places": sorted(p.text for p in meetup.places.all()),
        "links": sorted(meetup.links.values_list("url", flat=True)),
        "issues": sorted(
            {str(d) for d in meetup.sightings.values_list("newsletter__date", flat=True) if d}
        ),
    }


def pair_id(p: dict) -> tuple:
    return tuple(
        sorted(
            [(p["first"]["day"], p["first"]["title"]), (p["second"]["day"], p["second"]["title"])]
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--judged")
    args = parser.parse_args()
    setup("duplicate_queue.sqlite3")
    build()
    found = proposals()
    for p in found:
        a, b = p["first"], p["second"]
        print(
            f"{p['score']:5.1f} {p['reason']:<45} "
            f"{a['day']} {a['title'][:45]!r} | {b['day']} {b['title'][:45]!r}"
        )
    print(f"proposals {len(found)}")
    if args.judged:
        judged = json.loads(Path(args.judged).read_text())
        verdict = {pair_id(p): p["verdict"] for p in judged["pairs"]}
        real = sum(1 for p in found if verdict.get(pair_id(p)) == "real")
        false = sum(1 for p in found if verdict.get(pair_id(p)) == "false")
        print(f"real {real}  false {false}  unjudged {len(found) - real - false}")
    if args.json:
        Path(args.json).write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
