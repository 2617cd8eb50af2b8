"""Template helpers for untrusted links and calendar links."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from urllib.parse import urlencode

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.dateformat import format as date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from calendar_app.models import Attendance, Meetup
from calendar_app.rendering.ical import exclusive_end
from calendar_app.twir.urls import is_safe_url

register = template.Library()

GOOGLE_EVENT = "https://calendar.google.com/calendar/render?"
# As Django's json_script escapes: nothing in the data can end the <script> element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def safe_url(value: object) -> str:
    """`value` if it is an http(s) URL, else "": newsletter text must never become a
    `javascript:` or `data:` link."""
    url = str(value or "").strip()
    return url if is_safe_url(url) else ""  # the one rule (twir.urls.is_safe_url)


@register.simple_tag
def external_link(url: str, label: str = "") -> str:
    """An <a> for an http(s) URL; any other URL is shown as plain text."""
    text = label or url
    href = safe_url(url)
    if not href:
        return format_html('<span class="unsafe-url">{}</span>', text)
    return format_html('<a href="{}" rel="nofollow noopener">{}</a>', href, text)


@register.filter
def google_event_url(meetup: Meetup, page_url: str = "") -> str:
    """Google Calendar's "add event" link: UTC start/end instants (`ctz` names the event's
    zone) for a timed meetup, else an all-day event with an exclusive end date."""
    location = meetup.location_text  # as the feeds' LOCATION says it (rules.location_text)
    details = "\n".join(part for part in (meetup.url, page_url) if part)
    query = {
        "action": "TEMPLATE",
        "text": meetup.title or "Rust meetup",
        "dates": _google_dates(meetup),
        "details": details,
        "location": location,
    }
    if meetup.starts_at is not None and meetup.zone is not None:
        query["ctz"] = meetup.event_timezone
    return GOOGLE_EVENT + urlencode(query)


def _google_dates(meetup: Meetup) -> str:
    if meetup.starts_at is None:
        end = exclusive_end(meetup.start_date, meetup.end_date) or meetup.end_date
        return f"{meetup.start_date:%Y%m%d}/{end:%Y%m%d}"
    start = meetup.starts_at.astimezone(UTC)
    end = (meetup.ends_at or meetup.starts_at).astimezone(UTC)  # no end known: an instant
    return f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}"


@register.simple_tag
def meetup_time(meetup: Meetup, visitor: bool = False) -> str:
    """The event's local time with its zone, '18:30–21:00 CET, Europe/Berlin'; "" for a
    meetup known by date only. An online meetup (any meetup with `visitor`, as on its own
    page) also gets the visitor's own time, filled in by static/js/local-time.js (hidden
    without JavaScript)."""
    start, end = meetup.local_start, meetup.local_end
    if start is None:
        return ""
    html = _time(start, "H:i")
    if end is not None and end != start:
        html += format_html("–{}", _time(end, "H:i" if end.date() == start.date() else "j M H:i"))
    zone_name = meetup.event_timezone if meetup.zone is not None else "UTC"
    html = format_html(
        '<span class="event-time">{} {}, {}</span>', html, start.strftime("%Z"), zone_name
    )
    if visitor or meetup.attendance != Attendance.IN_PERSON:
        html += format_html(
            ' <span class="visitor-time" hidden>(your time: <time datetime="{}"'
            ' data-visitor-time data-event-zone="{}"></time>)</span>',
            start.isoformat(),
            zone_name,
        )
    return html


_LINK = re.compile(r"https?://[^\s<>\"'‹›]+", re.IGNORECASE)
_LINK_TAIL = ".,;:!?)]}'\""


@register.filter
def text_with_links(text: str) -> SafeString:
    """Plain text (a calendar's description) as HTML: escaped, line breaks kept, and its
    http(s) links made clickable (rel="nofollow noopener"); nothing else becomes markup."""
    parts: list[str] = []
    at = 0
    for match in _LINK.finditer(text or ""):
        url = match.group(0).rstrip(_LINK_TAIL)
        end = match.start() + len(url)
        parts.append(escape(text[at : match.start()]))
        safe = safe_url(url)
        parts.append(
            format_html('<a href="{}" rel="nofollow noopener">{}</a>', safe, url)
            if safe
            else escape(url)
        )
        at = end
    parts.append(escape((text or "")[at:]))
    return mark_safe("".join(parts).replace("\n", "<br>\n"))


def _time(moment: datetime, fmt: str) -> str:
    return format_html(
        '<time datetime="{}">{}</time>', moment.isoformat(), date_format(moment, fmt)
    )


@register.filter
def json_ld(value: object) -> SafeString:
    """A JSON-LD data block, escaped as `json_script` escapes (`<`, `>`, `&`): data from
    newsletters can never close the element. Not executed, so CSP lets it be."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        JSON_SCRIPT_ESCAPES
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
