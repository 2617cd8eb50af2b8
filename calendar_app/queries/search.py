"""Search that forgives: accents, case and the other names of a city.

Meetup titles, organisers' names and places each keep a folded copy (`search_title`,
`search_name`, `search_text`; written by services.search_index, compared as
search_text.py says). A typed word is folded and matched with `LIKE` on those columns:
portable (SQLite, PostgreSQL) and run in the database's C code, not a Python callback per
row. Organisers and places are matched as subqueries run once, not per meetup.
"""

from __future__ import annotations

from django.db.models import Q

from calendar_app.models import Group, MeetupGroup, MeetupPlace, Place
from calendar_app.search_text import SearchTerms, search_terms

MAX_WORDS = 10


def terms_of(value: str) -> list[SearchTerms]:
    """The terms of each typed word (all must match), at most MAX_WORDS words."""
    found = (search_terms(word) for word in value.split()[:MAX_WORDS])
    return [terms for terms in found if terms is not None]


def column_matches(column: str, terms: SearchTerms) -> Q:
    """The folded `column` contains the word, or a whole name of a city it names."""
    condition = Q()
    for needle in terms.needles:
        condition |= Q(**{f"{column}__contains": needle})
    return condition


def text_condition(terms: SearchTerms) -> Q:
    """Meetups whose title, organiser or place matches one typed word."""
    groups = Group.objects.filter(column_matches("search_name", terms))
    places = Place.objects.filter(column_matches("search_text", terms))
    return (
        column_matches("search_title", terms)
        | Q(pk__in=MeetupGroup.objects.filter(group__in=groups).values("meetup_id"))
        | Q(pk__in=MeetupPlace.objects.filter(place__in=places).values("meetup_id"))
    )


def text_conditions(value: str) -> list[Q]:
    """One condition per word (all must match), at most MAX_WORDS words."""
    return [text_condition(terms) for terms in terms_of(value)]
