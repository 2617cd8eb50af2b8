"""The one FilterSet behind the list page, the iCalendar feeds, the JSON API and the exports."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, F, FloatField, Min, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import ACos, Cos, Greatest, Least, Radians, Sin

from calendar_app.geocoding.distance import EARTH_RADIUS_KM
from calendar_app.models import (
    Attendance,
    Meetup,
    MeetupGroup,
    MeetupPlace,
    Region,
    region_label,
)
from calendar_app.queries.nearby import CityLookup, city_near, find_city
from calendar_app.queries.search import text_conditions

MAX_RADIUS_KM = 20_000
DEFAULT_RADIUS_KM = 100
MAX_TEXT = 200


class LatLonField(forms.CharField):
    """`lat,lon` in decimal degrees."""

    default_error_messages = {
        "invalid": "Enter a position as latitude,longitude (for example 52.52,13.40).",
    }

    def to_python(self, value: Any) -> tuple[float, float] | None:  # type: ignore[override]
        value = super().to_python(value)
        if not value:
            return None
        try:
            lat_text, lon_text = value.split(",")
            lat, lon = float(lat_text), float(lon_text)
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return (lat, lon)


class CheckboxFlag(forms.CheckboxInput):
    """A checkbox that reads `0`, `false`, `no` and `off` in a URL as unticked, not ticked."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        if isinstance(value, str) and value.strip().lower() in ("0", "false", "no", "off"):
            return False
        return super().value_from_datadict(data, files, name)


class LatLonFilter(django_filters.Filter):
    field_class = LatLonField

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        return qs  # applied together with radius_km in MeetupFilter.filter_queryset


def haversine_km(lat: float, lon: float) -> CombinedExpression:
    """Great-circle distance from (lat, lon) to a meetup's places, as a database expression."""
    lat_r, lon_r = math.radians(lat), math.radians(lon)
    place_lat = Radians(F("places__latitude"))
    place_lon = Radians(F("places__longitude"))
    cosine = Value(math.sin(lat_r)) * Sin(place_lat) + Value(math.cos(lat_r)) * Cos(
        place_lat
    ) * Cos(place_lon - Value(lon_r))
    # Clamp: rounding can push the cosine just past 1 and make ACOS fail.
    clamped = Greatest(Least(cosine, Value(1.0)), Value(-1.0))
    return Value(EARTH_RADIUS_KM) * ACos(clamped, output_field=FloatField())


def _has_place(*conditions: Q, **lookups: Any) -> Exists:
    """EXISTS (a place of this meetup matching `conditions` / `place__<lookups>`)."""
    lookups = {f"place__{key}": value for key, value in lookups.items()}
    return Exists(MeetupPlace.objects.filter(*conditions, meetup=OuterRef("pk"), **lookups))


class MeetupFilterForm(forms.Form):
    """Turns a typed `near_city` into `near`, so every reader of the filter agrees on it.

    An ambiguous or unknown city is a form error: the page asks, the feed and the API
    answer 400 instead of returning everything.
    """

    city_lookup: CityLookup | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        typed = (data.get("near_city") or "").strip()
        if typed and not data.get("near"):
            self.city_lookup = lookup = find_city(typed)
            if lookup.point is None:
                self.add_error("near_city", lookup.error)
            else:
                data["near"] = lookup.point
        return data


