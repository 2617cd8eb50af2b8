"""Curators add meetups in the admin (issue 24: an event an editor knows of that no
newsletter or calendar has yet; the `curators` group got 403 on add)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATOR_PERMISSIONS = ["add_meetup"]


def grant_curators(apps, schema_editor):
    app_config = apps.get_app_config("calendar_app")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="curators")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="calendar_app", codename__in=CURATOR_PERMISSIONS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="curators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="calendar_app", codename__in=CURATOR_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [('calendar_app', '0019_whole_event')]

    operations = [migrations.RunPython(grant_curators, revoke)]
