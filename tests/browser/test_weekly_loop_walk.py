"""The weekly loop walked as an editor does it, timed: clicks, page loads and the machine's
wall time (docs/weekly-loop.md records the walk, before and after).

The site as it stands after weeks of use: the sample newsletters read, the sample calendars
followed and synced, the backlog of flags a month old, a visitor's calendar waiting for
review. Then, in one browser: the flags of the coming window, the backlog resolved, the
duplicate queue, one real pair merged, the calendar accepted (followed and synced), the draft
of the next issue copied. Counts are asserted (they are what docs/weekly-loop.md says);
seconds are only reported (test-artifacts/weekly-loop.json), never asserted.

    .venv/bin/python -m pytest -m browser tests/browser/test_weekly_loop_walk.py -q -s
    (or `make weekly-loop`)
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from calendar_app.models import DuplicateCandidate, Flag, Meetup, Source, Submission
from calendar_app.rules import FlagKind
from calendar_app.services.duplicates import duplicates_refresh
from calendar_app.services.ingest import ingest_paths
from calendar_app.services.sources import source_add, source_url
from calendar_app.services.sources_sync import sync_sources
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_admin_flow import PASSWORD, make_curator
from tests.twir.helpers import ALL_SAMPLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CALENDARS = sorted((ROOT / "calendar_app/data/sample_calendars").glob("*.ics"))
DOC = ROOT / "docs" / "weekly-loop.md"
RESULT = SCREENSHOTS.parent / "weekly-loop.json"
PAIR = "Rust Melbourne August 2026"  # with "Rust Melbourne Meetup": one meetup, listed twice


class Walk:
    """A page whose clicks and page loads are counted, step by step."""

    def __init__(self, page) -> None:
        self.page = page
        self.clicks = 0
        self.typed = 0  # fields typed into
        self.loads = 0
        self.steps: list[dict] = []
        page.on("load", self._loaded)

    def _loaded(self, _page) -> None:
        self.loads += 1

    def click(self, selector: str) -> None:
        self.clicks += 1
        self.page.click(selector)

    def choose(self, selector: str, value: str) -> None:
        """A drop-down: one click opens it, one picks the option."""
        self.clicks += 2
        self.page.select_option(selector, value)

    def type(self, selector: str, text: str) -> None:
        self.typed += 1
        self.page.fill(selector, text)

    def step(self, name: str, action) -> None:
        clicks, typed, loads = self.clicks, self.typed, self.loads
        began = time.perf_counter()
        action()
        self.page.wait_for_load_state()
        self.steps.append(
            {
                "step": name,
                "clicks": self.clicks - clicks,
                "typed": self.typed - typed,
                "page_loads": self.loads - loads,
                "seconds": round(time.perf_counter() - began, 2),
            }
        )


@pytest.fixture
def weeks_of_use(server, settings):
    """The sample newsletters and calendars, a backlog a month old, a calendar proposed."""
    settings.TRUSTED_SOURCE_HOSTS = ["127.0.0.1"]  # the loopback feed stands for a public one
    ingest_paths([str(path) for path in ALL_SAMPLES])
    for path in SAMPLE_CALENDARS:
        source_add(url=source_url(str(path)), name=path.stem)
    sync_sources(sources=Source.objects.all())
    duplicates_refresh()
    Flag.objects.update(created=timezone.now() - timedelta(days=30))
    soon = (
        Meetup.objects.canonical()
        .filter(start_date__gte=timezone.localdate())
        .earliest("start_date")
    )
    Flag.objects.create(kind=FlagKind.GEOCODE_FUZZY, meetup=soon, message="this week's")
    Submission.objects.create(
        kind="calendar", calendar_url=server.url("/meetup_group.ics"), group_name="Rust Prague"
    )
    make_curator()


def test_the_weekly_loop_walked_and_counted(page, weeks_of_use, server):
    walk = Walk(page)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    backlog = Flag.objects.open().count()
    shown: list[int] = []
    began = time.perf_counter()

    def log_in():
        page.goto("/admin/")
        walk.type("#id_username", "carol")
        walk.type("#id_password", PASSWORD)
        walk.click("input[type=submit]")

    def flags():
        walk.click("text=Review open flags")  # the default view: the coming window's flags
        page.wait_for_selector("#result_list")  # the click only starts the navigation
        shown.append(page.locator("#result_list tbody tr").count())
        walk.click("#result_list button.flag-resolve:has-text('Resolve')")  # after a look
        page.wait_for_selector("text=Resolved:")
        walk.click("input[value='Resolve all older']")
        page.wait_for_selector("text=Resolved")
        walk.click("#site-name a")  # back to the tasks

    def duplicates():
        walk.click("text=Review possible duplicates")
        walk.click(f"#result_list >> text={PAIR}")
        walk.click("button[value=merge]")  # the survivor ingest would keep is preselected
        page.wait_for_selector("text=Merged into")
        walk.click("#site-name a")

    def submission():
        walk.click("text=Review submissions")
        walk.click("#result_list input[name=_selected_action]")
        walk.choose("select[name=action]", "accept")
        walk.click("button[name=index]")
        page.wait_for_selector("text=Accepted 1 submission(s)")
        walk.click("#site-name a")

    def draft():
        walk.click("text=Draft next issue's events")  # the coming Wednesday's window
        walk.click("#copy-markdown")
        page.wait_for_selector("#copy-status:has-text('Copied.')")

    walk.step("log in", log_in)
    walk.step("flags: the coming window's, then resolve the older backlog", flags)
    walk.step("duplicates: open the queue, merge a real pair", duplicates)
    walk.step("submissions: accept a calendar (followed and synced)", submission)
    walk.step("draft: open the next issue's section, copy it", draft)
    seconds = round(time.perf_counter() - began, 2)

    # what the walk did
    assert shown == [1]  # the coming window's one flag, not the backlog
    assert not Flag.objects.open().exists()
    assert Meetup.objects.get(title="Rust Melbourne Meetup").duplicate_of is not None
    assert DuplicateCandidate.objects.filter(status="merged").count() == 1
    prague = Source.objects.get(url=server.url("/meetup_group.ics"))
    assert prague.last_success is not None
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Rusty Events between ")

    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(
        json.dumps(
            {
                "clicks": walk.clicks,
                "page_loads": walk.loads,
                "seconds": seconds,
                "open_flags_before": backlog,
                "typed": walk.typed,
                "flags_in_default_view": shown[0],
                "steps": walk.steps,
            },
            indent=1,
        )
        + "\n"
    )
    print(RESULT.read_text())
    documented = DOC.read_text(encoding="utf-8")
    assert f"**{walk.clicks} clicks**" in documented
    assert f"**{walk.loads} page loads**" in documented
