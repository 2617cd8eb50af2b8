"""Ingest: newsletter text -> parsed entries -> deduplicated Meetups, Sightings and Flags.

One newsletter is one atomic block (a savepoint when many are committed together), done in
bulk (a fixed number of queries per newsletter, not per entry), under a lock so that two
ingests running at once leave what one would.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from calendar_app.models import (
    Attendance,
    Flag,
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Newsletter,
    Sighting,
)
from calendar_app.services.bulk import (
    bulk_session,
    insert_objects,
    insert_rows,
    update_objects,
)
from calendar_app.services.data_version import data_changed
from calendar_app.services.groups import GroupResolver
from calendar_app.services.parse_ahead import ParseAhead
from calendar_app.services.places import PlaceResolver
from calendar_app.twir import canonical_url, is_event_specific, is_safe_url, parse_newsletter
from calendar_app.twir.records import ParsedEntry, ParsedNewsletter

NEWSLETTER_SUFFIXES = {".md", ".markdown", ".txt"}
SECTION_REGIONS = {
    "africa": "africa",
    "asia": "asia",
    "europe": "europe",
    "north america": "north-america",
    "oceania": "oceania",
    "south america": "south-america",
}
logger = logging.getLogger(__name__)
# An event moved, or its date corrected, lands within this of where it was listed (the
# archive's moves are days or weeks, a wrong year is one year); a link seen again further
# away is a reused page, never the same event.
MAX_MOVE = timedelta(days=400)
# An import commits every this many newsletters, each one a savepoint: a commit writes
# every page it changed, and consecutive newsletters change the same index pages
# (252 issues: 0.3 s less than a commit each).
COMMIT_EVERY = 16
INGEST_LOCK_ID = 0x7477_6972  # "twir": one advisory lock for all ingests (PostgreSQL)


@dataclass
class IngestReport:
    """What an ingest did; the `--json` output of `ingest_twir`."""

    files: int = 0
    newsletters: int = 0
    entries: int = 0
    sightings: int = 0
    flagged: int = 0
    meetups_created: int = 0
    meetups_updated: int = 0
    meetups_total: int = 0
    skipped_unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, other: IngestReport) -> None:
        for name in (
            "files",
            "newsletters",
            "entries",
            "sightings",
            "flagged",
            "meetups_created",
            "meetups_updated",
            "skipped_unchanged",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors
        self.warnings += other.warnings

    def as_dict(self) -> dict:
        return asdict(self)


# --- reading sources -------------------------------------------------------------------


def expand_paths(paths: Iterable[str]) -> tuple[list[str], list[str]]:
    """Files, directories (recursive), URLs and `-`; returns (sources, errors)."""
    sources: list[str] = []
    errors: list[str] = []
    for raw in paths:
        if raw == "-" or raw.startswith(("http://", "https://")):
            sources.append(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            sources += sorted(
                str(p)
                for p in path.rglob("*")
                if p.suffix.lower() in NEWSLETTER_SUFFIXES and p.is_file()
            )
        elif path.is_file():
            sources.append(str(path))
        else:
            errors.append(f"{raw}: no such file or directory")
    return sources, errors


def read_source(source: str) -> str:
    """The text of one source; raises OSError/ValueError with a readable message."""
    if source == "-":
        return sys.stdin.read()
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=30) as response:  # noqa: S310 (http(s) only)
            return response.read().decode("utf-8", errors="replace")
    data = Path(source).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def ingest_paths(
    paths: Iterable[str],
    *,
    force: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> IngestReport:
    """Ingest every newsletter under `paths`; one bad path never stops the others."""
    report = IngestReport()
    sources, report.errors = expand_paths(paths)
    texts: list[str | OSError | ValueError] = []
    for source in sources:
        try:
            texts.append(read_source(source))
        except (OSError, ValueError) as exc:
            texts.append(exc)
    readable = [text for text in texts if isinstance(text, str)]
    unchanged = set() if force else unchanged_texts(readable)
    work = list(enumerate(zip(sources, texts, strict=True), 1))
    with ParseAhead([t for t in readable if t not in unchanged]) as ahead, bulk_session():
        for start in range(0, len(work), COMMIT_EVERY):
            with transaction.atomic():  # each newsletter is a savepoint within it
                for index, (source, text) in work[start : start + COMMIT_EVERY]:
                    if progress:
                        progress(index, len(sources), source)
                    if not isinstance(text, str):
                        report.errors.append(f"{source}: cannot read: {text}")
                    elif text in unchanged:
                        report.add(IngestReport(files=1, skipped_unchanged=1))
                    else:
                        report.add(ingest_one(text, source, force=force, parse=ahead.parse))
    report.meetups_total = Meetup.objects.canonical().count()
    return report


def ingest_one(
    text: str, source: str, *, force: bool, parse: Callable[[str], ParsedNewsletter]
) -> IngestReport:
    """One new or changed file of many; a failure rolls back this file only and is reported."""
    try:
        return ingest_newsletter(text=text, source=source, force=force, parse=parse, checked=True)
    except Exception as exc:  # a broken file must not stop the others
        logger.exception("ingest of %s failed", source)
        return IngestReport(errors=[f"{source}: not ingested: {type(exc).__name__}: {exc}"])


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def unchanged_texts(texts: list[str]) -> set[str]:
    """The texts already ingested as they are, found in one query: they need no parsing."""
    by_hash = {content_hash(text): text for text in texts}
    known = Newsletter.objects.filter(content_hash__in=by_hash).values_list(
        "content_hash", flat=True
    )
    return {by_hash[text_hash] for text_hash in known}


# --- one newsletter ---------------------------------------------------------------------


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
) -> IngestReport:
    """Ingest one newsletter's text; unchanged text (same content hash) is skipped.

    `parse` may hand back a result parsed ahead in another process (ParseAhead);
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
        newsletter = Newsletter.objects.filter(key=key).first()
        if newsletter and newsletter.content_hash == text_hash and not force:
            report.skipped_unchanged = 1
            return report
        resolved = resolved_flags(newsletter) if newsletter else set()
        newsletter = save_newsletter(newsletter, parsed, key, source, text_hash)
        report.newsletters = 1
        NewsletterIngest(newsletter, parsed, report, resolved=resolved).run()
        data_changed()  # bulk writes send no signals: pages cached before are stale
    return report


