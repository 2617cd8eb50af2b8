"""Curation: the admin is where TWIR editors fix what the newsletters got wrong, once.

A curator's edit locks the fields it touches (ingest never overwrites them), merges are
reversible, every meetup change is kept in its history with who and what, and the
next issue's events section can be drafted from the curated data.
"""

# Importing each module registers its ModelAdmins with the admin site.
from calendar_app.admin import (
    common,
    duplicates,
    flags,
    groups,
    meetups,
    newsletters,
    places,
    sources,
    submissions,
)

__all__ = [
    "common",
    "duplicates",
    "flags",
    "groups",
    "meetups",
    "newsletters",
    "places",
    "sources",
    "submissions",
]
