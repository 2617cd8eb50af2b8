"""Curation: the admin is where TWIR editors fix what the newsletters got wrong, once.

A curator's edit locks the fields it touches (ingest never overwrites them), merges are
reversible, every meetup change is kept in its history with who and what, and the
next issue's events section can be drafted from the curated data.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from calendar_app import admin_sources  # noqa: F401 - registers the calendars' admin
from calendar_app.geocoding.regions import region_for_country
from calendar_app.models import (
    Flag,
    Group,
    GroupAlias,
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Newsletter,
    Place,
    Sighting,
    SourceEvent,
    Status,
    zone_or_none,
)
from calendar_app.services.export_twir import render_twir
from calendar_app.services.locking import lock_changed_fields, unlock_fields
from calendar_app.services.merge import merge_groups, merge_meetups, unmerge_meetup
from calendar_app.twir.urls import canonical_url, is_event_specific

# Inline model -> the Meetup field its edits lock.
INLINE_LOCKS = {MeetupLink: "links", MeetupGroup: "groups", MeetupPlace: "places"}
DRAFT_DAYS = 28


def admin_link(obj, text: str | None = None) -> str:
    """A link to an object's change page in this admin."""
    if obj is None:
        return "-"
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text or str(obj))


def raw_lines(text: str) -> str:
    return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', text)


