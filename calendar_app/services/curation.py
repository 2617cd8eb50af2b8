"""What a curator does in the admin, as services: the admin only collects input and calls these.

Every change is saved through `history_save` (who, why, and a baseline of the ingested
state), locks what the curator set by hand, and derives what ingest derives (a meetup's
region from its primary place, a place's zone from its coordinates) by the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from calendar_app.geocoding import timezone_at
from calendar_app.models import (
    DuplicateCandidate,
    DuplicateStatus,
    Flag,
    Group,
    GroupAlias,
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Place,
    PlaceStatus,
    Status,
    Submission,
    SubmissionKind,
    SubmissionStatus,
    zone_or_none,
)
from calendar_app.services.duplicates import duplicates_refresh
from calendar_app.services.flags import flags_raise
from calendar_app.services.geocode import (
    geocode_place,
    places_region,
    raise_place_flags,
    refresh_regions,
)
from calendar_app.services.groups import GroupResolver
from calendar_app.services.history import history_save
from calendar_app.services.joins import merge_groups
from calendar_app.services.locking import lock_changed_fields, unlock_fields
from calendar_app.services.merge import merge_meetups, unmerge_meetup
from calendar_app.services.places import PlaceResolver
from calendar_app.services.sources import SourceURLError, http_source_url, source_add
from calendar_app.services.sources_sync import sync_sources
from calendar_app.services.times import meetup_set_times
from calendar_app.twir import canonical_url, is_event_specific
from calendar_app.twir.records import ParsedGroup

User = Any  # django.contrib.auth's user (or None for a command)
PLACE_LOCATION_FIELDS = ("city", "admin1", "country", "latitude", "longitude", "timezone", "status")


# --- Meetups ------------------------------------------------------------------------------


def meetup_derive(*, meetup: Meetup) -> list[str]:
    """Derive what ingest derives, in memory: the region of the primary place (geocoded
    first if it never was, which also gives it its zone). Returns the fields that changed."""
    row = meetup.meetupplace_set.select_related("place").order_by("position", "id").first()
    place = row.place if row else None
    if place is not None and place.status == PlaceStatus.PENDING and not place.locked:
        raise_place_flags(place=place, problems=geocode_place(place))
    if meetup.is_locked("region"):
        return []
    region = places_region([place] if place is not None else [])
    if region == meetup.region:
        return []
    meetup.region = region
    return ["region"]


def meetup_save(
    *,
    meetup: Meetup,
    user: User,
    changed: Iterable[str] = (),
    unlock: Iterable[str] = (),
    adding: bool = False,
) -> Meetup:
    """A curator's edit of a meetup's own fields: what changed is locked, `unlock` unlocked."""
    changed = list(changed)
    unlocked = unlock_fields(meetup, unlock)
    if not adding and not changed and not unlocked:
        return meetup  # only its rows (links, places, ...) changed: recorded after them
    if not adding:
        lock_changed_fields(meetup, changed)
        meetup.note_changes(changed)  # the form set them: calendar clients may need to update
    parts = [f"Changed {', '.join(changed)}"] if changed else []
    parts += [f"unlocked {', '.join(unlocked)}"] if unlocked else []
    reason = "Added in the admin" if adding else "; ".join(parts).capitalize()
    history_save(meetup, user=user, reason=reason)
    return meetup


def meetup_relations_saved(
    *, meetup: Meetup, user: User, touched: Iterable[str], adding: bool = False
) -> Meetup:
    """After a curator edited links, organisers or places: lock them, derive the region."""
    touched = list(touched)
    if not adding:
        lock_changed_fields(meetup, touched)
        meetup.note_changes(touched)  # new places: calendar clients must see them
    derived = meetup_derive(meetup=meetup)
    if touched or derived:
        parts = [f"Changed {', '.join(touched)}"] if touched else []
        parts += [f"derived {', '.join(derived)}"] if derived else []
        history_save(meetup, user=user, reason="; ".join(parts).capitalize())
    return meetup


def meetup_set_status(*, meetups: Iterable[Meetup], status: str, user: User) -> int:
    """Set and lock the status, one save per meetup so each lands in its history."""
    if status not in Status.values:
        raise ValueError(f"Unknown status {status!r}.")
    count = 0
    for meetup in meetups:
        meetup.set_status(status)
        lock_changed_fields(meetup, ["status"])
        history_save(meetup, user=user, reason=f"Status set to {status}")
        count += 1
    return count


def meetup_unlock(
    *, meetups: Iterable[Meetup], user: User, fields: Iterable[str] = Meetup.LOCKABLE_FIELDS
) -> int:
    """Hand fields back to ingest."""
    fields = list(fields)
    count = 0
    for meetup in meetups:
        unlocked = unlock_fields(meetup, fields)
        if unlocked:
            history_save(meetup, user=user, reason="Unlocked " + ", ".join(unlocked))
            count += 1
    return count


@transaction.atomic
def meetups_merge(
    *,
    survivor: Meetup,
    others: list[Meetup],
    user: User,
    choices: Mapping[str, Meetup] | None = None,
) -> Meetup:
    """Merge meetups; open duplicate candidates between them are closed as merged."""
    merge_meetups(survivor=survivor, others=others, user=user, choices=choices)
    ids = [survivor.pk, *(other.pk for other in others)]
    DuplicateCandidate.objects.open().filter(first__in=ids, second__in=ids).update(
        status=DuplicateStatus.MERGED, decided_at=timezone.now(), decided_by=_user_or_none(user)
    )
    return survivor


def meetup_unmerge(*, meetups: Iterable[Meetup], user: User) -> int:
    """Undo merges; a duplicate pair closed as merged is then one a curator told apart."""
    count = 0
    for meetup in meetups:
        survivor_id = meetup.duplicate_of_id or 0
        unmerge_meetup(meetup=meetup, user=user)  # refuses a meetup not merged
        pair = sorted([meetup.pk, survivor_id])
        DuplicateCandidate.objects.filter(
            first_id=pair[0], second_id=pair[1], status=DuplicateStatus.MERGED
        ).update(
            status=DuplicateStatus.NOT_DUPLICATE,
            decided_at=timezone.now(),
            decided_by=_user_or_none(user),
        )
        count += 1
    return count


def group_save(*, group: Group, user: User, changed: Iterable[str] = ()) -> Group:
    """A curator's edit of an organiser (its name shows on every meetup of it)."""
    changed = list(changed)
    reason = "Changed " + ", ".join(changed) if changed else "Added in the admin"
    history_save(group, user=user, reason=reason)
    return group


