"""Ingest: every entry line accounted for, deduplication, rescheduling, idempotence."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from calendar_app.models import Flag, Group, Meetup, Newsletter, Place, Sighting
from calendar_app.services.ingest import ingest_newsletter, ingest_paths

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"
SEEDS = sorted(SAMPLES.glob("00*.txt"))
ALL_SAMPLES = sorted(SAMPLES.iterdir())

pytestmark = pytest.mark.django_db


def entry_lines(path: Path) -> int:
    """Top-level bullets of the events section, counted independently of the parser."""
    text = path.read_text(encoding="utf-8")
    section = re.search(r"^#{1,2} Upcoming Events\s*$(.*?)(?=^#{1,2} \S)", text, re.M | re.S)
    assert section is not None
    body = re.sub(r"<!--.*?-->", "", section.group(1), flags=re.S)
    return len(re.findall(r"^ ?(?:\$ ?)?[*+-](?:[ \t]+|$)", body, re.M))


def run_ingest(*paths: str | Path) -> dict:
    out = io.StringIO()
    call_command("ingest_twir", *map(str, paths), "--json", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def newsletter_text(number: int, day: str, window_end: str, entries: str) -> str:
    return (
        f"Title: This Week in Rust {number}\nNumber: {number}\nDate: {day}\n"
        f"Category: This Week in Rust\n\n## Upcoming Events\n\n"
        f"Rusty Events between {day} - {window_end} 🦀\n\n### Europe\n\n{entries}\n"
        f"## Jobs\n\nNone.\n"
    )


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.name)
def test_every_entry_line_is_a_sighting_or_an_unparsed_flag(path):
    report = run_ingest(path)
    newsletter = Newsletter.objects.get()
    sightings = Sighting.objects.filter(newsletter=newsletter).count()
    unparsed = Flag.objects.filter(newsletter=newsletter, kind="unparsed").count()
    assert sightings + unparsed == entry_lines(path) == report["entries"]
    for flag in Flag.objects.filter(kind="unparsed"):
        assert flag.raw and flag.line


def test_seeds_give_205_sightings_and_199_meetups():
    report = run_ingest(*SEEDS)
    assert report["entries"] == 205
    assert Sighting.objects.count() == 205
    assert Meetup.objects.count() == 199
    assert report["meetups_created"] == 199


@pytest.mark.parametrize(
    "title_part",
    ["12th BcnRust", "FOSDEM Conference", "Introduction and Rust in production"],
)
def test_double_listings_under_virtual_and_a_continent_are_one_meetup(title_part):
    run_ingest(SEEDS[0])
    meetup = Meetup.objects.get(title__contains=title_part)
    sections = sorted(meetup.sightings.values_list("section", flat=True))
    assert sections[0] == "Europe" and sections[-1] == "Virtual"
    assert meetup.attendance == "hybrid"


def test_consecutive_issues_give_one_meetup_with_a_sighting_per_issue():
    run_ingest(
        SAMPLES / "2024-01-17-this-week-in-rust.md",
        SAMPLES / "2024-01-24-this-week-in-rust.md",
        SEEDS[0],
    )
    meetup = Meetup.objects.get(links__canonical_url="https://meetup.com/rust-nyc/events/298593474")
    numbers = sorted(n or 0 for n in meetup.sightings.values_list("newsletter__number", flat=True))
    assert len(numbers) == len(set(numbers)) >= 2
    # No meetup carries two sightings of one issue unless it was listed twice in it.
    for m in Meetup.objects.all():
        per_issue = list(m.sightings.values_list("newsletter_id", "section"))
        assert len(per_issue) == len(set(per_issue))


EARLY = (
    "* 2024-02-07 | Cologne, DE | [Rust Cologne](https://www.meetup.com/rustcologne/)\n"
    "    * [**Embedded**](https://www.meetup.com/rustcologne/events/298913201/)\n"
)
LATE = (
    "* 2024-02-14 | Cologne, DE | [Rust Cologne](https://www.meetup.com/rustcologne/)\n"
    "    * [**Embedded (moved)**](https://www.meetup.com/rustcologne/events/298913201/)\n"
)


@pytest.mark.parametrize("order", ["older first", "newer first"])
def test_a_new_date_in_a_newer_issue_moves_the_meetup(order):
    older = newsletter_text(530, "2024-01-17", "2024-02-14", EARLY)
    newer = newsletter_text(531, "2024-01-24", "2024-02-21", LATE)
    texts = [older, newer] if order == "older first" else [newer, older]
    for i, text in enumerate(texts):
        ingest_newsletter(text=text, source=f"test-{i}.md")
    meetup = Meetup.objects.get()
    assert meetup.start_date == date(2024, 2, 14)
    assert meetup.title == "Embedded (moved)"
    assert meetup.sightings.count() == 2
    assert Flag.objects.filter(kind="rescheduled", meetup=meetup).exists()
    if order == "older first":
        assert meetup.sequence >= 1


def test_a_locked_date_is_not_moved():
    ingest_newsletter(text=newsletter_text(530, "2024-01-17", "2024-02-14", EARLY), source="a")
    meetup = Meetup.objects.get()
    meetup.locked_fields = ["start_date", "end_date", "title"]
    meetup.title = "Curated title"
    meetup.save()
    ingest_newsletter(text=newsletter_text(531, "2024-01-24", "2024-02-21", LATE), source="b")
    meetup.refresh_from_db()
    assert meetup.start_date == date(2024, 2, 7)
    assert meetup.title == "Curated title"


GENERIC = [
    "https://meet.jit.si/rusthackandlearnberlin",
    "https://discord.gg/rust-lang-community",
    "https://www.eventbrite.com/o/rust-circle-kampala-65249289033",
    "https://rustconf.com/",
]


@pytest.mark.parametrize("url", GENERIC)
def test_generic_links_never_join_two_dates(url):
    entries = "".join(
        f"* {day} | Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin/)\n"
        f"    * [**Hack and Learn**]({url})\n"
        for day in ("2024-02-01", "2024-02-15")
    )
    ingest_newsletter(text=newsletter_text(532, "2024-01-31", "2024-02-28", entries), source="x")
    assert sorted(Meetup.objects.values_list("start_date", flat=True)) == [
        date(2024, 2, 1),
        date(2024, 2, 15),
    ]


@pytest.mark.parametrize(
    "canonical",
    [
        "https://meet.jit.si/rusthackandlearnberlin",
        "https://eventbrite.com/e/rust-circle-meetup-tickets-628763176587",
        "https://discord.gg/yNtPTb2",
        "https://rustconf.com",
    ],
)
def test_generic_sample_links_stay_one_meetup_per_date(canonical):
    run_ingest(*ALL_SAMPLES)
    meetups = Meetup.objects.filter(links__canonical_url=canonical)
    dates = list(meetups.values_list("start_date", flat=True))
    listed = set(
        Sighting.objects.filter(meetup__in=meetups).values_list("parsed__start_date", flat=True)
    )
    assert len(dates) >= 2
    assert len(dates) == len(set(dates)) == len(listed)


def test_second_run_over_the_samples_changes_nothing():
    first = run_ingest(SAMPLES)
    assert first["newsletters"] == 12
    export_before = io.StringIO()
    call_command("export_events", "--format", "json", stdout=export_before)
    second = run_ingest(SAMPLES)
    assert (second["meetups_created"], second["meetups_updated"]) == (0, 0)
    assert second["skipped_unchanged"] == 12
    assert second["meetups_total"] == first["meetups_total"]
    export_after = io.StringIO()
    call_command("export_events", "--format", "json", stdout=export_after)
    assert export_before.getvalue() == export_after.getvalue()


def test_a_malformed_line_becomes_an_unparsed_flag_with_its_line():
    entries = EARLY + "* sometime soon | somewhere | [Rust](https://example.org/)\n"
    text = newsletter_text(532, "2024-01-31", "2024-02-28", entries)
    report = ingest_newsletter(text=text, source="bad.md")
    flag = Flag.objects.get(kind="unparsed")
    assert flag.raw.startswith("* sometime soon")
    assert flag.line == text.splitlines().index(flag.raw.splitlines()[0]) + 1
    assert "bad.md" in flag.message
    assert report.sightings == 1


def test_a_file_without_events_section_gives_a_warning(tmp_path, capsys):
    path = tmp_path / "no-events.md"
    path.write_text("Title: This Week in Rust 1\nNumber: 1\nDate: 2024-01-03\n\n## Jobs\n")
    err = io.StringIO()
    call_command("ingest_twir", str(path), stderr=err, stdout=io.StringIO())
    assert "no Upcoming Events section" in err.getvalue()
    assert Meetup.objects.count() == 0


def test_an_unreadable_path_fails_after_the_others_are_ingested(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command(
            "ingest_twir", str(tmp_path / "missing.md"), str(SEEDS[0]), stdout=io.StringIO()
        )
    assert error.value.returncode == 1
    assert "missing.md" in str(error.value) and "\n" not in str(error.value)
    assert Newsletter.objects.count() == 1


def test_ingest_paths_reads_directories_recursively(tmp_path):
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "532.md").write_text(SEEDS[0].read_text(encoding="utf-8"), encoding="utf-8")
    (nested / "ignore.json").write_text("{}")
    report = ingest_paths([str(tmp_path)])
    assert report.files == 1 and report.newsletters == 1


def test_a_later_issue_corrects_title_place_and_adds_a_mirror():
    first = (
        "* 2024-02-07 | Koln, DE | [Rust Cologne](https://www.meetup.com/rustcologne/)\n"
        "    * [**Embeded Abstractions**](https://www.meetup.com/rustcologne/events/298913201/)\n"
    )
    second = (
        "* 2024-02-07 | Köln/Cologne, DE | [Rust Cologne](https://www.meetup.com/rustcologne/)\n"
        "    * [**Embedded Abstractions**](https://www.meetup.com/rustcologne/events/298913201/)"
        " | [**Mirror: Embedded Abstractions**](https://rust.cologne/2024/02/07/)\n"
    )
    ingest_newsletter(text=newsletter_text(530, "2024-01-17", "2024-02-14", first), source="a")
    report = ingest_newsletter(
        text=newsletter_text(531, "2024-01-24", "2024-02-21", second), source="b"
    )
    meetup = Meetup.objects.get()
    assert report.meetups_updated == 1
    assert meetup.title == "Embedded Abstractions"
    assert [p.written for p in meetup.ordered_places()] == ["Köln/Cologne, DE"]
    assert [(link.label, link.primary) for link in meetup.ordered_links()] == [
        ("Embeded Abstractions", True),
        ("Mirror: Embedded Abstractions", False),
    ]
    assert meetup.sequence == 1  # the place changed: calendar clients must update


def test_an_older_issue_ingested_later_does_not_undo_a_correction():
    old = (
        "* 2024-02-07 | Cologne, DE | [Rust Cologne](https://www.meetup.com/rustcologne/)\n"
        "    * [**Old title**](https://www.meetup.com/rustcologne/events/298913201/)\n"
    )
    new = old.replace("Old title", "New title")
    ingest_newsletter(text=newsletter_text(531, "2024-01-24", "2024-02-21", new), source="b")
    ingest_newsletter(text=newsletter_text(530, "2024-01-17", "2024-02-14", old), source="a")
    assert Meetup.objects.get().title == "New title"


@pytest.mark.parametrize("order", ["oldest first", "newest first"])
def test_a_later_issue_correcting_virtual_to_a_place_wins_over_hybrid(order, client):
    """8 meetups of the archive were hybrid only because an issue corrected Virtual."""
    page = "https://www.meetup.com/rustcologne/events/298913201/"
    group = "[Rust Cologne](https://www.meetup.com/rustcologne/)"
    virtual = f"* 2024-02-07 | Virtual | {group}\n    * [**Embedded Abstractions**]({page})\n"
    in_person = virtual.replace("Virtual", "Köln, DE")
    texts = [
        newsletter_text(530, "2024-01-17", "2024-02-14", virtual),
        newsletter_text(531, "2024-01-24", "2024-02-21", in_person),
        newsletter_text(532, "2024-01-31", "2024-02-28", virtual + "\n" + in_person),
    ]
    seen = []
    for count in (2, 3):
        for text in texts[:count] if order == "oldest first" else texts[:count][::-1]:
            ingest_newsletter(text=text, source=text[:40])
        data = client.get("/api/events.json", {"include_past": "1"}).json()
        [item] = data["events"] if isinstance(data, dict) else data
        seen.append(item["attendance"])
    # the correction wins; then one issue listing both (Virtual + Köln) is hybrid
    assert seen == ["in_person", "hybrid"]


def test_a_changed_newsletter_keeps_what_a_curator_resolved():
    entries = EARLY + "* sometime soon | somewhere | [Rust](https://example.org/)\n"
    text = newsletter_text(532, "2024-01-31", "2024-02-28", entries)
    ingest_newsletter(text=text, source="a.md")
    Flag.objects.filter(kind="unparsed").update(resolved=True)

    ingest_newsletter(text=text + "\nA corrected footer.\n", source="a.md")

    assert Flag.objects.get(kind="unparsed").resolved


def test_a_file_that_breaks_ingest_does_not_stop_the_others(tmp_path, monkeypatch):
    from calendar_app.services.ingest import run

    real = run.ingest_parsed

    def broken(listings, *args, **kwargs):
        if any(listing.newsletter.number == 532 for listing in listings):
            raise RuntimeError("boom")
        return real(listings, *args, **kwargs)

    monkeypatch.setattr(run, "ingest_parsed", broken)
    report = ingest_paths([str(SEEDS[0]), str(SEEDS[1])])
    assert report.errors == [f"{SEEDS[0]}: not ingested: RuntimeError: boom"]
    assert list(Newsletter.objects.values_list("number", flat=True)) == [481]
    assert not Sighting.objects.filter(newsletter__number=532).exists()


def test_each_file_of_a_group_that_failed_is_read_again_from_its_text(monkeypatch):
    """A group that fails is ingested file by file from a fresh parse: what the failed
    attempt noted on an entry (here, that it cannot be stored) is not noted twice."""
    from calendar_app.services.ingest import run

    real_match, real_sighted = run.match, run.sighted
    calls = []

    def group_fails_once(entries, *args, **kwargs):  # after its entries were read
        calls.append(len({entry.issue for entry in entries}))
        if len(calls) == 1:
            raise RuntimeError("the group failed")
        return real_match(entries, *args, **kwargs)

    def sighted(entry, *args, **kwargs):
        if entry.title.startswith("Rust for Rustaceans Book Club"):
            raise ValueError("out of range")
        return real_sighted(entry, *args, **kwargs)

    monkeypatch.setattr(run, "match", group_fails_once)
    monkeypatch.setattr(run, "sighted", sighted)
    report = ingest_paths([str(SEEDS[0]), str(SEEDS[1])])
    assert calls == [2, 1, 1] and report.errors == [] and Newsletter.objects.count() == 2
    [flag] = Flag.objects.filter(kind="unparsed", message__contains="cannot be stored")
    assert flag.message.count("cannot be stored") == 1


def test_places_and_organisers_an_import_creates_have_their_history():
    """Created in bulk, geocoded before they are stored: one "created" record each."""
    ingest_paths([str(SEEDS[0])])
    places = Place.objects.exclude(country="")
    assert places.count() > 20
    for place in places:
        record = place.history.get()
        assert (record.history_type, record.city, record.country, record.latitude) == (
            "+",
            place.city,
            place.country,
            place.latitude,
        )
    assert Group.history.filter(history_type="+").count() == Group.objects.count() > 20


def test_a_region_follows_the_places_a_curator_locked():
    ingest_newsletter(text=newsletter_text(530, "2024-01-17", "2024-02-14", EARLY), source="a")
    meetup = Meetup.objects.get()
    meetup.region, meetup.locked_fields = "asia", ["places"]
    meetup.save()
    ingest_newsletter(text=newsletter_text(531, "2024-01-24", "2024-02-21", EARLY), source="b")
    meetup.refresh_from_db()
    assert meetup.region == "asia"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_shows_on_a_terminal_for_many_files(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    run_ingest(*ALL_SAMPLES[:6])
    assert "[" + "#" * 30 + "] 6/6" in terminal.getvalue()


def test_no_progress_bar_when_stderr_is_not_a_terminal(monkeypatch):
    log = io.StringIO()
    monkeypatch.setattr("sys.stderr", log)
    run_ingest(*ALL_SAMPLES[:6])
    assert "#" not in log.getvalue()


def test_ingest_reads_stdin(monkeypatch):
    data = SEEDS[0].read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    report = run_ingest("-")
    assert report["newsletters"] == 1 and report["sightings"] == 40


def test_ingest_reads_a_url_and_reports_one_that_fails():
    """A local server on the loopback address stands in for raw Markdown on the web."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(SAMPLES)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        report = ingest_paths([f"{base}/{SEEDS[0].name}", f"{base}/missing.md"])
    finally:
        server.shutdown()
    assert report.newsletters == 1 and report.sightings == 40
    assert len(report.errors) == 1 and "missing.md" in report.errors[0]


