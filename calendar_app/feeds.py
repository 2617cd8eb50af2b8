"""Feeds (being written)."""
from django.http import HttpResponse


def events_ics(request, pk=None):
    return HttpResponse("")


meetup_ics = events_json = events_ics
