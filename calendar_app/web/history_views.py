"""The history page: meetups a year and a region since 2014, drawn on the server."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from calendar_app.queries.history import archive_history


@require_safe
def history(request: HttpRequest) -> HttpResponse:
    return render(request, "calendar_app/history.html", {"history": archive_history()})
