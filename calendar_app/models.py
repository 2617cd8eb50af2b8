"""The data model: newsletters, the meetups they list, and what curators say about them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce, Length, Upper
from django.db.models.lookups import Exact
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.timezone import now
from simple_history.models import HistoricalRecords

from calendar_app.geocoding.names import place_label
from calendar_app.rules import (
    Attendance,
    FlagKind,
    bumps_sequence,
    event_timezone,
    location_text,
    zone_or_none,
)

_SLOT = "0x0slot0x0"  # stands for the one argument in a reversed URL


@lru_cache(maxsize=16)
def _url_template(name: str, script_prefix: str) -> str:
    sample = 987654321 if name == "meetup_detail" else _SLOT
    return reverse(name, args=[sample]).replace(str(sample), "{}")


def url_for(name: str, arg: int | str) -> str:
    """`reverse(name, args=[arg])` for a one-argument URL, resolved once per name: list
    pages link dozens of meetups and groups, and `reverse` is the slow part of that."""
    return _url_template(name, get_script_prefix()).format(quote(str(arg)))


class Region(models.TextChoices):
    AFRICA = "africa", "Africa"
    ASIA = "asia", "Asia"
    EUROPE = "europe", "Europe"
    NORTH_AMERICA = "north-america", "North America"
    OCEANIA = "oceania", "Oceania"
    SOUTH_AMERICA = "south-america", "South America"


def region_label(region: str) -> str:
    """`north-america` -> "North America"; an unknown slug as it is, "" as ""."""
    return str(Region(region).label) if region in Region.values else region


class Status(models.TextChoices):
    PUBLISHED = "published", "Published"
    HIDDEN = "hidden", "Hidden"
    CANCELLED = "cancelled", "Cancelled"


class Newsletter(models.Model):
    """One issue of This Week in Rust as ingested."""

    key = models.CharField(max_length=300, unique=True, help_text="Number, or date/source.")
    number = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    date = models.DateField(null=True, blank=True, db_index=True)
    title = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=1000, help_text="Path or URL it was read from.")
    content_hash = models.CharField(max_length=64)
    window_start = models.DateField(null=True, blank=True)
    window_end = models.DateField(null=True, blank=True)
    repaired = models.BooleanField(default=False, help_text="Encoding damage was repaired.")
    ingested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-number"]

    def __str__(self) -> str:
        if self.number:
            return f"TWIR {self.number} ({self.date})"
        return self.title or self.source


class Group(models.Model):
    """An organiser; aliases (names and URLs) let later imports find it again."""

    name = models.CharField(max_length=300)
    url = models.URLField(max_length=1000, blank=True)
    slug = models.SlugField(max_length=200, unique=True)
    source_date = models.DateField(
        null=True, blank=True, help_text="Date of the newest newsletter its name comes from."
    )
    search_name = models.TextField(
        blank=True, editable=False, help_text="The name folded for search (search_text.py)."
    )
    history = HistoricalRecords(excluded_fields=["source_date", "search_name"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return url_for("group_detail", self.slug)

    @property
    def aliases(self) -> list[str]:
        return [alias.key for alias in self.alias_set.all()]

    @staticmethod
    def unique_slug(name: str, taken: set[str] | None = None) -> str:
        """A free slug for `name`; `taken` (all slugs in use) spares a query per try."""
        base = slugify(name)[:180] or "group"

        def in_use(slug: str) -> bool:
            return slug in taken if taken is not None else Group.objects.filter(slug=slug).exists()

        slug, n = base, 2
        while in_use(slug):
            slug, n = f"{base}-{n}", n + 1
        return slug


class GroupAlias(models.Model):
    """`url:<canonical url>` or `name:<folded name>`: unique, so a group is found again,
    never duplicated."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="alias_set")
    key = models.CharField(max_length=1100, unique=True)
    pinned = models.BooleanField(
        default=False, help_text="Set by a curator (a merge or a move): imports never move it."
    )

    class Meta:
        verbose_name_plural = "group aliases"

    def __str__(self) -> str:
        return self.key


class GroupListing(models.Model):
    """One way organisers were listed: a name with a page (as GroupAlias keys; either may
    be empty), and the newest issue that listed it so. Which pages and names are one
    organiser is a function of all of these (`services.groups.organisers`)."""

    key = models.CharField(max_length=64, unique=True)  # digest of name_key and url_key
    name_key = models.CharField(max_length=1100, blank=True)
    url_key = models.CharField(max_length=1100, blank=True)
    name = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    first_listed = models.DateField(null=True, blank=True)
    last_listed = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} {self.url}".strip()


