"""Organisers: known by their page; names and other pages join them only when nothing
contradicts it (docs/ARCHITECTURE.md, "Group")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from calendar_app.models import Group, GroupAlias, GroupListing
from calendar_app.rules import listing_digest, listing_keys
from calendar_app.services.history import history_rows
from calendar_app.services.joins import merge_groups
from calendar_app.services.rewrite import rewrite
from calendar_app.services.search_index import fold_into
from calendar_app.twir import is_safe_url
from calendar_app.twir.records import ParsedGroup

# --- who is whom: a pure function of every listing ---------------------------------------


@dataclass(frozen=True)
class Organisers:
    """Which alias keys are one organiser: each key's cluster (named by its smallest key).

    `mismatched`: the (name key, url key) listings whose name is another organiser's: the
    listing belongs to its page's organiser and is flagged, never a merge.
    """

    cluster: dict[str, str]
    mismatched: frozenset[tuple[str, str]]


MIN_ALIKE = 6  # characters: "rust" alone is in every name
Period = tuple[date | None, date | None]  # first and last issue listing it (None: undated)


def _contradicts(
    name: str, a: str, b: str, names_of: Mapping[str, set[str]], period: Mapping[str, Period]
) -> bool:
    """Does anything say that pages `a` and `b`, both listed under `name`, are two
    organisers? Yes when either is also listed under a name unlike every name of the
    other (a name slipped onto another organiser's page, a co-organiser), unless one page
    replaced the other (all of one's listings before all of the other's: a group that
    moved)."""
    if not (_foreign(names_of[a], names_of[b], name) or _foreign(names_of[b], names_of[a], name)):
        return False
    (a_first, a_last), (b_first, b_last) = period[a], period[b]
    if a_first is None or a_last is None or b_first is None or b_last is None:
        return True
    return not (a_last < b_first or b_last < a_first)


def _foreign(ours: set[str], theirs: set[str], name: str) -> bool:
    """Is one of `ours` (but `name`) unlike every one of `theirs`?"""
    return any(not any(_alike(x, y) for y in theirs) for x in ours - theirs - {name})


def _alike(a: str, b: str) -> bool:
    """Two name keys of one organiser's spellings: one contains the other, spaces and
    punctuation aside ("Berline.rs" in "Berline.rs - OpenTechSchool Berlin",
    "Open Tech School Berlin" = "OpenTechSchool Berlin", "Dallas Rust" in "Dallas Rust
    User Meetup"); "Music City Rust Developers" is unlike "Seattle Rust User Group"."""
    x, y = _compact(a), _compact(b)
    shorter, longer = sorted((x, y), key=len)
    return len(shorter) >= MIN_ALIKE and shorter in longer


def _compact(key: str) -> str:
    return "".join(ch for ch in key.removeprefix("name:") if ch.isalnum())


def _span(period: Period | None) -> int:
    """How many days a listing was seen over (a slip is seen briefly)."""
    first, last = period or (None, None)
    return (last - first).days if first and last else 0


def _periods(listings: Mapping[tuple[str, str], Period]) -> dict[str, Period]:
    spans: dict[str, list[date]] = {}
    for (_, url_key), (first, last) in listings.items():
        if url_key:
            spans.setdefault(url_key, []).extend(d for d in (first, last) if d is not None)
    return {page: (min(days), max(days)) if days else (None, None) for page, days in spans.items()}


def organisers(
    listings: Mapping[tuple[str, str], Period], pinned: Mapping[str, int] | None = None
) -> Organisers:
    """Organisers from every (name key, url key) listing ever seen (either key may be ""),
    each with the first and last issue that listed it.

    An organiser is its page; a name joins pages only when nothing contradicts it
    (`_contradicts`); a name's home is the organiser it names on its own (a page listed
    under that name only), else the one with most of its pages, else the first. A name
    listed with no page anywhere is an organiser of its own. `pinned`: alias key ->
    group id a curator set (a merge, a move): pages pinned to one group are one, pages
    pinned to two never are. A function of the listings: the order they came in never
    matters.
    """
    pinned = pinned or {}
    names_of: dict[str, set[str]] = {}  # page -> names listed with it
    pages_of: dict[str, set[str]] = {}  # name -> pages listed with it
    for name_key, url_key in listings:
        if url_key:
            names_of.setdefault(url_key, set())
        if name_key:
            pages_of.setdefault(name_key, set())
        if name_key and url_key:
            names_of[url_key].add(name_key)
            pages_of[name_key].add(url_key)
    union = _Union(names_of, pinned)
    period = _periods(listings)
    for name in sorted(pages_of):
        pages = sorted(pages_of[name])
        for i, a in enumerate(pages):
            for b in pages[i + 1 :]:
                if not _contradicts(name, a, b, names_of, period):
                    union.join(a, b)
    cluster = union.clusters()
    mismatched: set[tuple[str, str]] = set()
    for name in sorted(pages_of):
        home = _home(name, pages_of[name], listings, names_of, cluster, union.pinned_pages(name))
        cluster[name] = home
        mismatched.update((name, p) for p in pages_of[name] if cluster[p] != home)
    return Organisers(cluster, frozenset(mismatched))


def _home(
    name: str,
    pages: set[str],
    listings: Mapping[tuple[str, str], Period],
    names_of: Mapping[str, set[str]],
    cluster: Mapping[str, str],
    pinned_pages: set[str],
) -> str:
    """The organiser a name names (see `organisers`); its own when it has no page."""
    if not pages:
        return name
    pages = pinned_pages & pages or pages

    def rank(c: str) -> tuple:
        own = [p for p in pages if cluster[p] == c]
        return (
            not any(names_of[p] == {name} for p in own),
            -sum(_span(listings.get((name, p))) for p in own),
            -len(own),
            c,
        )

    return min({cluster[p] for p in pages}, key=rank)


class _Union:
    """Union-find over pages; pages a curator pinned to one group start as one, and two
    roots pinned to different groups are never joined."""

    def __init__(self, pages: Iterable[str], pinned: Mapping[str, int]) -> None:
        self.parent: dict[str, str] = {page: page for page in sorted(pages)}
        self.pinned = pinned
        self.pins = {p: frozenset({pinned[p]}) if p in pinned else frozenset() for p in self.parent}
        first: dict[int, str] = {}
        for page in self.parent:
            if page in pinned:
                self.join(first.setdefault(pinned[page], page), page)

    def find(self, key: str) -> str:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        pins = self.pins
        if ra == rb or (pins[ra] and pins[rb] and pins[ra] != pins[rb]):
            return
        root, other = min(ra, rb), max(ra, rb)
        self.parent[other] = root
        pins[root] = pins[ra] | pins[rb]

    def clusters(self) -> dict[str, str]:
        """page -> its cluster, named by its smallest page."""
        return {page: self.find(page) for page in self.parent}  # roots are the smallest

    def pinned_pages(self, name: str) -> set[str]:
        """The pages in the cluster a curator pinned `name` to, if any."""
        group = self.pinned.get(name)
        if group is None:
            return set()
        return {p for p in self.parent if self.pins[self.find(p)] == {group}}


@dataclass(frozen=True)
class Listed:
    """A listing as last spelt, with the first and last issue listing it (None: undated)."""

    name: str
    url: str
    first: date | None = None
    last: date | None = None


def listing_row(keys: tuple[str, str], listed: Listed) -> GroupListing:
    """The stored row of a listing, keyed by its (name, page) keys."""
    return GroupListing(
        key=listing_digest(*keys),
        name_key=keys[0],
        url_key=keys[1],
        name=listed.name,
        url=listed.url,
        first_listed=listed.first,
        last_listed=listed.last,
    )


class GroupResolver:
    """Resolves listed organisers to groups in a few queries, creating the new ones.

    Every (name, page) listing is kept (GroupListing); which keys are one organiser is
    `organisers(...)` of all of them, and the stored aliases follow it: groups found to be
    one are merged, a page found to be another organiser's moves to it (its meetups are
    `regrouped`: their organisers are read again from their sightings).
    """

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}  # alias key -> group id
        self.pinned: dict[str, int] = {}  # alias keys a curator set
        self.listings: dict[tuple[str, str], Listed] | None = None
        self.organised: Organisers | None = None
        self.taken: set[str] | None = None  # slugs in use, read when a new organiser needs one
        self.merges = 0  # how many times stored organisers were found to be other ones
        self.regrouped: set[int] = set()  # groups whose pages or names moved
        self.own: dict[str, list[tuple[str, str]]] = {}  # cluster -> the listings naming it
        self.cluster_of: dict[int, str] = {}  # group id -> its cluster
        # key -> the keys one listing (or a curator's pin) ties it to: who is whom is a
        # function of each connected part alone, so new listings re-organise theirs only
        self.ties: dict[str, set[str]] = {}

    def _load(self) -> dict[tuple[str, str], Listed]:
        if self.listings is None:
            self.listings = {
                (name_key, url_key): Listed(name, url, first, last)
                for name_key, url_key, name, url, first, last in GroupListing.objects.values_list(
                    "name_key", "url_key", "name", "url", "first_listed", "last_listed"
                )
            }
            for key, group_id, pinned in GroupAlias.objects.values_list(
                "key", "group_id", "pinned"
            ):
                self.ids[key] = group_id
                if pinned:
                    self.pinned[key] = group_id
        return self.listings

    def prepare(self, listed: Sequence[ParsedGroup]) -> None:
        """Know the groups of `listed`: new listings are kept, and organisers follow them."""
        listings = self._load()
        new: dict[tuple[str, str], Listed] = {}
        for group in listed:
            keys = listing_keys(group.name, group.url)
            if any(keys) and keys not in listings and keys not in new:
                url = group.url if is_safe_url(group.url) else ""
                new[keys] = Listed(group.name.strip()[:300], url[:1000])
        if new:
            GroupListing.objects.bulk_create(
                [listing_row(keys, listed) for keys, listed in new.items()],
                ignore_conflicts=True,
            )
            listings.update(new)
        if new or self.organised is None:
            self._organise(set(new))

    def _organise(self, touched: set[tuple[str, str]] | None = None) -> None:
        """Bring the stored groups and aliases in line with `organisers(...)`: of every
        listing the first time, then of the parts connected to the `touched` listings
        (each part's organisers depend on its own listings only, so a sync or an ingest
        costs what its listings touch, not every organiser known, for each feed)."""
        scope, part = self._scope(touched)
        found = organisers({keys: (v.first, v.last) for keys, v in scope.items()}, self.pinned)
        gone = self._settle(found, part)
        at = found.cluster
        for keys in sorted(scope):
            name_key, url_key = keys
            cluster_key = at[url_key or name_key]
            if not name_key or at[name_key] == cluster_key:  # a slipped name names nobody here
                self.own.setdefault(cluster_key, []).append(keys)
        clusters: dict[str, list[str]] = {}
        for key, cluster_key in sorted(at.items()):
            clusters.setdefault(cluster_key, []).append(key)
        group_of = self._groups_of(clusters, gone)
        moves: dict[int, list[str]] = {}
        new_keys: list[tuple[str, int]] = []
        for cluster_key, members in clusters.items():
            owner = group_of[cluster_key]
            for key in members:
                have = self.ids.get(key)
                if have is None:
                    new_keys.append((key, owner))
                elif have != owner and key not in self.pinned:
                    moves.setdefault(owner, []).append(key)
        if new_keys:
            GroupAlias.objects.bulk_create(
                [GroupAlias(group_id=owner, key=key, pinned=False) for key, owner in new_keys],
                ignore_conflicts=True,
            )
            self.ids.update(new_keys)
        if moves:
            self._move(moves)

    def _scope(
        self, touched: set[tuple[str, str]] | None
    ) -> tuple[dict[tuple[str, str], Listed], set[str] | None]:
        """The listings to organise again, and the keys they hold (None: every one)."""
        listings = self._load()
        if self.organised is None or touched is None:
            self.ties = {}
            self._tie(listings)
            return listings, None
        self._tie(touched)
        part = self._part({k for keys in touched for k in keys if k})
        return {keys: v for keys, v in listings.items() if (keys[0] or keys[1]) in part}, part

    def _settle(self, found: Organisers, part: set[str] | None) -> set[str] | None:
        """`found` (the organisers of `part`; of every key when None) in `organised`; the
        clusters they replace, whose listings are named again (None: all of them)."""
        before = self.organised
        if before is None or part is None:
            self.organised, self.own = found, {}
            return None
        gone = {before.cluster[k] for k in part if k in before.cluster}
        cluster = {k: c for k, c in before.cluster.items() if k not in part}
        cluster.update(found.cluster)
        mismatched = {m for m in before.mismatched if m[0] not in part}
        self.organised = Organisers(cluster, frozenset(mismatched | found.mismatched))
        for old in gone:
            self.own.pop(old, None)
        return gone

    def _tie(self, listings: Iterable[tuple[str, str]]) -> None:
        """Record what ties keys together: a listing's name and page; a curator's pins."""
        ties = self.ties
        if not ties:
            by_group: dict[int, str] = {}
            for key, group_id in sorted(self.pinned.items()):
                first = by_group.setdefault(group_id, key)
                ties.setdefault(key, set()).add(first)
                ties.setdefault(first, set()).add(key)
        for name_key, url_key in listings:
            for key in (name_key, url_key):
                if key:
                    ties.setdefault(key, set())
            if name_key and url_key:
                ties[name_key].add(url_key)
                ties[url_key].add(name_key)

    def _part(self, keys: set[str]) -> set[str]:
        """The keys connected to `keys`."""
        part, todo = set(keys), list(keys)
        while todo:
            for other in self.ties.get(todo.pop(), ()):
                if other not in part:
                    part.add(other)
                    todo.append(other)
        return part

    def _groups_of(
        self, clusters: dict[str, list[str]], gone: set[str] | None = None
    ) -> dict[str, int]:
        """Each cluster's group: the one a curator pinned its keys to, else the stored one
        holding most of its keys (each group for one cluster), else a new one. `gone`:
        when only some clusters are organised again, their former names; the groups of
        the others stay theirs."""
        group_of: dict[str, int] = {}
        if gone is None:
            self.cluster_of = {}
        else:
            self.cluster_of = {g: c for g, c in self.cluster_of.items() if c not in gone}
        used: set[int] = set(self.cluster_of)
        claims: list[tuple[int, int, str]] = []
        for cluster, keys in clusters.items():
            pinned = sorted({self.pinned[k] for k in keys if k in self.pinned})
            if pinned:  # a curator's choice wins
                group_of[cluster] = pinned[0]
                used.add(pinned[0])
            counts = Counter(self.ids[k] for k in keys if k in self.ids)
            claims += [(-n, group_id, cluster) for group_id, n in counts.items()]
        for _, group_id, cluster in sorted(claims):
            if cluster not in group_of and group_id not in used:
                group_of[cluster] = group_id
                used.add(group_id)
        made = [c for c in clusters if c not in group_of]
        self.cluster_of.update((g, c) for c, g in group_of.items())
        if made:
            new_groups = [self._new_group(c) for c in made]
            Group.objects.bulk_create(new_groups)
            history_rows(model=Group, objs=new_groups)
            group_of.update((c, g.pk) for c, g in zip(made, new_groups, strict=True))
            self.cluster_of.update((g.pk, c) for c, g in zip(made, new_groups, strict=True))
        return group_of

    def _move(self, moves: dict[int, list[str]]) -> None:
        """Keys found to be another group's move to it; a group left with none is merged."""
        losers: dict[int, int] = {}  # group losing keys -> a group taking them
        for owner, keys in moves.items():
            GroupAlias.objects.filter(key__in=keys).update(group_id=owner)
            for key in keys:
                losers.setdefault(self.ids[key], owner)
                self.ids[key] = owner
            self.regrouped.add(owner)
        left = set(self.ids.values())
        for loser, taker in sorted(losers.items()):
            if loser in left:
                self.regrouped.add(loser)
                continue
            survivor = Group.objects.get(pk=taker)
            merge_groups(
                survivor=survivor, others=list(Group.objects.filter(pk=loser)), name_alias=False
            )
        self.regrouped &= left
        self.merges += 1
        self._show(self.regrouped, force=True)

    def _new_group(self, cluster: str) -> Group:
        if self.taken is None:
            self.taken = set(Group.objects.values_list("slug", flat=True))
        name, url, issued = self._display(cluster)
        slug = Group.unique_slug(name, self.taken)
        self.taken.add(slug)
        group = Group(name=name or url, url=url, slug=slug, source_date=issued)
        fold_into(group)
        return group

    def _display(self, cluster: str) -> tuple[str, str, date | None]:
        """How an organiser is shown: as its newest listing names it (a listing with its
        name slipped onto another's page does not name it), with the newest page listed."""
        listings = self._load()
        own = [(keys, listings[keys]) for keys in self.own.get(cluster, ())]
        order = lambda item: (item[1].last or date.min, bool(item[0][1]), item[0])  # noqa: E731
        named = max(own, key=order)[1] if own else Listed("", "")
        paged = [item for item in own if item[1].url]
        url = max(paged, key=order)[1].url if paged else ""
        return named.name, url, named.last

    def _show(self, group_ids: Iterable[int], *, force: bool = False) -> None:
        """Name the groups as `_display` says, when that is newer (or who is whom changed)."""
        wanted = {g: self._display(c) for g in group_ids if (c := self.cluster_of.get(g))}
        keys = sorted(g for g, (name, _, _) in wanted.items() if name)
        if not keys:
            return
        changed: list[Group] = []
        for group in Group.objects.filter(pk__in=keys):
            name, url, issued = wanted[group.pk]
            if not force and (group.source_date or date.min) >= (issued or date.min):
                continue
            if (group.name, group.url, group.source_date) != (name, url, issued):
                group.name, group.url, group.source_date = name, url, issued
                fold_into(group)
                changed.append(group)
        rewrite(Group, changed, fields=["name", "url", "source_date", "search_name"])

    def follow_newest(self, listed: Iterable[tuple[ParsedGroup, date | None]]) -> None:
        """Keep the newest issue date of each listing, and show each organiser as its newest
        listing names it (newer issues win whatever the order they are read in; the slug,
        a URL, stays as first made). An undated listing (a calendar's) names nothing."""
        listings = self._load()
        newer: dict[tuple[str, str], Listed] = {}
        for group, issued in listed:
            keys = listing_keys(group.name, group.url)
            if issued is None or keys not in listings:
                continue
            have = newer.get(keys) or listings[keys]
            first = min(have.first or issued, issued)
            if have.last is None or have.last < issued:  # the newest spelling names it
                url = group.url if is_safe_url(group.url) else ""
                newer[keys] = Listed(group.name.strip()[:300], url[:1000], first, issued)
            elif first != have.first:
                newer[keys] = replace(have, first=first)
        if not newer:
            return
        listings.update(newer)
        rows = [listing_row(keys, listed) for keys, listed in newer.items()]
        rewrite(
            GroupListing,
            rows,
            unique=["key"],
            fields=["name", "url", "first_listed", "last_listed"],
        )
        before = self.organised
        self._organise(set(newer))  # who is whom may turn on when pages were listed
        after = self.organised
        if before is not None and after is not None and before.cluster == after.cluster:
            self._show({g for k in newer if (g := self.id_for_keys(k)) is not None})
        else:
            self._show(set(self.ids.values()), force=True)

    def id_for_keys(self, keys: tuple[str, str]) -> int | None:
        name_key, url_key = keys
        if url_key and url_key in self.ids:
            return self.ids[url_key]
        return self.ids.get(name_key) if name_key else None

    def id_for(self, group: ParsedGroup) -> int | None:
        """The organiser of a listing: its page's, else its name's."""
        return self.id_for_keys(listing_keys(group.name, group.url))

    def misnamed(self, group: ParsedGroup) -> bool:
        """Is the listing's name another organiser's than its page's?"""
        if self.organised is None:
            return False
        return listing_keys(group.name, group.url) in self.organised.mismatched
