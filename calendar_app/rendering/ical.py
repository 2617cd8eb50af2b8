"""iCalendar (RFC 5545 + RFC 7986) rendering of meetups, shared by the feeds and export_events.

A pure renderer: it reads the meetups it is given (`feed_meetups`) and writes bytes from
their values. Keeping VEVENTs between renders, raising flags and HTTP caching live around
it (rendering/feed_cache.py, web/feeds.py).

Everything written comes from stored data (no `now()`, no random UIDs), so unchanged data
renders to identical bytes and calendar clients see no spurious updates.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import F, QuerySet
from django.urls import reverse
from icalendar import (
    Calendar,
    Component,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vCategory,
    vDDDTypes,
    vGeo,
    vInt,
    vText,
    vUri,
)

from calendar_app.models import (
    Attendance,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    Newsletter,
    Place,
    Region,
    Sighting,
    Status,
)
from calendar_app.rendering.plain_text import printable, url_text, web_url
from calendar_app.rules import event_zone as rules_event_zone
from calendar_app.rules import location_text

PRODID = "-//twirevents//Rust meetups from This Week in Rust//EN"
BASE_NAME = "Rust meetups"
# Clients that honour it poll twice a day; newsletters come out weekly, edits are rare.
REFRESH = timedelta(hours=12)
REFRESH_TTL = "PT12H"
CALENDAR_END = b"END:VCALENDAR\r\n"
# Bump when the rendered output changes for the same data, so kept copies are replaced.
# 2: places in words ("Vienna, Austria"); 3: times and stripped text; 4: venue, address,
# GEO of the venue, description, ORGANIZER, VTIMEZONEs with yearly RRULEs; 5: the place's zone
RENDER_VERSION = "5"
logger = logging.getLogger(__name__)


class PlainGeo(vGeo):
    """GEO with at most six decimals in plain notation: the float repr writes `-5e-05`."""

    def to_ical(self) -> str:
        return f"{_plain(self.latitude)};{_plain(self.longitude)}"


def _plain(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def calendar_name(description: str) -> str:
    """'Rust meetups - Europe' for a filtered feed, 'Rust meetups' for all of them."""
    return f"{BASE_NAME} - {description}" if description else BASE_NAME


@dataclass(slots=True)
class FeedMeetup:
    """What one VEVENT shows, read as plain values (no model instances, no related managers)."""

    pk: int
    uid: str
    title: str
    start_date: date
    end_date: date
    starts_at: datetime | None
    ends_at: datetime | None
    timezone: str
    attendance: str
    region: str
    status: str
    sequence: int
    created: datetime | None
    updated: datetime
    description: str = ""
    place_timezone: str = ""  # the primary place's zone: the event's when it has none
    groups: list[str] = field(default_factory=list)
    group_urls: list[str] = field(default_factory=list)
    # per place, as `places`: venue, street address, the venue's latitude and longitude
    venues: list[tuple[str, str, float | None, float | None]] = field(default_factory=list)
    places: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    links: list[tuple[str, str, bool]] = field(default_factory=list)  # url, label, primary
    issues: dict[int, str] = field(default_factory=dict)  # by newsletter id, first seen

    @property
    def url(self) -> str:
        """The primary link, else the first one: as `Meetup.primary_link`."""
        for url, _, primary in self.links:
            if primary:
                return url
        return self.links[0][0] if self.links else ""

    def key(self) -> tuple:
        """Every field, made hashable: all a VEVENT is written from (see event_digest)."""
        return tuple(
            tuple(value.items())
            if isinstance(value, dict)
            else tuple(value)
            if isinstance(value, list)
            else value
            for value in map(self.__getattribute__, _FIELDS)
        )


_FIELDS = tuple(f.name for f in fields(FeedMeetup))

MEETUP_COLUMNS = (
    "pk",
    "uid",
    "title",
    "start_date",
    "end_date",
    "starts_at",
    "ends_at",
    "timezone",
    "attendance",
    "region",
    "status",
    "sequence",
    "created",
    "updated",
    "description",
)
PLACE_COLUMNS = (
    "city",
    "admin1",
    "country",
    "written",
    "text",
    "latitude",
    "longitude",
    "timezone",
)
NEWSLETTER_COLUMNS = ("number", "date", "title", "source")


def feed_meetups(queryset: QuerySet) -> list[FeedMeetup]:
    """The meetups of `queryset`, in its order, with everything a VEVENT shows.

    Five queries whatever the number of meetups (the meetups, then organisers, places,
    links and newsletters of all of them), read with `values_list`: building model
    instances and prefetch caches for thousands of rows costs more than rendering them.
    Places and newsletters repeat across meetups, so their names are worked out (by the
    models' own `label` and `__str__`) once per place or newsletter.
    """
    meetups = [FeedMeetup(*row) for row in queryset.values_list(*MEETUP_COLUMNS)]
    for meetup in meetups:
        meetup.title = printable(meetup.title, multiline=True)
        meetup.description = printable(meetup.description, multiline=True)
    by_pk = {meetup.pk: meetup for meetup in meetups}
    if not by_pk:
        return meetups
    # The filter again as a subquery, not thousands of ids as parameters to prepare.
    ids = queryset.order_by().values("pk")
    groups = MeetupGroup.objects.filter(meetup_id__in=ids).order_by("position", "id")
    for pk, name, url in groups.values_list("meetup_id", "group__name", "group__url"):
        by_pk[pk].groups.append(printable(name, multiline=True))
        by_pk[pk].group_urls.append(web_url(url))

    places = MeetupPlace.objects.filter(meetup_id__in=ids).order_by("position", "id")
    named: dict[int, tuple[str, float | None, float | None]] = {}
    zones: dict[int, str] = {}
    for pk, place_id, venue, address, lat, lon, *columns in places.values_list(
        "meetup_id", "place_id", *MeetupPlace.VENUE_FIELDS, *(f"place__{c}" for c in PLACE_COLUMNS)
    ):
        by_pk[pk].venues.append(
            (printable(venue, multiline=True), printable(address, multiline=True), lat, lon)
        )
        if place_id not in named:
            place = Place(**dict(zip(PLACE_COLUMNS, columns, strict=True)))
            name = printable(place.label, multiline=True)
            named[place_id] = (name, place.latitude, place.longitude)
            zones[place_id] = place.timezone
        if not by_pk[pk].places:
            by_pk[pk].place_timezone = zones[place_id]
        by_pk[pk].places.append(named[place_id])

    links = MeetupLink.objects.filter(meetup_id__in=ids).order_by("position", "id")
    for pk, url, label, primary in links.values_list("meetup_id", "url", "label", "primary"):
        by_pk[pk].links.append((url_text(url), printable(label, multiline=True), primary))

    # Oldest issue first (undated last, on every database; the id settles ties).
    sightings = Sighting.objects.filter(meetup_id__in=ids).order_by(
        F("newsletter__date").asc(nulls_last=True), "line", "id"
    )
    issues: dict[int, str] = {}
    for pk, newsletter_id, *columns in sightings.values_list(
        "meetup_id", "newsletter_id", *(f"newsletter__{c}" for c in NEWSLETTER_COLUMNS)
    ):
        if newsletter_id not in issues:
            issues[newsletter_id] = _issue(
                Newsletter(**dict(zip(NEWSLETTER_COLUMNS, columns, strict=True)))
            )
        by_pk[pk].issues.setdefault(newsletter_id, issues[newsletter_id])
    return meetups


def _issue(newsletter: Newsletter) -> str:
    """'This Week in Rust 532 (2024-01-31)'."""
    name = f"This Week in Rust {newsletter.number}" if newsletter.number else str(newsletter)
    name = printable(name, multiline=True)
    return f"{name} ({newsletter.date})" if newsletter.date else name


def event_zone(meetup: FeedMeetup) -> ZoneInfo:
    """The zone a timed VEVENT is written in: the event's (`rules.event_zone`: its own,
    else its place's), UTC when it has none."""
    return rules_event_zone(meetup.timezone, meetup.place_timezone) or ZoneInfo("UTC")


def timezones(meetups: list[FeedMeetup]) -> bytes:
    """The VTIMEZONEs the timed meetups' TZIDs need, by name (UTC needs none)."""
    names = {event_zone(m).key for m in meetups if m.starts_at is not None} - {"UTC"}
    return b"".join(vtimezone(name) for name in sorted(names))


RULE_YEAR = 2026  # the year whose transitions become the yearly rules (bytes stay stable)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@functools.lru_cache(maxsize=512)
def vtimezone(name: str) -> bytes:
    """One VTIMEZONE with yearly RRULEs, as Meetup and Google write them.

    python-icalendar writes every transition from 1970 to 2038 as one multi-valued RDATE;
    ical.js (many web calendar widgets) reads only its first value and shows every
    summer-time meetup an hour late. Here each of the zone's two transitions of
    RULE_YEAR becomes a STANDARD or DAYLIGHT part starting in 1970 with a yearly rule
    (`BYMONTH=3;BYDAY=-1SU`); a zone without transitions is one STANDARD part. A zone
    whose year is irregular (not exactly two transitions, or one that no weekday rule
    says) is written as icalendar writes it.
    """
    zone = ZoneInfo(name)
    changes = _transitions(zone, RULE_YEAR)
    if not _regular(zone, changes):
        return _icalendar_vtimezone(name)
    parts: list[Component] = []
    if not changes:
        offset = datetime(RULE_YEAR, 1, 1, tzinfo=zone).utcoffset() or timedelta(0)
        abbreviation = datetime(RULE_YEAR, 1, 1, tzinfo=zone).tzname() or name
        parts.append(_zone_part(TimezoneStandard(), offset, offset, abbreviation, None, None))
    elif len(changes) == 2:
        for instant in changes:
            before = (instant - timedelta(seconds=1)).astimezone(zone)
            after = instant.astimezone(zone)
            local = instant + (before.utcoffset() or timedelta(0))
            rule = _yearly_rule(local)
            if rule is None:
                return _icalendar_vtimezone(name)
            part = TimezoneDaylight() if after.dst() else TimezoneStandard()
            start = _first_in_1970(local, rule)
            parts.append(
                _zone_part(
                    part,
                    before.utcoffset() or timedelta(0),
                    after.utcoffset() or timedelta(0),
                    after.tzname() or name,
                    start,
                    rule,
                )
            )
    else:
        return _icalendar_vtimezone(name)
    timezone = Timezone()
    timezone.add("TZID", name)
    timezone.add("X-LIC-LOCATION", name)
    for component in parts:
        timezone.add_component(component)
    return timezone.to_ical()


def _regular(zone: ZoneInfo, changes: list[datetime]) -> bool:
    """Whether RULE_YEAR's transitions fall by the same weekday rules in the next years
    (not so in Morocco, whose summer time follows Ramadan)."""

    def rules(instants: list[datetime]) -> list[dict[str, object] | None]:
        found = []
        for instant in instants:
            before = (instant - timedelta(seconds=1)).astimezone(zone).utcoffset()
            found.append(_yearly_rule(instant + (before or timedelta(0))))
        return found

    expected = rules(changes)
    return all(rules(_transitions(zone, RULE_YEAR + n)) == expected for n in (1, 2))


def _transitions(zone: ZoneInfo, year: int) -> list[datetime]:
    """The UTC instants in `year` at which the zone's offset changes (to the second)."""
    found = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    offset = day.astimezone(zone).utcoffset()
    while day.year == year:
        following = day + timedelta(days=1)
        if following.astimezone(zone).utcoffset() != offset:
            low, high = day, following  # offset at low is the old one, at high the new
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            found.append(high.replace(microsecond=0))
            offset = following.astimezone(zone).utcoffset()
        day = following
    return found


def _yearly_rule(local: datetime) -> dict[str, object] | None:
    """The weekday rule that gives `local`'s day: the last or the n-th weekday of its
    month (Europe: last Sunday of March; the US: second Sunday of March)."""
    last_day = (local.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    weekday = _WEEKDAYS[local.weekday()]
    if local.day + 7 > last_day.day:
        nth = -1
    else:
        nth = (local.day - 1) // 7 + 1
    return {"FREQ": "YEARLY", "BYMONTH": local.month, "BYDAY": f"{nth}{weekday}"}


def _first_in_1970(local: datetime, rule: dict[str, object]) -> datetime:
    """The rule's day in 1970 at the transition's local time (DTSTART of the part)."""
    month = int(str(rule["BYMONTH"]))
    by_day = str(rule["BYDAY"])
    nth, weekday = int(by_day[:-2]), _WEEKDAYS.index(by_day[-2:])
    days = [
        date(1970, month, d)
        for d in range(1, 32)
        if _valid(1970, month, d) and date(1970, month, d).weekday() == weekday
    ]
    day = days[nth] if nth < 0 else days[nth - 1]
    return datetime(day.year, day.month, day.day, local.hour, local.minute, local.second)


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _zone_part(
    part: Component,
    before: timedelta,
    after: timedelta,
    abbreviation: str,
    start: datetime | None,
    rule: dict[str, object] | None,
) -> Component:
    part.add("TZNAME", abbreviation)
    part.add("DTSTART", start or datetime(1970, 1, 1))
    part.add("TZOFFSETFROM", before)
    part.add("TZOFFSETTO", after)
    if rule is not None:
        part.add("RRULE", rule)
    return part


def _icalendar_vtimezone(name: str) -> bytes:
    """One VTIMEZONE as `Calendar.add_missing_timezones` writes it (1970 to 2038).

    Called one zone at a time: that method adds the zones of a calendar in set order,
    which changes between processes, and the feed's bytes must not.
    """
    scratch = Calendar()
    event = Event()
    event["DTSTART"] = vDDDTypes(datetime(2000, 1, 1, tzinfo=ZoneInfo(name)))
    scratch.add_component(event)
    scratch.add_missing_timezones()
    return b"".join(zone.to_ical() for zone in scratch.timezones)


def calendar_bytes(
    meetups: list[FeedMeetup], events: list[bytes], *, description: str, source_url: str
) -> bytes:
    """The VCALENDAR around `events` (the VEVENTs of `meetups`, in their order).

    Each VEVENT is written by icalendar's `to_ical()` (escaping, folding, CRLF) and the
    bytes are joined inside the VCALENDAR icalendar wrote: the same bytes as one
    `Calendar.to_ical()` with the events added (a test compares them).
    """
    header = calendar_header(description=description, source_url=source_url)
    return header + timezones(meetups) + b"".join(events) + CALENDAR_END


def written_events(meetups: list[FeedMeetup], builder: EventBuilder) -> list[bytes]:
    """The VEVENTs of `meetups`, each written now; one that cannot be is left out."""
    return [body for meetup in meetups if (body := builder.vevent(meetup)) is not None]


def feed_events(queryset: QuerySet, *, site_url: str) -> list[Event]:
    """One VEVENT per meetup of `queryset`, in its order."""
    builder = EventBuilder(site_url)
    return [builder.event(meetup) for meetup in feed_meetups(queryset)]


def calendar_header(*, description: str, source_url: str) -> bytes:
    """The VCALENDAR properties, up to where the VEVENTs go.

    NAME and the X-WR- properties are passed as vText: given a str, icalendar 7.3 neither
    escapes them nor refuses a line break (a `q` with CRLF would inject content lines).
    """
    description = " ".join(description.split())  # a calendar name is one line
    name = calendar_name(description)
    summary = f"Rust community meetups{' (' + description + ')' if description else ''}, "
    summary += "as listed in This Week in Rust."
    cal = Calendar()
    cal.add("VERSION", "2.0")
    cal.add("PRODID", PRODID)
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", "PUBLISH")
    cal.add("NAME", vText(name))
    cal.add("X-WR-CALNAME", vText(name))
    cal.add("DESCRIPTION", vText(summary))
    cal.add("X-WR-CALDESC", vText(summary))
    cal.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("X-PUBLISHED-TTL", REFRESH_TTL)
    cal.add("SOURCE", source_url, parameters={"VALUE": "URI"})
    return cal.to_ical().removesuffix(CALENDAR_END)


REGIONS = dict(Region.choices)
ATTENDANCES = dict(Attendance.choices)
_PK_MARK = 987654321  # stands for the pk in the reversed meetup URL


class EventBuilder:
    """Builds VEVENTs (all-day, or timed in the event's zone) from FeedMeetups with
    icalendar's own property types.

    Properties are set with the types `Event.add()` would choose (vText, vDDDTypes, vInt,
    vCategory, vUri with VALUE=URI), skipping its per-call type inference; a test checks
    the bytes against `add()`. Values that repeat across meetups (dates, place names,
    categories, the two constant properties) are built once per render and shared: the
    Events are only serialised, never changed.
    """

    def __init__(self, site_url: str) -> None:
        self.site_url = site_url
        head, tail = reverse("meetup_detail", args=[_PK_MARK]).split(str(_PK_MARK))
        self.page = (f"{site_url}{head}", tail)
        self.details = (f"Details: {site_url}{head}", tail)
        self.status = {
            True: vText("CANCELLED"),
            False: vText("CONFIRMED"),
        }
        self.transparent = vText("TRANSPARENT")
        self.dates: dict[date, vDDDTypes] = {}
        self.texts: dict[str, vText] = {}
        self.categories: dict[tuple[str, ...], vCategory] = {}
        self.geos: dict[tuple[float, float], PlainGeo] = {}
        self.failed: list[int] = []  # meetups whose VEVENT could not be written

    def vevent(self, meetup: FeedMeetup) -> bytes | None:
        """The VEVENT's bytes; None (logged, remembered in `failed`) when it cannot be written,
        so that one bad row leaves one meetup out of a feed, never the feed out."""
        try:
            return self.event(meetup).to_ical()
        except Exception:
            logger.exception("meetup %s left out of a feed: its VEVENT failed", meetup.pk)
            self.failed.append(meetup.pk)
            return None

    def _date(self, day: date) -> vDDDTypes:
        value = self.dates.get(day)
        if value is None:
            value = self.dates[day] = vDDDTypes(day)
        return value

    def _text(self, text: str) -> vText:
        value = self.texts.get(text)
        if value is None:
            value = self.texts[text] = vText(text)
        return value

    def event(self, meetup: FeedMeetup) -> Event:
        """One VEVENT; DTSTAMP is the meetup's last change so output is reproducible."""
        changed = vDDDTypes(meetup.updated.astimezone(UTC))
        cancelled = meetup.status == Status.CANCELLED
        event = Event()
        event["UID"] = vText(str(meetup.uid))
        event["DTSTAMP"] = changed
        event["LAST-MODIFIED"] = changed
        event["CREATED"] = vDDDTypes(meetup.created.astimezone(UTC)) if meetup.created else changed
        if meetup.starts_at is None:
            event["DTSTART"] = self._date(meetup.start_date)
            end = exclusive_end(meetup.start_date, meetup.end_date)
            if end is not None:  # else one day long, as RFC 5545 reads a DATE DTSTART alone
                event["DTEND"] = self._date(end)
        else:
            zone = event_zone(meetup)
            event["DTSTART"] = vDDDTypes(meetup.starts_at.astimezone(zone))
            if meetup.ends_at is not None:
                event["DTEND"] = vDDDTypes(meetup.ends_at.astimezone(zone))
        event["SEQUENCE"] = vInt(meetup.sequence)
        groups = meetup.groups
        event["SUMMARY"] = vText(meetup.title or (groups[0] if groups else "Rust meetup"))
        where = location_text(meetup.attendance, _place_words(meetup))
        if where:
            event["LOCATION"] = self._text(where)
        geo = next(
            ((lat, lon) for _, _, lat, lon in meetup.venues if lat is not None and lon is not None),
            None,
        ) or next(
            ((lat, lon) for _, lat, lon in meetup.places if lat is not None and lon is not None),
            None,
        )
        if geo is not None:
            geo_value = self.geos.get(geo)
            event["GEO"] = (
                geo_value if geo_value is not None else self.geos.setdefault(geo, PlainGeo(geo))
            )
        url = web_url(meetup.url)
        if url:
            event["URL"] = vUri(url, params={"VALUE": "URI"})
        event["DESCRIPTION"] = vText(self._description(meetup, cancelled))
        if groups:
            head, tail = self.page  # an organiser without a page: the meetup's own
            address = meetup.group_urls[0] or f"{head}{meetup.pk}{tail}"
            event["ORGANIZER"] = vCalAddress(address, params={"CN": groups[0]})
        names = tuple(_categories(meetup.region, meetup.attendance, groups))
        category = self.categories.get(names)
        if category is None:
            category = self.categories[names] = vCategory(list(names))
        event["CATEGORIES"] = category
        event["STATUS"] = self.status[cancelled]
        event["TRANSP"] = self.transparent  # an all-day listing should not block the day
        return event

    def _description(self, meetup: FeedMeetup, cancelled: bool) -> str:
        """Organisers, every link with its label, the issues that listed it, the page."""
        lines = ["CANCELLED."] if cancelled else []
        if meetup.groups:
            lines.append("Organised by " + ", ".join(meetup.groups) + ".")
        if meetup.description:
            lines.extend([meetup.description, ""])
        lines.extend(f"{label or 'Link'}: {url}" for url, label, _ in meetup.links)
        if meetup.issues:
            lines.append("Listed in " + ", ".join(meetup.issues.values()) + ".")
        head, tail = self.details
        lines.append(f"{head}{meetup.pk}{tail}")
        return "\n".join(lines)


def _place_words(meetup: FeedMeetup) -> list[str]:
    """Each place in words, with the venue and street address its calendar gave:
    `Venue, street, city, country` (the address names the town), or `Venue, Town`."""
    words = []
    for (label, _, _), (venue, address, _, _) in zip(meetup.places, meetup.venues, strict=True):
        if address:
            words.append(", ".join(filter(None, (venue, address))))
        else:
            words.append(f"{venue}, {label}" if venue else label)
    return words


def exclusive_end(start: date, end: date) -> date | None:
    """DTEND of an all-day event: the day after `end`; None for a one-day event on the last
    day Python can represent (no DTEND), and that last day for a longer one reaching it."""
    if end < date.max:
        return end + timedelta(days=1)
    return None if start == end else end


def _categories(region: str, attendance: str, groups: list[str]) -> list[str]:
    """Region, attendance and organisers, as separate categories."""
    values = [REGIONS[region]] if region else []
    values.append(ATTENDANCES[attendance])
    values.extend(groups)
    return values
