"""`export_events --format json|ics|twir`: the list filters as options, written to stdout."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet
from django.utils import timezone

from calendar_app.models import Meetup, MeetupQuerySet
from calendar_app.queries.filters import MeetupFilter
from calendar_app.queries.selectors import filtered_meetups
from calendar_app.rendering.export_json import export_json
from calendar_app.rendering.export_twir import next_issue_window, render_twir
from calendar_app.rendering.feed_cache import render_calendar
from calendar_app.rules import FEED_PAST_WINDOW, NEWSLETTER_WINDOW
from calendar_app.web.querystring import feed_url

# option name -> query parameter, so the export goes through the same FilterSet as the site
FILTER_OPTIONS = {
    "start": "start",
    "end": "end",
    "region": "region",
    "country": "country",
    "city": "city",
    "group": "group",
    "attendance": "attendance",
    "q": "q",
    "near": "near",
    "near_city": "near_city",
    "radius_km": "radius_km",
}


class Command(BaseCommand):
    help = (
        "Export meetups as JSON, iCalendar or a This Week in Rust section. With no date option "
        "every meetup is exported (merged-away ones excepted; hidden ones only in JSON)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json", "ics", "twir"], default="json")
        parser.add_argument("--start", help="ISO date; meetups ending on or after it")
        parser.add_argument("--end", help="ISO date; meetups starting on or before it")
        parser.add_argument("--region", help="continent slug, e.g. europe")
        parser.add_argument("--country", help="ISO 3166-1 alpha-2 code, e.g. DE")
        parser.add_argument("--city")
        parser.add_argument("--group", help="organiser slug")
        parser.add_argument("--attendance", help="in_person, virtual or hybrid")
        parser.add_argument("--q", help="text search")
        parser.add_argument("--near", help="lat,lon")
        parser.add_argument("--near-city", dest="near_city", help="a city name, e.g. Berlin")
        parser.add_argument("--radius-km", dest="radius_km")
        parser.add_argument("--include-past", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        fmt = options["format"]
        data = {param: options[opt] for opt, param in FILTER_OPTIONS.items() if options[opt]}
        if fmt == "twir":
            self.stdout.write(self.twir(data), ending="")
            return
        if options["include_past"] or not (data.get("start") or data.get("end")):
            data["include_past"] = "1"  # no dates: everything, past and future
        if fmt == "ics":
            filterset, queryset = self.filterset(data, Meetup.objects.published())
            body = render_calendar(
                queryset,
                description=filterset.description,
                source_url=feed_url(settings.SITE_URL, data),
                site_url=settings.SITE_URL,
            )
            self.stdout.write(body.decode(), ending="")
        else:
            _, queryset = self.filterset(data, Meetup.objects.canonical())
            self.stdout.write(export_json(queryset))

    def filterset(
        self, data: dict[str, str], queryset: QuerySet[Meetup]
    ) -> tuple[MeetupFilter, QuerySet]:
        """The shared FilterSet and its result (the feeds' default window: 30 days back)."""
        filterset, result = filtered_meetups(
            data, queryset=queryset, past_days=FEED_PAST_WINDOW.days
        )
        if not filterset.is_valid():
            raise CommandError(f"Invalid filter: {filterset.errors.as_text()}")
        return filterset, result

    def twir(self, data: dict[str, str]) -> str:
        """A newsletter section for [start, end]; default: the next issue's window (from the
        coming Wednesday, four weeks), as the admin's draft page opens on."""
        next_start, _ = next_issue_window(timezone.localdate())
        start = _date(data.get("start")) or next_start
        end = _date(data.get("end")) or start + NEWSLETTER_WINDOW
        data.update(start=start.isoformat(), end=end.isoformat())
        _, queryset = self.filterset(data, Meetup.objects.published())
        return render_twir(start=start, end=end, meetups=cast(MeetupQuerySet, queryset))


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not an ISO date: {value}") from exc
