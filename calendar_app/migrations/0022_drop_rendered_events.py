# The feeds keep the VEVENTs they wrote in the `vevents` cache: a GET writes no rows.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('calendar_app', '0019_whole_event'),
    ]

    operations = [
        migrations.DeleteModel(name='RenderedEvent'),
    ]
