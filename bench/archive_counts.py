"""Counts over the whole sample archive: organisers, meetups, title joins, flags by kind.

Run from a checkout: `DATABASE_URL=sqlite:////tmp/x.sqlite3 python bench/archive_counts.py`
(a fresh database: it is migrated, then every archive folder is ingested, oldest first).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twirevents.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

FOLDERS = [
    "tests/fixtures/samples",
    "tests/fixtures/history",
]


def main() -> None:
    call_command("migrate", verbosity=0)
    from calendar_app.models import DuplicateCandidate, Flag, Group, Meetup
    from calendar_app.services.duplicates import duplicates_refresh
    from calendar_app.services.ingest import ingest_paths

    paths = sorted(
        (str(p) for folder in FOLDERS for p in Path(folder).rglob("*") if p.is_file()),
        key=lambda p: Path(p).name,
    )
    report = ingest_paths(paths)
    title_joins = sum(
        1
        for record in Meetup.objects.exclude(duplicate_of=None).values_list(
            "merge_record", flat=True
        )
        if (record or {}).get("reason") == "title"
    )
    print(f"files {report.files}  skipped_unchanged {report.skipped_unchanged}")
    print(f"organisers {Group.objects.count()}")
    print(f"meetups {Meetup.objects.canonical().count()}")
    print(f"title joins {title_joins}")
    duplicates_refresh()
    reasons = Counter(DuplicateCandidate.objects.values_list("reason", flat=True))
    for reason, n in sorted(reasons.items()):
        print(f"duplicate queue {reason} {n}")
    kinds = Counter(Flag.objects.filter(resolved=False).values_list("kind", flat=True))
    for kind, n in sorted(kinds.items()):
        print(f"flag {kind} {n}")


if __name__ == "__main__":
    main()
