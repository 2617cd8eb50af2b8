"""`/submit/`: organisers propose an event or a calendar to follow; a curator decides.

Nothing of a submission is public until a curator accepts it in the admin. The form is
the untrusted edge: CSRF (Django's middleware), a honeypot field, a per-address limit on
the proposals accepted (counted in the shared cache, in this process's memory while that
cache is unreachable: the form never fails because Redis is down), size limits,
http(s) links only, control characters stripped, and a calendar URL must not point into
the server's own network (it will be fetched).
"""

from __future__ import annotations

import functools
import logging
import time
import zoneinfo
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from redis.exceptions import RedisError

from calendar_app.models import Attendance, Submission, SubmissionKind
from calendar_app.services.public_address import url_is_inside
from calendar_app.services.submissions import submission_create
from calendar_app.text import one_line
from calendar_app.twir import is_safe_url
from twirevents.client_address import client_address

DEFAULT_RATE = "5/h"
HONEYPOT = "website"
TEXT_FIELDS = ("title", "location", "group_name", "timezone")
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
CACHE_ERRORS = (RedisError, OSError)
# What each kind of proposal needs: the form marks these fields and checks them.
REQUIRED_FOR = {
    SubmissionKind.EVENT: ("title", "start_date", "url"),
    SubmissionKind.CALENDAR: ("calendar_url",),
}
ZONE_LIST_ID = "iana-zones"
logger = logging.getLogger(__name__)


def submit_rate() -> tuple[int, int]:
    """SUBMISSIONS_RATE ("5/h", "10/30m"): proposals accepted per address, per seconds."""
    count, _, period = getattr(settings, "SUBMISSIONS_RATE", DEFAULT_RATE).partition("/")
    return int(count), int(period[:-1] or 1) * PERIODS[period[-1]]


def _counted(request: HttpRequest, operation: Callable[[BaseCache, str, int], int]) -> int:
    """`operation(cache, key)` on this address's counter for the current window: in the
    shared cache, or in this process's memory while the shared one is unreachable."""
    _, period = submit_rate()
    key = f"submit-accepted:{client_address(request)}:{period}:{int(time.time()) // period}"
    try:
        return operation(caches["default"], key, period)
    except CACHE_ERRORS:
        logger.warning("submit: shared cache unreachable, counting in local memory")
        return operation(caches["local"], key, period)


def _read(cache: BaseCache, key: str, period: int) -> int:
    return int(cache.get(key, 0))


def _increment(cache: BaseCache, key: str, period: int) -> int:
    cache.add(key, 0, period + 60)
    return int(cache.incr(key))


@functools.cache
def time_zones() -> tuple[str, ...]:
    """The IANA zone names the form offers and accepts, sorted (read once)."""
    return tuple(sorted(zoneinfo.available_timezones()))


class SubmissionForm(forms.ModelForm):
    """The public fields (names fixed in ARCHITECTURE.md), plus a honeypot."""

    kind = forms.ChoiceField(  # no blank "---------" choice: one of the two kinds
        choices=SubmissionKind.choices, widget=forms.RadioSelect, label="What are you proposing?"
    )
    timezone = forms.CharField(
        max_length=64,
        required=False,
        label="Time zone",
        help_text="The event's IANA time zone, e.g. Europe/Berlin; type to search the list.",
        widget=forms.TextInput(
            attrs={"list": ZONE_LIST_ID, "autocomplete": "off", "spellcheck": "false"}
        ),
    )
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
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        labels = {"group_name": "Organiser"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["attendance"].required = False  # a calendar has none
        for kind, names in REQUIRED_FOR.items():
            for name in names:
                field = self.fields[name]
                field.required_for = SubmissionKind(kind).label  # type: ignore[attr-defined]
                field.widget.attrs["aria-required"] = "true"
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_hint"

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

    def _missing(self, data: dict, kind: SubmissionKind) -> None:
        for name in REQUIRED_FOR[kind]:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, f"Needed for {str(kind.label).lower()}.")

    def _clean_event(self, data: dict) -> None:
        self._missing(data, SubmissionKind.EVENT)
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end comes before the start.")
        zone = data.get("timezone")
        if zone and zone not in time_zones():
            self.add_error("timezone", "Pick a zone from the list, e.g. Europe/Berlin.")

    def _clean_calendar(self, data: dict) -> None:
        self._missing(data, SubmissionKind.CALENDAR)
        url = data.get("calendar_url")
        if url and is_safe_url(url) and url_is_inside(url):
            self.add_error("calendar_url", "This address cannot be fetched from here.")


def submit(request: HttpRequest) -> HttpResponse:
    """The form; after sending, a clear message (and nothing public yet). Only accepted
    proposals count towards the limit: a form sent back with its errors costs nothing."""
    if request.method == "POST":
        form = SubmissionForm(request.POST)
        limit, _ = submit_rate()
        if _counted(request, _read) >= limit:
            form.add_error(None, "Too many proposals from your address; please try later.")
            context = {"form": form, "zones": time_zones()}
            return render(request, "calendar_app/submit.html", context, status=429)
        if form.is_valid():
            _counted(request, _increment)
            if not form.cleaned_data.get(HONEYPOT):  # a bot: thanked, not kept
                values = {k: v for k, v in form.cleaned_data.items() if k != HONEYPOT}
                submission_create(values=values)
            return redirect("submit_thanks")
    else:
        form = SubmissionForm(initial={"kind": SubmissionKind.EVENT})
    return render(request, "calendar_app/submit.html", {"form": form, "zones": time_zones()})


def submit_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "calendar_app/submit_thanks.html")
