"""`sync_sources [URL_OR_ID...] [--json] [--due]`: fetch the followed calendars and merge
their events (conditional GET, a few at a time; a failing feed is reported, never fatal)."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from calendar_app.models import Source
from calendar_app.services.sources import sources_due
from calendar_app.services.sources_sync import sync_sources


class Command(BaseCommand):
    help = (
        "Fetch every enabled calendar source (or those named by URL or id; --due: those whose "
        "interval has passed) and merge their events into the meetups."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sources", nargs="*", metavar="URL_OR_ID")
        parser.add_argument("--json", action="store_true", help="Print a JSON summary last.")
        parser.add_argument("--due", action="store_true", help="Only sources that are due.")

    def handle(self, *args: Any, **options: Any) -> None:
        sources = self.chosen(options["sources"], due=options["due"])
        report = sync_sources(sources=sources, progress=self.progress)
        if self.tty:
            self.stdout.write("")
        for url, error in report.errors.items():
            self.stderr.write(f"{url}: {error}")
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), sort_keys=True))
        else:
            self.stdout.write(
                f"{report.sources} sources: {report.fetched} read, {report.not_modified} "
                f"unchanged, {report.failed} failed; {report.events} events, "
                f"{report.meetups_created} meetups created, {report.meetups_updated} updated, "
                f"{report.cancelled} cancelled, {report.flagged} flags."
            )

    def chosen(self, named: list[str], *, due: bool) -> list[Source]:
        if not named:
            return sources_due() if due else list(Source.objects.enabled().order_by("pk"))
        ids = [int(value) for value in named if value.isdigit()]
        urls = [value for value in named if not value.isdigit()]
        found = list(Source.objects.filter(Q(pk__in=ids) | Q(url__in=urls)).order_by("pk"))
        known = {str(s.pk) for s in found} | {s.url for s in found}
        missing = [value for value in named if value not in known]
        if missing:
            raise CommandError(f"No source with the URL or id: {', '.join(missing)}")
        return [s for s in found if s.is_due()] if due else found

    @property
    def tty(self) -> bool:
        return sys.stdout.isatty()

    def progress(self, index: int, total: int, source: Source) -> None:
        """One line rewritten in place, on a terminal only."""
        if self.tty:
            self.stdout.write(f"\r[{index}/{total}] {str(source)[:60]:<60}", ending="")
            self.stdout.flush()
