import json

from django.db import migrations, models

from calendar_app.rules import is_safe_url, listing_digest, listing_keys


def listings_of_stored_sightings(apps, schema_editor):
    """Every (name, page) pair the stored sightings and calendar events list, with the
    newest issue that listed it: what organisers are computed from from now on."""
    Sighting = apps.get_model("calendar_app", "Sighting")
    SourceEvent = apps.get_model("calendar_app", "SourceEvent")
    GroupListing = apps.get_model("calendar_app", "GroupListing")
    pairs = {}

    def add(group, day):
        name, url = str(group.get("name") or ""), str(group.get("url") or "")
        name_key, url_key = listing_keys(name, url)
        if not (name_key or url_key):
            return
        key = listing_digest(name_key, url_key)
        have = pairs.get(key)
        if have is None:
            pairs[key] = GroupListing(
                key=key,
                name_key=name_key,
                url_key=url_key,
                name=name.strip()[:300],
                url=url[:1000] if is_safe_url(url) else "",
                first_listed=day,
                last_listed=day,
            )
        elif day is not None:
            if have.last_listed is None or have.last_listed < day:
                have.last_listed, have.name = day, name.strip()[:300]
            if have.first_listed is None or have.first_listed > day:
                have.first_listed = day

    rows = Sighting.objects.values_list("parsed", "newsletter__date").iterator(chunk_size=2000)
    for parsed, day in rows:
        parsed = json.loads(parsed) if isinstance(parsed, str) else parsed or {}
        for group in parsed.get("groups") or []:
            add(group, day)
    for values in SourceEvent.objects.values_list("values", flat=True).iterator(chunk_size=2000):
        values = json.loads(values) if isinstance(values, str) else values or {}
        for group in values.get("groups") or []:
            add(group, None)
    GroupListing.objects.bulk_create(pairs.values(), batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('calendar_app', '0013_search_folded_columns'),
    ]

    operations = [
        migrations.CreateModel(
            name='GroupListing',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=64, unique=True)),
                ('name_key', models.CharField(blank=True, max_length=1100)),
                ('url_key', models.CharField(blank=True, max_length=1100)),
                ('name', models.CharField(blank=True, max_length=300)),
                ('url', models.URLField(blank=True, max_length=1000)),
                ('first_listed', models.DateField(blank=True, null=True)),
                ('last_listed', models.DateField(blank=True, null=True)),
            ],
        ),
        migrations.AddField(
            model_name='groupalias',
            name='pinned',
            field=models.BooleanField(default=False, help_text='Set by a curator (a merge or a move): imports never move it.'),
        ),
        migrations.AlterField(
            model_name='flag',
            name='kind',
            field=models.CharField(choices=[('unparsed', 'Unparsed line'), ('date_outside_window', 'Date outside the window'), ('year_corrected', 'Year corrected'), ('no_title', 'No title'), ('section_mismatch', 'Section and place disagree'), ('admin1_mismatch', 'Region code mismatch'), ('country_corrected', 'Country corrected'), ('geocode_fuzzy', 'Fuzzy geocode'), ('geocode_failed', 'Geocoding failed'), ('possible_duplicate', 'Possible duplicate'), ('rescheduled', 'Rescheduled'), ('no_events_section', 'No events section'), ('no_issue_date', 'No issue date'), ('no_group', 'No organiser'), ('no_location', 'No location'), ('unclear_dates', 'Unclear dates'), ('end_before_start', 'End before start'), ('malformed', 'Malformed'), ('unsafe_url', 'Unsafe link'), ('no_window', 'No window announced'), ('render_failed', 'Could not be written in a feed'), ('date_typo', 'Month name misspelt'), ('unexpected_layout', 'Layout of another era'), ('calendar_problem', 'Calendar event problem'), ('gone_from_calendar', 'Gone from its calendar'), ('organiser_name_mismatch', "Organiser's name with another's page"), ('link_of_another_event', 'Link of another event'), ('date_differs_from_calendar', 'Date differs from its calendar')], db_index=True, max_length=40),
        ),
        migrations.RunPython(listings_of_stored_sightings, migrations.RunPython.noop),
    ]
