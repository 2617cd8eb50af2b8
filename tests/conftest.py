"""Shared test setup."""

import pytest
from hypothesis import settings as hypothesis_settings


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL, no autovacuum in the test database while the suite runs.

    Each test's rows are rolled back, so its tables fill with dead rows; an autovacuum that
    runs meanwhile finds no live row but cannot shrink a table in use, and records it as
    empty yet some pages long. The planner then expects one row from such a table whatever
    a test inserts, and a join over a few hundred rows becomes nested sequential scans: one
    query of tests/services/test_ingest.py was seen taking 200 s (and CI timing out), fast
    again in a fresh database. A table that is never vacuumed is estimated from its size.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in connection.introspection.table_names(cursor):
                    cursor.execute(
                        f"ALTER TABLE {connection.ops.quote_name(table)} SET "
                        "(autovacuum_enabled = off, toast.autovacuum_enabled = off)"
                    )


@pytest.fixture(autouse=True)
def _empty_shared_cache(request):
    """Pages are cached under the data version; each test starts with nothing cached."""
    if not request.config.pluginmanager.hasplugin("django"):
        yield  # the pure tests (`-p no:django`) have no cache
        return
    from django.core.cache import caches

    for alias in ("default", "vevents"):
        caches[alias].clear()
    yield
    for alias in ("default", "vevents"):
        caches[alias].clear()


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


@pytest.fixture
def server():
    """A fresh loopback calendar-feed server per test (its request log starts empty)."""
    from tests.sources import feed_server

    running = feed_server.start()
    yield running
    feed_server.shut(running)
