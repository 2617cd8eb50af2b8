"""Subscribe links for a filter: webcal:// for apps, https:// to copy, Google's add-by-URL."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.http import HttpRequest
from django.urls import reverse

from calendar_app.filters import MeetupFilter

GOOGLE_SUBSCRIBE = "https://calendar.google.com/calendar/render?cid="
FEED_PARAMS = tuple(MeetupFilter.base_filters)


@dataclass(frozen=True)
class SubscribeLinks:
    webcal: str
    https: str
    google: str


def feed_query(params) -> str:
    """The filter parameters a feed understands, empty ones and paging dropped."""
    pairs = [
        (name, value)
        for name in FEED_PARAMS
        for value in (params.getlist(name) if hasattr(params, "getlist") else [params.get(name)])
        if value not in (None, "")
    ]
    return urlencode(pairs)


def subscribe_links(request: HttpRequest, params) -> SubscribeLinks:
    """Links to the iCalendar feed of `params` (a QueryDict or a dict of filter values).

    Google accepts only a webcal:// address as `cid` (an https one fails), so the
    webcal URL is what gets percent-encoded into its link.
    """
    query = feed_query(params)
    path = reverse("events_ics") + (f"?{query}" if query else "")
    absolute = request.build_absolute_uri(path)
    webcal = "webcal://" + absolute.split("://", 1)[1]
    google = GOOGLE_SUBSCRIBE + quote(webcal, safe="")
    return SubscribeLinks(webcal=webcal, https=absolute, google=google)
