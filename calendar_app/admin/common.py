"""What every admin page shares: links, read-only inlines, the merge confirmation, ordering."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from calendar_app.models import (
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Sighting,
)

# Inline model -> the Meetup field its edits lock.
INLINE_LOCKS = {MeetupLink: "links", MeetupGroup: "groups", MeetupPlace: "places"}


def admin_link(obj: models.Model | None, text: str | None = None) -> str:
    """A link to an object's change page in this admin."""
    if obj is None:
        return "-"
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text or str(obj))


def raw_lines(text: str) -> str:
    return format_html('<pre class="raw-lines">{}</pre>', text) if text else "-"


class CuratorAssets:
    """The admin's own CSS and JS, as static files (the CSP allows no inline code)."""

    css = {"all": ("css/admin.css",)}
    js = ("js/admin.js",)


class MergeMixin(admin.ModelAdmin):
    """The confirm-then-merge flow of meetups and groups: pick records, confirm, merge.

    Subclasses say how to check the selection (`merge_problem`), which record to suggest,
    which template shows them, and call their service in `merge_records`.
    """

    merge_template = ""

    def merge_problem(self, records: list) -> str:
        return "" if len(records) >= 2 else "Select at least two records."

    def merge_suggested(self, records: list) -> Any:
        return records[0]

    def merge_records(self, request: HttpRequest, survivor: Any, others: list) -> None:
        raise NotImplementedError

    def merge_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset

    def merge_context(self, records: list) -> dict:
        return {}

    @admin.action(description="Merge selected %(verbose_name_plural)s…", permissions=["change"])
    def merge_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        records = list(self.merge_queryset(queryset))
        problem = self.merge_problem(records)
        if problem:
            self.message_user(request, problem, messages.ERROR)
            return None
        chosen = request.POST.get("survivor")
        survivor = next((r for r in records if str(r.pk) == chosen), None)
        if request.POST.get("confirm") == "yes" and survivor:
            others = [r for r in records if r.pk != survivor.pk]
            self.merge_records(request, survivor, others)
            names = ", ".join(str(other) for other in others)
            opts = survivor._meta
            self.log_change(request, survivor, f"Merged into it: {names}.")
            self.message_user(
                request, f"Merged {len(others)} {opts.verbose_name}(s) into “{survivor}”."
            )
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[survivor.pk])
            )
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge {opts.verbose_name_plural}",
            "opts": opts,
            "records": records,
            opts.model_name + "s": records,
            "suggested": self.merge_suggested(records),
            **self.merge_context(records),
            "action": "merge_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, self.merge_template, context)


class ReadOnlyInline(admin.TabularInline):
    """Rows ingest owns: shown for context, never edited here."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SightingLinesInline(ReadOnlyInline):
    """Sightings with the newsletter lines they were read from."""

    model = Sighting

    @admin.display(description="raw lines")
    def raw_text(self, sighting: Sighting) -> str:
        return raw_lines(sighting.raw)


def upcoming_first(prefix: str = "") -> list:
    """Changelist order: what is still ahead first, soonest first; then the past, latest
    first (`prefix`: the path to the meetup's fields, e.g. `first__`)."""
    today = timezone.localdate()
    ahead = Q(**{f"{prefix}end_date__gte": today}) | Q(**{f"{prefix}start_date__gte": today})
    return [
        Case(When(ahead, then=Value(0)), default=Value(1)).asc(),
        Case(When(ahead, then=F(f"{prefix}start_date"))).asc(nulls_last=True),
        F(f"{prefix}start_date").desc(nulls_last=True),
    ]
