"""Calendars the site follows, and each event (occurrence) as a calendar gave it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from calendar_app.models.content import Content, ContentQuerySet
from calendar_app.models.groups import Group
from calendar_app.models.meetups import Meetup


class SourceKind(models.TextChoices):
    ICS = "ics", "iCalendar feed"


class SourceQuerySet(ContentQuerySet):
    def enabled(self) -> SourceQuerySet:
        return self.filter(enabled=True)


class Source(Content):
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

    objects = SourceQuerySet.as_manager()  # type: ignore[misc]  # Content's, narrowed

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


class SourceEvent(Content):
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
        # A feed's events looked up by UID across every calendar (one event in two feeds)
        # once per feed synced: without it each lookup read the whole table.
        indexes = [models.Index(fields=["uid"], name="sourceevent_uid")]

    def __str__(self) -> str:
        occurrence = f" @ {self.recurrence_id}" if self.recurrence_id else ""
        return f"{self.uid}{occurrence}"
