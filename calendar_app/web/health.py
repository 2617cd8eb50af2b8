"""`/healthz`: is this process able to serve (database, shared cache), and is the data fresh."""

from __future__ import annotations

import logging
import uuid

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, connection
from django.db.models import Max
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from calendar_app.models import Newsletter

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.exception("healthz: database unreachable")
        return False


def cache_ok() -> bool:
    """A write and a read back: a cache that accepts nothing serves no page twice."""
    try:
        token = uuid.uuid4().hex
        cache.set("healthz", token, 30)
        return cache.get("healthz") == token
    except Exception:
        logger.exception("healthz: shared cache unreachable")
        return False


def age_seconds(field_owner: str, field: str) -> float | None:
    """Seconds since the newest `field` of model `field_owner`; None if no such model or row.

    The calendar sync (Source.last_success) may not exist in this version: then None.
    """
    try:
        model = apps.get_model("calendar_app", field_owner)
        model._meta.get_field(field)
    except (LookupError, FieldDoesNotExist):
        return None
    newest = model.objects.aggregate(newest=Max(field))["newest"]
    return round((timezone.now() - newest).total_seconds(), 1) if newest else None


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers (the cache may be down: pages then render uncached);
    503 when it does not."""
    database = database_ok()
    shared_cache = cache_ok()
    body: dict[str, object] = {
        "status": "ok" if database and shared_cache else "degraded" if database else "down",
        "database": database,
        "cache": shared_cache,
        "last_sync_age_seconds": age_seconds("Source", "last_success") if database else None,
        "last_ingest_age_seconds": (
            age_seconds(Newsletter.__name__, "ingested_at") if database else None
        ),
    }
    return JsonResponse(body, status=200 if database else 503)
