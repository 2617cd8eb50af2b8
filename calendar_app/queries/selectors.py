"""Read queries for the public pages; the feeds and the JSON API reuse `filtered_meetups`.

Every selector runs a fixed number of queries, whatever the number of meetups, so the
pages stay fast on a large archive (tests pin the counts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from calendar_app.geocoding.distance import distance_km
from calendar_app.geocoding.names import place_label
from calendar_app.geocoding.regions import place_region
from calendar_app.matching.survivor import follow_merges
from calendar_app.models import (
    Attendance,
    Group,
    Meetup,
    MeetupGroup,
    MeetupPlace,
    MeetupQuerySet,
    Place,
    Sighting,
    SourceEvent,
    Status,
    region_label,
)
from calendar_app.queries.filters import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, MeetupFilter
from calendar_app.queries.nearby import CityLookup, find_city
from calendar_app.queries.search import terms_of
from calendar_app.windows import FEED_MAX_EVENTS, FEED_MAX_PAST

MAX_MARKERS = 500  # the list page's map shows the first 500 meetups of the whole filter
MAX_MERGE_CHAIN = 20


def filtered_meetups(
    data: Mapping[str, Any] | None, *, past_days: int = 0, queryset: QuerySet | None = None
) -> tuple[MeetupFilter, MeetupQuerySet]:
    """Bind the shared FilterSet to query parameters and apply it to published meetups.

    Unless the filter asks for the past (`include_past`, `start`), only meetups running
    `past_days` ago or later come back (pages: upcoming; feeds keep 30 days). An invalid
    filter yields an empty queryset (the FilterSet's form carries the errors), so a bad
    value is reported instead of being silently ignored.
    """
    base = Meetup.objects.published() if queryset is None else queryset
    filterset = MeetupFilter(data or {}, queryset=base)
    if not filterset.is_valid():
        return filterset, Meetup.objects.none()
    result = cast(MeetupQuerySet, filterset.qs)
    if filterset.wants_default_window:
        result = result.since(timezone.localdate() - timedelta(days=past_days))
    return filterset, result


def bounded_feed(queryset: MeetupQuerySet, *, today: date | None = None) -> MeetupQuerySet:
    """`queryset` within a feed's bounds (windows.FEED_MAX_PAST, FEED_MAX_EVENTS), still a
    filter (no slice, no list of ids), so validators and renders read it as before. One
    query when the feed is within bounds, four when it is not."""
    today = today or timezone.localdate()
    queryset = queryset.since(today - FEED_MAX_PAST)
    if queryset.count() <= FEED_MAX_EVENTS:  # the usual case: one query
        return queryset
    upcoming = queryset.since(today)
    dates = upcoming.order_by("start_date").values_list("start_date", flat=True)
    over = list(dates[FEED_MAX_EVENTS : FEED_MAX_EVENTS + 1])
    if over:  # more upcoming meetups than a feed holds: the soonest, and no past
        return upcoming.filter(start_date__lt=over[0])
    room = FEED_MAX_EVENTS - upcoming.count()
    past = queryset.filter(end_date__lt=today).order_by("-start_date")
    over = list(past.values_list("start_date", flat=True)[room : room + 1])
    if over:  # the newest of the past that fits
        return queryset.filter(Q(end_date__gte=today) | Q(start_date__gt=over[0]))
    return queryset


@dataclass
class MeetupList:
    """The list page's data: the bound filter, the ordered ids it selects, their distances.

    The filter runs once, for ids only; the page's meetups and the map's markers are then
    fetched by id, so a costly filter (near me) is not evaluated three times. With
    `fold_series`, a series shows once (its first meetup in the list's order) and
    `more_dates` says how many other dates of it the filter selects; `series_count` is the
    number of series with more than one date, folded or not.
    """

    filterset: MeetupFilter
    ids: list[int]
    distances: dict[int, float]
    more_dates: dict[int, int] = field(default_factory=dict)
    series_count: int = 0


def meetup_list(params: QueryDict, *, past_days: int = 0, fold_series: bool = False) -> MeetupList:
    """Filtered meetup ids in display order: nearest first near a place, else by date
    (newest first when past meetups are included: the recent past is what one looks for)."""
    filterset, queryset = filtered_meetups(params, past_days=past_days)
    if not filterset.is_valid():
        return MeetupList(filterset, [], {})
    data = filterset.form.cleaned_data
    distances: dict[int, float] = {}
    if data.get("near"):
        near_rows = list(queryset.values_list("id", "series_id", "distance_km"))
        rows = [(pk, series) for pk, series, _ in near_rows]
        distances = {pk: km for pk, _, km in near_rows}
    else:
        newest_first = bool(data.get("include_past") and not data.get("start"))
        ordered = cast(MeetupQuerySet, queryset).chronological(newest_first=newest_first)
        rows = list(ordered.values_list("id", "series_id"))
    folded, more = fold_by_series(rows)
    series_count = len(more)
    if not fold_series:
        return MeetupList(filterset, [pk for pk, _ in rows], distances, {}, series_count)
    return MeetupList(filterset, folded, distances, more, series_count)


def fold_by_series(rows: list[tuple[int, int | None]]) -> tuple[list[int], dict[int, int]]:
    """(meetup id, series id) in display order -> the ids with each series kept at its first
    meetup, and {that meetup: how many other dates of its series were folded into it}."""
    first_of: dict[int, int] = {}
    ids: list[int] = []
    more: dict[int, int] = {}
    for pk, series in rows:
        if series is None:
            ids.append(pk)
        elif series in first_of:
            shown = first_of[series]
            more[shown] = more.get(shown, 0) + 1
        else:
            first_of[series] = pk
            ids.append(pk)
    return ids, more


# What a list row (partials/meetup_item.html) shows: no links, no JSON, no history fields.
LIST_FIELDS = (
    "id",
    "title",
    "start_date",
    "end_date",
    "starts_at",
    "ends_at",
    "timezone",
    "attendance",
    "status",
    "series",
    "series__rule_text",
)
PLACE_FIELDS = (
    "text",
    "written",
    "city",
    "admin1",
    "country",
    "latitude",
    "longitude",
    "timezone",
)


def meetups_by_id(
    ids: list[int],
    distances: dict[int, float] | None = None,
    more_dates: dict[int, int] | None = None,
) -> list[Meetup]:
    """The meetups of one page, in the given order, with everything the list shows (and
    how many more dates of its series each stands for, when the list folds them)."""
    found = (
        Meetup.objects.filter(pk__in=ids)
        .select_related("series")
        .only(*LIST_FIELDS)
        .prefetch_related(
            Prefetch(
                "meetupgroup_set",
                queryset=MeetupGroup.objects.select_related("group").only(
                    "meetup", "position", "group", "group__name", "group__slug"
                ),
            ),
            Prefetch(
                "meetupplace_set",
                queryset=MeetupPlace.objects.select_related("place").only(
                    "meetup",
                    "position",
                    "inferred",
                    "place",
                    *(f"place__{name}" for name in PLACE_FIELDS),
                ),
            ),
        )
        .in_bulk()
    )
    meetups = [found[pk] for pk in ids if pk in found]
    for meetup in meetups:
        meetup.distance_km = (distances or {}).get(meetup.pk)
        meetup.more_dates = (more_dates or {}).get(meetup.pk, 0)
    return meetups


def map_markers(ids: list[int], *, limit: int = MAX_MARKERS) -> list[dict]:
    """One marker per place for the first `limit` meetups, listing a few of them: one query.

    Grouping by place keeps the map readable (a city's monthly meetups share one pin) and
    the page small.
    """
    order = {pk: n for n, pk in enumerate(ids[:limit])}
    found = MeetupPlace.objects.filter(
        meetup__pk__in=list(order),  # a plain IN: no per-id normalising
        place__latitude__isnull=False,
        place__longitude__isnull=False,
    ).values(
        "meetup_id",
        "position",
        "meetup__title",
        "meetup__start_date",
        "meetup__attendance",
        "meetup__status",
        "place__latitude",
        "place__longitude",
        "place__city",
    )
    rows = sorted(found, key=lambda row: (order[row["meetup_id"]], row["position"]))
    return _group_by_place(
        (
            row["place__latitude"],
            row["place__longitude"],
            row["place__city"],
            {
                "id": row["meetup_id"],
                "title": row["meetup__title"] or "Rust meetup",
                "date": row["meetup__start_date"].isoformat(),
                "attendance": row["meetup__attendance"],
                "cancelled": row["meetup__status"] == Status.CANCELLED,
            },
        )
        for row in rows
    )


def place_markers(meetups: list[Meetup]) -> list[dict]:
    """Markers from meetups whose places are already prefetched (no query)."""
    return _group_by_place(
        (
            place.latitude,
            place.longitude,
            place.city,
            {
                "id": meetup.pk,
                "title": meetup.title or "Rust meetup",
                "date": meetup.start_date.isoformat(),
                "attendance": meetup.attendance,
                "cancelled": meetup.status == Status.CANCELLED,
            },
        )
        for meetup in meetups
        for place in meetup.ordered_places()
        if place.has_coordinates
    )


def location_markers(places: Sequence[Place]) -> list[dict]:
    """Markers for places themselves (where a group meets)."""
    return [
        {
            "lat": round(place.latitude or 0.0, 5),
            "lon": round(place.longitude or 0.0, 5),
            "city": place.label,
            "count": 0,
            "meetups": [],
        }
        for place in places
        if place.has_coordinates
    ]


MEETUPS_PER_MARKER = 5


def _group_by_place(rows: Iterable[tuple]) -> list[dict]:
    """{lat, lon, city, count, meetups: [{id, title, date, attendance, cancelled}, ...]}."""
    markers: dict[tuple[float, float], dict] = {}
    for lat, lon, city, meetup in rows:
        key = (round(lat, 5), round(lon, 5))
        marker = markers.setdefault(
            key, {"lat": key[0], "lon": key[1], "city": city, "count": 0, "meetups": []}
        )
        marker["count"] += 1
        if len(marker["meetups"]) < MEETUPS_PER_MARKER:
            marker["meetups"].append(meetup)
    return list(markers.values())


# --- month view (the grid itself is built in calendar_app/web/month.py) ----------------------

ALL_THE_PAST = 365 * 100  # days: a filter's default "upcoming only" lifted
MONTH_COLUMNS = (
    "id",
    "title",
    "start_date",
    "end_date",
    "attendance",
    "status",
    "starts_at",
    "timezone",
)


def month_rows(
    params: QueryDict, grid_start: date, grid_end: date, *, today: date
) -> tuple[MeetupFilter, list[tuple]]:
    """The filter and the meetups overlapping the grid's days, as MONTH_COLUMNS tuples."""
    past_days = max(0, (today - grid_start).days)  # the filter's "upcoming" must not hide the month
    filterset, queryset = filtered_meetups(params, past_days=past_days)
    rows = list(
        queryset.overlapping(grid_start, grid_end).chronological().values_list(*MONTH_COLUMNS)
    )
    return filterset, rows


NEAREST = 3  # an empty month shows this many meetups before it and after it


def nearest_meetups(
    params: QueryDict, first: date, last: date, *, limit: int = NEAREST
) -> tuple[list[Meetup], list[Meetup]]:
    """The most recent meetups before an empty month (newest first) and the next ones after.

    So a month with nothing on it (between newsletters, or an archive that ends in the
    past) still shows meetups, clearly labelled, instead of an empty page.
    """
    _, everything = filtered_meetups(params, past_days=ALL_THE_PAST)
    ids = everything.order_by().values_list("id", flat=True)
    before = list(ids.filter(start_date__lt=first).order_by("-start_date", "-id")[:limit])
    after = list(ids.filter(start_date__gt=last).order_by("start_date", "id")[:limit])
    found = {m.pk: m for m in meetups_by_id(before + after)}
    return [found[pk] for pk in before if pk in found], [found[pk] for pk in after if pk in found]


def primary_places(meetup_ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """(city, place in words, time zone) of each meetup's primary place, in one query."""
    if not meetup_ids:
        return {}
    rows = (
        MeetupPlace.objects.filter(meetup_id__in=meetup_ids)
        .order_by("meetup_id", "-position", "-id")
        .values_list(
            "meetup_id",
            "place__city",
            "place__admin1",
            "place__country",
            "place__written",
            "place__timezone",
        )
    )
    found: dict[int, tuple[str, str, str]] = {}
    for meetup_id, city, admin1, country, written, zone in rows:  # the lowest position wins
        found[meetup_id] = (city, place_label(city, admin1, country, written), zone)
    return found


# --- one meetup -------------------------------------------------------------------------


@dataclass
class Lookup:
    """What `/events/<id>/` should do: show `meetup`, or redirect to `redirect_to`."""

    meetup: Meetup | None = None
    redirect_to: Meetup | None = None


def meetup_detail(pk: int) -> Lookup:
    """The meetup to show, the survivor a merged-away id redirects to, or nothing (404)."""
    meetup = (
        Meetup.objects.for_display()
        .prefetch_related(
            Prefetch(
                "sightings",
                queryset=Sighting.objects.select_related("newsletter").order_by(
                    "newsletter__date", "newsletter__number", "line"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if meetup is None:
        return Lookup()
    if meetup.duplicate_of_id:
        survivor = _survivor(meetup)
        return Lookup(redirect_to=survivor) if survivor else Lookup()
    if meetup.status == Status.HIDDEN:
        return Lookup()
    return Lookup(meetup=meetup)


def _survivor(meetup: Meetup) -> Meetup | None:
    """The meetup that absorbed this one (published, not hidden), merges followed by the
    one rule (`follow_merges`); none for a loop, a broken or an overlong chain."""
    merged_into: dict[int, int | None] = {meetup.pk: meetup.duplicate_of_id}
    pending = meetup.duplicate_of_id
    for _ in range(MAX_MERGE_CHAIN):
        if pending is None or pending in merged_into:
            break
        rows = Meetup.objects.filter(pk=pending).values_list("duplicate_of_id", flat=True)
        merged_into[pending] = target = next(iter(rows), None)
        pending = target
    survivor_id = follow_merges(meetup.pk, merged_into)
    if survivor_id == meetup.pk:
        return None
    survivor = Meetup.objects.filter(pk=survivor_id, duplicate_of__isnull=True)
    return survivor.exclude(status=Status.HIDDEN).only("id", "status", "duplicate_of").first()


# --- groups -----------------------------------------------------------------------------

PAST_LIMIT = 30


def group_list(*, today: date | None = None) -> QuerySet:
    """Groups with at least one public meetup, with their upcoming count and next date."""
    today = today or timezone.localdate()
    public = Q(meetups__duplicate_of__isnull=True) & ~Q(meetups__status=Status.HIDDEN)
    upcoming = public & Q(meetups__end_date__gte=today)
    return (
        Group.objects.annotate(
            total=Count("meetups", filter=public),
            upcoming=Count("meetups", filter=upcoming),
            next_date=Min("meetups__start_date", filter=upcoming),
        )
        .filter(total__gt=0)
        .order_by("name")
    )


@dataclass
class GroupRow:
    """A group as the directory lists it: where it usually meets, its region, how far."""

    group: Group
    home: Place | None = None
    region: str = ""
    distance_km: float | None = None


@dataclass
class GroupDirectory:
    """The groups page: a page of groups with where they meet, narrowed by a search or near
    a city; `count` groups in all."""

    rows: list[GroupRow]
    q: str = ""
    near_city: str = ""
    radius_km: float = DEFAULT_RADIUS_KM
    lookup: CityLookup | None = None
    page: Page | None = None

    @property
    def count(self) -> int:
        return self.page.paginator.count if self.page is not None else len(self.rows)

    @property
    def error(self) -> str:
        return self.lookup.error if self.lookup is not None else ""


GROUPS_PER_PAGE = 60


def group_directory(params: QueryDict, *, today: date | None = None) -> GroupDirectory:
    """The groups with a public meetup, a page at a time (GROUPS_PER_PAGE): their usual
    place and region; `q` searches names and places (folded, with city aliases),
    `near_city` keeps those meeting within `radius_km`, nearest first. Whatever the number
    of groups, a page costs the same queries and renders GROUPS_PER_PAGE cards: the whole
    list is only ids (and, for a search, names and usual places)."""
    directory = GroupDirectory([], q=params.get("q", "").strip()[:200])
    directory.near_city = params.get("near_city", "").strip()[:200]
    public = Meetup.objects.filter(groups=OuterRef("pk"), duplicate_of__isnull=True).exclude(
        status=Status.HIDDEN
    )
    listed = Group.objects.filter(Exists(public)).order_by("name", "pk")
    homes: dict[int, Place] = {}
    distances: dict[int, float] = {}
    if directory.q or directory.near_city:
        names = dict(listed.values_list("pk", "search_name"))
        homes = group_homes(list(names))
        ids = [pk for pk in names if _group_matches(names[pk], homes.get(pk), directory.q)]
        if directory.near_city:
            ids = _near(directory, params.get("radius_km", ""), ids, homes, distances)
    else:
        ids = list(listed.values_list("pk", flat=True))
    directory.page = page = Paginator(ids, GROUPS_PER_PAGE).get_page(params.get("page"))
    page_ids = list(page.object_list)
    groups = group_list(today=today).filter(pk__in=page_ids).in_bulk(page_ids)
    homes = homes or group_homes(page_ids)
    for pk in page_ids:
        if pk in groups:
            home = homes.get(pk)
            row = GroupRow(groups[pk], home, _region_label(home), distances.get(pk))
            directory.rows.append(row)
    return directory


def _near(
    directory: GroupDirectory,
    radius_text: str,
    ids: list[int],
    homes: dict[int, Place],
    distances: dict[int, float],
) -> list[int]:
    """The groups whose usual place is within the radius of the city, nearest first."""
    try:
        radius = float(radius_text or DEFAULT_RADIUS_KM)
    except ValueError:
        radius = DEFAULT_RADIUS_KM
    directory.radius_km = min(max(radius, 1.0), float(MAX_RADIUS_KM))
    directory.lookup = lookup = find_city(directory.near_city)
    if lookup.point is None:
        return []
    distances.update(_homes_within(lookup.point, directory.radius_km, ids, homes))
    return sorted(distances, key=distances.__getitem__)  # stable: by name at one distance


def _homes_within(
    point: tuple[float, float], radius_km: float, ids: list[int], homes: dict[int, Place]
) -> dict[int, float]:
    """{group id: km} of the groups (in `ids` order) whose usual place is within the radius."""
    found: dict[int, float] = {}
    for pk in ids:
        home = homes.get(pk)
        if home is None or home.latitude is None or home.longitude is None:
            continue
        distance = distance_km(point, (home.latitude, home.longitude))
        if distance <= radius_km:
            found[pk] = distance
    return found


NEARBY_GROUPS_KM = 500  # an empty near-me search offers the groups meeting this close
NEARBY_GROUPS = 8
ONLINE_SHOWN = 10


@dataclass
class NearbyInstead:
    """What an empty near-me search offers instead: the groups whose usual place is near
    (nearest first, with their upcoming count; their pages and feeds), and the upcoming
    online meetups, which anyone can join from anywhere."""

    groups: list[GroupRow]
    groups_radius_km: float
    online: list[Meetup]
    online_total: int


def nearby_instead(
    point: tuple[float, float],
    radius_km: float,
    *,
    with_online: bool = True,
    today: date | None = None,
) -> NearbyInstead:
    """Groups within max(radius, NEARBY_GROUPS_KM) of `point` and the next online meetups
    (`online_total` of them upcoming); a fixed number of queries whatever the number of
    groups."""
    today = today or timezone.localdate()
    reach = min(max(float(radius_km), NEARBY_GROUPS_KM), float(MAX_RADIUS_KM))
    public = Meetup.objects.filter(groups=OuterRef("pk"), duplicate_of__isnull=True).exclude(
        status=Status.HIDDEN
    )
    ids = list(
        Group.objects.filter(Exists(public)).order_by("name", "pk").values_list("pk", flat=True)
    )
    homes = group_homes(ids)
    distances = _homes_within(point, reach, ids, homes)
    nearest = sorted(distances, key=distances.__getitem__)[:NEARBY_GROUPS]
    groups = group_list(today=today).filter(pk__in=nearest).in_bulk(nearest)
    rows = [
        GroupRow(groups[pk], homes.get(pk), _region_label(homes.get(pk)), distances[pk])
        for pk in nearest
        if pk in groups
    ]
    online: list[Meetup] = []
    total = 0
    if with_online:
        joinable = (
            Meetup.objects.published()
            .upcoming(today)
            .filter(attendance=Attendance.VIRTUAL)
            .exclude(status=Status.CANCELLED)
        )
        total = joinable.count()
        online_ids = list(joinable.chronological().values_list("id", flat=True)[:ONLINE_SHOWN])
        online = meetups_by_id(online_ids) if online_ids else []
    return NearbyInstead(rows, reach, online, total)


def _group_matches(search_name: str, home: Place | None, query: str) -> bool:
    """Every word in the name or the usual place (accents, case and city aliases forgiven),
    by the rule the meetup search applies in SQL; no query keeps every group."""
    text = search_name + (home.search_text if home else "")
    return all(terms.matches(text) for terms in terms_of(query))


def _region_label(place: Place | None) -> str:
    return region_label(place_region(place.country, place.status)) if place is not None else ""


def group_homes(group_ids: list[int]) -> dict[int, Place]:
    """Each group's usual place: where most of its public meetups were (two queries)."""
    rows = (
        MeetupPlace.objects.filter(
            meetup__groups__in=group_ids, meetup__duplicate_of__isnull=True, position=0
        )
        .exclude(meetup__status=Status.HIDDEN)
        .values_list("meetup__groups", "place_id")
        .annotate(uses=Count("id"))
        .order_by("meetup__groups", "-uses", "place_id")
    )
    best: dict[int, int] = {}
    for group_id, place_id, _ in rows:
        best.setdefault(group_id, place_id)
    places = Place.objects.in_bulk(set(best.values()))
    return {group: places[place] for group, place in best.items() if place in places}


def group_markers(rows: list[GroupRow]) -> list[dict]:
    """One marker per place, listing the groups that meet there (links to their pages)."""
    markers: dict[tuple[float, float], dict] = {}
    for row in rows:
        home = row.home
        if home is None or home.latitude is None or home.longitude is None:
            continue
        key = (round(home.latitude, 5), round(home.longitude, 5))
        marker = markers.setdefault(
            key, {"lat": key[0], "lon": key[1], "city": home.label, "count": 0, "meetups": []}
        )
        marker.setdefault("groups", []).append(
            {"name": row.group.name, "url": row.group.get_absolute_url()}
        )
    return list(markers.values())


@dataclass
class GroupPage:
    group: Group
    upcoming: list[Meetup]
    past: list[Meetup]
    past_total: int
    places: Sequence[Place]


def group_page(slug: str, *, today: date | None = None) -> GroupPage | None:
    """A group's upcoming meetups, its most recent past ones, and where it meets."""
    today = today or timezone.localdate()
    group = Group.objects.filter(slug=slug).first()
    if group is None:
        return None
    meetups = Meetup.objects.published().filter(groups=group)
    upcoming = list(meetups.upcoming(today).chronological().for_display())
    past_qs = meetups.filter(end_date__lt=today)
    past = list(past_qs.order_by("-start_date", "-id").for_display()[:PAST_LIMIT])
    past_total = past_qs.count() if len(past) == PAST_LIMIT else len(past)
    places = list(
        Place.objects.filter(meetups__in=meetups)
        .annotate(uses=Count("meetups"))
        .order_by("-uses", "city", "text")
    )
    return GroupPage(group, upcoming, past, past_total, places)


SERIES_SHOWN = 5


@dataclass(frozen=True)
class MeetupStory:
    """What a meetup page tells beyond the meetup's own fields: where exactly (the venue
    rows of its places), who hosts it (Luma's ORGANIZER), its series' next sessions, and
    for a past meetup the next session of its series or organiser."""

    venues: list[MeetupPlace]
    host: str
    series_next: list[Meetup]
    past: bool
    next_session: Meetup | None


def meetup_story(meetup: Meetup, today: date | None = None) -> MeetupStory:
    """Three queries at most (host, series, next session); the places are prefetched."""
    today = today or timezone.localdate()
    hosts = (
        SourceEvent.objects.filter(meetup=meetup)
        .order_by("-last_seen", "id")
        .values_list("values", flat=True)[:5]
    )
    host = next((v.get("host", "") for v in hosts if isinstance(v, dict) and v.get("host")), "")
    upcoming = Meetup.objects.published().exclude(pk=meetup.pk).filter(start_date__gte=today)
    series: list[Meetup] = []
    if meetup.series_id:
        series = list(
            upcoming.filter(series_id=meetup.series_id).order_by("start_date", "starts_at", "id")[
                :SERIES_SHOWN
            ]
        )
    past = meetup.end_date < today
    following = series[0] if series else None
    if past and following is None:
        groups = [group.pk for group in meetup.ordered_groups()]
        following = (
            upcoming.filter(groups__in=groups).order_by("start_date", "starts_at", "id").first()
            if groups
            else None
        )
    return MeetupStory(
        venues=list(meetup.meetupplace_set.all()),
        host=host,
        series_next=series,
        past=past,
        next_session=following if past else None,
    )


def venue_markers(meetup: Meetup) -> list[dict]:
    """The meetup's pins: on the venue when its calendar gave the venue's coordinates,
    else on the town."""
    return _group_by_place(
        (
            row.latitude if row.has_venue_coordinates else row.place.latitude,
            row.longitude if row.has_venue_coordinates else row.place.longitude,
            row.venue or row.place.city,
            {
                "id": meetup.pk,
                "title": meetup.title or "Rust meetup",
                "date": meetup.start_date.isoformat(),
                "attendance": meetup.attendance,
                "cancelled": meetup.status == Status.CANCELLED,
            },
        )
        for row in meetup.meetupplace_set.all()
        if row.has_venue_coordinates or row.place.has_coordinates
    )
