"""Places: one row per normalised location text, geocoded once."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Upper
from django.db.models.lookups import Exact
from simple_history.models import HistoricalRecords

from calendar_app.geocoding.names import place_label
from calendar_app.models.content import Content, Fold
from calendar_app.search_text import place_search_text


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


class Place(Content):
    """One distinct normalised location text, geocoded once."""

    FOLD = Fold("search_text", ("city", "admin1", "country", "written", "text"), place_search_text)

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
