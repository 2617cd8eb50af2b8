"""Shared test setup."""

import pytest
from hypothesis import settings as hypothesis_settings


@pytest.fixture(autouse=True)
def _empty_shared_cache(request):
    """Pages are cached under the data version; each test starts with nothing cached."""
    if not request.config.pluginmanager.hasplugin("django"):
        yield  # the pure tests (`-p no:django`) have no cache
        return
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_network_geocoder(request):
    """Tests never reach the internet: always the offline geocoder.

    Without pytest-django (`-p no:django`, the pure tests in tests/ingest) there are no
    settings to change.
    """
    if request.config.pluginmanager.hasplugin("django"):
        request.getfixturevalue("settings").GEOCODER = "offline"


# Property tests are reproducible in CI (the same examples every run); explore new ones with
# `pytest --hypothesis-profile=explore`.
hypothesis_settings.register_profile("repeatable", derandomize=True, deadline=None)
hypothesis_settings.register_profile("explore", max_examples=2000, deadline=None)
hypothesis_settings.load_profile("repeatable")
