"""Every saved or deleted row of public data bumps the data version (models.content).

Public data is every subclass of `models.content.Content`: the same class gives the model the
QuerySet that bumps the version on the writes that send no signal (update, bulk_create,
bulk_update, delete), so a model is covered both ways or not at all.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from calendar_app.models.content import Content, data_changed


def _changed(sender: type, using: str = "default", **kwargs: Any) -> None:
    data_changed(using)


def content_models() -> list[type[Content]]:
    return [m for m in apps.get_app_config("calendar_app").get_models() if issubclass(m, Content)]


def connect() -> None:
    for model in content_models():
        label = model._meta.label
        post_save.connect(_changed, sender=model, dispatch_uid=f"data-version-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"data-version-del-{label}")
    m2m_changed.connect(_changed, dispatch_uid="data-version-m2m")
