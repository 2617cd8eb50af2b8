"""`manage.py ingest_twir PATH...`: read newsletters into meetups (see ARCHITECTURE.md)."""

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from calendar_app.services.ingest import (
    StorageFailure,
    ingest_and_refresh_duplicates,
    storage_failure,
)

PROGRESS_MIN_FILES = 5


class Command(BaseCommand):
    help = "Ingest This Week in Rust newsletters: files, directories, http(s) URLs or - (stdin)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--json", action="store_true", help="Print a JSON summary last.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Ingest again even when a file is unchanged, or looks damaged (a re-read "
            "that would drop most of an issue's entries, a file with no readable header).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = ingest_and_refresh_duplicates(
                options["paths"], force=options["force"], progress=self.progress
            )
        except StorageFailure as exc:
            raise CommandError(f"ingest stopped: {exc}", returncode=1) from None
        except (DatabaseError, OSError) as exc:
            reason = storage_failure(exc)
            if not reason:
                raise
            raise CommandError(f"ingest stopped: {reason}", returncode=1) from None
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), sort_keys=True))
        else:
            self.stdout.write(
                f"{report.files} files, {report.newsletters} newsletters ingested, "
                f"{report.skipped_unchanged} unchanged; {report.entries} entries, "
                f"{report.sightings} sightings, {report.flagged} flags; meetups: "
                f"{report.meetups_created} created, {report.meetups_updated} updated, "
                f"{report.meetups_total} in all."
            )
        if report.errors:
            # One line naming every unreadable path; the readable ones were ingested above.
            raise CommandError("; ".join(report.errors), returncode=1)

    def progress(self, index: int, total: int, source: str) -> None:
        """A one-line progress bar on a terminal, for long runs only."""
        if total < PROGRESS_MIN_FILES or not sys.stderr.isatty():
            return
        width = 30
        done = width * index // total
        name = source[-40:]
        end = "\n" if index == total else ""
        sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {index}/{total} {name:<40}{end}")
        sys.stderr.flush()
