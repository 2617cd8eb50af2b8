"""A weekly series does not fill the list: `/events/` shows it once, at its next date, with
its rule in words and how many more dates there are; `fold=none` shows every date. The
feeds and the API keep one item per occurrence."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from calendar_app.models import Series
from tests.factories import make_group, make_meetup

pytestmark = pytest.mark.django_db


@pytest.fixture
def weekly(berlin):
    """Rust Hack and Learn every Thursday (one past, six coming), beside a one-off."""
    series = Series.objects.create(key="hal@example.org", rule_text="every Thursday, 18:30")
    group = make_group("Rust Berlin")
    sessions = []
    for week in range(-1, 6):
        meetup = make_meetup(
            "Rust Hack and Learn",
            start=date(2025, 3, 13) + timedelta(weeks=week),
            places=[berlin],
            groups=[group],
        )
        meetup.series = series
        meetup.save(update_fields=["series"])
        sessions.append(meetup)
    one_off = make_meetup("Rust Berlin Talks", start=date(2025, 3, 19), places=[berlin])
    return {"sessions": sessions, "one_off": one_off, "series": series}


def rows(html: str) -> list[str]:
    return re.findall(r'class="p-name u-url" href="[^"]+">([^<]+)</a>', html)


def test_a_series_is_one_row_at_its_next_date(client, weekly):
    response = client.get("/events/")
    html = response.content.decode()
    assert rows(html) == ["Rust Hack and Learn", "Rust Berlin Talks"]
    next_session = weekly["sessions"][1]  # 13 March, not last week's
    day, meetups = response.context["days"][0]
    assert day == date(2025, 3, 13) and [m.pk for m in meetups] == [next_session.pk]
    more = f'<a href="/events/{next_session.pk}/#series-title">5 more dates'
    assert "Every Thursday, 18:30 · " + more in html
    assert "2 meetups." in html
    assert 'Each series is shown once, at its next date: <a href="?fold=none">' in html


def test_every_date_on_request(client, weekly):
    html = client.get("/events/?fold=none").content.decode()
    assert (
        rows(html) == ["Rust Hack and Learn"] + ["Rust Berlin Talks"] + ["Rust Hack and Learn"] * 5
    )
    assert "more date" not in html
    assert "7 meetups." in html  # six sessions to come and the one-off
    assert '<a href="?">show each series once</a>' in html


def test_the_folded_count_follows_the_filter(client, weekly):
    html = client.get("/events/?end=2025-03-27").content.decode()
    assert "2 more dates" in html  # 20 and 27 March
    past = client.get("/events/?include_past=1").content.decode()
    assert rows(past)[0] == "Rust Hack and Learn" and "6 more dates" in past  # newest first


def test_a_list_without_series_offers_no_toggle(client, sample):
    html = client.get("/events/").content.decode()
    assert "fold=none" not in html and "more date" not in html


def test_feeds_and_api_keep_every_occurrence(client, weekly):
    api = client.get("/api/events.json").json()["events"]
    assert [item["title"] for item in api].count("Rust Hack and Learn") == 7  # 30 days back
    feed = client.get("/feeds/events.ics").content.decode()
    assert sum(str(m.uid) in feed for m in weekly["sessions"]) == 7  # the past week too


def test_near_me_folds_too(client, weekly):
    html = client.get("/events/?near_city=Berlin").content.decode()
    assert rows(html) == ["Rust Hack and Learn", "Rust Berlin Talks"]
    assert "5 more dates" in html
