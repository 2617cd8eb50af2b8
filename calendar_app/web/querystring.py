"""The one query-string helper: the filter part of a URL, for feeds, subscribe links,
the feeds' SOURCE and ETag, and the month grid's "+N more" links; and the pages'
redirect away from empty parameters (`drop_empty_params`).

Only the FilterSet's own parameters survive (no `page`, no `utm_source`), empty values
are dropped, and the order is fixed (the FilterSet's field order, then each parameter's
values sorted), so the same filter always gives the same URL whatever order it was typed in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse

from calendar_app.queries.filters import MeetupFilter

FILTER_PARAMS = tuple(MeetupFilter.base_filters)


def _values(params: Mapping[str, Any], name: str) -> list[str]:
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]
    return sorted(
        str(value).strip() for value in values if value is not None and str(value).strip()
    )


def filter_pairs(
    params: Mapping[str, Any], *, without: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """(name, value) of every non-empty filter parameter, in the fixed order."""
    skip = set(without)
    return [
        (name, value)
        for name in FILTER_PARAMS
        if name not in skip
        for value in _values(params, name)
    ]


def filter_query(params: Mapping[str, Any], *, without: Iterable[str] = ()) -> str:
    """`region=europe&city=K%C3%B6ln`: the filter of `params` (a QueryDict or a dict)."""
    return urlencode(filter_pairs(params, without=without))


def feed_url(base_url: str, params: Mapping[str, Any]) -> str:
    """Absolute URL of the iCalendar feed of this filter: what its SOURCE says."""
    query = filter_query(params)
    return f"{base_url}{reverse('events_ics')}" + (f"?{query}" if query else "")


def without_empty(params: QueryDict) -> str | None:
    """`?region=europe` for `?q=&region=europe&page=`: the query without its empty
    parameters (a form sent with blank fields), or None when it has none to drop."""
    pairs = [(name, value) for name, values in params.lists() for value in values]
    kept = [(name, value) for name, value in pairs if value.strip()]
    if len(kept) == len(pairs):
        return None
    return urlencode(kept)


def drop_empty_params(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page's GET with empty parameters redirects to its URL without them, so links,
    pagination and bookmarks built from it carry only the filter that was set."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        query = without_empty(request.GET) if request.method in ("GET", "HEAD") else None
        if query is None:
            return view(request, *args, **kwargs)
        return redirect(request.path + (f"?{query}" if query else ""))

    return wrapper
