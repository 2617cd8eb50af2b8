"""Production settings: `check --deploy` is clean, and unsafe configurations refuse to start."""

from __future__ import annotations

import re

import pytest

from tests.production.conftest import manage, production_env

# Every warning `check --deploy` may still print with production settings, and why it stays.
EXPLAINED = {
    # HSTS preload is a commitment (every subdomain HTTPS for good) that only the site's owner
    # can make, after submitting the domain to hstspreload.org: SECURE_HSTS_PRELOAD=1 turns it
    # on, and test_deploy_check_with_preload_has_no_warnings shows that then nothing is left.
    "security.W021",
}


def issue_ids(output: str) -> set[str]:
    return set(re.findall(r"\(([a-z_]+\.[A-Z]\d{3})\)", output))


def test_deploy_check_has_no_unexplained_warnings():
    result = manage("check", "--deploy", env=production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert issue_ids(output) <= EXPLAINED, output


def test_deploy_check_with_preload_has_no_warnings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(SECURE_HSTS_PRELOAD="1")
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output


def test_production_settings_values():
    """Secure cookies, HSTS from the environment, hosts from the environment."""
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, ','.join(s.ALLOWED_HOSTS))"
    )
    result = manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        code,
        env=production_env(SECURE_HSTS_SECONDS="3600", ALLOWED_HOSTS="a.example, b.example"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "3600",
        "True",
        "a.example,b.example",
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"DEBUG": "1"}, "DEBUG must be off"),
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"SECRET_KEY": "short-key"}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "django-insecure-" + "x1y2z3" * 10}, "SECRET_KEY is too weak"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS must be set"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS must be set"),
    ],
    ids=[
        "no-key",
        "empty-key",
        "debug-1",
        "debug-true",
        "weak-key",
        "insecure-key",
        "no-hosts",
        "blank-hosts",
    ],
)
def test_production_refuses_to_start(overrides, message):
    result = manage("check", env=production_env(**overrides))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_debug_off_without_production_still_needs_a_key():
    env = production_env(DJANGO_ENV=None, DEBUG="0", SECRET_KEY=None)
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_collectstatic_and_whitenoise_in_production(tmp_path):
    """collectstatic with the manifest storage works, and whitenoise is in the middleware."""
    env = production_env(STATIC_ROOT=str(tmp_path / "static"))
    result = manage("collectstatic", "--noinput", env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
    code = "from django.conf import settings as s; print('whitenoise' in ' '.join(s.MIDDLEWARE))"
    result = manage("shell", "--verbosity", "0", "-c", code, env=env)
    assert result.stdout.strip() == "True", result.stderr


CACHE_CASES: list[tuple[dict[str, str | None], str]] = [
    ({"CACHE_URL": "redis://127.0.0.1:6399/0"}, "django.core.cache.backends.redis.RedisCache"),
    ({"CACHE_URL": None, "REDIS_URL": "redis://127.0.0.1:6399/1"}, "RedisCache"),
    ({"CACHE_URL": None, "REDIS_URL": None}, "django.core.cache.backends.locmem.LocMemCache"),
]


@pytest.mark.parametrize(
    ("overrides", "expected"), CACHE_CASES, ids=["cache-url", "redis-url", "unset"]
)
def test_cache_url_selects_redis_and_unset_is_local_memory(overrides, expected):
    code = "from django.conf import settings as s; c = s.CACHES['default']; print(c['BACKEND'])"
    result = manage("shell", "--verbosity", "0", "-c", code, env=production_env(**overrides))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(expected)