def test_a_meetup_with_no_place_takes_its_organisers_usual_place_marked_inferred(client):
    """2014-2017 lines name only the organiser; its usual place is shown, marked so."""
    group = "[Rust Cologne](https://www.meetup.com/rustcologne/)"
    cologne = "".join(
        f"* 2015-02-{day:02} | Köln, DE | {group}\n    * [**Meetup {day}**](https://rust.cologne/{day})\n"
        for day in (4, 11)
    )
    bonn = f"* 2015-02-18 | Bonn, DE | {group}\n    * [**Meetup 18**](https://rust.cologne/18)\n"
    bare = f"* 2015-02-25 | {group}\n    * [**Meetup 25**](https://rust.cologne/25)\n"
    ingest_newsletter(
        text=newsletter_text(70, "2015-02-02", "2015-03-02", cologne + bonn + bare), source="a"
    )
    data = client.get("/api/events.json", {"include_past": "1"}).json()
    items = {item["title"]: item for item in (data["events"] if isinstance(data, dict) else data)}
    assert [(p["text"], p["inferred"]) for p in items["Meetup 25"]["places"]] == [
        ("köln, de", True)
    ]
    assert [p["inferred"] for p in items["Meetup 4"]["places"]] == [False]
    meetup = Meetup.objects.get(title="Meetup 25")
    assert "usual place of Rust Cologne" in client.get(meetup.get_absolute_url()).content.decode()
    # the next issue names its place: the inferred one goes
    named = bare.replace("| [Rust", "| Bonn, DE | [Rust")
    ingest_newsletter(text=newsletter_text(71, "2015-02-09", "2015-03-09", named), source="b")
    assert [(p.text, p.inferred) for p in Meetup.objects.get(pk=meetup.pk).ordered_places()] == [
        ("bonn, de", False)
    ]