def take_ingest_lock() -> None:
    """Serialise ingests: PostgreSQL advisory lock; SQLite's IMMEDIATE transactions do it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INGEST_LOCK_ID])


def resolved_flags(newsletter: Newsletter) -> set[tuple[str, int | None, str]]:
    """What a curator already resolved in a newsletter read again: it stays resolved."""
    return set(newsletter.flags.filter(resolved=True).values_list("kind", "line", "message"))


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
        # Changed text: its entries are read again from scratch.
        newsletter.sightings.all().delete()
        newsletter.flags.all().delete()
    newsletter.number = parsed.number
    newsletter.date = parsed.date
    newsletter.title = parsed.title[:300]
    newsletter.source = source[:1000]
    newsletter.content_hash = text_hash
    newsletter.window_start = parsed.window_start
    newsletter.window_end = parsed.window_end
    newsletter.repaired = parsed.repaired
    newsletter.ingested_at = timezone.now()
    newsletter.save()
    return newsletter


@dataclass
class EntryLink:
    url: str
    canonical: str
    label: str
    primary: bool
    specific: bool


@dataclass(eq=False)  # identity: two slots are never "equal"
class Slot:
    """One meetup this newsletter talks about, with the entries that name it."""

    meetup_id: int | None = None  # None: a new meetup
    meetup: Meetup | None = None
    entries: list[ParsedEntry] = field(default_factory=list)
    rescheduled_from: date | None = None


class NewsletterIngest:
    """Matches a newsletter's entries to meetups and writes the changes in bulk."""

    def __init__(
        self,
        newsletter: Newsletter,
        parsed: ParsedNewsletter,
        report: IngestReport,
        *,
        resolved: set[tuple[str, int | None, str]] | None = None,
    ):
        self.newsletter = newsletter
        self.parsed = parsed
        self.report = report
        self.resolved = resolved or set()
        self.newly_dated: list[Meetup] = []
        self.flags: list[Flag] = []

    def run(self) -> None:
        entries = self.parsed.entries
        self.report.entries = len(entries)
        for problem in self.parsed.problems:
            self.flags.append(
                Flag(kind=problem.kind, message=problem.message, newsletter=self.newsletter)
            )
        readable = []
        for entry in entries:
            if entry.ok:
                readable.append(entry)
            else:
                self.flags.append(self.unparsed_flag(entry))
        self.links = {id(e): self.entry_links(e) for e in readable}
        self.places = PlaceResolver()
        self.places.prepare(p.text for e in readable for p in e.places)
        self.flags += self.places.flags(self.newsletter)
        self.groups = GroupResolver()
        self.groups.prepare([g for e in readable for g in e.groups])
        slots = self.match(readable)
        self.write(slots)
        for flag in self.flags:
            flag.resolved = (flag.kind, flag.line, flag.message) in self.resolved
        Flag.objects.bulk_create(self.flags)
        self.report.flagged = len(self.flags)

    def unparsed_flag(self, entry: ParsedEntry) -> Flag:
        why = "; ".join(p.message for p in entry.problems) or "not an entry"
        return Flag(
            kind="unparsed",
            newsletter=self.newsletter,
            line=entry.line,
            raw=entry.raw,
            message=f"{self.newsletter.source}:{entry.line}: {why}",
        )

    # -- matching ----------------------------------------------------------------------

    def entry_links(self, entry: ParsedEntry) -> list[EntryLink]:
        links, seen = [], set()
        for link in entry.links:
            if not is_safe_url(link.url):
                continue
            canonical = canonical_url(link.url)
            if canonical in seen:
                continue
            seen.add(canonical)
            links.append(
                EntryLink(
                    link.url, canonical, link.label, link.primary, is_event_specific(link.url)
                )
            )
        return links

    def match(self, entries: list[ParsedEntry]) -> list[Slot]:  # noqa: C901
        """Group entries by the meetup they describe (existing or new)."""
        # A link listed for two dates in this newsletter is generic here, whatever its shape.
        dates_by_link: dict[str, set[date]] = {}
        for entry in entries:
            for link in self.links[id(entry)]:
                dates_by_link.setdefault(link.canonical, set()).add(entry.start_date)
        for entry in entries:
            for link in self.links[id(entry)]:
                if len(dates_by_link[link.canonical]) > 1:
                    link.specific = False

        known = self.known_meetups(entries)
        slots: list[Slot] = []
        by_link_date: dict[tuple[str, date], Slot] = {}
        by_fallback: dict[str, Slot] = {}
        slot_of_meetup: dict[int, Slot] = {}

        def slot_for(meetup: Known) -> Slot:
            if meetup.id not in slot_of_meetup:
                slot_of_meetup[meetup.id] = Slot(meetup_id=meetup.id)
                slots.append(slot_of_meetup[meetup.id])
            return slot_of_meetup[meetup.id]

        for entry in entries:
            links = self.links[id(entry)]
            fallback = "" if links else self.fallback_key(entry)
            slot = next(
                (
                    by_link_date[(lk.canonical, entry.start_date)]
                    for lk in links
                    if (lk.canonical, entry.start_date) in by_link_date
                ),
                None,
            ) or (by_fallback.get(fallback) if fallback else None)
            if slot is None:
                meetup, moved_from = known.find(
                    links, entry.start_date, fallback, self.newsletter.date
                )
                if meetup is not None:
                    slot = slot_for(meetup)
                    slot.rescheduled_from = moved_from or slot.rescheduled_from
                else:
                    slot = Slot()
                    slots.append(slot)
            slot.entries.append(entry)
            for link in links:
                by_link_date.setdefault((link.canonical, entry.start_date), slot)
            if fallback:
                by_fallback.setdefault(fallback, slot)
        existing = Meetup.objects.in_bulk(slot_of_meetup)
        for meetup_id, slot in slot_of_meetup.items():
            slot.meetup = existing[meetup_id]
        return slots

    def fallback_key(self, entry: ParsedEntry) -> str:
        """Identity of an entry without links: its date, first organiser and location."""
        group = entry.groups[0].name.casefold() if entry.groups else ""
        return f"{entry.start_date}|{group}|{entry.location_text.casefold()}"[:600]

    def known_meetups(self, entries: list[ParsedEntry]) -> KnownMeetups:
        links = {link.canonical: link.specific for e in entries for link in self.links[id(e)]}
        return KnownMeetups.load(
            generic=[url for url, specific in links.items() if not specific],
            specific=[url for url, specific in links.items() if specific],
            days={e.start_date for e in entries},
            fallbacks=[self.fallback_key(e) for e in entries if not self.links[id(e)]],
        )

    # -- writing -----------------------------------------------------------------------

    def write(self, slots: list[Slot]) -> None:
        new_slots = [s for s in slots if s.meetup is None]
        for slot in new_slots:
            slot.meetup = self.new_meetup(slot)
        insert_objects([s.meetup for s in new_slots], key="uid")
        self.report.meetups_created = len(new_slots)

        relations = Relations.load([s.meetup for s in slots if s not in new_slots])
        changed: list[Meetup] = []
        for slot in slots:
            if slot in new_slots:
                self.set_relations(slot, relations)
            elif self.update_meetup(slot, relations):
                changed.append(slot.meetup)
        relations.save()
        if changed:
            update_objects(
                changed,
                [
                    "title",
                    "start_date",
                    "end_date",
                    "attendance",
                    "region",
                    "sequence",
                    "source_date",
                    "updated",
                ],
            )
        if self.newly_dated:  # only which issue speaks for it: not a change anyone sees
            update_objects(self.newly_dated, ["source_date"])
        self.report.meetups_updated = len(changed)
        self.write_sightings(slots)

    def new_meetup(self, slot: Slot) -> Meetup:
        first = slot.entries[0]
        links = self.links[id(first)]
        return Meetup(
            title=self.title_of(slot)[:500],
            start_date=first.start_date,
            end_date=max(first.end_date or first.start_date, first.start_date),
            attendance=self.attendance_of(slot),
            region=self.region_of(slot),
            source_date=self.newsletter.date,
            fallback_key="" if links else self.fallback_key(first),
            updated=timezone.now(),
        )

    def title_of(self, slot: Slot) -> str:
        """The first title given; an untitled entry is named after its organiser."""
        first = slot.entries[0]
        fallback = first.groups[0].name if first.groups else first.location_text
        return next((e.title for e in slot.entries if e.title), "") or fallback

    def attendance_of(self, slot: Slot) -> str:
        kinds = {e.attendance for e in slot.entries}
        if Attendance.HYBRID in kinds or {Attendance.VIRTUAL, Attendance.IN_PERSON} <= kinds:
            return Attendance.HYBRID
        return kinds.pop()

    def place_ids_of(self, slot: Slot) -> list[int]:
        ids: list[int] = []
        for entry in slot.entries:
            for place in entry.places:
                place_id = self.places.usable_id(place.text)
                if place_id and place_id not in ids:
                    ids.append(place_id)
        return ids

    def group_ids_of(self, slot: Slot) -> list[int]:
        ids: list[int] = []
        for entry in slot.entries:
            for group in entry.groups:
                group_id = self.groups.id_for(group)
                if group_id is not None and group_id not in ids:
                    ids.append(group_id)
        return ids

    def region_of(self, slot: Slot) -> str:
        place_ids = self.place_ids_of(slot)
        return self.places.region(place_ids[0]) if place_ids else ""

    def update_meetup(self, slot: Slot, relations: Relations) -> bool:  # noqa: C901
        """Apply this newsletter's values unless locked or older than what the meetup shows."""
        meetup = slot.meetup
        newer = meetup.source_date is None or (
            self.newsletter.date is not None and self.newsletter.date >= meetup.source_date
        )
        changed = self.set_relations(slot, relations, apply=newer)
        if slot.rescheduled_from is not None:
            self.flags.append(
                Flag(
                    kind="rescheduled",
                    meetup=meetup,
                    newsletter=self.newsletter,
                    message=(
                        f"{self.newsletter} lists it on {slot.entries[0].start_date}; "
                        f"it was on {slot.rescheduled_from}."
                    ),
                )
            )
        if not newer:
            return changed
        first = slot.entries[0]
        values = {
            "title": self.title_of(slot)[:500],
            "start_date": first.start_date,
            "end_date": max(first.end_date or first.start_date, first.start_date),
            "attendance": self.attendance_of(slot),
            "region": self.region_of(slot),
        }
        if meetup.is_locked("places"):
            del values["region"]  # it follows the places a curator set, not the newsletter's
        if meetup.is_locked("start_date") and not meetup.is_locked("end_date"):
            values["end_date"] = max(values["end_date"], meetup.start_date)
        if meetup.is_locked("end_date") and not meetup.is_locked("start_date"):
            values["start_date"] = min(values["start_date"], meetup.end_date)
        sequence_before = (meetup.start_date, meetup.end_date)
        for name, value in values.items():
            if not meetup.is_locked(name) and getattr(meetup, name) != value:
                setattr(meetup, name, value)
                changed = True
        if (meetup.start_date, meetup.end_date) != sequence_before:
            meetup.sequence += 1
        if meetup.source_date != self.newsletter.date:
            meetup.source_date = self.newsletter.date
            if not changed:
                self.newly_dated.append(meetup)
        if changed:
            meetup.updated = timezone.now()
        return changed

    def set_relations(self, slot: Slot, relations: Relations, *, apply: bool = True) -> bool:
        """Places, organisers and links; returns True when something changed.

        An older issue (apply=False) only adds links: it never replaces newer values.
        """
        meetup = slot.meetup
        changed = False
        if apply and not meetup.is_locked("places"):
            moved = relations.set_places(meetup, self.place_ids_of(slot))
            if moved and meetup.pk in relations.known:
                meetup.sequence += 1  # a new place is an update calendar clients must see
                changed = True
        if apply and not meetup.is_locked("groups"):
            changed |= relations.set_groups(meetup, self.group_ids_of(slot))
        if not meetup.is_locked("links"):
            links = [link for entry in slot.entries for link in self.links[id(entry)]]
            changed |= relations.add_links(meetup, links)
        return changed

    def write_sightings(self, slots: list[Slot]) -> None:
        pairs = [(slot, entry) for slot in slots for entry in slot.entries]
        insert_rows(
            Sighting,
            [
                {
                    "newsletter": self.newsletter.pk,
                    "line": entry.line,
                    "section": entry.section[:100],
                    "raw": entry.raw,
                    "parsed": entry_as_json(entry),
                    "meetup": slot.meetup.pk,
                }
                for slot, entry in pairs
            ],
        )
        self.report.sightings = len(pairs)
        flags: list[Flag] = []
        for slot, entry in pairs:
            for problem in entry.problems:
                flags.append(
                    Flag(
                        kind=problem.kind,
                        message=problem.message,
                        newsletter=self.newsletter,
                        line=entry.line,
                        meetup=slot.meetup,
                    )
                )
            section_region = SECTION_REGIONS.get(entry.section.strip().rstrip(":").casefold())
            region = slot.meetup.region
            if section_region and region and section_region != region:
                flags.append(
                    Flag(
                        kind="section_mismatch",
                        newsletter=self.newsletter,
                        line=entry.line,
                        meetup=slot.meetup,
                        message=f"Listed under {entry.section}, but {entry.location_text} is in "
                        f"{slot.meetup.get_region_display()}.",
                    )
                )
        if flags:  # each points at its line's sighting; most newsletters need none
            ids = dict(self.newsletter.sightings.values_list("line", "id"))
            for flag in flags:
                flag.sighting_id = ids[flag.line]
            self.flags += flags


