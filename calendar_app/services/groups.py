"""Organisers: found again by any name or URL they were listed with (GroupAlias)."""

from __future__ import annotations

from functools import lru_cache

from simple_history.utils import bulk_create_with_history

from calendar_app.models import Group, GroupAlias
from calendar_app.twir import canonical_url, is_safe_url
from calendar_app.twir.records import ParsedGroup


def alias_keys(group: ParsedGroup) -> tuple[str, ...]:
    """`url:` first (a URL identifies an organiser better than a name), then `name:`."""
    return _alias_keys(group.name, group.url)


@lru_cache(maxsize=8192)  # an archive names the same few hundred organisers again and again
def _alias_keys(name: str, url: str) -> tuple[str, ...]:
    keys = []
    if url and is_safe_url(url):
        keys.append(f"url:{canonical_url(url)}"[:1100])
    if name.strip():
        keys.append(f"name:{' '.join(name.split()).casefold()}"[:1100])
    return tuple(keys)


class GroupResolver:
    """Resolves a newsletter's groups in a few queries, creating the new ones."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def prepare(self, groups: list[ParsedGroup]) -> None:
        wanted = {key for group in groups for key in alias_keys(group)}
        owners: dict[str, int | Group] = dict(
            GroupAlias.objects.filter(key__in=wanted).values_list("key", "group_id")
        )  # alias key -> organiser id, or a new organiser not saved yet
        new_groups: list[Group] = []
        new_keys: list[str] = []
        owner: Group | int | None
        taken: set[str] | None = None  # read only when a new organiser needs a slug
        for group in groups:
            keys = alias_keys(group)
            owner = next((owners[k] for k in keys if k in owners), None)
            if owner is None and keys:
                if taken is None:
                    taken = set(Group.objects.values_list("slug", flat=True))
                slug = Group.unique_slug(group.name, taken)
                taken.add(slug)
                url = group.url if is_safe_url(group.url) else ""
                owner = Group(name=group.name.strip()[:300] or url, url=url[:1000], slug=slug)
                new_groups.append(owner)
            if owner is None:
                continue
            for key in keys:
                if key not in owners:
                    owners[key] = owner
                    new_keys.append(key)
        if new_groups:  # one query for them, one for their history (their ids come back)
            bulk_create_with_history(new_groups, Group)
        self.ids = {k: o if isinstance(o, int) else o.pk for k, o in owners.items()}
        GroupAlias.objects.bulk_create(
            [GroupAlias(group_id=self.ids[key], key=key) for key in new_keys],
            ignore_conflicts=True,
        )

    def id_for(self, group: ParsedGroup) -> int | None:
        return next((self.ids[k] for k in alias_keys(group) if k in self.ids), None)