def groups_merge(*, survivor: Group, others: list[Group], user: User) -> Group:
    """A curator's merge: final (its aliases are pinned, imports never split it again)."""
    merge_groups(survivor=survivor, others=others)
    GroupAlias.objects.filter(group=survivor).update(pinned=True)
    names = ", ".join(other.name for other in others)
    history_save(survivor, user=user, reason=f"Merged groups into it: {names}")
    return survivor


def group_alias_move(*, alias: GroupAlias, group: Group, user: User) -> GroupAlias:
    """A curator moves a name or page to another organiser (a split): final. The pages
    of both organisers are pinned where they are, and their meetups take their organisers
    from their sightings again."""
    from calendar_app.services.ingest.run import refresh_meetups  # ingest uses curation

    stored = GroupAlias.objects.filter(pk=alias.pk).values_list("group_id", flat=True).first()
    old = stored if stored is not None else group.pk
    alias.group = group
    alias.pinned = True
    alias.save()
    GroupAlias.objects.filter(group_id__in=[old, group.pk], key__startswith="url:").update(
        pinned=True
    )
    history_save(group, user=user, reason=f"Alias moved to it: {alias.key}")
    meetups = MeetupGroup.objects.filter(group_id__in=[old, group.pk]).values_list(
        "meetup_id", flat=True
    )
    refresh_meetups(set(meetups))
    return alias


# --- Places -------------------------------------------------------------------------------


