"""Ingest: newsletter text -> parsed entries -> matched -> Meetups, Sightings and Flags.

An import reads its files in groups of COMMIT_EVERY, one commit each: the newsletters of a
group never stored before are matched and written together as one plan (one savepoint);
a newsletter read again, or any of a group that failed, is one savepoint of its own. All
in bulk (a fixed number of queries per group or newsletter, not per entry), under a lock
so that two ingests running at once leave what one would. Read (`read`), match (`match`,
pure) and write (`write`) are separate steps; this module runs them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from calendar_app.matching.entries import (
    entry_as_json,
    issue_label,
    links_for_two_dates,
    sighted,
)
from calendar_app.matching.match import (
    Issue,
    KnownMeetup,
    Plan,
    Sighted,
    listed_dates,
    match,
    refresh,
    stale_title_join,
)
from calendar_app.models import (
    Flag,
    FlagKind,
    Meetup,
    MeetupGroup,
    MeetupLink,
    Newsletter,
    Sighting,
    Status,
)
from calendar_app.services.duplicates import duplicates_refresh
from calendar_app.services.flags import flags_raise
from calendar_app.services.groups import GroupResolver
from calendar_app.services.history import history_rows
from calendar_app.services.ingest.read import content_hash, expand_paths, read_source
from calendar_app.services.ingest.report import IngestReport
from calendar_app.services.ingest.snapshot import (
    SightingValues,
    Snapshot,
    candidate_ids,
    survivor_of,
    survivors,
    unheld,
)
from calendar_app.services.ingest.storage import StorageFailure, storage_failure
from calendar_app.services.ingest.write import WITHDRAWN, PlanWriter, write_sightings
from calendar_app.services.joins import split_join
from calendar_app.services.places import PlaceResolver
from calendar_app.services.usual_places import usual_places_refresh
from calendar_app.twir import parse_newsletter
from calendar_app.twir.records import ParsedEntry, ParsedNewsletter, Problem

logger = logging.getLogger(__name__)
# An import commits every this many newsletters, and matches the new ones among them as
# one plan: a commit writes every page it changed, consecutive newsletters change the same
# index pages, and most of the work of a plan (the stored meetups it reads, its joins, its
# flags) is the same for one newsletter as for sixteen.
COMMIT_EVERY = 16
INGEST_LOCK_ID = 0x7477_6972  # "twir": one advisory lock for all ingests (PostgreSQL)

Resolved = set[tuple[str, int | None, str]]


class Lookups:
    """Places and organisers resolved so far in a run: each is looked up once per run.

    Thrown away when a file fails (its savepoint took back the rows it made).
    """

    def __init__(self) -> None:
        self.places = PlaceResolver()
        self.groups = GroupResolver()
        self.sightings = SightingValues()

    def reset(self) -> None:
        self.places = PlaceResolver()
        self.groups = GroupResolver()
        self.sightings = SightingValues()


def ingest_paths(
    paths: Iterable[str],
    *,
    force: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> IngestReport:
    """Ingest every newsletter under `paths`; one bad path never stops the others.

    Files are read, parsed and written a group at a time: an archive import holds one
    group's texts in memory, never the archive's."""
    report = IngestReport()
    sources, report.errors = expand_paths(paths)
    lookups = Lookups()
    for start in range(0, len(sources), COMMIT_EVERY):
        texts: list[tuple[str, str]] = []
        for index, source in enumerate(sources[start : start + COMMIT_EVERY], start + 1):
            if progress:
                progress(index, len(sources), source)
            try:
                texts.append((source, read_source(source)))
            except (OSError, ValueError) as exc:
                report.errors.append(f"{source}: cannot read: {exc}")
        unchanged = set() if force else unchanged_texts([text for _, text in texts])
        due = [(source, text) for source, text in texts if text not in unchanged]
        report.add(
            IngestReport(files=len(texts) - len(due), skipped_unchanged=len(texts) - len(due))
        )
        with transaction.atomic():  # one commit for the group, a savepoint per attempt
            report.add(ingest_many(due, force=force, parse=parse_newsletter, lookups=lookups))
        lookups.sightings.next_group()
    usual_places_refresh()
    report.meetups_total = Meetup.objects.canonical().count()
    return report


def ingest_and_refresh_duplicates(
    paths: Iterable[str],
    *,
    force: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> IngestReport:
    """Ingest `paths` (see ingest_paths), then propose the duplicates among the days of the
    meetups it wrote or the issues it read list: what `ingest_twir` and the admin's
    "Ingest again" both run."""
    started = timezone.now()
    report = ingest_paths(paths, force=force, progress=progress)
    written = Meetup.objects.filter(updated__gte=started).values_list("pk", flat=True)
    listed = Sighting.objects.filter(newsletter__ingested_at__gte=started).values_list(
        "meetup_id", flat=True
    )
    duplicates_refresh(meetup_ids={*written, *listed})
    return report


def ingest_one(
    text: str,
    source: str,
    *,
    force: bool,
    parse: Callable[[str], ParsedNewsletter],
    lookups: Lookups,
) -> IngestReport:
    """One new or changed file of many; a failure rolls back this file only and is reported."""
    try:
        return ingest_newsletter(
            text=text, source=source, force=force, parse=parse, checked=True, lookups=lookups
        )
    except Refused as exc:
        return IngestReport(files=1, errors=[f"{source}: {exc}"])
    except Exception as exc:  # a broken file must not stop the others
        lookups.reset()  # forget what its savepoint took back
        if storage_failure(exc):
            raise StorageFailure(storage_failure(exc)) from None
        logger.exception("ingest of %s failed", source)
        return IngestReport(errors=[f"{source}: not ingested: {type(exc).__name__}: {exc}"])


def ingest_many(
    files: Sequence[tuple[str, str]],
    *,
    force: bool,
    parse: Callable[[str], ParsedNewsletter],
    lookups: Lookups,
) -> IngestReport:
    """(source, text) of new or changed files: the newsletters never stored are read,
    matched and written together, as one plan (matching is a function of the sightings,
    not of the order they come in, so this gives what one at a time gives, with the
    per-newsletter work done once); the others, one by one. Should the group fail, each
    of its files is tried on its own: a broken file never stops the others."""
    report = IngestReport()
    if not files:
        return report
    take_ingest_lock()  # what is stored is looked at under it, until the group commits
    fresh: list[tuple[str, str, ParsedNewsletter]] = []
    alone: list[tuple[str, str, ParsedNewsletter | None]] = []
    keys: set[str] = set()
    for source, text in files:
        try:
            parsed = parse(text)
        except Exception:  # parsed again alone, where the error is reported
            alone.append((source, text, None))
            continue
        key = newsletter_key(parsed, source)
        if force or key in keys or not safe(parsed) or stored_newsletter(key):
            alone.append((source, text, parsed))
        else:
            keys.add(key)
            fresh.append((source, text, parsed))
    if fresh:
        try:
            with transaction.atomic():
                report.add(ingest_fresh(fresh, lookups=lookups))
        except Exception as exc:  # each file again alone, to find the broken one
            lookups.reset()  # forget what the savepoint took back
            if storage_failure(exc):
                raise StorageFailure(storage_failure(exc)) from None
            logger.info("%d newsletters together failed (%s); each on its own", len(fresh), exc)
            # parsed again: the failed attempt may have noted problems on their entries
            alone = [*((source, text, None) for source, text, _ in fresh), *alone]
    for source, text, known in alone:
        again = parse if known is None else (lambda _text, found=known: found)
        report.add(ingest_one(text, source, force=force, parse=again, lookups=lookups))
    return report


def safe(parsed: ParsedNewsletter) -> bool:
    try:
        check_safe(parsed, 0)
    except Refused:
        return False
    return True


def ingest_fresh(
    files: Sequence[tuple[str, str, ParsedNewsletter]], *, lookups: Lookups
) -> IngestReport:
    """Newsletters never stored, parsed and checked: stored, then ingested as one."""
    report = IngestReport(files=len(files), newsletters=len(files))
    report.warnings += [
        f"{source}: no Upcoming Events section"
        for source, _, parsed in files
        if not parsed.has_events_section
    ]
    rows = [
        newsletter_values(parsed, newsletter_key(parsed, source), source, content_hash(text))
        for source, text, parsed in files
    ]
    newsletters = new_newsletters(rows)
    listings = [
        Listing(newsletter, parsed)
        for newsletter, (_, _, parsed) in zip(newsletters, files, strict=True)
    ]
    ingest_parsed(listings, report, lookups=lookups)
    return report


def unchanged_texts(texts: list[str]) -> set[str]:
    """The texts already ingested as they are, found in one query: they need no parsing."""
    by_hash = {content_hash(text): text for text in texts}
    known = Newsletter.objects.filter(content_hash__in=by_hash).values_list(
        "content_hash", flat=True
    )
    return {by_hash[text_hash] for text_hash in known}


def newsletter_key(parsed: ParsedNewsletter, source: str) -> str:
    if parsed.number:
        return str(parsed.number)
    if parsed.date:
        return f"date:{parsed.date.isoformat()}"
    return f"source:{source}"[:300]


def ingest_newsletter(
    *,
    text: str,
    source: str,
    force: bool = False,
    parse: Callable[[str], ParsedNewsletter] = parse_newsletter,
    checked: bool = False,
    lookups: Lookups | None = None,
) -> IngestReport:
    """Ingest one newsletter's text; unchanged text (same content hash) is skipped.

    `parse`: how the text is parsed (a caller that parsed it already hands that back);
    `checked`: the caller already found that this text is not ingested as it is.
    """
    report = IngestReport(files=1)
    text_hash = content_hash(text)
    if not (force or checked) and Newsletter.objects.filter(content_hash=text_hash).exists():
        report.skipped_unchanged = 1  # the cheap path: no parsing for unchanged files
        return report
    parsed = parse(text)
    key = newsletter_key(parsed, source)
    if not parsed.has_events_section:
        report.warnings.append(f"{source}: no Upcoming Events section")
    with transaction.atomic():
        take_ingest_lock()
        newsletter = stored_newsletter(key)
        if newsletter and newsletter.content_hash == text_hash and not force:
            report.skipped_unchanged = 1
            return report
        if not force:
            check_safe(parsed, newsletter.sightings.count() if newsletter else 0)
        resolved = resolved_flags(newsletter) if newsletter else set()
        touched = (
            set(newsletter.sightings.values_list("meetup_id", flat=True)) if newsletter else set()
        )
        read_before = newsletter is not None
        listed = issue_links(touched, key) if touched else {}
        newsletter = save_newsletter(newsletter, parsed, key, source, text_hash)
        report.newsletters = 1
        ingest_parsed(
            [Listing(newsletter, parsed, resolved=resolved, read_before=read_before)],
            report,
            lookups=lookups or Lookups(),
        )
        if touched:  # meetups that lost sightings of the text read before: values again
            refresh_meetups(touched, dropped=listed)
            report.meetups_withdrawn = withdraw_unheld(touched)
        if not checked:  # one of many: ingest_paths does it once for all
            usual_places_refresh()
    return report


def stored_newsletter(key: str) -> Newsletter | None:
    """The newsletter stored under `key`, if any."""
    return Newsletter.objects.filter(key=key).first()


class Refused(ValueError):
    """A file ingest will not apply without --force: it would lose what is stored."""


# A re-read keeping fewer than this share of an issue's sightings is taken for a damaged copy.
KEEP_AT_LEAST = 0.5


def check_safe(parsed: ParsedNewsletter, stored: int) -> None:
    """Refuse a file with no readable header, or one that would drop most of an issue."""
    if parsed.number is None and parsed.date is None:
        raise Refused("no readable header (no issue number or date); refused, --force accepts it")
    readable = sum(entry.ok for entry in parsed.entries)
    if stored and readable < stored * KEEP_AT_LEAST:
        raise Refused(
            f"would replace the issue's {stored} stored entries with {readable}; "
            "refused as a damaged copy, --force accepts it"
        )


def take_ingest_lock() -> None:
    """Serialise ingests: PostgreSQL advisory lock; SQLite's IMMEDIATE transactions do it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INGEST_LOCK_ID])


