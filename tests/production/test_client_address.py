"""One client-address rule (twirevents.client_address) for login throttling and the
submission limit: behind the proxy two clients are two addresses, never one; a header from
anyone but the proxy is not believed; and Redis being down never fails the form."""

from __future__ import annotations

import socket

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import RequestFactory

from calendar_app.models import Submission
from tests.admin.test_submissions import SUBMIT, event
from twirevents.client_address import client_address

PASSWORD = "correct horse battery staple"
A, B = "203.0.113.7", "198.51.100.9"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_local_cache():
    caches["local"].clear()  # the shared one is emptied for every test (tests/conftest.py)


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    return settings


def log_in(client, password: str, real_ip: str):
    # As gunicorn sees it behind nginx: the peer is loopback, the client is in X-Real-IP.
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "curator", "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP=real_ip,
    )


def test_the_rule(behind_proxy):
    factory = RequestFactory()
    from_proxy = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=A)
    assert client_address(from_proxy) == A
    from_ipv6_proxy = factory.get("/", REMOTE_ADDR="::1", HTTP_X_REAL_IP="2001:db8::1")
    assert client_address(from_ipv6_proxy) == "2001:db8::1"
    # a client reaching the application directly cannot choose its address
    direct = factory.get("/", REMOTE_ADDR=B, HTTP_X_REAL_IP=A)
    assert client_address(direct) == B
    # a header that is not one address is ignored
    garbage = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=f"{A}, {B}")
    assert client_address(garbage) == "127.0.0.1"
    behind_proxy.BEHIND_PROXY = False
    assert client_address(from_proxy) == "127.0.0.1"


def test_wrong_passwords_from_one_client_do_not_lock_out_another(client, behind_proxy):
    User.objects.create_user("curator", password=PASSWORD, is_staff=True)
    for _ in range(behind_proxy.AXES_FAILURE_LIMIT):
        log_in(client, "wrong", A)
    assert log_in(client, PASSWORD, A).status_code == 429  # A is locked out
    assert log_in(client, PASSWORD, B).status_code == 302  # B logs in


def test_without_the_proxy_setting_the_header_is_not_believed(client, settings):
    User.objects.create_user("curator", password=PASSWORD, is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong", A)
    # every request came from 127.0.0.1: a new X-Real-IP does not escape the lockout
    assert log_in(client, PASSWORD, B).status_code == 429


def propose(client, real_ip: str, **values):
    return client.post(SUBMIT, event(**values), REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=real_ip)


def test_proposals_from_one_client_do_not_limit_another(client, behind_proxy):
    behind_proxy.SUBMISSIONS_RATE = "5/h"
    for number in range(5):
        assert propose(client, A, title=f"From A {number}").status_code == 302
    assert propose(client, A, title="One too many").status_code == 429
    assert propose(client, B, title="From B").status_code == 302
    assert Submission.objects.count() == 6


def test_only_accepted_proposals_count(client, settings):
    settings.SUBMISSIONS_RATE = "1/h"
    for _ in range(3):  # sent back with an error: not counted
        assert client.post(SUBMIT, event(url="javascript:alert(1)")).status_code == 200
    assert client.post(SUBMIT, event()).status_code == 302
    assert client.post(SUBMIT, event(title="Another")).status_code == 429


@pytest.fixture
def redis_down(settings):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    return settings


def test_the_form_works_while_redis_is_down(client, redis_down):
    redis_down.SUBMISSIONS_RATE = "2/h"
    assert client.get(SUBMIT).status_code == 200
    assert client.post(SUBMIT, event()).status_code == 302
    assert client.post(SUBMIT, event(title="Second")).status_code == 302
    # the limit still holds, counted in this process's memory
    refused = client.post(SUBMIT, event(title="Third"))
    assert refused.status_code == 429
    assert "Too many proposals" in refused.content.decode()
    assert Submission.objects.count() == 2
