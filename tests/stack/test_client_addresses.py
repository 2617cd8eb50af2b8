"""Two clients behind nginx are two addresses: one client's wrong passwords or proposals never
lock out or limit another (nginx sets X-Real-IP, the application trusts it from nginx only).

The two clients connect from two loopback addresses (all of 127.0.0.0/8 is this machine), as
two machines on the internet would; random ones, so a rerun within the hour starts afresh.
"""

from __future__ import annotations

import http.client
import random
import re
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest

pytestmark = pytest.mark.stack


class Client:
    """A browser on one source address: keeps cookies, sends the CSRF token back."""

    def __init__(self, stack_url: str, address: str) -> None:
        where = urlsplit(stack_url)
        self.host, self.port = where.hostname or "127.0.0.1", where.port or 80
        self.address = address
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=30, source_address=(self.address, 0)
        )
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        text = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, text

    def post_form(self, path: str, form: dict) -> tuple[int, str]:
        status, page = self.request("GET", path)
        assert status == 200, (status, page[:300])
        return self.request("POST", path, form)


def two_clients(stack_url: str) -> tuple[Client, Client]:
    a, b = random.sample(range(2, 250), 2)
    net = random.randrange(1, 250)
    return Client(stack_url, f"127.{net}.{a}.2"), Client(stack_url, f"127.{net}.{b}.3")


def test_wrong_passwords_from_one_client_do_not_lock_out_another(stack_url):
    a, b = two_clients(stack_url)
    login = "/admin/login/?next=/admin/"
    username = f"stack-{uuid.uuid4().hex[:8]}"
    wrong = {"username": username, "password": "wrong"}
    for _ in range(5):
        status, _ = a.post_form(login, wrong)
    assert status == 429  # the fifth failure locks this username from A
    assert a.post_form(login, wrong)[0] == 429
    status, page = b.post_form(login, wrong)
    assert status == 200  # B only hears that the password is wrong
    assert "Too many failed logins" not in page


def proposal(title: str) -> dict:
    return {
        "kind": "event",
        "title": title,
        "start_date": "2031-05-06",
        "url": f"https://example.org/events/{uuid.uuid4().hex}",
        "location": "Munich, DE",
        "attendance": "in_person",
        "group_name": "Stack test",
        "email": "stack@example.org",
    }


def test_proposals_from_one_client_do_not_limit_another(stack_url):
    a, b = two_clients(stack_url)
    for number in range(5):
        status, page = a.post_form("/submit/", proposal(f"Stack A {number}"))
        assert status == 302, (status, re.findall(r"errorlist.*", page)[:3])
    assert a.post_form("/submit/", proposal("Stack A, one too many"))[0] == 429
    assert b.post_form("/submit/", proposal("Stack B"))[0] == 302
