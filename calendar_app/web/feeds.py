"""iCalendar feeds and the JSON API: thin views over the shared FilterSet.

Calendar clients poll; most polls should end in a 304 decided by one aggregate query over
the filtered meetups (plus three small MAX lookups), before anything is rendered.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Max, QuerySet, Sum
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from calendar_app.models import (
    Flag,
    Group,
    Meetup,
    MeetupQuerySet,
    Newsletter,
    Place,
    SourceEvent,
    Status,
)
from calendar_app.queries.filters import MeetupFilter
from calendar_app.queries.selectors import bounded_feed, filtered_meetups
from calendar_app.rendering.export_json import json_items
from calendar_app.rendering.feed_cache import render_calendar
from calendar_app.rendering.ical import RENDER_VERSION
from calendar_app.rendering.plain_text import printable, web_url
from calendar_app.rules import FEED_PAST_WINDOW
from calendar_app.web.page_cache import accepts_gzip
from calendar_app.web.querystring import feed_url, filter_query

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
# An hour: short enough that an edit reaches browsers and proxies the same day, long enough
# to absorb refresh storms; clients revalidate cheaply with the ETag afterwards.
CACHE_CONTROL = "public, max-age=3600"
PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class RenderedFeeds:
    """The last rendered feeds of this process, by ETag.

    The ETag is computed from everything a feed shows before rendering, so a body stored
    under it is exactly what a render would give now: calendar clients polling without
    validators, or many subscribers of one filter, get it without a render.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bodies: OrderedDict[str, bytes] = OrderedDict()

    def get(self, etag: str) -> bytes | None:
        body = self.bodies.get(etag)
        if body is not None:
            self.bodies.move_to_end(etag)
        return body

    def clear(self) -> None:
        self.bodies.clear()

    def put(self, etag: str, body: bytes) -> None:
        self.bodies[etag] = body
        while sum(map(len, self.bodies.values())) > self.max_bytes and len(self.bodies) > 1:
            self.bodies.popitem(last=False)


rendered_feeds = RenderedFeeds(max_bytes=16 * 1024 * 1024)


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: datetime | None

    def apply(self, response: HttpResponse) -> HttpResponse:
        response["ETag"] = self.etag
        if self.last_modified is not None:
            response["Last-Modified"] = http_date(self.last_modified.timestamp())
        response["Cache-Control"] = CACHE_CONTROL
        response["Access-Control-Allow-Origin"] = "*"  # public data, readable from any site
        return response

    def gzipped(self) -> Validators:
        """The validators of the gzip representation: the same data, another ETag."""
        return replace(self, etag=self.etag.removesuffix('"') + '-gzip"')


def validators(kind: str, queryset: QuerySet, key: str, *, with_flags: bool = False) -> Validators:
    """A strong ETag and Last-Modified for `queryset` without rendering it.

    Count and sum of ids change when a meetup enters or leaves the result, max(updated) when
    one is edited (Meetup.save stamps it). Places, organisers and newsletters are shown too
    but do not stamp the meetup, so their newest change anywhere counts as well.
    """
    rows = queryset.order_by().values("id", "updated")  # DISTINCT over two columns, not all
    summary = rows.aggregate(n=Count("id"), ids=Sum("id"), changed=Max("updated"))
    stamps = [
        summary["changed"],
        Newsletter.objects.aggregate(m=Max("ingested_at"))["m"],
        Place.history.aggregate(m=Max("history_date"))["m"],
        Group.history.aggregate(m=Max("history_date"))["m"],
    ]
    if with_flags:
        flags = Flag.objects.aggregate(c=Max("created"), r=Max("resolved_at"), n=Count("id"))
        stamps += [flags["c"], flags["r"]]
        key += f"|flags={flags['n']}"
        # the JSON lists each meetup's sources: a calendar event seen for the first time
        seen = SourceEvent.objects.aggregate(f=Max("first_seen"), n=Count("id"))
        stamps.append(seen["f"])
        key += f"|source_events={seen['n']}"
    generation = "|".join([RENDER_VERSION, *(s.isoformat() if s else "-" for s in stamps[1:])])
    parts = [generation, kind, key, str(summary["n"]), str(summary["ids"]), str(stamps[0])]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    known = [stamp for stamp in stamps if stamp is not None]
    return Validators(etag=f'"{digest}"', last_modified=max(known) if known else None)