class Relations:
    """A newsletter's changes to places, organisers and links, written in a few queries."""

    def __init__(self, places: dict, groups: dict, links: dict, known: set[int]):
        self.places: dict[int, list[int]] = places
        self.groups: dict[int, list[int]] = groups
        self.links: dict[int, set[str]] = links
        self.known = known  # meetups that existed before this newsletter
        self.replaced: dict[type, set[int]] = {MeetupPlace: set(), MeetupGroup: set()}
        self.new_rows: dict[type, list[dict]] = {MeetupPlace: [], MeetupGroup: []}
        self.new_links: list[dict] = []

    @classmethod
    def load(cls, meetups: list[Meetup]) -> Relations:
        ids = [m.pk for m in meetups]
        if not ids:  # a newsletter of new meetups only: nothing to read
            return cls({}, {}, {}, set())
        places: dict[int, list[int]] = {}
        for meetup_id, place_id in (
            MeetupPlace.objects.filter(meetup_id__in=ids)
            .order_by("position", "id")
            .values_list("meetup_id", "place_id")
        ):
            places.setdefault(meetup_id, []).append(place_id)
        groups: dict[int, list[int]] = {}
        for meetup_id, group_id in (
            MeetupGroup.objects.filter(meetup_id__in=ids)
            .order_by("position", "id")
            .values_list("meetup_id", "group_id")
        ):
            groups.setdefault(meetup_id, []).append(group_id)
        links: dict[int, set[str]] = {}
        for meetup_id, canonical in MeetupLink.objects.filter(meetup_id__in=ids).values_list(
            "meetup_id", "canonical_url"
        ):
            links.setdefault(meetup_id, set()).add(canonical)
        return cls(places, groups, links, set(ids))

    def set_places(self, meetup: Meetup, ids: list[int]) -> bool:
        return self._replace(MeetupPlace, "place_id", self.places, meetup, ids)

    def set_groups(self, meetup: Meetup, ids: list[int]) -> bool:
        return self._replace(MeetupGroup, "group_id", self.groups, meetup, ids)

    def _replace(self, model, column: str, current: dict, meetup: Meetup, ids: list[int]) -> bool:
        if current.get(meetup.pk, []) == ids:
            return False
        if meetup.pk in current:
            self.replaced[model].add(meetup.pk)
        current[meetup.pk] = ids
        self.new_rows[model] += [
            {"meetup": meetup.pk, column: pk, "position": i} for i, pk in enumerate(ids)
        ]
        return True

    def add_links(self, meetup: Meetup, links: list[EntryLink]) -> bool:
        existing = self.links.setdefault(meetup.pk, set())
        had_links = bool(existing)
        added = False
        for link in links:
            if link.canonical in existing:
                continue
            existing.add(link.canonical)
            self.new_links.append(
                {
                    "meetup": meetup.pk,
                    "url": link.url[:1000],
                    "canonical_url": link.canonical[:1000],
                    "label": link.label[:300],
                    "primary": link.primary and not had_links,
                    "event_specific": link.specific,
                    "position": len(existing) - 1,
                }
            )
            had_links |= link.primary
            added = True
        return added and meetup.pk in self.known

    def save(self) -> None:
        for model, meetup_ids in self.replaced.items():
            if meetup_ids:
                model.objects.filter(meetup_id__in=meetup_ids).delete()
        for model, rows in self.new_rows.items():
            insert_rows(model, rows)
        insert_rows(MeetupLink, self.new_links, ignore_conflicts=True)


