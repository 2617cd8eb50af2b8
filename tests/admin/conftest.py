"""Curators and admin form helpers for the admin tests."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.test import Client


@pytest.fixture
def curator(db) -> User:
    """A staff user in the `curators` group (created by migration 0003), nothing more."""
    user = User.objects.create_user("carol", password="curate-me-42", is_staff=True)
    user.groups.add(AuthGroup.objects.get(name="curators"))
    return user


@pytest.fixture
def curator_client(curator) -> Client:
    client = Client()
    client.force_login(curator)
    return client


def change_form_data(response) -> dict:
    """The POST data a browser would send back for an admin change form, unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or value == []:
                continue
            data[form.add_prefix(name)] = value
    return data


def action_data(action: str, objects, **extra) -> dict:
    """The changelist POST that runs `action` on `objects`."""
    return {"action": action, "_selected_action": [obj.pk for obj in objects], **extra}
