"""Places: fix a geocoding once, for every meetup at that place."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from calendar_app.admin.common import CuratorAssets, ReadOnlyInline, admin_link
from calendar_app.models import (
    MeetupPlace,
    Place,
)
from calendar_app.services import curation


class PlaceMeetupInline(ReadOnlyInline):
    model = MeetupPlace
    fields = ("meetup_link", "position")
    readonly_fields = fields
    show_change_link = False
    verbose_name_plural = "meetups at this place"

    @admin.display(description="meetup")
    def meetup_link(self, row: MeetupPlace) -> str:
        return admin_link(row.meetup)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("meetup")


@admin.register(Place)
class PlaceAdmin(SimpleHistoryAdmin):
    Media = CuratorAssets
    LOCATION_FIELDS = ("city", "admin1", "country", "latitude", "longitude", "timezone", "status")

    list_display = (
        "text",
        "city",
        "admin1",
        "country",
        "timezone",
        "status",
        "locked",
        "meetup_count",
    )
    list_filter = ("status", "locked", "country")
    search_fields = ("text", "written", "city")
    readonly_fields = ("text", "written", "geocoder", "geocoded_at")
    fields = (
        "text",
        "written",
        "city",
        "admin1",
        "country",
        "latitude",
        "longitude",
        "timezone",
        "status",
        "locked",
        "geocoder",
        "geocoded_at",
    )
    inlines = (PlaceMeetupInline,)
    actions = ("geocode_again",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # a GROUP BY drops Meta.ordering: order again, so the autocomplete pages are stable
        return (
            super().get_queryset(request).annotate(meetup_total=Count("meetups")).order_by("text")
        )

    @admin.display(description="meetups", ordering="meetup_total")
    def meetup_count(self, place: Place) -> int:
        return getattr(place, "meetup_total", 0)

    def save_model(self, request: HttpRequest, obj: Place, form: Any, change: bool) -> None:
        """A curator's correction is final: the geocoder never touches the place again."""
        curation.place_correct(place=obj, user=request.user, changed=form.changed_data)

    @admin.action(description="Geocode again (unlocks the place)", permissions=["change"])
    def geocode_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        places = list(queryset)
        count = curation.place_geocode_again(places=places, user=request.user)
        for place in places:
            self.log_change(request, place, "Geocoded again.")
        self.message_user(request, f"Geocoded {count} place(s) again.")