def resolved_flags(newsletter: Newsletter) -> Resolved:
    """What a curator already resolved in a newsletter read again: it stays resolved."""
    return set(newsletter.flags.filter(resolved=True).values_list("kind", "line", "message"))


def newsletter_values(
    parsed: ParsedNewsletter, key: str, source: str, text_hash: str
) -> dict[str, object]:
    """A Newsletter row's fields for what was read from `source`."""
    return {
        "key": key,
        "number": parsed.number,
        "date": parsed.date,
        "title": parsed.title[:300],
        "source": source[:1000],
        "content_hash": text_hash,
        "window_start": parsed.window_start,
        "window_end": parsed.window_end,
        "repaired": parsed.repaired,
        "ingested_at": timezone.now(),
    }


def save_newsletter(
    newsletter: Newsletter | None,
    parsed: ParsedNewsletter,
    key: str,
    source: str,
    text_hash: str,
) -> Newsletter:
    if newsletter is None:
        newsletter = Newsletter(key=key)
    else:
        # Changed text: its entries are read again from scratch (the old sightings go once
        # the new entries are matched: they tell which meetups the lines were).
        newsletter.flags.all().delete()
    for name, value in newsletter_values(parsed, key, source, text_hash).items():
        setattr(newsletter, name, value)
    newsletter.save()
    return newsletter


