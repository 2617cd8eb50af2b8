from django.apps import AppConfig


class CalendarAppConfig(AppConfig):
    name = "calendar_app"
    verbose_name = "Rust meetups"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from calendar_app import signals

        signals.connect()
