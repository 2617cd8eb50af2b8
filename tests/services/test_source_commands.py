"""The operator's commands: add_source (URL or local file) and load_sources (the editors'
lists), both idempotent."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import CommandError, call_command

from calendar_app.models import GroupAlias, Source
from calendar_app.services.sources import DATA_DIR
from tests.factories import make_group

pytestmark = pytest.mark.django_db


def _lines(name: str) -> list:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def test_add_source_by_url_with_name_and_group(capsys):
    group = make_group("Rust Berlin")
    url = "http://127.0.0.1:8765/rust-berlin.ics"
    call_command("add_source", url, "--name", "Rust Berlin", "--group", group.slug)
    call_command("add_source", url)
    source = Source.objects.get()
    assert (source.url, source.name, source.group, source.enabled) == (
        url,
        "Rust Berlin",
        group,
        True,
    )
    out = capsys.readouterr().out
    assert f"Following {url}" in out and f"Already following {url}" in out


def test_add_source_takes_a_local_file(tmp_path, monkeypatch):
    (tmp_path / "cal.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    monkeypatch.chdir(tmp_path)
    call_command("add_source", "cal.ics")
    call_command("add_source", str(tmp_path / "cal.ics"))
    assert list(Source.objects.values_list("url", flat=True)) == [
        (tmp_path / "cal.ics").resolve().as_uri()
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["ftp://example.org/a.ics"], "Only http(s) URLs and local files"),
        (["/no/such/calendar.ics"], "No such file"),
        (["https://example.org/a.ics", "--group", "nobody"], "No group"),
    ],
)
def test_add_source_refuses_clearly(args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("add_source", *args)
    assert not Source.objects.exists()


def test_load_sources_follows_the_editors_lists_once(capsys):
    rust, maybe, luma = (
        _lines("rust-meetups.json"),
        _lines("maybe-rust-meetups.json"),
        _lines("luma-calendars.json"),
    )
    berlin = make_group("Rust Berlin", url="https://www.meetup.com/rust-berlin/")
    GroupAlias.objects.create(group=berlin, key="url:https://meetup.com/rust-berlin")
    call_command("load_sources")
    assert Source.objects.count() == len(rust) + len(maybe) + len(luma)
    assert Source.objects.filter(enabled=True).count() == len(rust) + len(luma)
    first = Source.objects.get(url="https://www.meetup.com/bcnrust/events/ical/")
    assert first.enabled and first.name == "bcnrust"
    occasional = maybe[0].split("/")[3]
    assert not Source.objects.get(url=f"https://www.meetup.com/{occasional}/events/ical/").enabled
    maven = Source.objects.get(name="Rust Maven")
    assert maven.url == luma[0]["ics"] and maven.enabled
    assert "https://www.meetup.com/rust-berlin/events/" in rust
    assert Source.objects.get(url__contains="/rust-berlin/").group == berlin  # known organiser
    assert Source.objects.exclude(group=None).count() == 1

    # a curator's choice survives loading again, and nothing is added twice
    Source.objects.filter(pk=first.pk).update(enabled=False, name="Barcelona")
    call_command("load_sources")
    first.refresh_from_db()
    assert (first.enabled, first.name) == (False, "Barcelona")
    assert Source.objects.count() == len(rust) + len(maybe) + len(luma)
    assert "0 calendars added" in capsys.readouterr().out.splitlines()[-1]