def new_newsletters(rows: list[dict[str, object]]) -> list[Newsletter]:
    """Newsletters never stored, inserted in bulk (no signals: ingest says the data changed
    itself)."""
    return Newsletter.objects.bulk_create([Newsletter(**row) for row in rows])


def unparsed_flag(newsletter: Newsletter, entry: ParsedEntry) -> Flag:
    why = "; ".join(p.message for p in entry.problems) or "not an entry"
    return Flag(
        kind=FlagKind.UNPARSED,
        newsletter=newsletter,
        line=entry.line,
        raw=entry.raw,
        message=f"{newsletter.source}:{entry.line}: {why}",
    )


@dataclass
class Listing:
    """A newsletter being ingested: its row (saved, its old rows gone) and what was parsed.

    `resolved`: flags a curator resolved in the text read before; `read_before`: its old
    sightings are replaced by these.
    """

    newsletter: Newsletter
    parsed: ParsedNewsletter
    resolved: Resolved = field(default_factory=set)
    read_before: bool = False


def ingest_parsed(listings: Sequence[Listing], report: IngestReport, *, lookups: Lookups) -> None:
    """Read -> match -> write for parsed newsletters, one plan for all of them."""
    flags: list[Flag] = []
    readable: list[list[ParsedEntry]] = []
    for listing in listings:
        newsletter, parsed = listing.newsletter, listing.parsed
        report.entries += len(parsed.entries)
        flags += [
            Flag(kind=p.kind, message=p.message, newsletter=newsletter) for p in parsed.problems
        ]
        readable.append([entry for entry in parsed.entries if entry.ok])
        flags += [unparsed_flag(newsletter, e) for e in parsed.entries if not e.ok]
    places, groups = lookups.places, lookups.groups
    places.prepare(p.text for entries in readable for e in entries for p in e.places)
    flags += places.flags()
    groups.prepare([g for entries in readable for e in entries for g in e.groups])
    groups.follow_newest(
        (g, listing.newsletter.date)
        for listing, entries in zip(listings, readable, strict=True)
        for e in entries
        for g in e.groups
    )
    read: list[tuple[list[ParsedEntry], list[Sighted], frozenset[str]]] = []
    for listing, entries in zip(listings, readable, strict=True):
        newsletter = listing.newsletter
        generic = links_for_two_dates(entries)
        issue = Issue(
            newsletter.key, newsletter.date, issue_label(newsletter.number, newsletter.date, "")
        )
        values, kept = _sighted(entries, issue, generic, places, groups, flags, newsletter)
        read.append((kept, values, generic))
    sighted = [value for _, values, _ in read for value in values]
    known = Snapshot(places, groups, lookups.sightings).load(survivors(candidate_ids(sighted)))
    flags += places.flags()
    plan = match(sighted, known, region_of=places.regions)
    for listing in listings:
        # A text read before: its sightings are replaced by these (a first read has none:
        # no query to look, 250 of them in an archive import).
        if listing.read_before and listing.newsletter.sightings.exists():
            listing.newsletter.sightings.all().delete()
    writer = PlanWriter(plan, known)
    written = writer.apply_new()
    assigned = iter(plan.assigned)
    for listing, (kept, values, generic) in zip(listings, read, strict=True):
        newsletter = listing.newsletter
        flags += write_sightings(
            newsletter,
            [
                (e, writer.id_of(next(assigned)), v.region, entry_as_json(e, generic))
                for e, v in zip(kept, values, strict=True)
            ],
        )
        lookups.sightings.remember(newsletter.pk, newsletter.number, values)
        report.sightings += len(kept)
    writer.apply_rest(written)
    # the meetups read now and those sharing their links: a listing on a date of its own
    # may show a stored title join to be two events
    split_stale_joins(
        {writer.id_of(ref) for ref in plan.assigned} | {m.id for m in known}, lookups=lookups
    )
    flags += written.flags
    resolved = set().union(*(listing.resolved for listing in listings))
    for flag in flags:
        flag.resolved = (flag.kind, flag.line, flag.message) in resolved
    report.flagged += len(flags_raise(flags))
    report.meetups_created += written.created
    report.meetups_updated += written.updated
    refresh_regrouped(groups)


