"""Every saved or deleted row of public data bumps the data version (services.data_version)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from calendar_app.models import (
    Flag,
    Group,
    GroupAlias,
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Newsletter,
    Place,
    Sighting,
)
from calendar_app.services.data_version import data_changed

CONTENT_MODELS = (
    Meetup,
    MeetupGroup,
    MeetupPlace,
    MeetupLink,
    Group,
    GroupAlias,
    Place,
    Newsletter,
    Sighting,
    Flag,
)


def _changed(sender: type, using: str = "default", **kwargs: Any) -> None:
    data_changed(using)


def connect() -> None:
    for model in CONTENT_MODELS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"data-version-save-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"data-version-del-{model}")
    m2m_changed.connect(_changed, dispatch_uid="data-version-m2m")
