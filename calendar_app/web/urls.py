"""Public URLs (contracts in ARCHITECTURE.md)."""

from django.urls import include, path, register_converter

from calendar_app.web import feeds, submit, views
from calendar_app.web.page_cache import shared_cache


class FourDigitYear:
    regex = r"[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{value:04d}"


class TwoDigitMonth:
    regex = r"0[1-9]|1[0-2]"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{value:02d}"


register_converter(FourDigitYear, "yyyy")
register_converter(TwoDigitMonth, "mm")

urlpatterns = [
    path("", shared_cache(views.month_view), name="home"),
    path("calendar/<yyyy:year>/<mm:month>/", shared_cache(views.month_view), name="month"),
    path("events/", shared_cache(views.event_list), name="event_list"),
    path("events/<int:pk>/", shared_cache(views.meetup_detail), name="meetup_detail"),
    path("events/<int:pk>.ics", shared_cache(feeds.meetup_ics), name="meetup_ics"),
    path(
        "feeds/events.ics",
        shared_cache(feeds.events_ics, key=feeds.feed_key),
        name="events_ics",
    ),
    path("feeds/new.atom", feeds.NewMeetupsFeed(), name="new_atom"),
    path("api/events.json", shared_cache(feeds.events_json), name="events_json"),
    path("map/", shared_cache(views.map_view), name="map"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("groups/", shared_cache(views.group_list), name="group_list"),
    path("groups/<slug:slug>/", shared_cache(views.group_detail), name="group_detail"),
    path("", include("calendar_app.web.history_urls")),
    path("submit/", submit.submit, name="submit"),
    path("submit/thanks/", submit.submit_thanks, name="submit_thanks"),
]