def split_stale_joins(ids: Iterable[int], *, lookups: Lookups | None = None) -> set[int]:
    """Joins ingest made by title into these meetups that their listings, as they are now,
    no longer make (`stale_title_join`): split, each meetup's values again from its own
    listings. The ids of the meetups split apart (none when no title join is there).
    `lookups`: a run's, whose stored listings are read already."""
    held = survivors(ids)
    joined = sorted(
        Meetup.objects.filter(duplicate_of_id__in=held, merge_record__reason="title"),
        key=lambda m: m.pk,
    )
    if not joined:
        return set()
    lookups = lookups or Lookups()
    known = Snapshot(lookups.places, lookups.groups, lookups.sightings).load(held)
    listings = {m.id: list(m.sightings) for m in known}
    listed = listed_dates(s for of in listings.values() for s in of)  # once, for every join
    split: set[int] = set()
    for other in joined:
        holder = listings.get(other.duplicate_of_id or 0, [])
        keys = frozenset(
            (str(k), int(n)) for k, n in (other.merge_record or {}).get("sightings", [])
        )
        going = stale_title_join(holder, keys, listed)
        if going:
            split.update({other.pk, other.duplicate_of_id or 0})
            split_join(meetup=other, keys=sorted(going))
            holder[:] = [s for s in holder if (s.issue.key, s.line) not in going]
    if split:
        refresh_meetups(split)
    return split


