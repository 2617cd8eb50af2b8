"""Admin for the calendars the site follows: their health at a glance, sync and enable.

Imported by `calendar_app.admin` (which Django discovers); every write goes through
`calendar_app.services.sources`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from calendar_app.models import Source, SourceEvent
from calendar_app.services.sources import (
    SourceURLError,
    http_source_url,
    sources_set_enabled,
)
from calendar_app.services.sources_sync import sync_sources


class SourceForm(forms.ModelForm):
    """Curators add feeds by http(s) URL only; local files are the operator's command's."""

    class Meta:
        model = Source
        fields = ("url", "name", "kind", "group", "enabled", "interval", "trusted")

    def clean_url(self) -> str:
        url = self.cleaned_data.get("url", "")
        if self.instance.pk and url == self.instance.url:
            return url  # a file:// source added by the operator keeps its URL
        try:
            return http_source_url(url)
        except SourceURLError as error:
            raise forms.ValidationError(str(error)) from error


class HealthFilter(admin.SimpleListFilter):
    title = "health"
    parameter_name = "health"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("ok", "Last fetch succeeded"),
            ("failing", "Failing"),
            ("never", "Never fetched"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "ok":
            return queryset.filter(consecutive_failures=0, last_success__isnull=False)
        if self.value() == "failing":
            return queryset.filter(consecutive_failures__gt=0)
        if self.value() == "never":
            return queryset.filter(last_attempt__isnull=True)
        return queryset


class KindOfURLFilter(admin.SimpleListFilter):
    title = "calendar"
    parameter_name = "host"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("meetup", "Meetup"), ("luma", "Luma"), ("google", "Google"), ("file", "File")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        patterns = {
            "meetup": Q(url__contains="meetup.com/"),
            "luma": Q(url__contains="lu.ma/") | Q(url__contains="luma.com/"),
            "google": Q(url__contains="calendar.google.com/"),
            "file": Q(url__startswith="file://"),
        }
        pattern = patterns.get(self.value() or "")
        return queryset.filter(pattern) if pattern is not None else queryset


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    list_display = (
        "__str__",
        "enabled",
        "health",
        "last_success",
        "consecutive_failures",
        "events_seen",
        "short_error",
        "next_fetch",
        "group",
    )
    list_filter = ("enabled", HealthFilter, KindOfURLFilter, "kind")
    search_fields = ("url", "name", "group__name")
    list_select_related = ("group",)
    autocomplete_fields = ("group",)
    readonly_fields = (
        "last_attempt",
        "last_success",
        "last_error",
        "notes",
        "consecutive_failures",
        "events_seen",
        "etag",
        "last_modified",
        "next_fetch",
        "event_list",
        "created",
    )
    fieldsets = (
        (None, {"fields": ("url", "name", "kind", "group", "enabled", "interval", "trusted")}),
        (
            "Health",
            {
                "fields": (
                    "last_success",
                    "last_attempt",
                    "consecutive_failures",
                    "last_error",
                    "notes",
                    "events_seen",
                    "next_fetch",
                    "event_list",
                )
            },
        ),
        ("Last answer", {"fields": ("etag", "last_modified", "created")}),
    )
    actions = ("sync_now", "enable", "disable")

    @admin.display(description="health")
    def health(self, source: Source) -> str:
        if not source.enabled:
            return "disabled"
        if source.consecutive_failures:
            return f"failing ({source.consecutive_failures} in a row)"
        return "ok" if source.last_success else "never fetched"

    @admin.display(description="last error")
    def short_error(self, source: Source) -> str:
        return source.last_error[:80]

    @admin.display(description="next fetch")
    def next_fetch(self, source: Source) -> str:
        if not source.enabled:
            return "-"
        due = source.next_due()
        if due is None or due <= timezone.now():
            return "due now"
        return timezone.localtime(due).strftime("%Y-%m-%d %H:%M")

    @admin.display(description="events")
    def event_list(self, source: Source) -> str:
        if not source.pk:  # not saved yet (the add form)
            return "-"
        url = reverse("admin:calendar_app_sourceevent_changelist")
        url += f"?source__id__exact={source.pk}"
        return format_html('<a href="{}">Events read from this calendar</a>', url)

    @admin.action(description="Sync now", permissions=["change"])
    def sync_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        report = sync_sources(sources=queryset)
        self.message_user(
            request,
            f"{report.sources} calendars: {report.fetched} read, {report.not_modified} "
            f"unchanged, {report.failed} failed; {report.events} events.",
            messages.WARNING if report.failed else messages.SUCCESS,
        )
        for url, error in report.errors.items():
            self.message_user(request, f"{url}: {error}", messages.ERROR)

    @admin.action(description="Enable (follow again)", permissions=["change"])
    def enable(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = sources_set_enabled(sources=queryset, enabled=True)
        self.message_user(request, f"Enabled {count} calendars.")

    @admin.action(description="Disable (stop following)", permissions=["change"])
    def disable(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = sources_set_enabled(sources=queryset, enabled=False)
        self.message_user(request, f"Disabled {count} calendars.")


@admin.register(SourceEvent)
class SourceEventAdmin(admin.ModelAdmin):
    """What each calendar said, as read: provenance, never edited by hand."""

    list_display = ("uid", "recurrence_id", "source", "meetup", "last_seen", "gone")
    list_filter = ("gone", "source")
    search_fields = ("uid", "raw", "source__url", "source__name")
    list_select_related = ("source", "meetup")
    fields = (
        "source",
        "uid",
        "recurrence_id",
        "meetup",
        "first_seen",
        "last_seen",
        "gone",
        "values",
        "raw",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
