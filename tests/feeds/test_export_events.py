"""`export_events`: the same FilterSet and the same bytes as the feeds."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db


def export(*args: str) -> str:
    out = StringIO()
    call_command("export_events", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("options", "query"),
    [
        (["--include-past"], "?include_past=1"),
        (
            ["--region", "europe", "--attendance", "hybrid", "--include-past"],
            "?attendance=hybrid&region=europe&include_past=1",
        ),
        (
            ["--start", "2020-01-01", "--end", "2031-01-01", "--q", "rust"],
            "?q=rust&start=2020-01-01&end=2031-01-01",
        ),
        (
            ["--near", "52.5,13.4", "--radius-km", "50", "--start", "2020-01-01"],
            "?radius_km=50&near=52.5,13.4&start=2020-01-01",
        ),
        ([], "?include_past=1"),  # no date option: everything, as the include_past feed
    ],
)
def test_ics_export_writes_the_feed_bytes(client, sample, site, options, query):
    written = export("--format", "ics", *options).encode()
    served = client.get("/feeds/events.ics" + query)
    assert served.status_code == 200
    assert written == served.content


def test_json_export_has_every_meetup_but_merged_away(sample):
    items = json.loads(export("--format", "json"))
    ids = {item["id"] for item in items}
    assert sample.old.pk in ids and sample.hidden.pk in ids and sample.cancelled.pk in ids
    assert sample.merged.pk not in ids
    hidden = next(item for item in items if item["id"] == sample.hidden.pk)
    assert hidden["status"] == "hidden"


def test_ics_export_never_has_hidden_meetups(sample):
    assert str(sample.hidden.uid) not in export("--format", "ics")


def test_json_export_filters(sample):
    items = json.loads(export("--format", "json", "--attendance", "virtual"))
    assert [item["id"] for item in items] == [sample.online.pk]
    items = json.loads(export("--format", "json", "--start", "2000-01-01", "--end", "2000-02-01"))
    assert items == []


def test_invalid_filter_is_a_command_error(sample):
    with pytest.raises(CommandError, match="region"):
        export("--format", "json", "--region", "atlantis")
    with pytest.raises(CommandError):
        export("--format", "twir", "--start", "soon")


def test_twir_export_calls_the_renderer(sample, monkeypatch):
    calls = {}

    def render_twir(*, start, end, meetups=None):
        calls.update(start=start, end=end, ids={m.pk for m in meetups})
        return "### Virtual\n"

    monkeypatch.setattr("calendar_app.management.commands.export_events.render_twir", render_twir)
    assert export("--format", "twir") == "### Virtual\n"
    assert (calls["end"] - calls["start"]).days == 28
    assert calls["start"].weekday() == 2  # the next issue's Wednesday
    assert 0 <= (calls["start"] - timezone.localdate()).days < 7
    assert sample.berlin.pk in calls["ids"] and sample.hidden.pk not in calls["ids"]
    assert sample.cancelled.pk not in calls["ids"]  # before today
