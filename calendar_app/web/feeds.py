"""iCalendar feeds and the JSON API: thin views over the shared FilterSet.

Calendar clients poll; the feeds, the one-meetup download and the API are kept in the
shared cache under the data version (web/page_cache.py, wrapped in urls.py), so a poll is
answered (a 304, or the kept body) with no query; a render after a write reads back the
VEVENTs of the meetups that did not change (rendering/feed_cache.py).
"""

from __future__ import annotations

import json
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from calendar_app.models import (
    Meetup,
    MeetupQuerySet,
    Status,
)
from calendar_app.queries.filters import MeetupFilter
from calendar_app.queries.selectors import bounded_feed, filtered_meetups
from calendar_app.rendering.export_json import json_items
from calendar_app.rendering.feed_cache import render_calendar
from calendar_app.rendering.plain_text import printable, web_url
from calendar_app.rules import FEED_PAST_WINDOW
from calendar_app.web.querystring import feed_url, filter_query

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
# An hour: short enough that an edit reaches browsers and proxies the same day, long enough
# to absorb refresh storms; clients revalidate cheaply with the ETag afterwards.
CACHE_CONTROL = "public, max-age=3600"
PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


def public(response: HttpResponse) -> HttpResponse:
    """Feeds and the API: kept an hour by clients and proxies, readable from any site.

    ETag and Last-Modified come from the shared cache (web/page_cache.py), which keeps the
    answer under the data version and answers revalidations with a 304."""
    response["Cache-Control"] = CACHE_CONTROL
    response["Access-Control-Allow-Origin"] = "*"  # public data, readable from any site
    return response


def filter_errors(filterset: MeetupFilter) -> HttpResponse:
    text = "Invalid filter:\n" + filterset.errors.as_text()
    return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")


def site_root() -> str:
    """The public base URL. Never the request's Host: a client-chosen host or port would go
    into SOURCE, links and the ETag, and so into responses cached as public (and force a
    re-render of every kept VEVENT for each new value)."""
    return settings.SITE_URL


def feed_key(request: HttpRequest) -> str:
    """A feed is named by its normalised filter (unknown parameters and their order
    ignored): every spelling of one filter is served the one kept answer."""
    return feed_url(site_root(), request.GET)


@require_safe
def events_ics(request: HttpRequest) -> HttpResponse:
    """The subscription feed: no Content-Disposition, or Google refuses to subscribe."""
    filterset, queryset = filtered_meetups(request.GET, past_days=FEED_PAST_WINDOW.days)
    if filterset.errors:
        return filter_errors(filterset)
    body = render_calendar(
        bounded_feed(queryset),
        description=filterset.description,
        source_url=feed_key(request),  # its SOURCE
        site_url=site_root(),
        keep=True,
    )
    return public(HttpResponse(body, content_type=ICS_CONTENT_TYPE))


@require_safe
def meetup_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One meetup to download; a merged-away one redirects to the meetup that absorbed it."""
    meetup = Meetup.objects.filter(pk=pk).first()
    if meetup is not None and meetup.duplicate_of_id:
        return HttpResponsePermanentRedirect(reverse("meetup_ics", args=[meetup.duplicate_of_id]))
    if meetup is None or meetup.status == Status.HIDDEN:
        raise Http404("No such meetup.")
    source = site_root() + reverse("meetup_ics", args=[pk])
    body = render_calendar(
        Meetup.objects.filter(pk=pk),
        description=meetup.title,
        source_url=source,
        site_url=site_root(),
        keep=True,
    )
    response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="rust-meetup-{pk}.ics"'
    return public(response)


@require_safe
def events_json(request: HttpRequest) -> HttpResponse:
    """The list as JSON items, `page`/`page_size` paginated, with the same validators."""
    filterset, queryset = filtered_meetups(request.GET, past_days=FEED_PAST_WINDOW.days)
    if filterset.errors:
        return JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)
    try:
        size = min(max(int(request.GET.get("page_size") or PAGE_SIZE), 1), MAX_PAGE_SIZE)
        number = int(request.GET.get("page") or 1)
    except ValueError:
        return JsonResponse({"errors": {"page": [{"message": "Not a number."}]}}, status=400)
    query = filter_query(request.GET)
    paginator = Paginator(queryset, size)
    try:
        page = paginator.page(number)
    except (EmptyPage, PageNotAnInteger):
        return JsonResponse({"errors": {"page": [{"message": "No such page."}]}}, status=404)
    base = site_root() + reverse("events_json") + "?" + query
    base += ("&" if query else "") + f"page_size={size}&page="
    payload = {
        "count": paginator.count,
        "page": number,
        "pages": paginator.num_pages,
        "next": f"{base}{number + 1}" if page.has_next() else None,
        "previous": f"{base}{number - 1}" if page.has_previous() else None,
        "events": json_items(page.object_list),  # type: ignore[arg-type]  # a sliced QuerySet
    }
    body = json.dumps(payload, ensure_ascii=False)
    return public(HttpResponse(body, content_type="application/json"))


class NewMeetupsFeed(Feed):
    """Atom feed of the most recently listed upcoming meetups, with the list's filters."""

    feed_type = Atom1Feed
    title = "Rust meetups: newly listed"
    subtitle = "Rust community meetups as they appear in This Week in Rust."
    limit = 50

    def link(self) -> str:
        return site_root() + reverse("event_list")

    def feed_url(self) -> str:
        return site_root() + reverse("new_atom")

    def get_object(self, request: HttpRequest) -> MeetupQuerySet:
        filterset, queryset = filtered_meetups(request.GET)
        if filterset.errors:
            raise Http404("Invalid filter.")
        return queryset

    def items(self, queryset: MeetupQuerySet) -> list[Meetup]:
        """The newest listed, one entry per series (its next occurrence): a weekly series
        would otherwise fill the feed with its occurrences."""
        newest = queryset.order_by("-created", "-id").values_list("pk", "series_id")
        chosen: list[int | tuple[str, int]] = []
        seen: set[int] = set()
        for pk, series_id in newest.iterator():
            if series_id is None:
                chosen.append(pk)
            elif series_id not in seen:
                seen.add(series_id)
                chosen.append(("series", series_id))
            if len(chosen) >= self.limit:
                break
        first: dict[int, int] = {}
        for pk, series_id in (
            queryset.filter(series_id__in=seen)
            .order_by("start_date", "starts_at", "id")
            .values_list("pk", "series_id")
        ):
            first.setdefault(series_id, pk)
        pks = [first[item[1]] if isinstance(item, tuple) else item for item in chosen]
        found = queryset.for_display().select_related("series").in_bulk(pks)
        return [found[pk] for pk in pks]

    def item_title(self, meetup: Meetup) -> str:
        # XML refuses control characters: stored text is made printable here (plain_text).
        where = meetup.location_text or "no place"
        rule = f", {meetup.series.rule_text}" if meetup.series and meetup.series.rule_text else ""
        return printable(f"{meetup.start_date}: {meetup.title} ({where}){rule}")

    def item_description(self, meetup: Meetup) -> str:
        groups = printable(", ".join(group.name for group in meetup.ordered_groups()))
        url = web_url(meetup.url)
        return f"{groups} - {url}" if groups else url

    def item_link(self, meetup: Meetup) -> str:
        return site_root() + meetup.get_absolute_url()

    def item_pubdate(self, meetup: Meetup) -> datetime:
        return meetup.created

    def item_updateddate(self, meetup: Meetup) -> datetime:
        return meetup.updated

    def item_guid(self, meetup: Meetup) -> str:
        return f"urn:uuid:{meetup.uid}"

    item_guid_is_permalink = False