class PlaceStatus(models.TextChoices):
    PENDING = "pending", "Not geocoded yet"
    RESOLVED = "resolved", "Resolved"
    FUZZY = "fuzzy", "Fuzzy match"
    CORRECTED = "corrected", "Corrected"
    NOT_FOUND = "not_found", "Not found"
    NOT_A_PLACE = "not_a_place", "Not a place"


def normalise_country_code(value: str | None) -> str:
    """`de ` -> `DE`: how Place.country is stored (a check constraint insists)."""
    return (value or "").strip().upper()


class Place(models.Model):
    """One distinct normalised location text, geocoded once."""

    text = models.CharField(max_length=500, unique=True, help_text="Normalised location text.")
    written = models.CharField(max_length=500, blank=True, help_text="As first written.")
    city = models.CharField(max_length=200, blank=True)
    admin1 = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    timezone = models.CharField(max_length=64, blank=True)
    geocoder = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        max_length=20, choices=PlaceStatus.choices, default=PlaceStatus.PENDING, db_index=True
    )
    locked = models.BooleanField(default=False, help_text="Set by a curator: never geocoded again.")
    raw = models.JSONField(default=dict, blank=True, help_text="The geocoder's answer.")
    geocoded_at = models.DateTimeField(null=True, blank=True)
    search_text = models.TextField(
        blank=True, editable=False, help_text="City, text and label folded for search."
    )
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        ordering = ["text"]
        constraints = [
            # ISO 3166-1 alpha-2, upper-case, or empty: filters match it exactly (indexable).
            models.CheckConstraint(
                condition=Q(country="")
                | (Q(Exact(Length("country"), 2)) & Q(country=Upper("country"))),
                name="place_country_iso_upper",
                violation_error_message="Country must be a two-letter ISO code (e.g. DE) or empty.",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.country = normalise_country_code(self.country)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Forms validate constraints after clean(): a curator may type `de`."""
        self.country = normalise_country_code(self.country)

    @property
    def label(self) -> str:
        """The place in words ("Vienna, Austria"): pages, feeds and calendar links."""
        return place_label(self.city, self.admin1, self.country, self.written or self.text)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class MeetupQuerySet(models.QuerySet):
    def canonical(self) -> MeetupQuerySet:
        """Not merged away."""
        return self.filter(duplicate_of__isnull=True)

    def published(self) -> MeetupQuerySet:
        """What the public sees: not hidden, not merged away (cancelled ones show as such)."""
        return self.canonical().exclude(status=Status.HIDDEN)

    def since(self, day: date) -> MeetupQuerySet:
        """Meetups still running on or after `day` (the default windows below)."""
        return self.filter(end_date__gte=day)

    def upcoming(self, today: date | None = None) -> MeetupQuerySet:
        return self.since(today or timezone.localdate())

    def overlapping(self, start: date, end: date) -> MeetupQuerySet:
        return self.filter(start_date__lte=end, end_date__gte=start)

    def chronological(self, *, newest_first: bool = False) -> MeetupQuerySet:
        """By day, then by start time (meetups known by date only first), then title; with
        `newest_first` the days run backwards, a day's meetups still in the order of the day."""
        day = "-start_date" if newest_first else "start_date"
        return self.order_by(day, models.F("starts_at").asc(nulls_first=True), "title", "id")

    def with_open_flag_count(self) -> MeetupQuerySet:
        return self.annotate(open_flags=Count("flags", filter=Q(flags__resolved=False)))

    def for_display(self) -> MeetupQuerySet:
        """Everything a list or feed shows, in a fixed number of queries."""
        return self.prefetch_related(
            models.Prefetch(
                "meetupgroup_set", queryset=MeetupGroup.objects.select_related("group")
            ),
            models.Prefetch(
                "meetupplace_set", queryset=MeetupPlace.objects.select_related("place")
            ),
            models.Prefetch("links", queryset=MeetupLink.objects.order_by("position", "id")),
        )


class Meetup(models.Model):
    """One real-world event, however many times and ways the newsletters listed it."""

    # A curator edits these on the meetup itself; with its relations, ingest never
    # overwrites one a curator set (locked_fields).
    OWN_FIELDS = (
        "title",
        "start_date",
        "end_date",
        "starts_at",
        "ends_at",
        "timezone",
        "attendance",
        "region",
        "status",
        "description",
    )
    LOCKABLE_FIELDS = (*OWN_FIELDS, "places", "groups", "links")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=500, blank=True)
    search_title = models.TextField(
        blank=True, editable=False, help_text="The title folded for search (search_text.py)."
    )
    start_date = models.DateField(db_index=True)
    end_date = models.DateField(db_index=True)
    starts_at = models.DateTimeField(
        null=True, blank=True, help_text="Start instant; empty when only the date is known."
    )
    ends_at = models.DateTimeField(
        null=True, blank=True, help_text="End instant; empty when only the date is known."
    )
    timezone = models.CharField(
        max_length=64,
        blank=True,
        help_text="IANA zone of the event (the calendar's TZID, else its place's zone).",
    )
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.IN_PERSON, db_index=True
    )
    region = models.CharField(max_length=20, choices=Region.choices, blank=True, db_index=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE.")
    locked_fields = models.JSONField(default=list, blank=True)
    merge_record = models.JSONField(
        default=dict,
        blank=True,
        help_text="What a curator's merge moved away, so unmerge can undo it.",
    )
    source_date = models.DateField(
        null=True, blank=True, help_text="Date of the newest newsletter its values come from."
    )
    fallback_key = models.CharField(
        max_length=600, blank=True, db_index=True, help_text="Identity of an entry with no link."
    )
    description = models.TextField(
        blank=True,
        default="",
        db_default="",
        help_text="Plain text from its calendar (links are made clickable).",
    )
    series = models.ForeignKey(
        "Series",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetups",
        help_text="The recurring calendar event it is an occurrence of.",
    )
    groups = models.ManyToManyField(Group, through="MeetupGroup", related_name="meetups")
    places = models.ManyToManyField(Place, through="MeetupPlace", related_name="meetups")
    created = models.DateTimeField(auto_now_add=True)
    # `now`, not `timezone.now`: in this class body `timezone` is the field above
    updated = models.DateTimeField(default=now, db_index=True)
    history = HistoricalRecords(
        excluded_fields=["updated", "source_date", "fallback_key", "search_title"]
    )

    objects = MeetupQuerySet.as_manager()
    distance_km: float | None = None  # set by the near-me list: how far its nearest place is

    class Meta:
        ordering = ["start_date", "title", "id"]
        indexes = [
            # The public pages only ever read meetups that were not merged away, by date.
            models.Index(
                fields=["start_date", "end_date"],
                name="meetup_public_dates",
                condition=Q(duplicate_of__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="meetup_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="meetup_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(attendance__in=Attendance.values), name="meetup_attendance_valid"
            ),
            models.CheckConstraint(
                condition=Q(region__in=["", *Region.values]), name="meetup_region_valid"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gte=models.F("starts_at")),
                name="meetup_ends_at_after_starts_at",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(starts_at__isnull=False),
                name="meetup_ends_at_needs_starts_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_date} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.updated = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return url_for("meetup_detail", self.pk)

    def note_changes(self, changed: Iterable[str]) -> bool:
        """`changed` fields (or "places") changed: SEQUENCE goes up when calendar clients
        must pick that up (`rules.bumps_sequence`, RFC 5545); True when it did."""
        if not bumps_sequence(changed):
            return False
        self.sequence += 1
        self.updated = timezone.now()
        return True

    def reschedule(self, *, start_date: date, end_date: date) -> bool:
        """Move the meetup; True when its dates changed (then SEQUENCE goes up)."""
        if (start_date, end_date) == (self.start_date, self.end_date):
            return False
        self.start_date, self.end_date = start_date, end_date
        self.note_changes(["start_date", "end_date"])
        return True

    def set_status(self, status: str) -> bool:
        """Publish, hide or cancel; True when the status changed (then SEQUENCE goes up)."""
        if status == self.status:
            return False
        self.status = status
        self.note_changes(["status"])
        return True

    def is_locked(self, field: str) -> bool:
        return field in (self.locked_fields or [])

    @property
    def is_multi_day(self) -> bool:
        return self.end_date > self.start_date

    @property
    def all_day(self) -> bool:
        """Only the dates are known (as from a newsletter): no time of day to show."""
        return self.starts_at is None

    @property
    def event_timezone(self) -> str:
        """The event's zone name: its own, else its place's (`rules.event_timezone`)."""
        if self.timezone:  # no query for the place
            return self.timezone
        place = self.primary_place
        return event_timezone(self.timezone, place.timezone if place else "")

    @property
    def zone(self) -> ZoneInfo | None:
        """The event's own zone, or None when it has no (valid) name."""
        return zone_or_none(self.event_timezone)

    @property
    def local_start(self) -> datetime | None:
        """The start in the event's own zone (UTC when the zone is unknown)."""
        return None if self.starts_at is None else _local(self.starts_at, self.zone)

    @property
    def local_end(self) -> datetime | None:
        return None if self.ends_at is None else _local(self.ends_at, self.zone)

    def ordered_groups(self) -> list[Group]:
        return [mg.group for mg in self.meetupgroup_set.all()]

    def ordered_places(self) -> list[Place]:
        """Its places in order; each says whether it was `inferred` (its organiser's usual)."""
        places = []
        for mp in self.meetupplace_set.all():
            mp.place.inferred = mp.inferred  # type: ignore[attr-defined]
            places.append(mp.place)
        return places

    def ordered_links(self) -> list[MeetupLink]:
        return sorted(self.links.all(), key=lambda link: (link.position, link.id))

    @property
    def location_text(self) -> str:
        """Where it is, in words (`rules.location_text` over its places' labels)."""
        return location_text(self.attendance, [place.label for place in self.ordered_places()])

    @property
    def primary_place(self) -> Place | None:
        places = self.ordered_places()
        return places[0] if places else None

    @property
    def primary_link(self) -> MeetupLink | None:
        links = self.ordered_links()
        return next((link for link in links if link.primary), links[0] if links else None)

    @property
    def url(self) -> str:
        link = self.primary_link
        return link.url if link else ""


def _local(moment: datetime, zone: ZoneInfo | None) -> datetime:
    return moment.astimezone(zone or ZoneInfo("UTC"))


class MeetupGroup(models.Model):
    # db_index off: the unique (meetup, group) index starts with it and serves its lookups
    meetup = models.ForeignKey(Meetup, on_delete=models.CASCADE, db_index=False)
    group = models.ForeignKey(Group, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meetup", "group"], name="meetupgroup_unique")
        ]

    def __str__(self) -> str:
        return str(self.group)


class MeetupPlace(models.Model):
    """A meetup at a place, with what is particular to that meetup: the venue and street
    address its calendar gave, the venue's coordinates (GEO), and whether the place was
    inferred (taken from the organiser's usual place because the listing named none)."""

    # db_index off: the unique (meetup, place) index starts with it and serves its lookups
    meetup = models.ForeignKey(Meetup, on_delete=models.CASCADE, db_index=False)
    place = models.ForeignKey(Place, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0)
    # db_default: rows are also inserted by plain INSERTs naming only the columns they know
    venue = models.CharField(
        max_length=300, blank=True, default="", db_default="", help_text="The venue's name."
    )
    address = models.CharField(
        max_length=300, blank=True, default="", db_default="", help_text="Its street address."
    )
    latitude = models.FloatField(null=True, blank=True, help_text="The venue's, from GEO.")
    longitude = models.FloatField(null=True, blank=True, help_text="The venue's, from GEO.")
    inferred = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Taken from the organiser's usual place: the listing named none.",
    )

    VENUE_FIELDS = ("venue", "address", "latitude", "longitude")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meetup", "place"], name="meetupplace_unique")
        ]

    def __str__(self) -> str:
        return str(self.place)

    @property
    def has_venue_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Series(models.Model):
    """A recurring calendar event (one UID with an RRULE): its occurrences are meetups."""

    key = models.CharField(max_length=1000, unique=True, help_text="The calendar's UID.")
    rule_text = models.CharField(
        max_length=200, blank=True, help_text="The rule in words: every Thursday, 18:30."
    )

    class Meta:
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.rule_text or self.key


class MeetupLink(models.Model):
    meetup = models.ForeignKey(Meetup, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(max_length=1000)
    canonical_url = models.CharField(max_length=1000, db_index=True)
    label = models.CharField(max_length=300, blank=True)
    primary = models.BooleanField(default=False)
    event_specific = models.BooleanField(
        default=False, help_text="Names one event (not a room, invite or group page)."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meetup", "canonical_url"], name="meetuplink_unique"),
            models.UniqueConstraint(
                fields=["meetup"],
                condition=Q(primary=True),
                name="meetuplink_one_primary",
                violation_error_message="A meetup has at most one primary link.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label or 'Link'}: {self.url}"


class Sighting(models.Model):
    """One entry in one newsletter, kept with its raw lines and what the parser read."""

    # db_index off: the unique (newsletter, line) index serves lookups by newsletter
    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="sightings", db_index=False
    )
    line = models.PositiveIntegerField()
    section = models.CharField(max_length=100, blank=True)
    raw = models.TextField()
    parsed = models.JSONField(default=dict)
    meetup = models.ForeignKey(Meetup, on_delete=models.CASCADE, related_name="sightings")

    class Meta:
        ordering = ["newsletter__date", "line"]
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "line"], name="sighting_unique_line")
        ]

    def __str__(self) -> str:
        return f"{self.newsletter} line {self.line}"


