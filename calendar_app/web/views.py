"""Public pages: month view, filtered list, one meetup, groups. Queries live in selectors."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import SU, relativedelta
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from calendar_app.models import Meetup
from calendar_app.queries import selectors
from calendar_app.queries.filters import DEFAULT_RADIUS_KM, MeetupFilter
from calendar_app.queries.history import group_history
from calendar_app.rendering.structured import event_json_ld, event_list_json_ld
from calendar_app.web.month import month_grid
from calendar_app.web.querystring import drop_empty_params
from calendar_app.web.subscribe import SubscribeLinks, subscribe_links
from calendar_app.windows import NEXT_DAYS_CHIP

PAGE_SIZE = 25
UNFOLDED = "none"  # `/events/?fold=none`: every date of a series, not one row per series
MAP_PAGE_MARKERS = 2000  # the full-page map shows more of the filter than the list's
WEEKDAYS = [(name[:3], name) for name in calendar.day_name]  # Monday first
MONTH_NAMES = list(enumerate(calendar.month_name))[1:]
MIN_YEAR, MAX_YEAR = 1970, 2999  # beyond these a month has no meetups and no neighbours


def _map_context(markers: list[dict]) -> dict:
    return {
        "markers": markers,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


def _neighbour(year: int, month: int, step: int) -> tuple[int, int] | None:
    index = year * 12 + (month - 1) + step
    y, m = divmod(index, 12)
    return (y, m + 1) if MIN_YEAR <= y <= MAX_YEAR else None


@require_safe
@drop_empty_params
def month_view(
    request: HttpRequest, year: int | None = None, month: int | None = None
) -> HttpResponse:
    """The calendar grid of one month (the current one at `/`), with the list's filters."""
    today = timezone.localdate()
    if "go_month" in request.GET or "go_year" in request.GET:
        return _go_to_month(request)
    if year is None or month is None:
        year, month = today.year, today.month
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404("No calendar for that year.")
    grid = month_grid(year, month, request.GET, today=today)
    context = {
        "grid": grid,
        "filterset": grid.filterset,
        "month_start": date(year, month, 1),
        "previous": _neighbour(year, month, -1),
        "next": _neighbour(year, month, 1),
        "is_current": (year, month) == (today.year, today.month),
        "today": today,
        "weekdays": WEEKDAYS,
        "month_options": [(n, name, n == month) for n, name in MONTH_NAMES],
        "min_year": MIN_YEAR,
        "max_year": MAX_YEAR,
        "subscribe": _subscribe(request, grid.filterset),
    }
    return render(request, "calendar_app/month.html", context)


ROBOTS = """User-agent: *
Disallow: /admin/
Disallow: /api/
Disallow: /feeds/
"""


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Pages are for everyone; the admin, the API and feed variants are not for crawlers."""
    return HttpResponse(ROBOTS, content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: point them at the SVG."""
    return redirect(static("favicon.svg"), permanent=True)


def _go_to_month(request: HttpRequest) -> HttpResponse:
    """The month picker's answer: the month's own URL, the other filters kept."""
    params = request.GET.copy()
    try:
        month = int(params.pop("go_month", [""])[-1])
        year = int(params.pop("go_year", [""])[-1])
    except ValueError:
        raise Http404("Pick a month and a year.") from None
    if not (1 <= month <= 12 and MIN_YEAR <= year <= MAX_YEAR):
        raise Http404("No calendar for that month.")
    query = params.urlencode()
    return redirect(reverse("month", args=[year, month]) + (f"?{query}" if query else ""))


@require_safe
@drop_empty_params
def event_list(request: HttpRequest) -> HttpResponse:
    """Meetups matching the filter, a page at a time, grouped by day (nearest first near me).
    A series shows once, at its next date, unless `fold=none` asks for every date."""
    fold = request.GET.get("fold") != UNFOLDED
    result = selectors.meetup_list(request.GET, fold_series=fold)
    filterset = result.filterset
    page = Paginator(result.ids, PAGE_SIZE).get_page(request.GET.get("page"))
    # The page of ids becomes the page of meetups the template shows.
    meetups = selectors.meetups_by_id(list(page.object_list), result.distances, result.more_dates)
    page.object_list = meetups  # type: ignore[assignment]
    near = filterset.form.cleaned_data.get("near") if filterset.is_valid() else None
    radius = filterset.form.cleaned_data.get("radius_km") if near else None
    instead = None
    if near and not result.ids:  # nothing in person nearby: the groups there, and online
        leave_out_online = bool(filterset.form.cleaned_data.get("exclude_virtual"))
        instead = selectors.nearby_instead(
            near, radius or DEFAULT_RADIUS_KM, with_online=not leave_out_online
        )
    context = {
        "filterset": filterset,
        "page": page,
        "days": None if near else _by_day(meetups),
        "near": near,
        "radius_km": radius or DEFAULT_RADIUS_KM,
        "instead": instead,
        "city_lookup": filterset.city_lookup,
        "quick_ranges": quick_ranges(timezone.localdate(), request.GET),
        "has_filter": any(v for k, v in request.GET.items() if k not in ("page", "fold")),
        "fold": fold,
        "series_count": result.series_count,
        "json_ld": event_list_json_ld(
            meetups,
            lambda meetup: request.build_absolute_uri(meetup.get_absolute_url()),
            first_position=page.start_index() or 1,
        ),
        "subscribe": _subscribe(request, filterset),
        **_map_context(selectors.map_markers(result.ids)),
    }
    return render(request, "calendar_app/event_list.html", context)


