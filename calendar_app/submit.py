"""`/submit/`: organisers propose an event or a calendar to follow; a curator decides.

Nothing of a submission is public until a curator accepts it in the admin. The form is
the untrusted edge: CSRF (Django's middleware), a honeypot field, a per-address rate
limit on the cache, size limits, http(s) links only, control characters stripped, and a
calendar URL must not point into the server's own network (it will be fetched).
"""

from __future__ import annotations

import zoneinfo

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_ratelimit.decorators import ratelimit

from calendar_app.models import Attendance, Submission, SubmissionKind
from calendar_app.services.public_address import url_is_inside
from calendar_app.services.submissions import submission_create
from calendar_app.text import one_line
from calendar_app.twir import is_safe_url

DEFAULT_RATE = "5/h"
HONEYPOT = "website"
TEXT_FIELDS = ("title", "location", "group_name", "timezone")


def submit_rate(group: str, request: HttpRequest) -> str:
    return getattr(settings, "SUBMISSIONS_RATE", DEFAULT_RATE)


class SubmissionForm(forms.ModelForm):
    """The public fields (names fixed in ARCHITECTURE.md), plus a honeypot."""

    website = forms.CharField(required=False, label="Leave this field empty")
    url = forms.URLField(max_length=1000, required=False, assume_scheme="https", label="Event page")
    group_url = forms.URLField(
        max_length=1000, required=False, assume_scheme="https", label="Organiser's page"
    )
    calendar_url = forms.URLField(max_length=1000, required=False, assume_scheme="https")

    class Meta:
        model = Submission
        fields = Submission.FORM_FIELDS
        widgets = {
            "kind": forms.RadioSelect,
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        labels = {"group_name": "Organiser"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["attendance"].required = False  # a calendar has none

    def clean_attendance(self) -> str:
        return self.cleaned_data.get("attendance") or Attendance.IN_PERSON

    def clean(self) -> dict:
        data = super().clean() or {}
        for name in TEXT_FIELDS:
            if data.get(name):
                data[name] = one_line(data[name]).strip()  # every field is one line
        for name in ("url", "group_url", "calendar_url"):
            if data.get(name) and not is_safe_url(data[name]):
                self.add_error(name, "Only http(s) links, please.")
        if data.get("kind") == SubmissionKind.CALENDAR:
            self._clean_calendar(data)
        elif data.get("kind") == SubmissionKind.EVENT:
            self._clean_event(data)
        return data

    def _clean_event(self, data: dict) -> None:
        for name in ("title", "start_date", "url"):
            if not data.get(name):
                self.add_error(name, "Needed for an event.")
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end comes before the start.")
        zone = data.get("timezone")
        if zone and zone not in zoneinfo.available_timezones():
            self.add_error("timezone", "An IANA time zone, e.g. Europe/Berlin.")

    def _clean_calendar(self, data: dict) -> None:
        url = data.get("calendar_url")
        if not url:
            self.add_error("calendar_url", "Needed for a calendar.")
        elif is_safe_url(url) and url_is_inside(url):
            self.add_error("calendar_url", "This address cannot be fetched from here.")


@ratelimit(key="ip", rate=submit_rate, method="POST", block=False)
def submit(request: HttpRequest) -> HttpResponse:
    """The form; after sending, a clear message (and nothing public yet)."""
    if request.method == "POST":
        if getattr(request, "limited", False):
            form = SubmissionForm(request.POST)
            form.add_error(None, "Too many proposals from your address; please try later.")
            return render(request, "calendar_app/submit.html", {"form": form}, status=429)
        form = SubmissionForm(request.POST)
        if form.is_valid():
            if not form.cleaned_data.get(HONEYPOT):  # a bot: thanked, not kept
                values = {k: v for k, v in form.cleaned_data.items() if k != HONEYPOT}
                submission_create(values=values)
            return redirect("submit_thanks")
    else:
        form = SubmissionForm(initial={"kind": SubmissionKind.EVENT})
    return render(request, "calendar_app/submit.html", {"form": form})


def submit_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "calendar_app/submit_thanks.html")
