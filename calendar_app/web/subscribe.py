"""Subscribe links for a filter: webcal:// for apps, https:// to copy, Google's and
Outlook.com's add-by-URL pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from django.http import HttpRequest
from django.urls import reverse

from calendar_app.web.querystring import filter_query

GOOGLE_SUBSCRIBE = "https://calendar.google.com/calendar/render?cid="
OUTLOOK_SUBSCRIBE = "https://outlook.live.com/calendar/0/addfromweb?"


@dataclass(frozen=True)
class SubscribeLinks:
    webcal: str
    https: str
    google: str
    outlook: str
    atom: str  # the newly listed meetups of the same filter, for feed readers


def subscribe_links(
    request: HttpRequest, params: Mapping[str, Any], *, name: str = "Rust meetups"
) -> SubscribeLinks:
    """Links to the iCalendar feed of `params` (a QueryDict or a dict of filter values).

    Google accepts only a webcal:// address as `cid` (an https one fails), so the
    webcal URL is what gets percent-encoded into its link; Outlook.com takes the https one.
    """
    query = filter_query(params)
    suffix = f"?{query}" if query else ""
    absolute = request.build_absolute_uri(reverse("events_ics") + suffix)
    webcal = "webcal://" + absolute.split("://", 1)[1]
    return SubscribeLinks(
        webcal=webcal,
        https=absolute,
        google=GOOGLE_SUBSCRIBE + quote(webcal, safe=""),
        outlook=OUTLOOK_SUBSCRIBE + urlencode({"url": absolute, "name": name}),
        atom=request.build_absolute_uri(reverse("new_atom") + suffix),
    )