def _subscribe(request: HttpRequest, filterset: MeetupFilter) -> SubscribeLinks | None:
    """Feed links for a filter that worked; none for one that failed (its feed would 400)."""
    if filterset.is_bound and not filterset.is_valid():
        return None
    return subscribe_links(request, request.GET)


@dataclass(frozen=True)
class QuickRange:
    label: str
    url: str  # this list with the range as start/end, the other filters kept
    active: bool


def quick_ranges(today: date, params: QueryDict) -> list[QuickRange]:
    """This week, this weekend, the next 30 days, or the past too: one click each."""
    sunday = today + relativedelta(weekday=SU)  # today if it is a Sunday
    saturday = max(today, sunday - timedelta(days=1))
    spans = [
        ("This week", today, sunday),
        ("This weekend", saturday, sunday),
        (f"Next {NEXT_DAYS_CHIP.days} days", today, today + NEXT_DAYS_CHIP),
    ]
    chosen = (params.get("start"), params.get("end"))
    ranges = []
    for label, first, last in spans:
        dates = (first.isoformat(), last.isoformat())
        url = _with(params, start=dates[0], end=dates[1], include_past=None)
        ranges.append(QuickRange(label, url, chosen == dates))
    past = _with(params, start=None, end=None, include_past="1")
    ranges.append(QuickRange("Past meetups too", past, bool(params.get("include_past"))))
    return ranges


def _with(params: QueryDict, **changes: str | None) -> str:
    """`?...`: `params` with `changes` applied (None removes) and the page dropped."""
    query = params.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return "?" + query.urlencode()


@require_safe
@drop_empty_params
def map_view(request: HttpRequest) -> HttpResponse:
    """A full-page map of any filter (the list's parameters), one pin per place."""
    result = selectors.meetup_list(request.GET)
    context = {
        "filterset": result.filterset,
        "count": len(result.ids),
        "subscribe": _subscribe(request, result.filterset),
        **_map_context(selectors.map_markers(result.ids, limit=MAP_PAGE_MARKERS)),
    }
    return render(request, "calendar_app/map.html", context)


def _by_day(meetups: Any) -> list[tuple[date, list[Meetup]]]:  # a page's meetups
    days: dict[date, list[Meetup]] = {}
    for meetup in meetups:
        days.setdefault(meetup.start_date, []).append(meetup)
    return list(days.items())


@require_safe
def meetup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One meetup; a merged-away id redirects permanently to the meetup that absorbed it."""
    lookup = selectors.meetup_detail(pk)
    if lookup.redirect_to:
        return redirect(lookup.redirect_to, permanent=True)
    if lookup.meetup is None:
        raise Http404("No such meetup.")
    meetup = lookup.meetup
    groups = meetup.ordered_groups()
    feed_params = {"group": groups[0].slug} if groups else {}
    page_url = request.build_absolute_uri(meetup.get_absolute_url())
    story = selectors.meetup_story(meetup)
    context = {
        "meetup": meetup,
        "json_ld": event_json_ld(meetup, page_url, venues=story.venues),
        "story": story,
        "groups": groups,
        "places": meetup.ordered_places(),
        "links": meetup.ordered_links(),
        "sightings": list(meetup.sightings.all()),
        "page_url": page_url,
        "feed_group": groups[0] if groups else None,
        "subscribe": subscribe_links(request, feed_params),
        **_map_context(selectors.venue_markers(meetup)),
    }
    return render(request, "calendar_app/meetup_detail.html", context)


@require_safe
@drop_empty_params
def group_list(request: HttpRequest) -> HttpResponse:
    """Every organiser with a public meetup: where it meets, what is coming up; a search,
    near me, and a map."""
    directory = selectors.group_directory(request.GET)
    context = {
        "directory": directory,
        "groups": directory.rows,
        **_map_context(selectors.group_markers(directory.rows)),
    }
    return render(request, "calendar_app/group_list.html", context)


@require_safe
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One organiser: upcoming and past meetups, where it meets, its own feed."""
    data = selectors.group_page(slug)
    if data is None:
        raise Http404("No such group.")
    context = {
        "data": data,
        "group": data.group,
        "subscribe": subscribe_links(request, {"group": data.group.slug}),
        "history": group_history(data.group),
        **_map_context(selectors.location_markers(data.places)),
    }
    return render(request, "calendar_app/group_detail.html", context)
