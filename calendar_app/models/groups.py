"""Organisers: known by their pages, with every (name, page) they were listed under."""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from calendar_app.models.common import url_for
from calendar_app.models.content import Content, Fold
from calendar_app.search_text import search_text


class Group(Content):
    """An organiser; aliases (names and URLs) let later imports find it again."""

    FOLD = Fold("search_name", ("name",), search_text)

    name = models.CharField(max_length=300)
    url = models.URLField(max_length=1000, blank=True)
    slug = models.SlugField(max_length=200, unique=True)
    source_date = models.DateField(
        null=True, blank=True, help_text="Date of the newest newsletter its name comes from."
    )
    search_name = models.TextField(
        blank=True, editable=False, help_text="The name folded for search (search_text.py)."
    )
    history = HistoricalRecords(excluded_fields=["source_date", "search_name"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return url_for("group_detail", self.slug)

    @property
    def aliases(self) -> list[str]:
        return [alias.key for alias in self.alias_set.all()]

    @staticmethod
    def unique_slug(name: str, taken: set[str] | None = None) -> str:
        """A free slug for `name`; `taken` (all slugs in use) spares a query per try."""
        base = slugify(name)[:180] or "group"

        def in_use(slug: str) -> bool:
            return slug in taken if taken is not None else Group.objects.filter(slug=slug).exists()

        slug, n = base, 2
        while in_use(slug):
            slug, n = f"{base}-{n}", n + 1
        return slug


class GroupAlias(Content):
    """`url:<canonical url>` or `name:<folded name>`: unique, so a group is found again,
    never duplicated."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="alias_set")
    key = models.CharField(max_length=1100, unique=True)
    pinned = models.BooleanField(
        default=False, help_text="Set by a curator (a merge or a move): imports never move it."
    )

    class Meta:
        verbose_name_plural = "group aliases"

    def __str__(self) -> str:
        return self.key


class GroupListing(models.Model):
    """One way organisers were listed: a name with a page (as GroupAlias keys; either may
    be empty), and the newest issue that listed it so. Which pages and names are one
    organiser is a function of all of these (`services.groups.organisers`)."""

    key = models.CharField(max_length=64, unique=True)  # digest of name_key and url_key
    name_key = models.CharField(max_length=1100, blank=True)
    url_key = models.CharField(max_length=1100, blank=True)
    name = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    first_listed = models.DateField(null=True, blank=True)
    last_listed = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} {self.url}".strip()
