"""Flags: what a curator should look at, the coming window's first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html

if TYPE_CHECKING:
    from django.contrib.admin.filters import _ListFilterChoices

from calendar_app.admin.common import CuratorAssets, admin_link, raw_lines
from calendar_app.models import (
    Flag,
    FlagQuerySet,
    Meetup,
)
from calendar_app.rendering.export_twir import next_issue_window
from calendar_app.services import curation


class DefaultedFilter(admin.SimpleListFilter):
    """A list filter that, unset, means its `default` choice (not "all"), and says so."""

    default = ""

    def value(self) -> str:
        return str(super().value() or self.default)

    def choices(self, changelist: Any) -> Iterator[_ListFilterChoices]:
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class FlagStateFilter(DefaultedFilter):
    """The queue shows open flags unless asked otherwise."""

    default = "open"

    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("open", "Open"), ("resolved", "Resolved"), ("all", "All")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "all":
            return queryset
        return queryset.filter(resolved=value == "resolved")


class FlagScopeFilter(DefaultedFilter):
    """By default the flags a curator must see this week: those of meetups (their own, their
    sightings', their places') that fall between today and the end of the next issue's
    window; the backlog is one click away."""

    title = "concerning"
    parameter_name = "scope"
    default = "coming"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("coming", "Meetups until the next issue's end"), ("all", "Everything")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "all":
            return queryset
        today = timezone.localdate()
        coming = Meetup.objects.canonical().overlapping(today, next_issue_window(today)[1])
        return queryset.filter(
            Q(meetup__in=coming)
            | Q(sighting__meetup__in=coming)
            | Q(place__meetupplace__meetup__in=coming)
        ).distinct()


class ResolveOlderForm(forms.Form):
    before = forms.DateField(
        label="Resolve all open flags raised before",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    Media = CuratorAssets
    change_form_template = "admin/calendar_app/flag/change_form.html"
    list_display = (
        "kind",
        "concerns",
        "short_message",
        "raw_text",
        "row_actions",
        "newsletter",
        "line",
        "created",
        "resolved",
    )
    list_filter = (FlagStateFilter, FlagScopeFilter, "kind")
    search_fields = ("message", "raw", "kind")
    list_select_related = ("meetup", "place", "sighting__newsletter", "newsletter")
    readonly_fields = (
        "kind",
        "message",
        "concerns",
        "newsletter",
        "line",
        "raw_text",
        "resolved_at",
        "resolved_by",
        "created",
    )
    fields = (
        "kind",
        "message",
        "concerns",
        "newsletter",
        "line",
        "raw_text",
        "resolved",
        "resolved_at",
        "resolved_by",
        "created",
    )
    actions = ("resolve", "reopen")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return cast(FlagQuerySet, super().get_queryset(request)).with_context_raw()

    def get_urls(self) -> list[URLPattern]:
        resolve = path(
            "<int:pk>/resolve/",
            self.admin_site.admin_view(self.resolve_view),
            name="calendar_app_flag_resolve",
        )
        older = path(
            "resolve-older/",
            self.admin_site.admin_view(self.resolve_older_view),
            name="calendar_app_flag_resolve_older",
        )
        return [resolve, older, *super().get_urls()]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        week_ago = timezone.localdate() - timedelta(days=7)
        extra = {"resolve_older_form": ResolveOlderForm(initial={"before": week_ago})}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def resolve_older_view(self, request: HttpRequest) -> HttpResponse:
        """Resolve, in one go, every open flag raised before a date (the backlog)."""
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        form = ResolveOlderForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Give a date to resolve the flags before.", messages.ERROR)
        else:
            before = form.cleaned_data["before"]
            count = curation.flags_resolve_older(before=before, user=request.user)
            self.message_user(request, f"Resolved {count} flag(s) raised before {before}.")
        return HttpResponseRedirect(reverse("admin:calendar_app_flag_changelist"))

    def resolve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Resolve one flag (POST); with `next=1`, go on to the next open flag."""
        flag = self.get_object(request, str(pk))
        if flag is None or request.method != "POST":
            raise PermissionDenied
        if not self.has_change_permission(request, flag):
            raise PermissionDenied
        curation.flags_resolve(flags=[flag], user=request.user)
        self.log_change(request, flag, "Resolved.")
        self.message_user(request, f"Resolved: {flag}.")
        following = Flag.objects.open().exclude(pk=flag.pk).order_by("kind", "-created").first()
        if request.POST.get("next") and following is not None:
            return HttpResponseRedirect(
                reverse("admin:calendar_app_flag_change", args=[following.pk])
            )
        return HttpResponseRedirect(reverse("admin:calendar_app_flag_changelist"))

    @admin.display(description="")
    def row_actions(self, flag: Flag) -> str:
        if flag.resolved:
            return ""
        url = reverse("admin:calendar_app_flag_resolve", args=[flag.pk])
        return format_html(
            '<button type="submit" class="button flag-resolve" form="flag-resolve-form" '
            'formaction="{}">Resolve</button> '
            '<button type="submit" class="button flag-resolve" form="flag-resolve-form" '
            'formaction="{}" name="next" value="1">Resolve and next</button>',
            url,
            url,
        )

    @admin.display(description="concerns")
    def concerns(self, flag: Flag) -> str:
        if flag.meetup_id:
            return admin_link(flag.meetup)
        if flag.place_id:
            return admin_link(flag.place)
        if flag.sighting_id:
            return admin_link(flag.sighting)
        if flag.newsletter_id:
            return admin_link(flag.newsletter, f"{flag.newsletter} line {flag.line}")
        return "-"

    @admin.display(description="message")
    def short_message(self, flag: Flag) -> str:
        return flag.message[:120]

    @admin.display(description="raw lines")
    def raw_text(self, flag: Flag) -> str:
        return raw_lines(flag.raw_lines)

    def save_model(self, request: HttpRequest, obj: Flag, form: Any, change: bool) -> None:
        if "resolved" in form.changed_data:
            wanted = obj.resolved
            obj.resolved = not wanted
            curation.flags_resolve(flags=[obj], user=request.user, resolved=wanted)

    @admin.action(description="Resolve selected flags", permissions=["change"])
    def resolve(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_resolved(request, queryset.filter(resolved=False), True)

    @admin.action(description="Reopen selected flags", permissions=["change"])
    def reopen(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_resolved(request, queryset.filter(resolved=True), False)

    def _set_resolved(self, request: HttpRequest, queryset: QuerySet, resolved: bool) -> None:
        flags = list(queryset)
        count = curation.flags_resolve(flags=flags, user=request.user, resolved=resolved)
        for flag in flags:
            self.log_change(request, flag, "Resolved." if resolved else "Reopened.")
        verb = "Resolved" if resolved else "Reopened"
        self.message_user(request, f"{verb} {count} flag(s).")
