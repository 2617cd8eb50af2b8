"""Hostile text in titles, groups, places and links: pages escape it, only http(s) links become
links, feeds and the JSON API carry it as data without letting it break their format."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from tests.factories import make_group, make_meetup, make_place

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
ATTR_BREAK = 'x" onmouseover="alert(3)'
CRLF = "Hack night\r\nBEGIN:VEVENT\r\nSUMMARY:injected\r\nX-INJECTED:1\r\nEND:VEVENT"
TITLE = f"Rust {SCRIPT} {IMG} {ATTR_BREAK} {CRLF}"
GOOD_URL = "https://www.meetup.com/rust-xss/events/301/"
BAD_URLS = [
    ("javascript:alert(4)", "Script link"),
    ("  JaVaScRiPt:alert(5)", "Mixed-case script link"),
    ("java\tscript:alert(6)", "Tabbed script link"),
    ("data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==", "Data link"),
    ("vbscript:msgbox(8)", "VBScript link"),
]
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")


class Collector(HTMLParser):
    """Every start tag with its (unescaped) attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def parse(html: str) -> list[tuple[str, dict[str, str]]]:
    collector = Collector()
    collector.feed(html)
    return collector.tags


def squeeze(url: str) -> str:
    """A URL as a browser reads its scheme: controls and whitespace dropped, lower case."""
    return re.sub(r"[\x00-\x20]", "", url).lower()


def assert_escaped_page(html: str) -> None:
    lowered = html.lower()
    assert SCRIPT not in lowered
    assert "<img src=x onerror" not in lowered
    for tag, attrs in parse(html):
        for name, value in attrs.items():
            assert not (name.startswith("on") and "alert(" in value), (tag, name, value)
            if name in {"href", "src", "action", "formaction", "xlink:href", "poster"}:
                scheme_free = squeeze(value)
                assert not scheme_free.startswith(("javascript:", "vbscript:")), (tag, name, value)
                if name == "href":
                    assert not scheme_free.startswith("data:"), (tag, name, value)
            else:
                assert not squeeze(value).startswith(("javascript:", "vbscript:")), (tag, name)


def hrefs(html: str) -> list[str]:
    return [attrs.get("href", "") for tag, attrs in parse(html) if tag == "a"]


@pytest.fixture
def hostile(db):
    place = make_place(
        f"Evil {SCRIPT}, DE",
        city=f"Berlin {SCRIPT} {IMG}",
        country="DE",
        admin1=f"BE{CRLF[:8]}",
    )
    place.written = f"Berlin {SCRIPT}\r\nX-INJECTED:1"
    place.save()
    group = make_group(f"Rust {SCRIPT} {IMG}", url="javascript:alert(9)")
    meetup = make_meetup(
        TITLE,
        start=timezone.localdate(),
        places=[place],
        groups=[group],
        links=[(GOOD_URL, f"Real {SCRIPT}"), *BAD_URLS],
    )
    # A second, ordinary meetup: the feed must still hold exactly two events.
    plain = make_meetup(
        "Plain Rust meetup",
        start=timezone.localdate(),
        places=[place],
        groups=[group],
        links=[("javascript:alert(10)", "Only a bad link")],
    )
    return meetup, plain, group


@pytest.mark.parametrize(
    "url",
    ["detail", "list", "list_query", "home", "month", "group"],
)
def test_pages_escape_hostile_text(client, hostile, url):
    meetup, plain, group = hostile
    today = timezone.localdate()
    path = {
        "detail": meetup.get_absolute_url(),
        "list": "/events/",
        "list_query": "/events/?q=Rust&include_past=1",
        "home": "/",
        "month": f"/calendar/{today:%Y}/{today:%m}/",
        "group": group.get_absolute_url(),
    }[url]
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert_escaped_page(html)
    if url in {"detail", "list", "group"}:
        # The text is there, escaped, not dropped.
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_detail_links_only_http(client, hostile):
    meetup, plain, group = hostile
    html = client.get(meetup.get_absolute_url()).content.decode()
    links = [squeeze(h) for h in hrefs(html)]
    assert squeeze(GOOD_URL) in links
    assert not any(link.startswith(DANGEROUS_SCHEMES) for link in links)
    html = client.get(plain.get_absolute_url()).content.decode()
    assert not any(squeeze(h).startswith(DANGEROUS_SCHEMES) for h in hrefs(html))


def test_group_page_does_not_link_a_script_url(client, hostile):
    meetup, plain, group = hostile
    html = client.get(group.get_absolute_url()).content.decode()
    assert not any(squeeze(h).startswith(DANGEROUS_SCHEMES) for h in hrefs(html))


@pytest.mark.parametrize("param", ["q", "city", "group", "country", "region", "start", "near"])
def test_reflected_query_text_is_escaped(client, db, param):
    """What the visitor typed comes back in the form and the description: escaped."""
    response = client.get("/events/", {param: f"{SCRIPT}{ATTR_BREAK}"})
    assert response.status_code in (200, 400)
    assert_escaped_page(response.content.decode())


def unfold(ics: str) -> list[str]:
    return re.sub(r"\r?\n[ \t]", "", ics).replace("\r\n", "\n").split("\n")


@pytest.mark.parametrize(
    "path", ["/feeds/events.ics", "/feeds/events.ics?include_past=1&q=Rust", "detail_ics"]
)
def test_ics_keeps_hostile_text_inside_its_properties(client, hostile, path):
    meetup, plain, group = hostile
    if path == "detail_ics":
        path, expected_events = f"/events/{meetup.pk}.ics", 1
    else:
        expected_events = 2
    response = client.get(path)
    assert response.status_code == 200
    for header, value in response.items():
        assert "\n" not in value and "\r" not in value, header
    body = response.content.decode()
    lines = unfold(body)
    assert lines.count("BEGIN:VEVENT") == expected_events
    assert lines.count("END:VEVENT") == expected_events
    assert not any(line.startswith(("SUMMARY:injected", "X-INJECTED")) for line in lines)
    for line in lines:
        name = re.split(r"[;:]", line, maxsplit=1)[0].upper()
        if name in {"URL", "ATTACH"}:
            value = line.split(":", 1)[1] if ":" in line else ""
            assert squeeze(value).startswith(("http://", "https://")), line
    from icalendar import Calendar

    calendar = Calendar.from_ical(body)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == expected_events
    summaries = [str(event.get("SUMMARY", "")) for event in events]
    hostile_summary = next(s for s in summaries if "alert(1)" in s)
    # iCalendar is not HTML: the text comes back as written (newlines escaped or flattened).
    assert SCRIPT in hostile_summary
    assert "injected" in hostile_summary


@pytest.mark.parametrize("path", ["/api/events.json", "/api/events.json?include_past=1&q=Rust"])
def test_json_carries_hostile_text_as_data(client, hostile, path):
    meetup, plain, group = hostile
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.get("X-Content-Type-Options") == "nosniff"
    data = json.loads(response.content)
    items = data["events"] if isinstance(data, dict) else data
    item = next(i for i in items if i["id"] == meetup.pk)
    # Data, not HTML: no entity escaping, whitespace at most normalised.
    assert " ".join(item["title"].split()) == " ".join(TITLE.split())
    assert {g["name"] for g in item["groups"]} == {group.name}
