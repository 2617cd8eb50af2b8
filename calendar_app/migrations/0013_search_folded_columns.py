"""Folded copies of titles, organisers' names and places for search (issue 14), filled in."""

from django.db import migrations, models

BATCH = 2000


def fill(apps, schema_editor) -> None:
    """Every row's folded text, by the rules search uses (calendar_app.search_text)."""
    from calendar_app.search_text import place_search_text, search_text

    columns = (
        ("Meetup", "search_title", ("title",), search_text),
        ("Group", "search_name", ("name",), search_text),
        (
            "Place",
            "search_text",
            ("city", "admin1", "country", "written", "text"),
            place_search_text,
        ),
    )
    for name, column, sources, fold_row in columns:
        model = apps.get_model("calendar_app", name)
        rows = [
            model(pk=pk, **{column: fold_row(*values)})
            for pk, *values in model.objects.order_by().values_list("pk", *sources)
        ]
        model.objects.bulk_update(rows, [column], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("calendar_app", "0012_calendar_flag_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="group",
            name="search_name",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The name folded for search (search_text.py).",
            ),
        ),
        migrations.AddField(
            model_name="meetup",
            name="search_title",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The title folded for search (search_text.py).",
            ),
        ),
        migrations.AddField(
            model_name="place",
            name="search_text",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="City, text and label folded for search.",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
