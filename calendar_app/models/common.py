"""Values every model shares: regions, a meetup's status, and URLs of the site's pages."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from django.db import models
from django.urls import get_script_prefix, reverse

_SLOT = "0x0slot0x0"  # stands for the one argument in a reversed URL


@lru_cache(maxsize=16)
def _url_template(name: str, script_prefix: str) -> str:
    sample = 987654321 if name == "meetup_detail" else _SLOT
    return reverse(name, args=[sample]).replace(str(sample), "{}")


def url_for(name: str, arg: int | str) -> str:
    """`reverse(name, args=[arg])` for a one-argument URL, resolved once per name: list
    pages link dozens of meetups and groups, and `reverse` is the slow part of that."""
    return _url_template(name, get_script_prefix()).format(quote(str(arg)))


class Region(models.TextChoices):
    AFRICA = "africa", "Africa"
    ASIA = "asia", "Asia"
    EUROPE = "europe", "Europe"
    NORTH_AMERICA = "north-america", "North America"
    OCEANIA = "oceania", "Oceania"
    SOUTH_AMERICA = "south-america", "South America"


def region_label(region: str) -> str:
    """`north-america` -> "North America"; an unknown slug as it is, "" as ""."""
    return str(Region(region).label) if region in Region.values else region


class Status(models.TextChoices):
    PUBLISHED = "published", "Published"
    HIDDEN = "hidden", "Hidden"
    CANCELLED = "cancelled", "Cancelled"
