"""Public pages: month view, filtered list, one meetup, groups. Queries live in selectors."""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from calendar_app import selectors
from calendar_app.filters import DEFAULT_RADIUS_KM
from calendar_app.history import group_history
from calendar_app.subscribe import subscribe_links

PAGE_SIZE = 25
WEEKDAYS = [(name[:3], name) for name in calendar.day_name]  # Monday first
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
def month_view(request: HttpRequest, year: int | None = None, month: int | None = None):
    """The calendar grid of one month (the current one at `/`), with the list's filters."""
    today = timezone.localdate()
    if year is None or month is None:
        year, month = today.year, today.month
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404("No calendar for that year.")
    grid = selectors.month_grid(year, month, request.GET, today=today)
    context = {
        "grid": grid,
        "filterset": grid.filterset,
        "month_start": date(year, month, 1),
        "previous": _neighbour(year, month, -1),
        "next": _neighbour(year, month, 1),
        "is_current": (year, month) == (today.year, today.month),
        "today": today,
        "weekdays": WEEKDAYS,
        "subscribe": subscribe_links(request, request.GET),
    }
    return render(request, "calendar_app/month.html", context)


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    """Upcoming meetups matching the filter, a page at a time, grouped by day."""
    result = selectors.meetup_list(request.GET)
    page = Paginator(result.ids, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.meetups_by_id(list(page.object_list), result.distances)
    near = result.filterset.form.cleaned_data.get("near") if result.filterset.is_valid() else None
    radius = result.filterset.form.cleaned_data.get("radius_km") if near else None
    context = {
        "filterset": result.filterset,
        "page": page,
        "days": None if near else _by_day(page.object_list),
        "near": near,
        "radius_km": radius or DEFAULT_RADIUS_KM,
        "city_error": result.city_error,
        "near_city": request.GET.get("near_city", ""),
        "has_filter": any(v for k, v in request.GET.items() if k != "page"),
        "subscribe": subscribe_links(request, result.params),
        **_map_context(selectors.map_markers(result.ids)),
    }
    return render(request, "calendar_app/event_list.html", context)


def _by_day(meetups) -> list[tuple[date, list]]:
    days: dict[date, list] = {}
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
    context = {
        "meetup": meetup,
        "groups": groups,
        "places": meetup.ordered_places(),
        "links": meetup.ordered_links(),
        "sightings": list(meetup.sightings.all()),
        "page_url": request.build_absolute_uri(meetup.get_absolute_url()),
        "feed_group": groups[0] if groups else None,
        "subscribe": subscribe_links(request, feed_params),
        **_map_context(selectors.place_markers([meetup])),
    }
    return render(request, "calendar_app/meetup_detail.html", context)


@require_safe
def group_list(request: HttpRequest) -> HttpResponse:
    """Every organiser with a public meetup, with what is coming up."""
    groups = selectors.group_list()
    return render(request, "calendar_app/group_list.html", {"groups": groups})


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
