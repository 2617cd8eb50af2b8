"""Calendar reading is pure: these tests also run with ``-p no:django``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from calendar_app.calendars import CalendarFeed, read_calendar

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "calendars"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_network_geocoder(request):
    """Overrides the project-wide fixture, which needs pytest-django's ``settings``."""
    if request.config.pluginmanager.has_plugin("django"):
        request.getfixturevalue("settings").GEOCODER = "offline"


def read_fixture(name: str, now: datetime = NOW) -> CalendarFeed:
    return read_calendar((FIXTURES / name).read_bytes(), now=now)
