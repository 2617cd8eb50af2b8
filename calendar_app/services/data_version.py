"""One number for "the public data as it is now", kept in the shared cache.

Pages and the JSON API are cached under it (calendar_app.web.page_cache); every write to public
data bumps it once its transaction commits, so no process ever serves a page older than the
data. Where the bump comes from (one rule, two kinds of writer):

- model writes (`save()`, `delete()`, the admin's forms and inlines, most services) are
  caught by the post_save/post_delete signals in calendar_app.signals: no service or admin
  action can forget one;
- writes that send no signals (bulk_create, QuerySet.update and the raw SQL of
  services.bulk, as ingest and merge use) call `data_changed()` in their service, inside
  its transaction.

Either way `data_changed()` bumps the version at once, and once more when the transaction
commits: a page another process renders in between (from the data as it was before the
commit) is cached under the middle version and dropped by the second bump; reads inside the
writing transaction itself (a command that writes then exports, a test, which never
commits) see a fresh version too.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction

KEY = "data-version"
logger = logging.getLogger(__name__)


def data_version() -> str:
    """The current version; a fresh one when the cache has none (empty, or restarted)."""
    version = cache.get(KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(KEY, version, timeout=None):  # another process was first
            version = cache.get(KEY) or version
    return version


def data_version_bump() -> None:
    """A new version: every page cached under the old one is stale from now on."""
    cache.set(KEY, uuid.uuid4().hex, timeout=None)


def data_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Bump the version now, and once more when the current transaction commits.

    The commit bump is scheduled once per transaction, however many rows it writes; a cache
    that cannot be reached is logged, never fails the write (pages expire by their timeout).
    """
    _bump_quietly()
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and any(
        func is _bump_quietly for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_bump_quietly, using=using)


def _bump_quietly() -> None:
    try:
        data_version_bump()
    except Exception:  # the data is written; a stale page is better than a failed write
        logger.exception("data version not bumped: the shared cache is unreachable")