def refresh_regrouped(groups: GroupResolver) -> None:
    """Meetups of organisers whose pages or names moved to another: their organisers (and
    name flags) again from their sightings."""
    if not groups.regrouped:
        return
    ids = set(
        MeetupGroup.objects.filter(group_id__in=groups.regrouped).values_list(
            "meetup_id", flat=True
        )
    )
    groups.regrouped.clear()
    if ids:
        refresh_meetups(ids)


def _sighted(
    readable: list[ParsedEntry],
    issue: Issue,
    generic: frozenset[str],
    places: PlaceResolver,
    groups: GroupResolver,
    flags: list[Flag],
    newsletter: Newsletter,
) -> tuple[list[Sighted], list[ParsedEntry]]:
    """Entries as matching sees them; one that cannot be read so is flagged, never fatal."""
    entries: list[Sighted] = []
    kept: list[ParsedEntry] = []
    for entry in readable:
        try:
            value = sighted(
                entry,
                issue,
                generic=generic,
                group_ids=groups.id_for,
                misnamed=groups.misnamed,
                place_ids=places.usable_id,
                region_of=places.regions,
            )
        except (ArithmeticError, ValueError) as exc:  # e.g. a date at the calendar's end
            entry.problems.append(Problem(FlagKind.UNPARSED, f"cannot be stored: {exc}"))
            flags.append(unparsed_flag(newsletter, entry))
            continue
        entries.append(value)
        kept.append(entry)
    return entries, kept


