"""`geocode_places [--retry-failed | --all]`: geocode the Places that need it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from calendar_app.services.geocode import geocode_places


class Command(BaseCommand):
    help = (
        "Geocode Places never geocoded (default); --retry-failed also retries the not-found "
        "ones; --all re-geocodes every unlocked Place. Locked Places are never touched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--retry-failed", action="store_true", help="also not_found places")
        group.add_argument(
            "--all", action="store_true", dest="everything", help="every unlocked place"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = geocode_places(
            retry_failed=options["retry_failed"], everything=options["everything"]
        )
        statuses = ", ".join(f"{k}={v}" for k, v in sorted(report.by_status.items()))
        self.stdout.write(
            f"geocoded {report.geocoded} of {report.considered} places; "
            f"changed {report.changed}; flagged {report.flagged}; "
            f"meetup regions updated {report.meetups_updated}"
            + (f" ({statuses})" if statuses else "")
        )
