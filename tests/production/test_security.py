"""Login throttling (django-axes), Content-Security-Policy (django-csp), Permissions-Policy,
and templates with no inline script, style or event handler for the CSP to block."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def curator(db) -> User:
    return User.objects.create_user("curator", password=PASSWORD, is_staff=True)


def log_in(client, password: str, address: str = "203.0.113.7"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "curator", "password": password},
        REMOTE_ADDR=address,
    )


def test_wrong_passwords_lock_the_account_for_a_while(client, curator):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong").status_code == 200  # the form again, with its error
    locked = log_in(client, "wrong")
    assert locked.status_code == 429
    refused = log_in(client, PASSWORD)  # the right password, too soon
    assert refused.status_code == 429
    assert "Too many failed logins" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by this one's attempts.
    assert log_in(client, PASSWORD, address="198.51.100.9").status_code == 302
    client.logout()
    # After the cool-off the right password works again.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )
    assert log_in(client, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(curator.pk)


def test_a_few_wrong_passwords_do_not_lock(client, curator):
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302


@pytest.mark.parametrize("path", ["/", "/events/", "/admin/login/", "/api/events.json"])
def test_csp_and_permissions_policy_headers(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = dict(
        (part.split()[0], part.split()[1:])
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    policy = response["Permissions-Policy"]
    assert "geolocation=(self)" in policy
    assert "camera=()" in policy


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.I)


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(ROOT) for p in (ROOT / "templates").rglob("*.html"))
)
def test_templates_have_no_inline_script_style_or_handler(template):
    text = (ROOT / template).read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>: put it in static/js"
    assert not HANDLER.search(text), "inline event handler: attach it in static/js"
    assert not STYLE.search(text), "inline style: put it in static/css"


@pytest.mark.parametrize("path", ["/", "/events/", "/admin/login/"])
def test_rendered_pages_have_no_inline_script_or_style(client, db, path):
    html = client.get(path).content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not HANDLER.search(html)
    assert not STYLE.search(html)
