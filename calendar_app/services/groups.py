"""Organisers: found again by any name or URL they were listed with (GroupAlias)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from calendar_app.models import Group, GroupAlias
from calendar_app.rules import group_alias_keys
from calendar_app.services.history import history_rows
from calendar_app.services.joins import merge_groups
from calendar_app.services.search_index import fold_into, folded
from calendar_app.services.sql.bulk import (
    insert_objects,
    insert_rows,
    update_objects,
    update_values,
)
from calendar_app.services.sql.statements import day, marks, quoted, select, table
from calendar_app.twir import is_safe_url
from calendar_app.twir.records import ParsedGroup


def alias_keys(group: ParsedGroup) -> tuple[str, ...]:
    return group_alias_keys(group.name, group.url)


def distinct(listed: list[ParsedGroup]) -> list[ParsedGroup]:
    """The first listing of each name and URL: an organiser is listed in most newsletters,
    and a listing repeated changes nothing."""
    first: dict[tuple[str, ...], ParsedGroup] = {}
    for group in listed:
        first.setdefault(alias_keys(group), group)
    return list(first.values())


class GroupResolver:
    """Resolves a newsletter's groups in a few queries, creating the new ones."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.taken: set[str] | None = None  # slugs in use, read when a new organiser needs one
        self.named: dict[int, date | None] = {}  # group id -> date of the issue naming it
        self.merges = 0  # how many times stored organisers were found to be one

    def prepare(self, listed: list[ParsedGroup]) -> None:
        groups = distinct(listed)
        keys_given = {key for group in groups for key in alias_keys(group)}
        # alias key -> organiser id, or a new organiser not saved yet
        owners: dict[str, int | Group] = {k: self.ids[k] for k in keys_given if k in self.ids}
        wanted = sorted(keys_given - set(self.ids))  # the others are known from an earlier call
        if wanted:
            owners.update(
                select(
                    f"SELECT {quoted('key')}, group_id FROM {table(GroupAlias)} "
                    f"WHERE {quoted('key')} IN ({marks(wanted)})",
                    wanted,
                )
            )
        elif all(len({owners[k] for k in alias_keys(g)}) < 2 for g in groups):
            return  # all known, and no listing names two of them: nothing to do
        new_groups: list[Group] = []
        new_keys: list[str] = []
        owner: Group | int | None
        for group in groups:
            keys = alias_keys(group)
            if not keys:
                continue
            self._join_owners(keys, owners)
            owner = self._join_new(keys, owners, new_groups)
            if owner is None:
                if self.taken is None:
                    self.taken = set(Group.objects.values_list("slug", flat=True))
                slug = Group.unique_slug(group.name, self.taken)
                self.taken.add(slug)
                url = group.url if is_safe_url(group.url) else ""
                owner = Group(name=group.name.strip()[:300] or url, url=url[:1000], slug=slug)
                fold_into(owner)
                new_groups.append(owner)
            for key in keys:
                if key not in owners:
                    owners[key] = owner
                    new_keys.append(key)
        if new_groups:  # one query for them, one for their history (their ids come back)
            insert_objects(new_groups, key="slug")
            history_rows(model=Group, objs=new_groups)
        self.ids.update((k, o if isinstance(o, int) else o.pk) for k, o in owners.items())
        insert_rows(
            GroupAlias,
            [{"group": self.ids[key], "key": key} for key in new_keys],
            ignore_conflicts=True,
        )

    def _join_owners(self, keys: tuple[str, ...], owners: dict[str, int | Group]) -> None:
        """A listing whose name and URL belong to two stored organisers: they are one.

        Merged whatever the order the listings came in, so organisers do not depend on it;
        the survivor keeps the newest listing's name.
        """
        stored = sorted({o for k in keys if isinstance(o := owners.get(k), int)})
        if len(stored) < 2:
            return
        rows = sorted(
            Group.objects.filter(pk__in=stored), key=lambda g: (g.source_date or date.min, -g.pk)
        )
        survivor = min(rows, key=lambda g: g.pk)
        newest = rows[-1]
        merge_groups(survivor=survivor, others=[g for g in rows if g.pk != survivor.pk])
        self.merges += 1
        survivor.name, survivor.url, survivor.source_date = (
            newest.name,
            newest.url,
            newest.source_date,
        )
        fold_into(survivor)
        update_objects([survivor], ["name", "url", "source_date", "search_name"])
        self.named[survivor.pk] = survivor.source_date
        for key, owner in list(owners.items()):
            if owner in stored:
                owners[key] = survivor.pk
        for key, group_id in list(self.ids.items()):
            if group_id in stored:
                self.ids[key] = survivor.pk

    @staticmethod
    def _join_new(
        keys: tuple[str, ...], owners: dict[str, int | Group], new_groups: list[Group]
    ) -> int | Group | None:
        """The owner of a listing's keys; organisers first seen in this call that it names
        together with another (new or stored) become that one, as they would had they
        been stored one newsletter earlier: the stored one, else the first made."""
        named = [owners[k] for k in keys if k in owners]
        if all(owner is named[0] or owner == named[0] for owner in named[1:]):  # none or one
            return named[0] if named else None
        # Two stored ones are one already (_join_owners): a new one is among them.
        stored = [o for o in named if isinstance(o, int)]
        new = [g for g in new_groups if any(g is o for o in named)]  # in the order made
        owner: int | Group = stored[0] if stored else new[0]
        for group in new:
            if group is owner:
                continue
            for key, other in owners.items():
                if other is group:
                    owners[key] = owner
            new_groups[:] = [g for g in new_groups if g is not group]
        return owner

    def follow_newest(self, listed: Iterable[tuple[ParsedGroup, date | None]]) -> None:
        """Show each organiser as its newest listing (by issue date) names it.

        `listed`: organisers as listed, each with the date of its issue (an undated one
        names nothing). Newer issues win whatever the order they are read in, as for
        meetups; the slug, a URL, stays as first made.
        """
        newest: dict[int, tuple[date, ParsedGroup]] = {}
        for group, issued in listed:
            group_id = self.id_for(group) if issued is not None else None
            if issued is None or group_id is None:
                continue
            if group_id not in newest or newest[group_id][0] < issued:
                newest[group_id] = (issued, group)  # the first listing of the newest issue
        unknown = [pk for pk in newest if pk not in self.named]
        if unknown:
            self.named.update(
                (pk, day(named))
                for pk, named in select(
                    f"SELECT id, source_date FROM {table(Group)} WHERE id IN ({marks(unknown)})",
                    unknown,
                )
            )
        changed: list[Sequence] = []  # values, then the key: no instance per organiser
        for pk, (issued, group) in newest.items():
            named = self.named.get(pk)
            if named is not None and named >= issued:
                continue
            url = group.url if is_safe_url(group.url) else ""
            name = group.name.strip()[:300] or url
            changed.append([name, url[:1000], issued, folded(Group, {"name": name}), pk])
            self.named[pk] = issued
        update_values(Group, ["name", "url", "source_date", "search_name"], changed)

    def id_for(self, group: ParsedGroup) -> int | None:
        return next((self.ids[k] for k in alias_keys(group) if k in self.ids), None)
