"""The meetup admin: edits that lock what they touch, merges, the next issue's draft."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from calendar_app.admin.common import (
    INLINE_LOCKS,
    CuratorAssets,
    MergeMixin,
    ReadOnlyInline,
    SightingLinesInline,
    admin_link,
    upcoming_first,
)
from calendar_app.matching.survivor import surviving
from calendar_app.models import (
    Flag,
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    MeetupQuerySet,
    SourceEvent,
    Status,
    zone_or_none,
)
from calendar_app.queries.search import text_conditions
from calendar_app.rendering.export_twir import draft_twir, markdown_preview, next_issue_window
from calendar_app.services import curation
from calendar_app.services.merge import MERGE_CHOICES
from calendar_app.twir.urls import canonical_url, is_event_specific


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
        if self.value() in ("yes", "no"):
            return cast(MeetupQuerySet, queryset).with_open_flags(self.value() == "yes")
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
        # duplicate_of prefetched for the page's rows: a join would be made for every row
        # of the list before the page is sorted out of it
        return meetups.with_open_flag_count().prefetch_related("duplicate_of").for_display()

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
