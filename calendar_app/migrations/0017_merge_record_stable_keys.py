"""Merge records name what moved by stable keys, not row ids (services/merge_rows.py);
a meetup's place can be its organiser's usual place (`MeetupPlace.inferred`).

A record written before named rows by id: a sighting or a link row a re-read wrote anew
could not be found by an unmerge. Each is rewritten with the keys of the rows as they are
now (rows gone since are left out: nothing could give them back).
"""

from django.db import migrations, models


def _rows(model, column, entries):
    ids = [entry[0] for entry in entries]
    by_id = dict(model.objects.filter(id__in=ids).values_list("id", column))
    return [[by_id[pk], position, primary] for pk, position, primary in entries if pk in by_id]


def forwards(apps, schema_editor):
    Meetup = apps.get_model("calendar_app", "Meetup")
    Sighting = apps.get_model("calendar_app", "Sighting")
    SourceEvent = apps.get_model("calendar_app", "SourceEvent")
    relations = {
        "links": (apps.get_model("calendar_app", "MeetupLink"), "canonical_url"),
        "groups": (apps.get_model("calendar_app", "MeetupGroup"), "group_id"),
        "places": (apps.get_model("calendar_app", "MeetupPlace"), "place_id"),
    }
    for meetup in Meetup.objects.exclude(duplicate_of=None).only("id", "merge_record"):
        record = dict(meetup.merge_record or {})
        if not record or record.get("keys") == "stable":
            continue
        sightings = Sighting.objects.filter(id__in=record.get("sightings", []))
        lines = sightings.values_list("newsletter__key", "line")
        record["sightings"] = [list(row) for row in lines]
        record["source_events"] = [
            list(row)
            for row in SourceEvent.objects.filter(
                id__in=record.get("source_events", [])
            ).values_list("source_id", "uid", "recurrence_id")
        ]
        for key, (model, column) in relations.items():
            record[key] = _rows(model, column, record.get(key, []))
        before = dict(record.get("survivor_before", {}))
        for key in ("links", "places"):
            if key in before:
                before[key] = _rows(*relations[key], before[key])
        if before:
            record["survivor_before"] = before
        record["keys"] = "stable"
        Meetup.objects.filter(id=meetup.id).update(merge_record=record)


class Migration(migrations.Migration):
    dependencies = [('calendar_app', '0016_organisers_by_page')]

    operations = [
        migrations.AddField(
            model_name="meetupplace",
            name="inferred",
            field=models.BooleanField(
                default=False,
                db_default=False,
                help_text="Its organiser's usual place: the listings named none "
                "(usual_places.py).",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