def not_modified(request: HttpRequest, checked: Validators) -> HttpResponse | None:
    """304 (or 412) when the client's copy is current; Django compares both validators."""
    # Whole seconds, as HTTP dates have: a float would never compare equal.
    last_modified = int(checked.last_modified.timestamp()) if checked.last_modified else None
    response = get_conditional_response(request, etag=checked.etag, last_modified=last_modified)
    return checked.apply(response) if response is not None else None


def filter_errors(filterset: MeetupFilter) -> HttpResponse:
    text = "Invalid filter:\n" + filterset.errors.as_text()
    return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")


def site_root() -> str:
    """The public base URL. Never the request's Host: a client-chosen host or port would go
    into SOURCE, links and the ETag, and so into responses cached as public (and force a
    re-render of every kept VEVENT for each new value)."""
    return settings.SITE_URL


@require_safe
def events_ics(request: HttpRequest) -> HttpResponse:
    """The subscription feed: no Content-Disposition, or Google refuses to subscribe."""
    filterset, queryset = filtered_meetups(request.GET, past_days=FEED_PAST_WINDOW.days)
    if filterset.errors:
        return filter_errors(filterset)
    queryset = bounded_feed(queryset)
    # The normalised filter (unknown parameters and their order ignored) names the feed in
    # its SOURCE and ETag, so the rendered body kept under that ETag answers any spelling.
    source = feed_url(site_root(), request.GET)
    plain = validators("ics", queryset, source)
    # Calendar clients accept gzip: the feed is compressed once per version and kept (a
    # proxy compressing MBs again for every subscriber costs more than the render did). The
    # two representations have their own ETags, so a revalidation never mixes them up.
    packed = accepts_gzip(request)
    checked = plain.gzipped() if packed else plain
    if cached := not_modified(request, checked):
        return cached
    body = rendered_feeds.get(checked.etag)
    if body is None:
        body = rendered_feeds.get(plain.etag)
        if body is None:
            body = render_calendar(
                queryset,
                description=filterset.description,
                source_url=source,
                site_url=site_root(),
                keep=True,
            )
            rendered_feeds.put(plain.etag, body)
        if packed:
            body = gzip.compress(body, compresslevel=6, mtime=0)
            rendered_feeds.put(checked.etag, body)
    response = checked.apply(HttpResponse(body, content_type=ICS_CONTENT_TYPE))
    if packed:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


@require_safe
def meetup_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One meetup to download; a merged-away one redirects to the meetup that absorbed it."""
    meetup = Meetup.objects.filter(pk=pk).first()
    if meetup is not None and meetup.duplicate_of_id:
        return HttpResponsePermanentRedirect(reverse("meetup_ics", args=[meetup.duplicate_of_id]))
    if meetup is None or meetup.status == Status.HIDDEN:
        raise Http404("No such meetup.")
    queryset = Meetup.objects.filter(pk=pk)
    source = site_root() + reverse("meetup_ics", args=[pk])
    checked = validators("meetup", queryset, source)
    if cached := not_modified(request, checked):
        return cached
    body = render_calendar(
        queryset,
        description=meetup.title,
        source_url=source,
        site_url=site_root(),
        keep=True,
    )
    response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="rust-meetup-{pk}.ics"'
    return checked.apply(response)


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
    checked = validators(
        "json",
        queryset,
        f"{site_root()}?{query}&page={number}&size={size}",
        with_flags=True,
    )
    if cached := not_modified(request, checked):
        return cached
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
    return checked.apply(HttpResponse(body, content_type="application/json"))


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