class ReadOnlyInline(admin.TabularInline):
    """Rows ingest owns: shown for context, never edited here."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
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
            self.instance.validate_unique(exclude=self._get_validation_exclusions())
        except ValidationError as error:
            self._update_errors(error)

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

    def save(self, commit: bool = True):
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
    fields = ("place", "position")
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

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("newsletter")


class SourceEventInline(ReadOnlyInline):
    model = SourceEvent
    fields = ("source", "uid", "recurrence_id", "first_seen", "last_seen", "gone")
    readonly_fields = fields
    verbose_name_plural = "calendar events (the calendars behind this meetup)"

    def get_queryset(self, request):
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
        fields = (
            "title",
            "start_date",
            "end_date",
            "starts_at",
            "ends_at",
            "timezone",
            "attendance",
            "region",
            "status",
        )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unlock"].choices = [(f, f) for f in self.instance.locked_fields or []]

    def clean_timezone(self) -> str:
        name = self.cleaned_data.get("timezone", "").strip()
        if name and zone_or_none(name) is None:
            raise forms.ValidationError("Not an IANA time zone name (e.g. Europe/Berlin).")
        return name


class HasOpenFlagsFilter(admin.SimpleListFilter):
    title = "open flags"
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", "Has open flags"), ("no", "No open flags")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(open_flags__gt=0)
        if self.value() == "no":
            return queryset.filter(open_flags=0)
        return queryset


class MergedFilter(admin.SimpleListFilter):
    title = "merged"
    parameter_name = "merged"

    def lookups(self, request, model_admin):
        return [("no", "Not merged"), ("yes", "Merged into another")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(duplicate_of__isnull=self.value() == "no")
        return queryset


class DraftForm(forms.Form):
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("The end comes before the start.")
        return data


@admin.register(Meetup)
class MeetupAdmin(SimpleHistoryAdmin):
    form = MeetupForm
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
    search_fields = (
        "title",
        "groups__name",
        "places__text",
        "places__city",
        "links__url",
        "links__canonical_url",
    )
    date_hierarchy = "start_date"
    list_per_page = 50
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

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .with_open_flag_count()
            .select_related("duplicate_of")
            .for_display()
        )

    def get_urls(self):
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
        return meetup.open_flags

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

    def save_model(self, request, obj: Meetup, form: MeetupForm, change: bool) -> None:
        unlock_fields(obj, form.cleaned_data.get("unlock") or [])
        if change:
            lock_changed_fields(obj, form.changed_data)
            if {"start_date", "end_date", "status"} & set(form.changed_data):
                obj.note_calendar_change()  # the form set them; calendar clients must update
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        meetup = form.instance
        touched = [
            INLINE_LOCKS[formset.model]
            for formset in formsets
            if formset.model in INLINE_LOCKS
            and (formset.new_objects or formset.changed_objects or formset.deleted_objects)
        ]
        if change and touched:
            lock_changed_fields(meetup, touched)
            meetup._history_user = request.user
            meetup._change_reason = "Changed " + ", ".join(touched)
            meetup.save()

    # Actions.

    @admin.action(description="Merge selected meetups…", permissions=["change"])
    def merge_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        meetups = list(queryset.annotate(sighting_count=Count("sightings", distinct=True)))
        merged = [m for m in meetups if m.duplicate_of_id]
        if len(meetups) < 2 or merged:
            self.message_user(
                request,
                "Select at least two meetups, none of them already merged.",
                messages.ERROR,
            )
            return None
        chosen = request.POST.get("survivor")
        survivor = next((m for m in meetups if str(m.pk) == chosen), None)
        if request.POST.get("confirm") == "yes" and survivor:
            others = [m for m in meetups if m.pk != survivor.pk]
            merge_meetups(survivor=survivor, others=others, user=request.user)
            for other in others:
                self.log_change(request, other, f"Merged into meetup #{survivor.pk}.")
            self.message_user(request, f"Merged {len(others)} meetup(s) into “{survivor}”.")
            return HttpResponseRedirect(
                reverse("admin:calendar_app_meetup_change", args=[survivor.pk])
            )
        suggested = max(meetups, key=lambda m: (m.sighting_count, -m.pk))
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge meetups",
            "opts": self.model._meta,
            "meetups": meetups,
            "suggested": suggested,
            "action": "merge_selected",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/calendar_app/meetup/merge_confirmation.html", context
        )

    @admin.action(description="Unmerge selected meetups (list them again)", permissions=["change"])
    def unmerge_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        merged = list(queryset.filter(duplicate_of__isnull=False).select_related("duplicate_of"))
        for meetup in merged:
            unmerge_meetup(meetup=meetup, user=request.user)
            self.log_change(request, meetup, "Unmerged.")
        self.message_user(request, f"Unmerged {len(merged)} meetup(s).")

    def _set_status(self, request: HttpRequest, queryset: QuerySet, status: str) -> None:
        """Set and lock the status, one save per meetup so each lands in its history."""
        count = 0
        for meetup in queryset:
            meetup.set_status(status)
            lock_changed_fields(meetup, ["status"])
            meetup._history_user = request.user
            meetup._change_reason = f"Status set to {status}"
            meetup.save()
            self.log_change(request, meetup, f"Status set to {status}.")
            count += 1
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
        for meetup in queryset.exclude(locked_fields=[]):
            unlocked = unlock_fields(meetup, Meetup.LOCKABLE_FIELDS)
            meetup._history_user = request.user
            meetup._change_reason = "Unlocked " + ", ".join(unlocked)
            meetup.save()
            self.log_change(request, meetup, "Unlocked all fields.")
        self.message_user(request, "Unlocked.")

    # The next issue's events section.

    def draft_twir_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        form = DraftForm(request.GET or {"start": today, "end": today + timedelta(DRAFT_DAYS)})
        markdown = ""
        if form.is_valid():
            markdown = render_twir(start=form.cleaned_data["start"], end=form.cleaned_data["end"])
        context = {
            **self.admin_site.each_context(request),
            "title": "Draft next issue's events",
            "opts": self.model._meta,
            "form": form,
            "markdown": markdown,
        }
        return TemplateResponse(request, "admin/calendar_app/meetup/draft_twir.html", context)


# --- Flags ------------------------------------------------------------------------------


class FlagStateFilter(admin.SimpleListFilter):
    """The queue shows open flags unless asked otherwise."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("resolved", "Resolved"), ("all", "All")]

    def queryset(self, request, queryset):
        value = self.value() or "open"
        if value == "all":
            return queryset
        return queryset.filter(resolved=value == "resolved")

    def choices(self, changelist):
        current = self.value() or "open"
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = (
        "kind",
        "concerns",
        "short_message",
        "newsletter",
        "line",
        "created",
        "resolved",
    )
    list_filter = (FlagStateFilter, "kind")
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

    def has_add_permission(self, request) -> bool:
        return False

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
        return raw_lines(flag.raw)

    def save_model(self, request, obj: Flag, form, change: bool) -> None:
        if "resolved" in form.changed_data:
            obj.resolved_at = timezone.now() if obj.resolved else None
            obj.resolved_by = request.user if obj.resolved else None
        super().save_model(request, obj, form, change)

    @admin.action(description="Resolve selected flags", permissions=["change"])
    def resolve(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_resolved(request, queryset.filter(resolved=False), True)

    @admin.action(description="Reopen selected flags", permissions=["change"])
    def reopen(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_resolved(request, queryset.filter(resolved=True), False)

    def _set_resolved(self, request: HttpRequest, queryset: QuerySet, resolved: bool) -> None:
        flags = list(queryset)
        now = timezone.now()
        for flag in flags:
            flag.resolved = resolved
            flag.resolved_at = now if resolved else None
            flag.resolved_by = request.user if resolved else None
            flag.save(update_fields=["resolved", "resolved_at", "resolved_by"])
            self.log_change(request, flag, "Resolved." if resolved else "Reopened.")
        verb = "Resolved" if resolved else "Reopened"
        self.message_user(request, f"{verb} {len(flags)} flag(s).")


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

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meetup")


@admin.register(Place)
class PlaceAdmin(SimpleHistoryAdmin):
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
        return place.meetup_total

    def save_model(self, request, obj: Place, form, change: bool) -> None:
        """A curator's correction is final: the geocoder never touches the place again."""
        if "locked" not in form.changed_data and set(form.changed_data) & set(self.LOCATION_FIELDS):
            obj.locked = True
        super().save_model(request, obj, form, change)
        if "country" in form.changed_data:
            self._refresh_regions(request, obj)

    @staticmethod
    def _refresh_regions(request: HttpRequest, place: Place) -> None:
        """Meetups take their region from their primary place, unless a curator locked it."""
        region = region_for_country(place.country)
        for row in MeetupPlace.objects.filter(place=place).select_related("meetup"):
            meetup = row.meetup
            primary = meetup.meetupplace_set.order_by("position", "id").first()
            if primary.place_id != place.pk or meetup.is_locked("region"):
                continue
            if meetup.region != region:
                meetup.region = region
                meetup._history_user = request.user
                meetup._change_reason = f"Region from corrected place {place}"
                meetup.save()

    @admin.action(description="Geocode again (unlocks the place)", permissions=["change"])
    def geocode_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        from calendar_app.services.geocode import geocode_place

        places = list(queryset)
        for place in places:
            place.locked = False
            place._history_user = request.user
            problems = geocode_place(place) or []
            place.save()
            Flag.objects.bulk_create(
                Flag(kind=kind, message=message, place=place) for kind, message in problems
            )
            self._refresh_regions(request, place)
            self.log_change(request, place, "Geocoded again.")
        self.message_user(request, f"Geocoded {len(places)} place(s) again.")


# --- Groups -----------------------------------------------------------------------------


class GroupAliasInline(admin.TabularInline):
    model = GroupAlias
    extra = 0
    verbose_name_plural = "aliases (how newsletters name or link this group)"


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin):
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
        return group.meetup_total

    @admin.action(description="Merge selected groups…", permissions=["change"])
    def merge_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        groups = list(queryset)
        if len(groups) < 2:
            self.message_user(request, "Select at least two groups.", messages.ERROR)
            return None
        chosen = request.POST.get("survivor")
        survivor = next((g for g in groups if str(g.pk) == chosen), None)
        if request.POST.get("confirm") == "yes" and survivor:
            others = [g for g in groups if g.pk != survivor.pk]
            names = ", ".join(g.name for g in others)
            merge_groups(survivor=survivor, others=others)
            self.log_change(request, survivor, f"Merged groups into it: {names}.")
            self.message_user(request, f"Merged {names} into “{survivor}”.")
            return HttpResponseRedirect(
                reverse("admin:calendar_app_group_change", args=[survivor.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge groups",
            "opts": self.model._meta,
            "groups": groups,
            "suggested": max(groups, key=lambda g: (g.meetup_total, -g.pk)),
            "action": "merge_selected",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/calendar_app/group/merge_confirmation.html", context
        )


@admin.register(GroupAlias)
class GroupAliasAdmin(admin.ModelAdmin):
    list_display = ("key", "group")
    search_fields = ("key", "group__name")
    autocomplete_fields = ("group",)


# --- Newsletters and sightings -------------------------------------------------------------


class NewsletterSightingInline(SightingLinesInline):
    fields = ("line", "section", "raw_text", "meetup_link")
    readonly_fields = fields

    @admin.display(description="meetup")
    def meetup_link(self, sighting: Sighting) -> str:
        return admin_link(sighting.meetup)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meetup")


class NewsletterFlagInline(ReadOnlyInline):
    model = Flag
    fields = ("kind", "line", "message", "resolved")
    readonly_fields = fields


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="sightings", ordering="sighting_total")
    def sighting_count(self, newsletter: Newsletter) -> int:
        return newsletter.sighting_total

    @admin.display(description="open flags", ordering="open_flags")
    def open_flag_count(self, newsletter: Newsletter) -> int:
        return newsletter.open_flags

    @admin.action(description="Ingest again from its source", permissions=["change"])
    def ingest_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        from calendar_app.services.ingest import ingest_paths

        for newsletter in queryset:
            try:
                ingest_paths([newsletter.source], force=True)
            except Exception as error:  # noqa: BLE001 - a bad source must not stop the rest
                self.message_user(request, f"{newsletter}: {error}", messages.ERROR)
                continue
            self.log_change(request, newsletter, "Ingested again.")
            self.message_user(request, f"Ingested {newsletter} again.")


@admin.register(Sighting)
class SightingAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