def place_correct(*, place: Place, user: User, changed: Iterable[str]) -> Place:
    """A curator's correction is final (locked); the zone follows typed coordinates, and the
    meetups whose primary place it is follow its country."""
    changed = set(changed)
    if "locked" not in changed and changed & set(PLACE_LOCATION_FIELDS):
        place.locked = True
    coordinates_changed = {"latitude", "longitude"} & changed
    if coordinates_changed and "timezone" not in changed and place.has_coordinates:
        place.timezone = timezone_at(place.latitude, place.longitude) or place.timezone
    if changed & set(PLACE_LOCATION_FIELDS) and place.status == PlaceStatus.PENDING:
        place.status = PlaceStatus.CORRECTED
    history_save(place, user=user, reason="Corrected " + ", ".join(sorted(changed)))
    if changed & {"country", "status"}:
        refresh_regions(place=place, user=user)
    return place


def place_geocode_again(*, places: Iterable[Place], user: User) -> int:
    """Unlock and geocode again; flags and regions as after any geocoding."""
    count = 0
    for place in places:
        with transaction.atomic():
            place.locked = False
            history_save(place, user=user, reason="Unlocked to geocode again")
            raise_place_flags(place=place, problems=geocode_place(place))
            refresh_regions(place=place, user=user)
        count += 1
    return count


# --- Flags --------------------------------------------------------------------------------


def flags_resolve_older(*, before: date, user: User) -> int:
    """Resolve every open flag raised before `before` (a backlog nobody will go through)."""
    now = timezone.now()
    return (
        Flag.objects.open()
        .filter(created__date__lt=before)
        .update(resolved=True, resolved_at=now, resolved_by=_user_or_none(user))
    )


def flags_resolve(*, flags: Iterable[Flag], user: User, resolved: bool = True) -> int:
    """Resolve (or reopen) flags, recording who and when."""
    now = timezone.now()
    count = 0
    for flag in flags:
        if flag.resolved == resolved:
            continue
        flag.resolved = resolved
        flag.resolved_at = now if resolved else None
        flag.resolved_by = _user_or_none(user) if resolved else None
        flag.save(update_fields=["resolved", "resolved_at", "resolved_by"])
        count += 1
    return count


def _user_or_none(user: User) -> User:
    return user if user is not None and getattr(user, "pk", None) else None


# --- Duplicate candidates -----------------------------------------------------------------


def duplicate_dismiss(*, candidate: DuplicateCandidate, user: User) -> DuplicateCandidate:
    """ "Not a duplicate": remembered, so the pair is never proposed again."""
    candidate.status = DuplicateStatus.NOT_DUPLICATE
    candidate.decided_at = timezone.now()
    candidate.decided_by = _user_or_none(user)
    candidate.save(update_fields=["status", "decided_at", "decided_by"])
    return candidate


def duplicate_merge(
    *,
    candidate: DuplicateCandidate,
    survivor: Meetup,
    user: User,
    choices: Mapping[str, Meetup] | None = None,
) -> Meetup:
    """Merge the pair into `survivor` (one of the two), taking the chosen values."""
    pair = [candidate.first, candidate.second]
    if survivor.pk not in {m.pk for m in pair}:
        raise ValueError("The survivor must be one of the pair.")
    others = [m for m in pair if m.pk != survivor.pk]
    return meetups_merge(survivor=survivor, others=others, user=user, choices=choices)


# --- Submissions --------------------------------------------------------------------------


@transaction.atomic
def submission_accept(*, submission: Submission, user: User) -> Meetup | None:
    """Accept a proposal. An event becomes a published meetup (its place and organiser
    found or created as ingest does), unless the site already lists it: then the new
    meetup stays hidden and the pair waits in the duplicate queue. A calendar becomes a
    followed source, synced once now."""
    if submission.status != SubmissionStatus.PENDING:
        raise ValueError(f"Submission #{submission.pk} was already decided.")
    meetup = None
    if submission.kind == SubmissionKind.EVENT:
        meetup = _meetup_from(submission, user)
        twin = _listed_twin(meetup)
        if twin is None:
            note = f"Published as meetup #{meetup.pk}."
        else:
            meetup_set_status(meetups=[meetup], status=Status.HIDDEN, user=user)
            note = (
                f"Already listed as meetup #{twin.pk} ({twin}): kept hidden as meetup "
                f"#{meetup.pk}, proposed as a duplicate."
            )
        submission.note = submission.note or note
    else:
        submission.note = submission.note or _follow_calendar(submission)
    submission.meetup = meetup
    _decide(submission, SubmissionStatus.ACCEPTED, user)
    return meetup


