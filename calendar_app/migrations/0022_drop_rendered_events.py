# The feeds keep the VEVENTs they wrote in the `vevents` cache: a GET writes no rows.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('calendar_app', '0020_curators_add_meetups'),
    ]

    operations = [
        migrations.DeleteModel(name='RenderedEvent'),
    ]
