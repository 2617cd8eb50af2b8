"""Newsletters and their lines: read again, see what each line became."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from calendar_app.admin.common import (
    CuratorAssets,
    ReadOnlyInline,
    SightingLinesInline,
    admin_link,
    raw_lines,
)
from calendar_app.models import (
    Flag,
    Newsletter,
    Sighting,
)


class NewsletterSightingInline(SightingLinesInline):
    fields = ("line", "section", "raw_text", "meetup_link")
    readonly_fields = fields

    @admin.display(description="meetup")
    def meetup_link(self, sighting: Sighting) -> str:
        return admin_link(sighting.meetup)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("meetup")


class NewsletterFlagInline(ReadOnlyInline):
    model = Flag
    fields = ("kind", "line", "message", "resolved")
    readonly_fields = fields


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    Media = CuratorAssets
    list_display = (
        "__str__",
        "date",
        "title",
        "source",
        "sighting_count",
        "open_flag_count",
        "ingested_at",
    )
    search_fields = ("title", "source", "key")
    date_hierarchy = "date"
    readonly_fields = (
        "key",
        "number",
        "date",
        "title",
        "source",
        "content_hash",
        "window_start",
        "window_end",
        "repaired",
        "ingested_at",
    )
    inlines = (NewsletterSightingInline, NewsletterFlagInline)
    actions = ("ingest_again",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                sighting_total=Count("sightings", distinct=True),
                open_flags=Count("flags", filter=Q(flags__resolved=False), distinct=True),
            )
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="sightings", ordering="sighting_total")
    def sighting_count(self, newsletter: Newsletter) -> int:
        return getattr(newsletter, "sighting_total", 0)

    @admin.display(description="open flags", ordering="open_flags")
    def open_flag_count(self, newsletter: Newsletter) -> int:
        return getattr(newsletter, "open_flags", 0)

    @admin.action(description="Ingest again from its source", permissions=["change"])
    def ingest_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        from calendar_app.services.ingest import ingest_and_refresh_duplicates

        for newsletter in queryset:
            try:
                ingest_and_refresh_duplicates([newsletter.source], force=True)
            except Exception as error:  # a bad source must not stop the rest
                self.message_user(request, f"{newsletter}: {error}", messages.ERROR)
                continue
            self.log_change(request, newsletter, "Ingested again.")
            self.message_user(request, f"Ingested {newsletter} again.")


@admin.register(Sighting)
class SightingAdmin(admin.ModelAdmin):
    Media = CuratorAssets
    list_display = ("newsletter", "line", "section", "meetup", "short_raw")
    list_filter = ("section",)
    search_fields = ("raw",)
    list_select_related = ("newsletter", "meetup")
    fields = ("newsletter", "line", "section", "meetup_link", "raw_text", "parsed")
    readonly_fields = fields

    @admin.display(description="raw")
    def short_raw(self, sighting: Sighting) -> str:
        return sighting.raw.splitlines()[0][:120] if sighting.raw else ""

    @admin.display(description="raw lines")
    def raw_text(self, sighting: Sighting) -> str:
        return raw_lines(sighting.raw)

    @admin.display(description="meetup")
    def meetup_link(self, sighting: Sighting) -> str:
        return admin_link(sighting.meetup)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