def refresh_meetups(ids: Iterable[int], *, dropped: dict[int, set[str]] | None = None) -> Plan:
    """Values of these meetups again from their sightings (after a re-read or an unmerge).

    `dropped`: meetup id -> the links the lines of an issue read again gave it; those its
    sightings no longer give go (a damaged copy's line must not leave its links behind).
    """
    places, groups = PlaceResolver(), GroupResolver()
    known = Snapshot(places, groups).load(survivors(ids))
    plan = refresh([m for m in known if m.sightings], region_of=places.regions)
    writer = PlanWriter(plan, known)
    written = writer.apply_new()
    writer.apply_rest(written)
    flags_raise(written.flags)
    if dropped:
        drop_links(known, dropped)
    return plan


def issue_links(ids: Iterable[int], key: str) -> dict[int, set[str]]:
    """meetup id -> the links its sightings of the issue stored under `key` give it."""
    known = Snapshot(PlaceResolver(), GroupResolver()).load(survivors(ids))
    return {
        m.id: {c for s in m.sightings if s.issue.key == key for c in s.canonicals} for m in known
    }


def drop_links(known: Sequence[KnownMeetup], dropped: dict[int, set[str]]) -> None:
    """Remove the links of `dropped` that no sighting of their meetup gives any more, from
    meetups still listed (a withdrawn one keeps its links: a listing finds it by them) whose
    links no curator locked."""
    merged_into = survivor_of(dropped)
    lost: dict[int, set[str]] = {}
    for meetup_id, links in dropped.items():
        lost.setdefault(merged_into.get(meetup_id, meetup_id), set()).update(links)
    condition = Q()
    for meetup in known:
        if not meetup.sightings or "links" in meetup.locked:
            continue
        stale = lost.get(meetup.id, set()) - {c for s in meetup.sightings for c in s.canonicals}
        if stale:
            condition |= Q(meetup_id=meetup.id, canonical_url__in=stale)
    if condition:
        MeetupLink.objects.filter(condition).delete()


def withdraw_unheld(ids: Iterable[int]) -> int:
    """Hide the published meetups of `ids` that nothing holds any more (`unheld`): kept,
    with a history row, but not public; return how many. Listed again, they come back."""
    meetups = list(Meetup.objects.filter(pk__in=unheld(survivors(ids)), status=Status.PUBLISHED))
    if not meetups:
        return 0
    Meetup.objects.filter(pk__in=[m.pk for m in meetups]).update(status=Status.HIDDEN)
    for meetup in meetups:
        meetup.status = Status.HIDDEN
    history_rows(model=Meetup, objs=meetups, update=True, reason=WITHDRAWN)
    return len(meetups)
