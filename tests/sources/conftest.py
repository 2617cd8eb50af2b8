from __future__ import annotations

import pytest

from tests.sources import feed_server


@pytest.fixture
def server():
    """A fresh loopback feed server per test (its request log starts empty)."""
    running = feed_server.start()
    yield running
    feed_server.shut(running)
