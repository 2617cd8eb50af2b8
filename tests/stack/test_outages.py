"""Crowds and outages behind the proxy (issue 25): 1,100 idle clients that send half a
request never silence the site or its health check, and when PostgreSQL stops, monitors
hear the application's own 503 from /healthz (nginx passes it on), not nginx's 502.

The PostgreSQL test stops the stack's own PostgreSQL (deploy/stack.py, this checkout's
.stack/) and starts it again; it skips when the stack was started from elsewhere.
"""

from __future__ import annotations

import json
import resource
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.stack.conftest import fetch

pytestmark = pytest.mark.stack
ROOT = Path(__file__).resolve().parents[2]
IDLE_CLIENTS = 1_100  # more than nginx's default 1,024 connections (they used to win)
ADDRESSES = 22  # loopback client addresses, 50 idle clients each


def half_requests(stack_url: str, count: int) -> list[socket.socket]:
    """`count` connections that each send the start of a request and then nothing."""
    where = urlsplit(stack_url)
    host, port = where.hostname or "127.0.0.1", where.port or 80
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count + 256:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 1024), hard))
    opened = []
    for n in range(count):
        client = socket.create_connection(
            (host, port), timeout=10, source_address=(f"127.0.{n % ADDRESSES + 10}.9", 0)
        )
        client.sendall(b"GET /events/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow")
        opened.append(client)
    return opened


def still_held(client: socket.socket) -> bool:
    """Has nginx neither answered nor closed this connection yet?"""
    client.setblocking(False)
    try:
        client.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        client.settimeout(10)
    return False


def test_eleven_hundred_idle_clients_do_not_silence_the_site(stack_url):
    idle = half_requests(stack_url, IDLE_CLIENTS)
    try:
        # Monitors are answered while every one of them is still held open (with too few
        # connections, /healthz waited until nginx dropped some of them).
        for _ in range(3):
            status, body, _ = fetch("/healthz", timeout=30)
            assert status == 200, body[:200]
            assert json.loads(body)["database"] is True
        assert sum(still_held(client) for client in idle) == IDLE_CLIENTS
        for path in ("/", "/events/", "/feeds/events.ics"):
            status, _, _ = fetch(path, timeout=10)
            assert status == 200, path
        # And nginx lets go of them (client_header_timeout), not the other way round.
        deadline = time.monotonic() + 30
        dropped = 0
        for client in idle:
            client.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                answer = client.recv(1024)
            except (TimeoutError, OSError):
                continue
            dropped += answer == b"" or answer.startswith(b"HTTP/1.1 408")
        assert dropped == IDLE_CLIENTS
    finally:
        for client in idle:
            client.close()
    assert fetch("/healthz", timeout=5)[0] == 200


@pytest.fixture
def stack_postgres():
    """The stack's PostgreSQL control (deploy/stack.py), if this checkout's stack runs it."""
    sys.path.insert(0, str(ROOT / "deploy"))
    try:
        import stack  # type: ignore[import-not-found]  # deploy/stack.py
    finally:
        sys.path.remove(str(ROOT / "deploy"))
    if not (stack.PG_DATA / "postmaster.pid").exists():
        pytest.skip(f"the stack's PostgreSQL does not run from {stack.PG_DATA}")
    yield stack
    if not stack.pg_running():
        stack.start_postgres()


def test_postgresql_down_monitors_hear_the_apps_503(stack_url, stack_postgres):
    stack_postgres.stop_postgres()
    assert not stack_postgres.pg_running()
    # Visitors' requests fail meanwhile (pages past the micro-cache); none of them may
    # make nginx count both instances down and answer the monitors itself.
    pages = [fetch(f"/events/?q=outage{n}", timeout=15)[0] for n in range(4)]
    assert 502 not in pages, pages
    for _ in range(4):  # both gunicorn instances, and again: never nginx's 502
        status, body, _ = fetch("/healthz", timeout=15)
        assert status == 503, (status, body[:300])
        health = json.loads(body)  # the application's JSON, not nginx's error page
        assert health["database"] is False
        assert health["status"] == "down"
    stack_postgres.start_postgres()
    deadline = time.monotonic() + 30
    while (status := fetch("/healthz", timeout=5)[0]) != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert status == 200  # back without a restart of gunicorn or nginx
    assert fetch("/events/", timeout=10)[0] == 200
