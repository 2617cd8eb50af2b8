# A first sync looks every feed's UIDs up across all calendars: an index, not a scan per feed.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('calendar_app', '0022_drop_rendered_events'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='sourceevent',
            index=models.Index(fields=['uid'], name='sourceevent_uid'),
        ),
    ]
