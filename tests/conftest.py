"""Shared test setup."""

import pytest


@pytest.fixture(autouse=True)
def _no_network_geocoder(settings):
    """Tests never reach the internet: always the offline geocoder."""
    settings.GEOCODER = "offline"