@dataclass(frozen=True)
class Known:
    """A meetup already in the database, as little of it as matching needs."""

    id: int
    start_date: date
    source_date: date | None


@dataclass
class KnownMeetups:
    """The meetups already in the database that this newsletter's entries could name."""

    by_link: dict[str, list[tuple[Known, bool]]]
    by_fallback: dict[str, Known]

    @classmethod
    def load(
        cls, generic: list[str], specific: list[str], days: set[date], fallbacks: list[str]
    ) -> KnownMeetups:
        """Generic links only matter on the same day; event links within a reschedule's reach."""
        fields = (
            "meetup_id",
            "meetup__start_date",
            "meetup__source_date",
            "meetup__duplicate_of_id",
        )
        if not days:
            return cls({}, {})
        reach = (min(days) - MAX_MOVE, max(days) + MAX_MOVE)
        rows = list(
            MeetupLink.objects.filter(canonical_url__in=generic + specific)
            .filter(
                Q(meetup__start_date__in=days)  # one index search per link, not one per arm
                | Q(
                    canonical_url__in=specific, event_specific=True, meetup__start_date__range=reach
                )
            )
            .order_by("meetup_id")
            .values_list("canonical_url", "event_specific", *fields)
        )
        fallback_rows = (
            list(
                Meetup.objects.filter(fallback_key__in=fallbacks).values_list(
                    "fallback_key", "id", "start_date", "source_date", "duplicate_of_id"
                )
            )
            if fallbacks
            else []
        )
        survivors = Survivors([row[2:] for row in rows] + [row[1:] for row in fallback_rows])
        by_link: dict[str, list[tuple[Known, bool]]] = {}
        for canonical, specific_link, meetup_id, *_ in rows:
            by_link.setdefault(canonical, []).append((survivors[meetup_id], specific_link))
        by_fallback = {row[0]: survivors[row[1]] for row in fallback_rows}
        return cls(by_link, by_fallback)

    def find(
        self, links: list[EntryLink], day: date, fallback: str, issued: date | None
    ) -> tuple[Known | None, date | None]:
        """(meetup, the date it had if it moves) for an entry dated `day` in an issue of `issued`.

        Same link and date first; then an event link seen with another date, when that reads
        as a move rather than the link reused for a later occurrence.
        """
        for link in links:
            for known, _specific in self.by_link.get(link.canonical, []):
                if known.start_date == day:
                    return known, None
        for link in links:
            if not link.specific:
                continue
            moved = [
                k
                for k, specific in self.by_link.get(link.canonical, [])
                if specific and is_move(k, day, issued)
            ]
            if moved:
                known = min(moved, key=lambda k: abs((k.start_date - day).days))
                return known, known.start_date
        if fallback and fallback in self.by_fallback:
            return self.by_fallback[fallback], None
        return None, None


