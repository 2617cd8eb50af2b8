"""`add_source URL [--name NAME] [--group SLUG]`: follow an iCalendar feed (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from calendar_app.models import Group
from calendar_app.services.sources import SourceURLError, source_add, source_url


class Command(BaseCommand):
    help = (
        "Follow an iCalendar feed: any http(s) URL, or a local file (stored as a file:// URL "
        "with its absolute path). Adding the same URL again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="http(s) URL of the feed, or a path to an .ics file")
        parser.add_argument("--name", default="", help="a name for the admin")
        parser.add_argument("--group", default="", help="slug of the organiser it belongs to")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            url = source_url(options["url"])
        except SourceURLError as error:
            raise CommandError(str(error)) from error
        group = None
        if options["group"]:
            group = Group.objects.filter(slug=options["group"]).first()
            if group is None:
                raise CommandError(f"No group with the slug {options['group']!r}.")
        source, created = source_add(url=url, name=options["name"], group=group)
        verb = "Following" if created else "Already following"
        self.stdout.write(f"{verb} {source.url} (source {source.pk})")
