"""Public pages (being written)."""
from django.http import HttpResponse


def month_view(request, year=None, month=None):
    return HttpResponse("")


event_list = meetup_detail = group_list = group_detail = month_view
