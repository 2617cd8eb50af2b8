"""Curation: the admin is where TWIR editors fix what the newsletters got wrong, once.

A curator's edit locks the fields it touches (ingest never overwrites them), merges are
reversible, every meetup change is kept in its history with who and what, and the
next issue's events section can be drafted from the curated data.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from calendar_app import admin_sources  # noqa: F401 - registers the calendars' admin
from calendar_app.matching.survivor import surviving
from calendar_app.models import (
    DuplicateCandidate,
    DuplicateStatus,
    Flag,
    FlagQuerySet,
    Group,
    GroupAlias,
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    MeetupQuerySet,
    Newsletter,
    Place,
    Sighting,
    SourceEvent,
    Status,
    Submission,
    SubmissionStatus,
    zone_or_none,
)
from calendar_app.queries.search import text_conditions
from calendar_app.rendering.export_twir import draft_twir, markdown_preview, next_issue_window
from calendar_app.services import curation
from calendar_app.services.merge import MERGE_CHOICES
from calendar_app.twir.urls import canonical_url, is_event_specific

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


# --- Meetups ----------------------------------------------------------------------------


class MeetupLinkForm(forms.ModelForm):
    """Curators type a URL; its canonical form (the dedupe key) is derived, not typed."""

    class Meta:
        model = MeetupLink
        fields = ("url", "label", "primary", "position")

    url = forms.URLField(max_length=1000, assume_scheme="https")

    def validate_unique(self) -> None:
        """Row by row, against the database, the one-primary rule would refuse moving the
        primary mark from one link to another; the formset checks it across all links."""
        try:
            self.instance.validate_unique(exclude=self._get_validation_exclusions())  # type: ignore[attr-defined]
        except ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]

    def save(self, commit: bool = True) -> MeetupLink:
        self.instance.canonical_url = canonical_url(self.instance.url)
        self.instance.event_specific = is_event_specific(self.instance.url)
        return super().save(commit)


class MeetupLinkFormSet(forms.BaseInlineFormSet):
    """At most one primary link per meetup, and moving the mark takes one save."""

    def clean(self) -> None:
        super().clean()
        primaries = [
            form
            for form in self.forms
            if form.cleaned_data.get("primary") and not form.cleaned_data.get("DELETE")
        ]
        if len(primaries) > 1:
            raise ValidationError("Only one link can be the primary link.")

    def save(self, commit: bool = True) -> list[Any]:
        if commit:  # clear the old mark first: the constraint must hold after every row
            unmarked = [
                form.instance.pk
                for form in self.forms
                if form.instance.pk
                and "primary" in form.changed_data
                and not form.cleaned_data.get("primary")
            ]
            MeetupLink.objects.filter(pk__in=unmarked).update(primary=False)
        return super().save(commit)


class MeetupLinkInline(admin.TabularInline):
    model = MeetupLink
    form = MeetupLinkForm
    formset = MeetupLinkFormSet
    extra = 0


class MeetupGroupInline(admin.TabularInline):
    model = MeetupGroup
    fields = ("group", "position")
    autocomplete_fields = ("group",)
    extra = 0
    verbose_name = "organiser"
    verbose_name_plural = "organisers"


class MeetupPlaceInline(admin.TabularInline):
    model = MeetupPlace
    fields = ("place", "position", "venue", "address", "latitude", "longitude", "inferred")
    autocomplete_fields = ("place",)
    extra = 0
    verbose_name_plural = "places (the first is the primary place)"


class SightingLinesInline(ReadOnlyInline):
    """Sightings with the newsletter lines they were read from."""

    model = Sighting

    @admin.display(description="raw lines")
    def raw_text(self, sighting: Sighting) -> str:
        return raw_lines(sighting.raw)


class SightingInline(SightingLinesInline):
    fields = ("newsletter", "section", "line", "raw_text")
    readonly_fields = fields
    verbose_name_plural = "sightings (the newsletter lines behind this meetup)"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("newsletter")


class SourceEventInline(ReadOnlyInline):
    model = SourceEvent
    fields = ("source", "uid", "recurrence_id", "first_seen", "last_seen", "gone")
    readonly_fields = fields
    verbose_name_plural = "calendar events (the calendars behind this meetup)"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("source")


class MeetupFlagInline(ReadOnlyInline):
    model = Flag
    fields = ("kind", "message", "resolved")
    readonly_fields = fields


class MeetupForm(forms.ModelForm):
    """The meetup's own fields, plus checkboxes to hand locked fields back to ingest."""

    unlock = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ticked fields are unlocked: the next ingest may update them again.",
    )

    class Meta:
        model = Meetup
        fields = Meetup.OWN_FIELDS
        widgets = {"title": forms.TextInput(attrs={"size": 90, "class": "vTextField title-wide"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unlock: Any = self.fields["unlock"]
        unlock.choices = [(f, f) for f in self.instance.locked_fields or []]

    def clean_timezone(self) -> str:
        name = self.cleaned_data.get("timezone", "").strip()
        if name and zone_or_none(name) is None:
            raise forms.ValidationError("Not an IANA time zone name (e.g. Europe/Berlin).")
        return name


class HasOpenFlagsFilter(admin.SimpleListFilter):
    title = "open flags"
    parameter_name = "flagged"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Has open flags"), ("no", "No open flags")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(open_flags__gt=0)
        if self.value() == "no":
            return queryset.filter(open_flags=0)
        return queryset


class MergedFilter(admin.SimpleListFilter):
    title = "merged"
    parameter_name = "merged"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("no", "Not merged"), ("yes", "Merged into another")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(duplicate_of__isnull=self.value() == "no")
        return queryset


def merge_field_choices(meetups: list[Meetup]) -> list[dict]:
    """Rows of the merge page's field-by-field choice: field, and each meetup's value."""
    shown = {
        "title": lambda m: m.title or "(no title)",
        "dates": lambda m: (
            f"{m.start_date} – {m.end_date}" if m.is_multi_day else str(m.start_date)
        ),
        "attendance": lambda m: m.get_attendance_display(),
        "places": lambda m: "; ".join(str(p) for p in m.ordered_places()) or "(none)",
        "links": lambda m: " | ".join(link.url for link in m.ordered_links()) or "(none)",
    }
    return [
        {
            "name": name,
            "values": [(meetup, shown[name](meetup)) for meetup in meetups],
            "differ": len({shown[name](meetup) for meetup in meetups}) > 1,
        }
        for name in MERGE_CHOICES
    ]


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


class DraftForm(forms.Form):
    # type="date" inputs take ISO dates only (a locale format makes them look empty).
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("The end comes before the start.")
        return data


@admin.register(Meetup)
class MeetupAdmin(MergeMixin, SimpleHistoryAdmin):
    form = MeetupForm
    merge_template = "admin/calendar_app/meetup/merge_confirmation.html"
    Media = CuratorAssets
    list_display = (
        "start_date",
        "title",
        "region",
        "attendance",
        "organisers",
        "open_flag_count",
        "status",
        "merged_into",
    )
    list_display_links = ("start_date", "title")
    list_filter = (
        "region",
        "attendance",
        "status",
        HasOpenFlagsFilter,
        MergedFilter,
        "start_date",
    )
    # Searched by get_search_results: the public search's rule over the folded columns.
    search_fields = ("title",)
    search_help_text = "Words of the title, organiser or place (accents, case forgiven), or a link."
    date_hierarchy = "start_date"
    list_per_page = 50
    # No count of the whole table beside the filtered count on every page.
    show_full_result_count = False
    readonly_fields = (
        "locked",
        "merged_into",
        "uid",
        "sequence",
        "public_page",
        "created",
        "updated",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    ("start_date", "end_date"),
                    ("starts_at", "ends_at", "timezone"),
                    "attendance",
                    "region",
                    "status",
                    "description",
                )
            },
        ),
        ("Locks", {"fields": ("locked", "unlock")}),
        (
            "Identity",
            {"fields": ("merged_into", "uid", "sequence", "public_page", "created", "updated")},
        ),
    )
    inlines = (
        MeetupLinkInline,
        MeetupGroupInline,
        MeetupPlaceInline,
        SightingInline,
        SourceEventInline,
        MeetupFlagInline,
    )
    actions = ("merge_selected", "unmerge_selected", "publish", "hide", "cancel", "unlock_all")

    def get_ordering(self, request: HttpRequest) -> list:
        return upcoming_first()

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        meetups = cast(MeetupQuerySet, super().get_queryset(request))
        return meetups.with_open_flag_count().select_related("duplicate_of").for_display()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """Every word in the folded title, organiser or place (search.text_conditions, as the
        public search), or a link containing the term: subqueries run once, never a join of
        links, places and organisers that needs DISTINCT over the whole table."""
        term = search_term.strip()
        if not term:
            return queryset, False
        words = Q()
        for condition in text_conditions(term):
            words &= condition
        links = MeetupLink.objects.filter(
            Q(url__contains=term) | Q(canonical_url__contains=term.lower())
        ).values("meetup_id")
        return queryset.filter((words if words else Q(pk__in=[])) | Q(pk__in=links)), False

    def get_urls(self) -> list[URLPattern]:
        draft = path(
            "draft-twir/",
            self.admin_site.admin_view(self.draft_twir_view),
            name="calendar_app_meetup_draft_twir",
        )
        return [draft, *super().get_urls()]

    # Columns and read-only fields.

    @admin.display(description="organisers")
    def organisers(self, meetup: Meetup) -> str:
        return ", ".join(group.name for group in meetup.ordered_groups())

    @admin.display(description="open flags", ordering="open_flags")
    def open_flag_count(self, meetup: Meetup) -> int:
        return getattr(meetup, "open_flags", 0)

    @admin.display(description="merged into")
    def merged_into(self, meetup: Meetup) -> str:
        return admin_link(meetup.duplicate_of) if meetup.duplicate_of_id else ""

    @admin.display(description="locked fields")
    def locked(self, meetup: Meetup) -> str:
        return ", ".join(meetup.locked_fields or []) or "none: ingest may update every field"

    @admin.display(description="public page")
    def public_page(self, meetup: Meetup) -> str:
        if not meetup.pk:
            return "-"
        url = meetup.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    # Edits lock what they change.

    def save_model(self, request: HttpRequest, obj: Meetup, form: MeetupForm, change: bool) -> None:
        curation.meetup_save(
            meetup=obj,
            user=request.user,
            changed=[name for name in form.changed_data if name != "unlock"],
            unlock=form.cleaned_data.get("unlock") or [],
            adding=not change,
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        touched = [
            INLINE_LOCKS[formset.model]
            for formset in formsets
            if formset.model in INLINE_LOCKS
            and (formset.new_objects or formset.changed_objects or formset.deleted_objects)
        ]
        curation.meetup_relations_saved(
            meetup=form.instance, user=request.user, touched=touched, adding=not change
        )

    # Actions.

    def merge_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.annotate(sighting_count=Count("sightings", distinct=True))

    def merge_problem(self, records: list) -> str:
        if len(records) < 2 or any(m.duplicate_of_id for m in records):
            return "Select at least two meetups, none of them already merged."
        return ""

    def merge_suggested(self, records: list) -> Meetup:
        return surviving(records)  # the one ingest would keep

    def merge_context(self, records: list) -> dict:
        """The values a curator may pick field by field, one column per meetup."""
        return {"field_choices": merge_field_choices(records)}

    def merge_records(self, request: HttpRequest, survivor: Meetup, others: list) -> None:
        by_pk = {str(m.pk): m for m in [survivor, *others]}
        choices = {
            name: by_pk[request.POST[f"choose_{name}"]]
            for name in MERGE_CHOICES
            if request.POST.get(f"choose_{name}") in by_pk
        }
        curation.meetups_merge(survivor=survivor, others=others, user=request.user, choices=choices)

    @admin.action(description="Unmerge selected meetups (list them again)", permissions=["change"])
    def unmerge_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        merged = list(queryset.filter(duplicate_of__isnull=False).select_related("duplicate_of"))
        count = curation.meetup_unmerge(meetups=merged, user=request.user)
        for meetup in merged:
            self.log_change(request, meetup, "Unmerged.")
        self.message_user(request, f"Unmerged {count} meetup(s).")

    def _set_status(self, request: HttpRequest, queryset: QuerySet, status: str) -> None:
        meetups = list(queryset)
        count = curation.meetup_set_status(meetups=meetups, status=status, user=request.user)
        for meetup in meetups:
            self.log_change(request, meetup, f"Status set to {status}.")
        self.message_user(request, f"{count} meetup(s) now {status}.")

    @admin.action(description="Publish selected meetups", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, Status.PUBLISHED)

    @admin.action(description="Hide selected meetups", permissions=["change"])
    def hide(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, Status.HIDDEN)

    @admin.action(description="Cancel selected meetups", permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, Status.CANCELLED)

    @admin.action(description="Unlock all fields (ingest may update them)", permissions=["change"])
    def unlock_all(self, request: HttpRequest, queryset: QuerySet) -> None:
        meetups = list(queryset.exclude(locked_fields=[]))
        curation.meetup_unlock(meetups=meetups, user=request.user)
        for meetup in meetups:
            self.log_change(request, meetup, "Unlocked all fields.")
        self.message_user(request, "Unlocked.")

    # The next issue's events section.

    def draft_twir_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        start, end = next_issue_window(timezone.localdate())
        form = DraftForm(request.GET or {"start": start, "end": end})
        draft = None
        if form.is_valid():
            draft = draft_twir(start=form.cleaned_data["start"], end=form.cleaned_data["end"])
        context = {
            **self.admin_site.each_context(request),
            "title": "Draft next issue's events",
            "opts": self.model._meta,
            "form": form,
            "draft": draft,
            "markdown": draft.markdown if draft else "",
            "preview": markdown_preview(draft.markdown) if draft else "",
        }
        return TemplateResponse(request, "admin/calendar_app/meetup/draft_twir.html", context)


# --- Duplicate candidates ------------------------------------------------------------------


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


# --- Submissions -------------------------------------------------------------------------


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


# --- Flags ------------------------------------------------------------------------------


class FlagStateFilter(admin.SimpleListFilter):
    """The queue shows open flags unless asked otherwise."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("open", "Open"), ("resolved", "Resolved"), ("all", "All")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value() or "open"
        if value == "all":
            return queryset
        return queryset.filter(resolved=value == "resolved")

    def choices(self, changelist: Any) -> Iterator[Any]:
        current = self.value() or "open"
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class FlagScopeFilter(admin.SimpleListFilter):
    """By default the flags a curator must see this week: those of meetups (their own, their
    sightings', their places') that fall between today and the end of the next issue's
    window; the backlog is one click away."""

    title = "concerning"
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return [("coming", "Meetups until the next issue's end"), ("all", "Everything")]

    def queryset(self, request, queryset):
        if (self.value() or "coming") == "all":
            return queryset
        today = timezone.localdate()
        coming = Meetup.objects.canonical().overlapping(today, next_issue_window(today)[1])
        return queryset.filter(
            Q(meetup__in=coming)
            | Q(sighting__meetup__in=coming)
            | Q(place__meetupplace__meetup__in=coming)
        ).distinct()

    def choices(self, changelist):
        current = self.value() or "coming"
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


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

    def changelist_view(self, request, extra_context=None):
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


# --- Places -----------------------------------------------------------------------------


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
        return super().get_queryset(request).annotate(meetup_total=Count("meetups"))

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


# --- Groups -----------------------------------------------------------------------------


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

    def save_model(self, request, obj: GroupAlias, form, change: bool) -> None:
        """Moving a name or page to another organiser is a curator's split: it stays."""
        if change and "group" in form.changed_data:
            curation.group_alias_move(alias=obj, group=obj.group, user=request.user)
        else:
            super().save_model(request, obj, form, change)


# --- Newsletters and sightings -------------------------------------------------------------


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
