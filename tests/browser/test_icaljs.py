"""The feed as ical.js reads it (many web calendar widgets use it), under node: every
timed meetup at its instant, summer time included. ical.js reads only the first value of
a multi-valued RDATE, so python-icalendar's VTIMEZONEs put summer meetups an hour late."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from calendar_app.rendering.ical import _icalendar_vtimezone, vtimezone
from calendar_app.services.times import meetup_set_times
from tests.factories import make_meetup

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
ICAL_JS = Path(__file__).parent / "vendor" / "ical.js" / "ical.es5.min.cjs"
READ = """
const ICAL = require(process.argv[1]);
const text = require("fs").readFileSync(0, "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone));
}
const out = {};
for (const vevent of calendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  out[event.summary] = event.startDate.toUnixTime();
}
process.stdout.write(JSON.stringify(out));
"""
ZONES = {
    "Berlin winter": ("Europe/Berlin", date(2026, 12, 10)),
    "Berlin summer": ("Europe/Berlin", date(2027, 7, 8)),
    "New York summer": ("America/New_York", date(2027, 6, 3)),
    "Auckland summer": ("Pacific/Auckland", date(2027, 1, 14)),
    "Auckland winter": ("Pacific/Auckland", date(2027, 7, 15)),
}


def read_with_icaljs(body: bytes) -> dict[str, int]:
    done = subprocess.run(
        ["node", "-e", READ, str(ICAL_JS)], input=body, capture_output=True, check=True
    )
    return json.loads(done.stdout)


@pytest.fixture
def timed():
    instants = {}
    for title, (zone, day) in ZONES.items():
        meetup = make_meetup(title, start=day)
        start = datetime.combine(day, time(18, 30), tzinfo=ZoneInfo(zone))
        meetup_set_times(meetup=meetup, starts_at=start, ends_at=None, timezone=zone)
        meetup.save()
        instants[title] = int(start.astimezone(UTC).timestamp())
    return instants


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_icaljs_reads_every_meetup_at_its_instant(client, timed):
    body = client.get("/feeds/events.ics", {"include_past": "1"}).content
    assert read_with_icaljs(body) == timed
    # the same feed with python-icalendar's VTIMEZONEs: summer meetups an hour off
    old = body
    for zone in ("Europe/Berlin", "America/New_York", "Pacific/Auckland"):
        old = old.replace(vtimezone(zone), _icalendar_vtimezone(zone))
    misread = read_with_icaljs(old)
    assert misread != timed
    assert misread["Berlin summer"] - timed["Berlin summer"] == 3600
