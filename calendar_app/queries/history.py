"""Reads for the history of the calendar (2014 on): per year, per region, per organiser."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import ExtractYear
from django.utils import timezone

from calendar_app.models import Group, Meetup, Region, Sighting
from calendar_app.web.charts import Chart, stacked_bars

NO_REGION = ("none", "Online or no place")


@dataclass(frozen=True)
class YearCount:
    year: int
    count: int


@dataclass(frozen=True)
class MeetupRef:
    """Enough of a meetup to name and link it."""

    pk: int
    title: str
    start_date: date


@dataclass(frozen=True)
class GroupHistory:
    """What a group page shows of the whole history: first, latest, and a count a year."""

    first: MeetupRef | None
    latest: MeetupRef | None  # the latest held by today
    total: int
    by_year: list[YearCount]


@dataclass(frozen=True)
class ArchiveHistory:
    total: int
    first_year: int | None
    by_year: list[YearCount]
    by_region: list[tuple[str, str, int]]  # (key, label, count), the largest first
    chart: Chart
    series: list[tuple[str, str]]


def group_history(group: Group, *, today: date | None = None) -> GroupHistory:
    """One query: a group has a few hundred meetups at most, read as plain tuples."""
    today = today or timezone.localdate()
    meetups = [
        MeetupRef(*row)
        for row in Meetup.objects.published()
        .filter(groups=group)
        .order_by("start_date", "id")
        .values_list("pk", "title", "start_date")
    ]
    years: dict[int, int] = {}
    for meetup in meetups:
        years[meetup.start_date.year] = years.get(meetup.start_date.year, 0) + 1
    held = [m for m in meetups if m.start_date <= today]
    return GroupHistory(
        first=meetups[0] if meetups else None,
        latest=held[-1] if held else None,
        total=len(meetups),
        by_year=[YearCount(year, count) for year, count in sorted(years.items())],
    )


def archive_history() -> ArchiveHistory:
    """Published meetups a year as This Week in Rust listed them, split by region (those
    with no place apart): a meetup known only from a calendar (a year of a weekly series
    ahead) is no listing."""
    listed = Exists(Sighting.objects.filter(meetup=OuterRef("pk")))
    rows = list(
        Meetup.objects.published()
        .filter(listed)
        .annotate(year=ExtractYear("start_date"))
        .values_list("year", "region")
        .annotate(count=Count("id"))
        .order_by("year", "region")
    )
    labels = dict(Region.choices)
    series = [(key, str(label)) for key, label in Region.choices] + [NO_REGION]
    values: dict[tuple[str, str], int] = {}
    per_region: dict[str, int] = {}
    for year, region, count in rows:
        key = region if region in labels else NO_REGION[0]
        values[(str(year), key)] = values.get((str(year), key), 0) + count
        per_region[key] = per_region.get(key, 0) + count
    years = sorted({year for year, _, _ in rows})
    columns = [str(y) for y in range(years[0], years[-1] + 1)] if years else []
    by_year = [YearCount(int(c), sum(values.get((c, k), 0) for k, _ in series)) for c in columns]
    names = dict(series)
    by_region = sorted(
        ((key, names[key], n) for key, n in per_region.items()), key=lambda r: (-r[2], r[1])
    )
    used = [s for s in series if s[0] in per_region]
    return ArchiveHistory(
        total=sum(per_region.values()),
        first_year=years[0] if years else None,
        by_year=by_year,
        by_region=by_region,
        chart=stacked_bars(columns, used, values),
        series=used,
    )