class Survivors(dict):
    """meetup id -> the Known meetup it stands for, following `duplicate_of` merges."""

    def __init__(self, rows: list[tuple]):
        super().__init__()
        self.merged: dict[int, int] = {}
        pending = {row[0]: row for row in rows}
        while pending:
            merged_into = {}
            for meetup_id, start, source, duplicate_of in pending.values():
                if duplicate_of:
                    merged_into[meetup_id] = duplicate_of
                else:
                    self[meetup_id] = Known(meetup_id, start, source)
            targets = set(merged_into.values()) - set(self)
            pending = (
                {
                    row[0]: row
                    for row in Meetup.objects.filter(id__in=targets).values_list(
                        "id", "start_date", "source_date", "duplicate_of_id"
                    )
                }
                if targets
                else {}
            )
            self.merged |= merged_into
        for meetup_id in self.merged:
            self[meetup_id] = self.resolve(meetup_id)

    def resolve(self, meetup_id: int) -> Known:
        seen = set()
        while meetup_id in self.merged and meetup_id not in seen:
            seen.add(meetup_id)
            meetup_id = self.merged[meetup_id]
        return dict.__getitem__(self, meetup_id)


def is_move(meetup: Known, day: date, issued: date | None) -> bool:
    """Does `day` (in an issue of `issued`) move `meetup`, or is it a later occurrence?

    A move: the earlier issue's date was still ahead when the later issue came out, or it
    was impossible (before its own issue, a typo). A date that had passed by then means
    the link is reused for a new occurrence (a monthly Eventbrite page, say).
    """
    if issued is None or meetup.source_date is None:
        return True
    if issued >= meetup.source_date:
        old, old_issue, new_issue = meetup.start_date, meetup.source_date, issued
    else:
        old, old_issue, new_issue = day, issued, meetup.source_date
    return old >= new_issue or old < old_issue


def entry_as_json(entry: ParsedEntry) -> dict:
    """What the parser read, stored on the Sighting for curators and re-checks."""
    return {
        "start_date": entry.start_date.isoformat() if entry.start_date else None,
        "end_date": entry.end_date.isoformat() if entry.end_date else None,
        "original_dates": entry.original_dates,
        "attendance": entry.attendance,
        "location_text": entry.location_text,
        "places": [vars(place) for place in entry.places],
        "groups": [vars(group) for group in entry.groups],
        "title": entry.title,
        "links": [vars(link) for link in entry.links],
        "problems": [vars(problem) for problem in entry.problems],
    }
