"""Settings read from the environment, so one code base runs in development and production.

Development defaults (DEBUG on, SQLite file in the project folder) need no environment.
Production (`DJANGO_ENV=production` or DEBUG off) refuses to start without a SECRET_KEY;
`DJANGO_ENV=production` also refuses DEBUG=1, a weak SECRET_KEY and an empty ALLOWED_HOSTS,
and turns on secure cookies, the HTTPS redirect and HSTS (SECURE_HSTS_SECONDS, default a year).
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION or not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-twirevents"
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (DJANGO_ENV=production).")
if PRODUCTION and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")
):
    # The same rule as `check --deploy` (security.W009), but fatal: a guessable key signs
    # sessions and CSRF tokens. Make one with:
    #   python3 -c "import secrets; print(secrets.token_urlsafe(50))"
    raise ImproperlyConfigured("SECRET_KEY is too weak for production: use 50+ random characters.")

DEV_HOSTS = "localhost,127.0.0.1,[::1],testserver"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else DEV_HOSTS)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (comma-separated hosts).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "calendar_app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "twirevents.middleware.PermissionsPolicyMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into its answer.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses a login while its username and address are locked out, then the usual check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "twirevents.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "twirevents.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent ingests: IMMEDIATE takes the write lock when a transaction starts, so
    # two ingests run one after the other instead of both reading stale state. WAL lets
    # pages be read while an ingest writes, and spares an fsync per commit.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"

# Security: secure cookies and HSTS in production; HSTS length is configurable.
# `manage.py check --deploy` passes with no warning but security.W021 (HSTS preload is an
# opt-in: SECURE_HSTS_PRELOAD=1 once the domain is submitted to hstspreload.org); see
# tests/production/test_deploy_check.py.
if PRODUCTION:
    if env_bool("SECURE_PROXY_SSL_HEADER", True):
        # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Geocoding: offline by default; Nominatim only when asked for.
GEOCODER = os.environ.get("GEOCODER", "offline")
NOMINATIM_USER_AGENT = os.environ.get("NOMINATIM_USER_AGENT", "")
NOMINATIM_URL = os.environ.get("NOMINATIM_URL", "")
if GEOCODER == "nominatim" and not NOMINATIM_USER_AGENT:
    raise ImproperlyConfigured("GEOCODER=nominatim needs NOMINATIM_USER_AGENT.")

# Map tiles: a setting, so a deployment can point at its own tile server or none.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors")

# Public base URL: every absolute link in feeds and the API comes from it, never from the
# request's Host (which a client chooses).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# An address the owners of the calendars we fetch can write to (in our User-Agent).
SITE_CONTACT = os.environ.get("SITE_CONTACT", "").strip()
# Hosts (`host` or `host:port`, comma-separated) that a calendar from the public form may
# reach although they are private (a calendar server on the site's own network). Every
# other fetch of such a calendar, redirects included, reaches public addresses only.
TRUSTED_SOURCE_HOSTS = [
    host.strip() for host in os.environ.get("TRUSTED_SOURCE_HOSTS", "").split(",") if host.strip()
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is refused (even with the right password) for the cool-off.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# BEHIND_PROXY=1 (deploy/): gunicorn listens on loopback only and nginx sets X-Real-IP to the
# client's address (overwriting any the client sent); without it every login would come from
# 127.0.0.1 and one attacker could lock a curator out for everyone. The header is trusted only
# from TRUSTED_PROXIES (nginx's address as gunicorn sees it). One rule for axes, the
# submission limit and the logs: twirevents.client_address.client_address.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
TRUSTED_PROXIES = frozenset(env_list("TRUSTED_PROXIES", "127.0.0.1,::1"))
AXES_CLIENT_IP_CALLABLE = "twirevents.client_address.client_address"


def _origin(url: str) -> str:
    """scheme://host of a tile URL template; a `{s}` subdomain becomes a wildcard."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}" if parts.netloc else ""


# Content-Security-Policy (django-csp): no inline script or style anywhere, public pages or
# admin; the map may load tiles from MAP_TILE_URL's host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *filter(None, [_origin(MAP_TILE_URL)])],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The browser features a page may use: geolocation only for "near me" on our own pages.
PERMISSIONS_POLICY = (
    "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)

# The shared cache: Redis (CACHE_URL or REDIS_URL, e.g. redis://127.0.0.1:6379/0) so every
# gunicorn process sees one data version and one copy of each page; local memory when unset.
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "twirevents",
            "TIMEOUT": 3600,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
        # VEVENTs the feeds wrote, under a digest of their data (rendering/feed_cache.py)
        "vevents": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "twirevents-vevents",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
        # This process's own memory: where the submission limit counts while Redis is down.
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
        "vevents": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "vevents",
            "OPTIONS": {"MAX_ENTRIES": 50000},
        },
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client": {"()": "twirevents.client_address.ClientAddressFilter"}},
    "formatters": {"plain": {"format": "%(levelname)s %(name)s [%(client)s] %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client"], "formatter": "plain"}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