def test_an_archive_import_reads_one_group_of_files_at_a_time(monkeypatch, tmp_path):
    """A whole archive is never held in memory: a group's files are read, then written,
    before the next group is read."""
    from calendar_app.services.ingest import run as ingest_run

    for copy in range(ingest_run.COMMIT_EVERY + 2):
        (tmp_path / f"{copy:03d}.md").write_text(
            SEEDS[0].read_text(encoding="utf-8").replace("532", str(532 + copy)), "utf-8"
        )
    events: list[str] = []
    read, many = ingest_run.read_source, ingest_run.ingest_many
    monkeypatch.setattr(ingest_run, "read_source", lambda s: events.append("read") or read(s))

    def ingest_many(files, **kwargs):
        events.append(f"write {len(files)}")
        return many(files, **kwargs)

    monkeypatch.setattr(ingest_run, "ingest_many", ingest_many)
    report = ingest_paths([str(tmp_path)])
    group = ingest_run.COMMIT_EVERY
    assert events == [*["read"] * group, f"write {group}", "read", "read", "write 2"]
    assert report.newsletters == group + 2 and not report.errors


def test_an_archive_import_keeps_two_groups_listings_not_the_archives(monkeypatch, tmp_path):
    """What an import keeps of the stored listings (to match without reading them again)
    is what the group and the one before it used: its memory does not grow with the
    archive."""
    from calendar_app.services.ingest import run as ingest_run

    group = "[Rust Cologne](https://www.meetup.com/rustcologne/)"

    def line(week: int, n: int) -> str:
        return (
            f"* 2015-03-{1 + week * 4 + n:02} | Köln, DE | {group}\n"
            f"    * [**Week {week} meetup {n}**](https://rust.cologne/{week}/{n})\n"
        )

    for week in range(6):  # three events of its own, and the first of the week before again
        entries = "".join(line(week, n) for n in range(3)) + (line(week - 1, 0) if week else "")
        (tmp_path / f"{week:02d}.md").write_text(
            newsletter_text(70 + week, f"2015-02-{week + 1:02}", "2015-03-28", entries), "utf-8"
        )
    monkeypatch.setattr(ingest_run, "COMMIT_EVERY", 1)
    kept: list[int] = []
    many = ingest_run.ingest_many

    def ingest_many(files, *, lookups, **kwargs):
        report = many(files, lookups=lookups, **kwargs)
        kept.append(len(lookups.sightings.values) + len(lookups.sightings.older))
        return report

    monkeypatch.setattr(ingest_run, "ingest_many", ingest_many)
    report = ingest_paths([str(tmp_path)])
    assert not report.errors and Sighting.objects.count() == 23
    assert Meetup.objects.count() == 18  # the lines listed again found their meetups
    # this group's listings and the one's before, flat, never the archive's (3, 7, 11, ...)
    assert kept == [3, 7, 9, 9, 9, 9]
