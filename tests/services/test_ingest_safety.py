"""A damaged file never wipes an issue; one bad entry never fails a file; storage failures
and oversized files end in one clear line; the parsing worker dies with its parent."""

from __future__ import annotations

import errno
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError

from calendar_app.models import Flag, Newsletter, Sighting
from calendar_app.services.ingest import ingest_newsletter, ingest_paths
from calendar_app.services.ingest.read import MAX_BYTES

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"
SEED = sorted(SAMPLES.glob("00*.txt"))[0]
ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("ingest_twir", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_truncated_copy_of_an_issue_is_refused_and_the_issue_kept(tmp_path):
    run(str(SEED))
    stored = Sighting.objects.count()
    damaged = tmp_path / "damaged.md"
    damaged.write_text(SEED.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run(str(damaged))
    assert error.value.returncode == 1
    message = str(error.value)
    assert "damaged.md" in message and "refused" in message and "\n" not in message
    assert Sighting.objects.count() == stored

    run(str(damaged), "--force")  # the operator accepts it
    assert Sighting.objects.count() < stored


def test_a_file_without_a_readable_header_is_refused(tmp_path):
    headless = tmp_path / "headless.md"
    body = SEED.read_text(encoding="utf-8").split("## Upcoming Events", 1)[1]
    headless.write_text("## Upcoming Events" + body, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run(str(headless))
    assert "no readable header" in str(error.value)
    assert not Newsletter.objects.exists()


def test_a_file_over_the_size_limit_is_refused_clearly(tmp_path):
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * (MAX_BYTES + 1))
    with pytest.raises(CommandError) as error:
        run(str(big), str(SEED))
    assert "big.md" in str(error.value) and "5 MB" in str(error.value)
    assert Newsletter.objects.count() == 1  # the other file was ingested


def test_an_entry_at_the_end_of_the_calendar_does_not_fail_its_file():
    text = SEED.read_text(encoding="utf-8")
    extreme = "* 9999-12-31 | Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin/)\n"
    extreme += "    * [**Far away**](https://www.meetup.com/rust-berlin/events/1/)\n"
    text = text.replace("### Virtual", "### Virtual\n\n" + extreme, 1)
    report = ingest_newsletter(text=text, source="extreme.md")
    assert report.errors == []
    assert report.sightings >= 40
    lines = Sighting.objects.count() + Flag.objects.filter(kind="unparsed").count()
    assert lines == report.entries


@pytest.mark.parametrize(
    "failure",
    [
        OperationalError("attempt to write a readonly database"),
        OperationalError("database or disk is full"),
        OSError(errno.ENOSPC, "No space left on device"),
    ],
    ids=["read-only", "sqlite-full", "enospc"],
)
def test_storage_failures_stop_with_one_clear_line(monkeypatch, failure):
    from calendar_app.services.ingest import run as ingest_run

    def broken(*args, **kwargs):
        raise failure

    monkeypatch.setattr(ingest_run, "ingest_parsed", broken)
    with pytest.raises(CommandError) as error:
        call_command("ingest_twir", str(SEED), stdout=io.StringIO())
    message = str(error.value)
    assert message.startswith("ingest stopped: the ") and "\n" not in message
    assert error.value.returncode == 1
    assert error.value.__suppress_context__  # no chained traceback
    assert not Newsletter.objects.exists()


def test_ingest_paths_reports_a_refusal_and_goes_on(tmp_path):
    run(str(SEED))
    damaged = tmp_path / "damaged.md"
    damaged.write_text(SEED.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    other = sorted(SAMPLES.glob("00*.txt"))[1]
    report = ingest_paths([str(damaged), str(other)])
    assert len(report.errors) == 1 and "refused" in report.errors[0]
    assert report.newsletters == 1