class MeetupFilter(django_filters.FilterSet):
    region = django_filters.ChoiceFilter(
        choices=Region.choices, label="Region", empty_label="All regions"
    )
    country = django_filters.CharFilter(
        label="Country",
        method="filter_country",
        max_length=2,
        help_text="Two-letter code, e.g. DE",
    )
    city = django_filters.CharFilter(label="City", method="filter_city", max_length=MAX_TEXT)
    group = django_filters.CharFilter(label="Group", method="filter_group", max_length=MAX_TEXT)
    attendance = django_filters.ChoiceFilter(
        choices=Attendance.choices, label="Attendance", empty_label="Any attendance"
    )
    start = django_filters.DateFilter(
        field_name="end_date",
        lookup_expr="gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = django_filters.DateFilter(
        field_name="start_date",
        lookup_expr="lte",
        label="Until",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    q = django_filters.CharFilter(label="Search", method="filter_text", max_length=MAX_TEXT)
    near_city = django_filters.CharFilter(  # resolved to `near` by MeetupFilterForm.clean
        label="City",
        method="filter_noop",
        max_length=MAX_TEXT,
        widget=forms.TextInput(
            attrs={"placeholder": "e.g. Berlin", "autocomplete": "address-level2"}
        ),
    )
    near = LatLonFilter(label="Near (lat,lon)")
    radius_km = django_filters.NumberFilter(
        label="Radius (km)", method="filter_noop", min_value=1, max_value=MAX_RADIUS_KM
    )
    exclude_virtual = django_filters.BooleanFilter(
        label="Leave out online-only meetups", method="filter_exclude_virtual", widget=CheckboxFlag
    )
    include_past = django_filters.BooleanFilter(
        label="Include past meetups", method="filter_noop", widget=CheckboxFlag
    )

    class Meta:
        model = Meetup
        fields: list[str] = []
        form = MeetupFilterForm

    @property
    def wants_default_window(self) -> bool:
        """Upcoming only (the reader's default window), unless past or a start was asked for.

        The window itself is a QuerySet method applied by the selector that reads this.
        """
        data = self.form.cleaned_data
        return not data.get("include_past") and not data.get("start")

    @property
    def city_lookup(self) -> CityLookup | None:
        return getattr(self.form, "city_lookup", None)

    # Place, group and text filters are EXISTS subqueries, not joins: a meetup with two
    # matching places still comes back once, so the query needs no DISTINCT.

    def filter_country(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        # Place.country is stored upper-case (a check constraint), so an exact match on
        # the upper-cased value finds the same rows as `iexact` and can use the index.
        return qs.filter(_has_place(country=value.strip().upper()))

    def filter_city(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(
            _has_place(Q(place__city__iexact=value) | Q(place__written__istartswith=value))
        )

    def filter_group(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(
            Exists(MeetupGroup.objects.filter(meetup=OuterRef("pk"), group__slug=value.strip()))
        )

    def filter_text(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """Titles, organisers and places, accents and case folded, city aliases known."""
        for condition in text_conditions(value):
            qs = qs.filter(condition)
        return qs

    def filter_exclude_virtual(self, qs: QuerySet, name: str, value: bool) -> QuerySet:
        return qs.exclude(attendance=Attendance.VIRTUAL) if value else qs

    def filter_noop(self, qs: QuerySet, name: str, value: Any) -> QuerySet:
        return qs

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        near = data.get("near")
        if near:
            return self.filter_near(queryset, near, data.get("radius_km") or DEFAULT_RADIUS_KM)
        return queryset

    def filter_near(self, qs: QuerySet, near: tuple[float, float], radius: float) -> QuerySet:
        """Meetups with a place within `radius` km, nearest first."""
        lat, lon = near
        radius = float(radius)
        lat_margin = radius / 111.0  # a cheap box first, so the distance is computed for few rows
        return (
            qs.filter(
                places__latitude__gte=lat - lat_margin, places__latitude__lte=lat + lat_margin
            )
            .annotate(distance_km=Min(haversine_km(lat, lon)))
            .filter(distance_km__lte=radius)
            .order_by("distance_km", "start_date", "id")
        )

    @property
    def description(self) -> str:
        """Words for what the filter selects: 'Europe', 'within 100 km of Berlin, Germany'."""
        if not self.is_bound or not self.form.is_valid():
            return ""
        data = self.form.cleaned_data
        parts = (describe(data, self.city_lookup) for describe in DESCRIBERS)
        return ", ".join(part for part in parts if part)


def _near_words(data: dict, lookup: CityLookup | None) -> str:
    if not data.get("near"):
        return ""
    radius = data.get("radius_km") or DEFAULT_RADIUS_KM
    if lookup is not None and lookup.label:
        where = lookup.label
    else:  # a position ("Use my location"): the big city it is near, if any
        lat, lon = data["near"]
        city = city_near(round(lat, 2), round(lon, 2))
        where = f"{lat:.2f},{lon:.2f}" + (f" (near {city})" if city else "")
    return f"within {radius:g} km of {where}"


def _value(
    name: str, template: str = "{}", words: Callable[[Any], str] = str
) -> Callable[[dict, CityLookup | None], str]:
    return lambda data, lookup: template.format(words(data[name])) if data.get(name) else ""


# One describer per filter, in the order the words read.
DESCRIBERS: tuple[Callable[[dict, CityLookup | None], str], ...] = (
    _value("region", words=region_label),
    _value("country", words=lambda value: value.upper()),
    _value("city"),
    _value("group", "group {}"),
    _value("attendance", words=lambda value: str(Attendance(value).label).lower()),
    _value("q", "“{}”"),
    _near_words,
    _value("exclude_virtual", words=lambda value: "in person or hybrid"),
    _value("start", "from {}"),
    _value("end", "until {}"),
)
