"""A source says whether it came from the public form (its fetches are then checked
against private addresses) and what limits its last read reached."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [('calendar_app', '0017_merge_record_stable_keys')]

    operations = [
        migrations.AddField(
            model_name="source",
            name="trusted",
            field=models.BooleanField(
                default=True,
                help_text="Added by the operator or a curator. A calendar from the public "
                "form is not: each of its fetches and redirects may reach public addresses "
                "only.",
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="notes",
            field=models.TextField(
                blank=True, help_text="What the last read left out: the limits it reached."
            ),
        ),
    ]
