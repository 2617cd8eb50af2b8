"""Proposals from the public form, accepted or rejected by a curator."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Case, Q, QuerySet, Value, When
from django.http import HttpRequest

from calendar_app.admin.common import admin_link, upcoming_first
from calendar_app.models import (
    Submission,
    SubmissionStatus,
)
from calendar_app.services import curation


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Proposals from `/submit/`: nothing is public until accepted here."""

    list_display = ("kind", "title", "start_date", "group_name", "status", "created", "meetup_link")
    list_filter = ("status", "kind")
    search_fields = ("title", "group_name", "url", "calendar_url", "email")
    readonly_fields = (
        *Submission.FORM_FIELDS,
        "status",
        "meetup_link",
        "created",
        "decided_at",
        "decided_by",
    )
    fields = (*readonly_fields, "note")
    actions = ("accept", "reject")

    def get_ordering(self, request: HttpRequest) -> list:
        # Pending ones first; among them, the events that come soonest.
        pending = Q(status=SubmissionStatus.PENDING)
        return [Case(When(pending, then=Value(0)), default=Value(1)).asc(), *upcoming_first()]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="meetup")
    def meetup_link(self, submission: Submission) -> str:
        return admin_link(submission.meetup) if submission.meetup_id else ""

    @admin.action(description="Accept selected submissions (publish)", permissions=["change"])
    def accept(self, request: HttpRequest, queryset: QuerySet) -> None:
        pending = list(queryset.filter(status=SubmissionStatus.PENDING))
        for submission in pending:
            curation.submission_accept(submission=submission, user=request.user)
            self.log_change(request, submission, "Accepted.")
        self.message_user(request, f"Accepted {len(pending)} submission(s).")

    @admin.action(
        description="Reject selected submissions (kept on record)", permissions=["change"]
    )
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        pending = list(queryset.filter(status=SubmissionStatus.PENDING))
        for submission in pending:
            curation.submission_reject(submission=submission, user=request.user)
            self.log_change(request, submission, "Rejected.")
        self.message_user(request, f"Rejected {len(pending)} submission(s).")
