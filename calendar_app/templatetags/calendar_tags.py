"""Template helpers for untrusted links and calendar links."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from calendar_app.models import Meetup

register = template.Library()

SAFE_SCHEMES = {"http", "https"}
GOOGLE_EVENT = "https://calendar.google.com/calendar/render?"
# As Django's json_script escapes: nothing in the data can end the <script> element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def safe_url(value) -> str:
    """`value` if it is an http(s) URL, else "": newsletter text must never become a
    `javascript:` or `data:` link."""
    url = str(value or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return ""
    return url


@register.simple_tag
def external_link(url, label: str = "") -> str:
    """An <a> for an http(s) URL; any other URL is shown as plain text."""
    text = label or url
    href = safe_url(url)
    if not href:
        return format_html('<span class="unsafe-url">{}</span>', text)
    return format_html('<a href="{}" rel="nofollow noopener">{}</a>', href, text)


@register.filter
def google_event_url(meetup: Meetup, page_url: str = "") -> str:
    """Google Calendar's "add event" link: an all-day event with an exclusive end date."""
    place = meetup.primary_place
    location = place.label if place else ""
    if not location and meetup.attendance != "in_person":
        location = "Online"
    details = "\n".join(part for part in (meetup.url, page_url) if part)
    dates = f"{meetup.start_date:%Y%m%d}/{meetup.end_date + timedelta(days=1):%Y%m%d}"
    query = {
        "action": "TEMPLATE",
        "text": meetup.title or "Rust meetup",
        "dates": dates,
        "details": details,
        "location": location,
    }
    return GOOGLE_EVENT + urlencode(query)


@register.filter
def json_ld(value) -> SafeString:
    """A JSON-LD data block, escaped as `json_script` escapes (`<`, `>`, `&`): data from
    newsletters can never close the element. Not executed, so CSP lets it be."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        JSON_SCRIPT_ESCAPES
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
