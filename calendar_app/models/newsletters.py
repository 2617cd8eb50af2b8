"""Newsletters and their entry lines (sightings): where every meetup was listed."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from calendar_app.models.content import Content
from calendar_app.models.meetups import Meetup


class Newsletter(Content):
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


class Sighting(Content):
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
