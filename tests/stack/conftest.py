"""Tests against a running `make stack` (nginx, two gunicorn, PostgreSQL, Redis on loopback).

They skip when nothing answers at STACK_URL (default http://127.0.0.1:8080): run them with
`make stack && make test-stack; make stack-stop`.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request

import pytest

STACK_URL = os.environ.get("STACK_URL", "http://127.0.0.1:8080").rstrip("/")


def fetch(path: str, timeout: float = 10) -> tuple[int, bytes, float]:
    """GET `path` from the stack: status, body, seconds."""
    import time

    started = time.perf_counter()
    try:
        with urllib.request.urlopen(STACK_URL + path, timeout=timeout) as response:
            return response.status, response.read(), time.perf_counter() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.perf_counter() - started


@pytest.fixture(scope="session")
def stack_url() -> str:
    try:
        status, body, _ = fetch("/healthz", timeout=3)
    except OSError:
        pytest.skip(f"no stack at {STACK_URL} (make stack)")
    if status != 200 or b'"database": true' not in body:
        pytest.fail(f"the stack at {STACK_URL} is unhealthy: {status} {body[:200]!r}")
    return STACK_URL
