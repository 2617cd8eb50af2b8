"""Indexes for the public filters and constraints that make duplicates impossible.

- `meetup_public_dates`: a partial index on (start_date, end_date) of the meetups the
  public sees (not merged away); it replaces the plain index on the same columns.
- status, attendance and region hold one of their choices (region may be empty).
- Place.country is an upper-case two-letter code or empty, so filters match it exactly.
- A meetup has at most one primary link; a newsletter line at most one `unparsed` flag.

Existing rows are brought in line first, so the constraints can be added to any database.
"""

import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Length, Trim, Upper

STATUSES = ["published", "hidden", "cancelled"]
ATTENDANCES = ["in_person", "virtual", "hybrid"]
REGIONS = ["", "africa", "asia", "europe", "north-america", "oceania", "south-america"]


def clean_rows(apps, schema_editor):
    """Rows that would break the new constraints: fix them the least surprising way."""
    Place = apps.get_model("calendar_app", "Place")
    Meetup = apps.get_model("calendar_app", "Meetup")
    MeetupLink = apps.get_model("calendar_app", "MeetupLink")
    Flag = apps.get_model("calendar_app", "Flag")

    Place.objects.exclude(country="").update(country=Upper(Trim("country")))
    Place.objects.annotate(n=Length("country")).exclude(n__in=[0, 2]).update(country="")

    Meetup.objects.exclude(status__in=STATUSES).update(status="hidden")
    Meetup.objects.exclude(attendance__in=ATTENDANCES).update(attendance="in_person")
    Meetup.objects.exclude(region__in=REGIONS).update(region="")

    # More than one primary link: the first (by position) stays primary.
    seen: set[int] = set()
    extra = []
    for pk, meetup_id in (
        MeetupLink.objects.filter(primary=True)
        .order_by("meetup_id", "position", "id")
        .values_list("id", "meetup_id")
    ):
        if meetup_id in seen:
            extra.append(pk)
        seen.add(meetup_id)
    MeetupLink.objects.filter(id__in=extra).update(primary=False)

    # The same unparsed line flagged twice: keep the oldest flag.
    seen_lines: set[tuple[int, int]] = set()
    duplicates = []
    for pk, newsletter_id, line in (
        Flag.objects.filter(kind="unparsed", newsletter__isnull=False, line__isnull=False)
        .order_by("newsletter_id", "line", "id")
        .values_list("id", "newsletter_id", "line")
    ):
        if (newsletter_id, line) in seen_lines:
            duplicates.append(pk)
        seen_lines.add((newsletter_id, line))
    Flag.objects.filter(id__in=duplicates).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("calendar_app", "0003_curators_group"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(clean_rows, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="meetup",
            name="calendar_ap_start_d_f5e80d_idx",
        ),
        migrations.AddIndex(
            model_name="meetup",
            index=models.Index(
                condition=models.Q(("duplicate_of__isnull", True)),
                fields=["start_date", "end_date"],
                name="meetup_public_dates",
            ),
        ),
        migrations.AddConstraint(
            model_name="flag",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "unparsed")),
                fields=("newsletter", "line"),
                name="flag_one_unparsed_per_line",
            ),
        ),
        migrations.AddConstraint(
            model_name="meetup",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", STATUSES)), name="meetup_status_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="meetup",
            constraint=models.CheckConstraint(
                condition=models.Q(("attendance__in", ATTENDANCES)),
                name="meetup_attendance_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="meetup",
            constraint=models.CheckConstraint(
                condition=models.Q(("region__in", REGIONS)), name="meetup_region_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="meetuplink",
            constraint=models.UniqueConstraint(
                condition=models.Q(("primary", True)),
                fields=("meetup",),
                name="meetuplink_one_primary",
                violation_error_message="A meetup has at most one primary link.",
            ),
        ),
        migrations.AddConstraint(
            model_name="place",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("country", ""),
                    models.Q(
                        django.db.models.lookups.Exact(
                            django.db.models.functions.text.Length("country"), 2
                        ),
                        ("country", django.db.models.functions.text.Upper("country")),
                    ),
                    _connector="OR",
                ),
                name="place_country_iso_upper",
                violation_error_message="Country must be a two-letter ISO code (e.g. DE) or empty.",
            ),
        ),
    ]
