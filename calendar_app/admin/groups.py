"""Organisers and the names and pages they are known by: merge, move, rename."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from calendar_app.admin.common import MergeMixin
from calendar_app.models import (
    Group,
    GroupAlias,
)
from calendar_app.services import curation


class GroupAliasInline(admin.TabularInline):
    model = GroupAlias
    extra = 0
    verbose_name_plural = "aliases (how newsletters name or link this group)"


@admin.register(Group)
class GroupAdmin(MergeMixin, SimpleHistoryAdmin):
    merge_template = "admin/calendar_app/group/merge_confirmation.html"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "url", "slug", "meetup_count")
    search_fields = ("name", "url", "slug", "alias_set__key")
    fields = ("name", "url", "slug")
    inlines = (GroupAliasInline,)
    actions = ("merge_selected",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(meetup_total=Count("meetups"))

    @admin.display(description="meetups", ordering="meetup_total")
    def meetup_count(self, group: Group) -> int:
        return getattr(group, "meetup_total", 0)

    def merge_suggested(self, records: list) -> Group:
        return max(records, key=lambda g: (g.meetup_total, -g.pk))

    def merge_problem(self, records: list) -> str:
        return "" if len(records) >= 2 else "Select at least two groups."

    def merge_records(self, request: HttpRequest, survivor: Group, others: list) -> None:
        curation.groups_merge(survivor=survivor, others=others, user=request.user)

    def save_model(self, request: HttpRequest, obj: Group, form: Any, change: bool) -> None:
        curation.group_save(group=obj, user=request.user, changed=form.changed_data)


@admin.register(GroupAlias)
class GroupAliasAdmin(admin.ModelAdmin):
    list_display = ("key", "group", "pinned")
    search_fields = ("key", "group__name")
    autocomplete_fields = ("group",)
    readonly_fields = ("pinned",)

    def save_model(self, request: HttpRequest, obj: GroupAlias, form: Any, change: bool) -> None:
        """Moving a name or page to another organiser is a curator's split: it stays."""
        if change and "group" in form.changed_data:
            curation.group_alias_move(alias=obj, group=obj.group, user=request.user)
        else:
            super().save_model(request, obj, form, change)
