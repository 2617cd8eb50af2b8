"""`load_sources`: follow the calendars of the editors' lists (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from calendar_app.services.sources import editors_calendars, sources_load


class Command(BaseCommand):
    help = (
        "Follow the editors' calendars: the Rust Meetup groups and Luma calendars, and the "
        "'maybe' Meetup groups disabled until a curator enables them. Calendars already "
        "followed are left as they are."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = sources_load(calendars=editors_calendars())
        self.stdout.write(
            f"{report.created} calendars added ({report.linked_to_groups} linked to known "
            f"organisers), {report.existing} already followed"
        )
