"""Meetups: one real-world event each, with its organisers, places, links and series."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.timezone import now
from simple_history.models import HistoricalRecords

from calendar_app.models.common import Region, Status, url_for
from calendar_app.models.content import Content, ContentQuerySet, Fold
from calendar_app.models.groups import Group
from calendar_app.models.places import Place
from calendar_app.rules import (
    Attendance,
    bumps_sequence,
    event_timezone,
    location_text,
    zone_or_none,
)
from calendar_app.search_text import search_text


def open_flags_of(meetup_model: type[models.Model]) -> models.QuerySet:
    """The open flags, through the meetup's `flags` relation (curation's models point here,
    so they are not imported)."""
    flag = cast(type[models.Model], meetup_model._meta.get_field("flags").related_model)
    return flag._default_manager.filter(resolved=False)


class MeetupQuerySet(ContentQuerySet):
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

    def with_open_flags(self, flagged: bool = True) -> MeetupQuerySet:
        """Those with an open flag (`flagged`), or those with none."""
        exists = models.Exists(open_flags_of(self.model).filter(meetup=models.OuterRef("pk")))
        return self.filter(exists if flagged else ~exists)

    def with_open_flag_count(self) -> MeetupQuerySet:
        """`open_flags` of each meetup, as a subquery: a page of a long list counts the
        flags of its own rows (PostgreSQL postpones it past the sort and limit), where a
        COUNT over a join grouped every meetup of the list first."""
        count = (
            open_flags_of(self.model)
            .filter(meetup=models.OuterRef("pk"))
            .order_by()
            .values("meetup")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            open_flags=Coalesce(models.Subquery(count, output_field=models.IntegerField()), 0)
        )

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


class Meetup(Content):
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
    FOLD = Fold("search_title", ("title",), search_text)

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

    objects = MeetupQuerySet.as_manager()  # type: ignore[misc]  # Content's, narrowed
    distance_km: float | None = None  # set by the near-me list: how far its nearest place is
    more_dates: int = 0  # set by a list that folds series: the other dates it stands for

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


class MeetupGroup(Content):
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


class MeetupPlace(Content):
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


class Series(Content):
    """A recurring calendar event (one UID with an RRULE): its occurrences are meetups."""

    key = models.CharField(max_length=1000, unique=True, help_text="The calendar's UID.")
    rule_text = models.CharField(
        max_length=200, blank=True, help_text="The rule in words: every Thursday, 18:30."
    )

    class Meta:
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.rule_text or self.key


class MeetupLink(Content):
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