def _listed_twin(meetup: Meetup) -> Meetup | None:
    """The meetup already listed that the duplicate rules pair with `meetup`, if any."""
    duplicates_refresh(meetup_ids=[meetup.pk])
    pair = (
        DuplicateCandidate.objects.open()
        .filter(Q(first=meetup) | Q(second=meetup))
        .order_by("-score", "pk")
        .first()
    )
    if pair is None:
        return None
    return pair.second if pair.first_id == meetup.pk else pair.first


def _follow_calendar(submission: Submission) -> str:
    """Follow the proposed calendar and sync it once; what happened, for the record. From
    the public form, it is fetched from public addresses only (`Source.trusted` off)."""
    try:
        url = http_source_url(submission.calendar_url)
    except SourceURLError as error:
        return f"Not followed: {error}"
    source, created = source_add(url=url, name=submission.group_name, trusted=False)
    report = sync_sources(sources=[source])
    source.refresh_from_db()
    followed = "Now following" if created else "Already following"
    if source.last_error:
        return f"{followed} source #{source.pk}; its first sync failed: {source.last_error}"
    return (
        f"{followed} source #{source.pk}: synced, {report.meetups_created} new meetup(s), "
        f"{report.meetups_updated} updated."
    )


def submission_reject(*, submission: Submission, user: User, note: str = "") -> Submission:
    """Reject a proposal; the record is kept (with the curator's note)."""
    if note:
        submission.note = note
    _decide(submission, SubmissionStatus.REJECTED, user)
    return submission


def _decide(submission: Submission, status: str, user: User) -> None:
    submission.status = status
    submission.decided_at = timezone.now()
    submission.decided_by = _user_or_none(user)
    submission.save()


def _meetup_from(submission: Submission, user: User) -> Meetup:
    start = submission.start_date or timezone.localdate()
    meetup = Meetup(
        title=submission.title,
        start_date=start,
        end_date=max(submission.end_date or start, start),
        attendance=submission.attendance,
        status=Status.PUBLISHED,
    )
    history_save(meetup, user=user, reason=f"Accepted submission #{submission.pk}")
    if submission.location:
        places = PlaceResolver()
        places.prepare([submission.location])
        flags_raise(places.flags())
        place_id = places.usable_id(submission.location)
        if place_id:
            MeetupPlace.objects.create(meetup=meetup, place_id=place_id, position=0)
    if submission.group_name or submission.group_url:
        parsed = ParsedGroup(
            name=submission.group_name or submission.group_url, url=submission.group_url
        )
        groups = GroupResolver()
        groups.prepare([parsed])
        group_id = groups.id_for(parsed)
        if group_id:
            MeetupGroup.objects.create(meetup=meetup, group_id=group_id, position=0)
    if submission.url:
        MeetupLink.objects.create(
            meetup=meetup,
            url=submission.url,
            canonical_url=canonical_url(submission.url),
            event_specific=is_event_specific(submission.url),
            primary=True,
        )
    if meetup_derive(meetup=meetup):
        history_save(meetup, user=user, reason="Region from its place")
    place = meetup.primary_place
    zone = submission.timezone if zone_or_none(submission.timezone) else ""
    zone = zone or (place.timezone if place else "")
    starts_at, ends_at = _submitted_times(submission, zone)
    if starts_at is not None:
        meetup_set_times(meetup=meetup, starts_at=starts_at, ends_at=ends_at, timezone=zone)
    return meetup


def _submitted_times(
    submission: Submission, zone_name: str
) -> tuple[datetime | None, datetime | None]:
    """The organiser's start and end as instants, read in `zone_name` (the zone they gave,
    else the place's; UTC when neither is known); none without a start time."""
    if submission.start_date is None or submission.start_time is None:
        return None, None
    zone = zone_or_none(zone_name) or ZoneInfo("UTC")
    starts_at = datetime.combine(submission.start_date, submission.start_time, tzinfo=zone)
    if submission.end_time is None:
        return starts_at, None
    end_day = submission.end_date or submission.start_date
    ends_at = datetime.combine(end_day, submission.end_time, tzinfo=zone)
    return starts_at, (ends_at if ends_at >= starts_at else None)
