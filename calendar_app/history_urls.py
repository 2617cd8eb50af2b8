"""URLs of the history page (included from calendar_app.urls)."""

from django.urls import path

from calendar_app import history_views

urlpatterns = [
    path("history/", history_views.history, name="history"),
]
