"""Fixtures for the geocoding tests; the pure ones also run with ``-p no:django``."""

from __future__ import annotations

import pytest

from calendar_app.geocoding import OfflineGeocoder, get_offline_gazetteer


@pytest.fixture(autouse=True)
def _no_network_geocoder(request):
    """Overrides the project-wide fixture of this name, which needs pytest-django's
    ``settings``; here it is only kept when Django is there."""
    if request.config.pluginmanager.has_plugin("django"):
        request.getfixturevalue("settings").GEOCODER = "offline"


@pytest.fixture(scope="session")
def gazetteer():
    """Built once per machine into the default cache (``GAZETTEER_CACHE`` or
    ``~/.cache/twirevents``), loaded once per session."""
    return get_offline_gazetteer()


@pytest.fixture(scope="session")
def offline(gazetteer):
    """One geocoder for the whole session: its memo makes repeated texts free."""
    return OfflineGeocoder(gazetteer=gazetteer)


@pytest.fixture
def fresh_offline(gazetteer):
    """A geocoder with an empty memo, for tests that count lookups."""
    return OfflineGeocoder(gazetteer=gazetteer)