class FlagQuerySet(models.QuerySet):
    def open(self) -> FlagQuerySet:
        return self.filter(resolved=False)

    def with_context_raw(self) -> FlagQuerySet:
        """Annotate `context_raw`: the newsletter lines behind a flag that has no text of its
        own (a place flag: an entry of its newsletter at that place; a meetup flag: the
        meetup's latest sighting), in the same query."""
        at_place = Sighting.objects.filter(
            newsletter=models.OuterRef("newsletter"),
            meetup__meetupplace__place=models.OuterRef("place"),
        ).order_by("line")
        of_place = Sighting.objects.filter(
            meetup__meetupplace__place=models.OuterRef("place")
        ).order_by("-newsletter__date", "line")
        of_meetup = Sighting.objects.filter(meetup=models.OuterRef("meetup")).order_by(
            "-newsletter__date", "line"
        )
        return self.annotate(
            context_raw=Coalesce(
                models.Subquery(at_place.values("raw")[:1]),
                models.Subquery(of_place.values("raw")[:1]),
                models.Subquery(of_meetup.values("raw")[:1]),
                models.Value(""),
                output_field=models.TextField(),
            )
        )


class Flag(models.Model):
    """Something a curator should look at; unparsed lines live here with their raw text."""

    kind = models.CharField(max_length=40, choices=FlagKind.choices, db_index=True)
    message = models.TextField(blank=True)
    newsletter = models.ForeignKey(
        Newsletter, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    line = models.PositiveIntegerField(null=True, blank=True)
    raw = models.TextField(blank=True)
    sighting = models.ForeignKey(
        Sighting, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    meetup = models.ForeignKey(
        Meetup, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    resolved = models.BooleanField(default=False, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["resolved", "kind", "-created"]
        constraints = [
            # Every unreadable entry line is kept exactly once.
            models.UniqueConstraint(
                fields=["newsletter", "line"],
                condition=Q(kind=FlagKind.UNPARSED),
                name="flag_one_unparsed_per_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.message[:80]}"

    @property
    def raw_lines(self) -> str:
        """The text the flag is about: its own raw text, else its sighting's newsletter lines."""
        if self.raw:
            return self.raw
        if self.sighting_id and self.sighting is not None:
            return self.sighting.raw
        return getattr(self, "context_raw", "") or ""


class DuplicateStatus(models.TextChoices):
    OPEN = "open", "Open"
    MERGED = "merged", "Merged"
    NOT_DUPLICATE = "not_duplicate", "Not a duplicate"


class DuplicateCandidateQuerySet(models.QuerySet):
    def open(self) -> DuplicateCandidateQuerySet:
        return self.filter(status=DuplicateStatus.OPEN)


class DuplicateCandidate(models.Model):
    """Two meetups matching did not join but that look alike, for a curator to decide.

    The pair is stored in id order (first < second) and never deleted, so a pair a curator
    called "not a duplicate" is remembered and never proposed again.
    """

    first = models.ForeignKey(Meetup, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Meetup, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)
    score = models.FloatField(default=0, help_text="How alike (0-100).")
    status = models.CharField(
        max_length=20,
        choices=DuplicateStatus.choices,
        default=DuplicateStatus.OPEN,
        db_index=True,
    )
    created = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DuplicateCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["status", "-score", "first__start_date"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_unique"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="duplicate_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.first_id} / #{self.second_id}: {self.reason}"


class SubmissionKind(models.TextChoices):
    EVENT = "event", "An event"
    CALENDAR = "calendar", "A calendar to follow"


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a curator"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class SubmissionQuerySet(models.QuerySet):
    def pending(self) -> SubmissionQuerySet:
        return self.filter(status=SubmissionStatus.PENDING)


class Submission(models.Model):
    """An event or a calendar proposed through the public form; never public by itself."""

    # What an organiser fills in (the contract of /submit/, docs/ARCHITECTURE.md).
    FORM_FIELDS = (
        "kind",
        "title",
        "start_date",
        "start_time",
        "end_date",
        "end_time",
        "timezone",
        "url",
        "location",
        "attendance",
        "group_name",
        "group_url",
        "calendar_url",
        "email",
    )

    kind = models.CharField(max_length=10, choices=SubmissionKind.choices)
    title = models.CharField(max_length=300, blank=True)
    start_date = models.DateField(null=True, blank=True)
    start_time = models.TimeField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    timezone = models.CharField(max_length=64, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    location = models.CharField(max_length=300, blank=True)
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.IN_PERSON
    )
    group_name = models.CharField(max_length=300, blank=True)
    group_url = models.URLField(max_length=1000, blank=True)
    calendar_url = models.URLField(max_length=1000, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    status = models.CharField(
        max_length=20,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.PENDING,
        db_index=True,
    )
    note = models.TextField(blank=True, help_text="The curator's note (why rejected, ...).")
    meetup = models.ForeignKey(
        Meetup, null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    created = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["status", "-created"]

    def __str__(self) -> str:
        if self.kind == SubmissionKind.CALENDAR:
            return f"Calendar: {self.calendar_url}"
        return f"{self.start_date} {self.title}"


class SourceKind(models.TextChoices):
    ICS = "ics", "iCalendar feed"


class SourceQuerySet(models.QuerySet):
    def enabled(self) -> SourceQuerySet:
        return self.filter(enabled=True)


class Source(models.Model):
    """A calendar the site follows, with the health of its last fetches.

    `url` is an http(s) URL, or a `file://` URL with an absolute path for a calendar
    bundled with the project or exported by hand (only the operator's command adds those).
    """

    DEFAULT_INTERVAL = timedelta(hours=6)
    # After repeated failures the wait doubles per failure, up to this many intervals.
    MAX_BACKOFF_FACTOR = 8

    url = models.CharField(max_length=1000, unique=True)
    name = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=10, choices=SourceKind.choices, default=SourceKind.ICS)
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="sources"
    )
    enabled = models.BooleanField(default=True, db_index=True)
    etag = models.CharField(max_length=500, blank=True, help_text="ETag of the last answer.")
    last_modified = models.CharField(
        max_length=100, blank=True, help_text="Last-Modified of the last answer, as sent."
    )
    last_attempt = models.DateTimeField(null=True, blank=True)
    last_success = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    events_seen = models.PositiveIntegerField(
        default=0, help_text="Events (occurrences) in the feed at the last successful read."
    )
    interval = models.DurationField(default=DEFAULT_INTERVAL, help_text="Time between fetches.")
    trusted = models.BooleanField(
        default=True,
        help_text="Added by the operator or a curator. A calendar from the public form is "
        "not: each of its fetches and redirects may reach public addresses only.",
    )
    notes = models.TextField(
        blank=True, help_text="What the last read left out: the limits it reached."
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name", "url"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="source_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.url

    def next_due(self) -> datetime | None:
        """When the next fetch is due; None when due now (never tried).

        After n failures in a row the wait is interval x 2^n (capped), so a feed that keeps
        failing is asked less and less often until it answers again.
        """
        if self.last_attempt is None:
            return None
        factor = min(2**self.consecutive_failures, self.MAX_BACKOFF_FACTOR)
        return self.last_attempt + self.interval * factor

    def is_due(self, now: datetime | None = None) -> bool:
        due = self.next_due()
        return self.enabled and (due is None or due <= (now or timezone.now()))


class SourceEvent(models.Model):
    """One event (one occurrence of a series) as one calendar gave it: the provenance of
    what a source says about a meetup, like a Sighting for a newsletter entry."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="events")
    uid = models.CharField(max_length=1000)
    recurrence_id = models.CharField(
        max_length=40,
        blank=True,
        help_text="The occurrence's original start (ISO); empty if single.",
    )
    raw = models.TextField(blank=True, help_text="The VEVENT as the feed wrote it.")
    values = models.JSONField(default=dict, blank=True, help_text="What the reader made of it.")
    meetup = models.ForeignKey(
        Meetup, null=True, blank=True, on_delete=models.SET_NULL, related_name="source_events"
    )
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    gone = models.BooleanField(default=False, help_text="No longer in the feed.")

    class Meta:
        ordering = ["source", "uid", "recurrence_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "uid", "recurrence_id"], name="sourceevent_unique_occurrence"
            ),
        ]

    def __str__(self) -> str:
        occurrence = f" @ {self.recurrence_id}" if self.recurrence_id else ""
        return f"{self.uid}{occurrence}"
