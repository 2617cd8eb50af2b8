"""A short load through nginx, and slow clients that must not hold the application's workers.

nginx reads a request's headers before it passes the request on (client_header_timeout),
so ten clients sending their headers at one byte per second sit in nginx, and normal
requests, including ones that reach Django, are not delayed.
"""

from __future__ import annotations

import gzip
import json
import re
import socket
import statistics
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from tests.stack.conftest import STACK_URL, fetch

pytestmark = pytest.mark.stack

URLS = ["/", "/events/?region=europe", "/api/events.json", "/feeds/events.ics", "/healthz"]


def test_short_load_has_no_errors(stack_url):
    """Eight clients for a few seconds over the public URLs: every answer a 200."""
    deadline = time.monotonic() + 4
    statuses: list[int] = []

    def client(n: int) -> None:
        i = n
        while time.monotonic() < deadline:
            status, _, _ = fetch(URLS[i % len(URLS)], timeout=30)
            statuses.append(status)
            i += 1

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(client, range(8)))
    assert len(statuses) > 40
    assert set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}


def slow_client(stop: threading.Event, opened: list[socket.socket]) -> None:
    """Sends a request's headers one byte a second, until told to stop."""
    where = urlsplit(STACK_URL)
    host, port = where.hostname or "127.0.0.1", where.port or 80
    request = f"GET /events/?slow={uuid.uuid4().hex} HTTP/1.1\r\nHost: {host}\r\nX-Pad: {'a' * 40}"
    sock = socket.create_connection((host, port), timeout=5)
    opened.append(sock)
    for byte in request.encode():
        if stop.wait(1.0):
            break
        try:
            sock.send(bytes([byte]))
        except OSError:  # nginx gave up on us (client_header_timeout): as it should
            break


def uncached_path() -> str:
    """A page that reaches Django: a query nobody asked for before (no cache has it)."""
    return f"/events/?region=europe&probe={uuid.uuid4().hex}"


def timings(rounds: int) -> list[float]:
    """Seconds of normal requests that reach Django: uncached pages and /healthz."""
    out = []
    for _ in range(rounds):
        for path in (uncached_path(), "/healthz"):
            status, _, seconds = fetch(path, timeout=30)
            assert status == 200
            out.append(seconds)
    return out


def test_ten_slow_clients_do_not_delay_normal_requests(stack_url):
    baseline = statistics.median(timings(5))
    stop = threading.Event()
    opened: list[socket.socket] = []
    threads = [threading.Thread(target=slow_client, args=(stop, opened)) for _ in range(10)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2.5)  # every slow client connected and dribbling
        assert len(opened) == 10
        during = timings(6)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        for sock in opened:
            sock.close()
    assert max(during) < baseline + 1.0, (baseline, during)


def test_conditional_request_through_nginx(stack_url):
    with urllib.request.urlopen(stack_url + "/api/events.json", timeout=10) as response:
        etag = response.headers["ETag"]
        assert json.loads(response.read())["count"] >= 0
    request = urllib.request.Request(stack_url + "/api/events.json")
    request.add_header("If-None-Match", etag)
    with pytest.raises(urllib.error.HTTPError) as answer:  # urllib raises on a 304
        urllib.request.urlopen(request, timeout=10)
    assert answer.value.code == 304


def test_gzip_and_static_files_from_nginx(stack_url):
    status, body, _ = fetch("/healthz")
    assert status == 200
    assert json.loads(body) | {"database": True, "cache": True} == json.loads(body)
    request = urllib.request.Request(stack_url + "/events/", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        html = gzip.decompress(response.read())
    css = re.search(rb'href="(/static/css/site\.[0-9a-f]+\.css)"', html)
    assert css, "no hashed stylesheet link"
    with urllib.request.urlopen(stack_url + css.group(1).decode(), timeout=10) as response:
        assert "max-age" in response.headers["Cache-Control"]
        assert "Permissions-Policy" not in response.headers  # nginx's answer, not Django's
