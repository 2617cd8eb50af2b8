"""A YouTube or Google Calendar link names an event only with its id (`watch?v=`, `eid`).

Links stored before as event pages without it (a bare `youtube.com/watch`, an "add to
calendar" template) are generic from now on: matching no longer joins on them and the
duplicate queue no longer calls two of them "the same event page".
"""

from django.db import migrations

from calendar_app.twir.urls import is_event_specific

PAGES = ("youtube.com/watch", "google.com/calendar/event")  # calendar.google.com too


def forwards(apps, schema_editor):
    MeetupLink = apps.get_model("calendar_app", "MeetupLink")
    stale = [
        pk
        for page in PAGES
        for pk, url in MeetupLink.objects.filter(
            event_specific=True, url__icontains=page
        ).values_list("pk", "url")
        if not is_event_specific(url)
    ]
    MeetupLink.objects.filter(pk__in=stale).update(event_specific=False)


class Migration(migrations.Migration):
    dependencies = [("calendar_app", "0026_sourceevent_uid")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
