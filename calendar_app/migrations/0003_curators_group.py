"""The `curators` group: exactly what curation in the admin needs, nothing of auth itself.

Permissions are normally created after migrations run (post_migrate), so on a fresh
database they do not exist yet here: create them first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATORS = "curators"

# model -> actions the curators get on it.
PERMISSIONS = {
    "meetup": ("view", "change"),
    "meetuplink": ("view", "change", "add", "delete"),
    "meetupgroup": ("view", "change", "add", "delete"),
    "meetupplace": ("view", "change", "add", "delete"),
    "place": ("view", "change"),
    "group": ("view", "change"),
    "groupalias": ("view", "change", "add", "delete"),
    "flag": ("view", "change"),
    "newsletter": ("view", "change"),
    "sighting": ("view",),
}


def create_curators(apps, schema_editor):
    app_config = apps.get_app_config("calendar_app")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{act}_{model}" for model, actions in PERMISSIONS.items() for act in actions]
    permissions = Permission.objects.filter(
        content_type__app_label="calendar_app", codename__in=codenames
    )
    group, _ = Group.objects.get_or_create(name=CURATORS)
    group.permissions.set(permissions)


def delete_curators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=CURATORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("calendar_app", "0002_merge_record"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_curators, delete_curators)]
