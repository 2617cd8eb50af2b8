"""Root URLs: the public calendar app and the curators' admin."""

from django.contrib import admin
from django.urls import include, path

from calendar_app.web.health import healthz

admin.site.site_header = "twirevents curation"
admin.site.site_title = "twirevents"
admin.site.index_title = "Curate the Rust meetup calendar"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("calendar_app.web.urls")),
]
