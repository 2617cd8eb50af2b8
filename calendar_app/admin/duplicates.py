"""The duplicate queue: pairs matching left apart that look alike, merged or dismissed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from calendar_app.admin.common import CuratorAssets, upcoming_first
from calendar_app.admin.meetups import merge_field_choices
from calendar_app.matching.survivor import surviving
from calendar_app.models import (
    DuplicateCandidate,
    DuplicateStatus,
    Meetup,
)
from calendar_app.services import curation
from calendar_app.services.merge import MERGE_CHOICES


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(admin.ModelAdmin):
    """The queue of look-alike pairs; a pair's page shows both side by side to decide."""

    Media = CuratorAssets
    list_display = ("pair", "reason", "score", "status", "decided_by")
    list_filter = ("status", "reason")
    list_select_related = ("first", "second", "decided_by")
    search_fields = ("first__title", "second__title")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_ordering(self, request: HttpRequest) -> list:
        return upcoming_first("first__")

    @admin.display(description="pair")
    def pair(self, candidate: DuplicateCandidate) -> str:
        return format_html("{} / {}", str(candidate.first), str(candidate.second))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Side by side, with "merge" (choosing fields) and "not a duplicate"."""
        candidate = self.get_object(request, object_id)
        if candidate is None:
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_change_permission(request, candidate):
                raise PermissionDenied
            return self._decide(request, candidate)
        pair = list(
            Meetup.objects.filter(pk__in=[candidate.first_id, candidate.second_id])
            .annotate(sighting_count=Count("sightings", distinct=True))
            .for_display()
            .order_by("pk")
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Duplicate? {candidate.reason}",
            "opts": self.model._meta,
            "candidate": candidate,
            "records": pair,
            "suggested": surviving(pair),  # the one ingest would keep
            "field_choices": merge_field_choices(pair),
            "open": candidate.status == DuplicateStatus.OPEN
            and all(m.duplicate_of_id is None for m in pair),
        }
        return TemplateResponse(
            request, "admin/calendar_app/duplicatecandidate/side_by_side.html", context
        )

    def _decide(self, request: HttpRequest, candidate: DuplicateCandidate) -> HttpResponse:
        if request.POST.get("decision") == "not_duplicate":
            curation.duplicate_dismiss(candidate=candidate, user=request.user)
            self.message_user(request, "Remembered as not a duplicate.")
            return HttpResponseRedirect(reverse("admin:calendar_app_duplicatecandidate_changelist"))
        pair = {str(m.pk): m for m in (candidate.first, candidate.second)}
        survivor = pair.get(request.POST.get("survivor", ""))
        if survivor is None:
            self.message_user(request, "Pick the meetup that survives.", messages.ERROR)
            return HttpResponseRedirect(request.path)
        choices = {
            name: pair[request.POST[f"choose_{name}"]]
            for name in MERGE_CHOICES
            if request.POST.get(f"choose_{name}") in pair
        }
        curation.duplicate_merge(
            candidate=candidate, survivor=survivor, user=request.user, choices=choices
        )
        self.message_user(request, f"Merged into “{survivor}”.")
        return HttpResponseRedirect(reverse("admin:calendar_app_meetup_change", args=[survivor.pk]))
