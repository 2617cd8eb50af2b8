"""URLs of the history page (included from calendar_app.web.urls)."""

from django.urls import path

from calendar_app.web import history_views
from calendar_app.web.page_cache import shared_cache

urlpatterns = [
    path("history/", shared_cache(history_views.history), name="history"),
]
