"""`/healthz`: 200 with the database and cache reachable and the data's age; 503 without a
database; the cache down is reported but still serves (pages render uncached)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.db import OperationalError, connection
from django.utils import timezone

from calendar_app.models import Newsletter
from tests.factories import make_newsletter


def test_healthy(client, db):
    newsletter = make_newsletter()
    Newsletter.objects.filter(pk=newsletter.pk).update(
        ingested_at=timezone.now() - timedelta(hours=2)
    )
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] is True
    assert body["cache"] is True
    assert 7190 < body["last_ingest_age_seconds"] < 7300
    assert body["last_sync_age_seconds"] is None  # no calendar sync in this version


def test_database_unreachable_is_503(client, db):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"] is False


def test_cache_unreachable_is_reported(client, db):
    with mock.patch("calendar_app.web.health.cache.set", side_effect=ConnectionError("no redis")):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] is False
    assert response.json()["status"] == "degraded"
