"""iCalendar text in, event records out (Meetup, Luma and Google Calendar feeds).

Pure Python, no Django. Nothing a feed contains may stop the rest of it from being
read: a VEVENT that cannot become an event is a Problem, never an exception, and a
text that is no calendar at all is a CalendarFeed with an ``error``. Recurring series
(RRULE, RDATE, EXDATE, moved occurrences by RECURRENCE-ID) are expanded by
recurring-ical-events within a horizon around ``now``; Google's floating times in its
X-WR-TIMEZONE are made ordinary zoned times by x-wr-timezone first.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import recurring_ical_events
import x_wr_timezone
from icalendar import Calendar, Component, Event

from calendar_app.calendars import bounds as b
from calendar_app.calendars import records as r
from calendar_app.calendars.details import (
    MAX_READ,
    first_link,
    plain_description,
    rule_text,
    venue_and_address,
)
from calendar_app.calendars.records import CalendarEvent, CalendarFeed, Problem
from calendar_app.calendars.text import (
    event_links,
    is_link,
    is_online_location,
    luma_page,
    one_line,
    safe_link,
    strip_controls,
    unique_links,
)
from calendar_app.windows import CALENDAR_READ_AHEAD, CALENDAR_READ_PAST

# The window occurrences are read in (calendar_app.windows).
HORIZON_PAST = CALENDAR_READ_PAST
HORIZON_AHEAD = CALENDAR_READ_AHEAD

_RAW_INDEX = "X-TWIREVENTS-RAW"  # carried through conversion and expansion
_VEVENT_BLOCK = re.compile(r"^BEGIN:VEVENT\r?\n.*?^END:VEVENT[ \t]*(?:\r?\n|$)", re.M | re.S | re.I)
_CALENDAR_START = re.compile(r"^\s*BEGIN:VCALENDAR\s*$", re.M | re.I)


def read_calendar(
    data: bytes | str, *, now: datetime, budget: float = b.READ_BUDGET
) -> CalendarFeed:
    """The events of one feed that fall within the horizon around ``now`` (aware), within
    the limits of `bounds` (a feed that takes over `budget` seconds is an error)."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")  # a caller's mistake, not the feed's
    try:
        return _read(data, now, time.monotonic() + budget)
    except b.OverBudget:
        return CalendarFeed(error=f"reading the feed took more than {budget:g} s: refused")
    except Exception as exc:
        return CalendarFeed(error=f"not a readable iCalendar feed: {_short(exc)}")


def _read(data: bytes | str, now: datetime, deadline: float) -> CalendarFeed:
    text, problems = _decode(data)
    error = _not_a_calendar(text)
    if error:
        return CalendarFeed(error=error)
    calendar, error = _parse(text, problems)
    if calendar is None:
        return CalendarFeed(problems=tuple(problems), error=error)
    name = one_line(strip_controls(str(calendar.get("X-WR-CALNAME", "")))[0])
    page = safe_link(one_line(strip_controls(str(calendar.get("X-ORIGINAL-URL", "")))[0]))
    zone = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    _broken_zones_read_in(calendar, text, zone, problems)
    raws = _screen(calendar, _raw_texts(text, calendar), _known_zone(zone), problems)
    calendar = _standard(calendar, problems)
    events: list[CalendarEvent] = []
    for group in _by_uid(calendar, problems):
        left = b.MAX_FEED_OCCURRENCES - len(events)
        if left <= 0:
            if b.FEED_CAPPED not in {p.kind for p in problems}:
                problems.append(Problem(b.FEED_CAPPED, _capped_feed()))
            break
        events.extend(_occurrences(group, raws, now, problems, left, deadline))
    events.sort(key=lambda e: (_instant(e.start), e.uid))
    return CalendarFeed(tuple(events), tuple(problems), name, zone, page=page)


# --- the text -----------------------------------------------------------------------


def _decode(data: bytes | str) -> tuple[str, list[Problem]]:
    problems: list[Problem] = []
    if isinstance(data, str):
        return data.lstrip("\ufeff"), problems
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("utf-8-sig", errors="replace")
        problems.append(Problem(r.BAD_ENCODING, "the feed is not UTF-8; bad bytes replaced"))
    return text, problems


def _not_a_calendar(text: str) -> str:
    """Why the text is no iCalendar feed ("" if it may be one)."""
    head = text.lstrip()[:200]
    if not head:
        return "empty answer: no calendar"
    if _CALENDAR_START.match(head.splitlines()[0]):
        return ""
    if head.startswith("<"):
        return "an HTML or XML page, not an iCalendar feed"
    shown = one_line(strip_controls(head[:40])[0]) or "unreadable bytes"
    return f"not an iCalendar feed (it starts with {shown!r})"


def _parse(text: str, problems: list[Problem]) -> tuple[Calendar | None, str]:
    try:
        calendar = Calendar.from_ical(text)
    except Exception:  # one bad VEVENT must not lose the others
        return _parse_blocks(text, problems)
    if not isinstance(calendar, Calendar) or calendar.name != "VCALENDAR":
        return None, "not an iCalendar feed (no VCALENDAR)"
    return calendar, ""


def _parse_blocks(text: str, problems: list[Problem]) -> tuple[Calendar | None, str]:
    """The feed read VEVENT by VEVENT, when the whole would not parse."""
    frame = _VEVENT_BLOCK.sub("", text)
    unended = re.search(r"^BEGIN:VEVENT", frame, re.M | re.I)
    if unended:  # a cut-off answer: the last VEVENT has no end
        problems.append(
            Problem(r.BROKEN_EVENT, "a VEVENT without END (the feed is cut short)", raw="")
        )
        frame = frame[: unended.start()]
    if not re.search(r"^END:VCALENDAR", frame, re.M | re.I):
        frame = frame.rstrip() + "\r\nEND:VCALENDAR\r\n"
    frame, others = b.other_blocks(frame)
    try:
        calendar = Calendar.from_ical(frame)
    except Exception as exc:  # reported as the feed's error
        return None, f"not a readable iCalendar feed: {_short(exc)}"
    for name, block in others:
        try:
            calendar.add_component(Component.from_ical(block))
        except Exception as exc:
            problems.append(
                Problem(b.BROKEN_COMPONENT, f"unreadable {name}, left out: {_short(exc)}")
            )
    for block in _VEVENT_BLOCK.findall(text):
        try:
            calendar.add_component(_event_from(block, problems))
        except Exception as exc:
            uid = re.search(r"^UID:(.*)$", block, re.M | re.I)
            problems.append(
                Problem(
                    r.BROKEN_EVENT,
                    f"unreadable VEVENT: {_short(exc)}",
                    uid=uid.group(1).strip() if uid else "",
                    raw=strip_controls(block)[0],
                )
            )
    return calendar, ""


def _event_from(block: str, problems: list[Problem]) -> Component:
    """One VEVENT's text parsed; without its VALARMs if only they are broken."""
    try:
        return Event.from_ical(block)
    except Exception:
        bare = b.without_alarms(block)
        if bare == block:
            raise
        event = Event.from_ical(bare)
        problems.append(
            Problem(
                b.BROKEN_COMPONENT, "unreadable VALARM, left out", uid=str(event.get("UID", ""))
            )
        )
        return event


def _get(component: Component, name: str) -> Any:
    """A property as the parser gave it (icalendar types it as a union of ~30 types)."""
    return component.get(name)


def _short(exc: Exception) -> str:
    """An exception as one clean line of at most 200 characters (it may quote the feed)."""
    text = one_line(strip_controls(str(exc))[0])
    return text if len(text) <= 200 else text[:199] + "…"


# --- screening: which VEVENTs can be events -------------------------------------------


def _known_zone(name: str) -> bool:
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class _Source:
    """A kept VEVENT as the feed wrote it, and the lines the parser could not read."""

    raw: str
    errors: tuple[str, ...]
    sequence: int  # as written: the expander gives a series' occurrences its highest


def _raw_texts(text: str, calendar: Calendar) -> list[str]:
    """Each VEVENT as the feed wrote it, in order; re-serialised by icalendar only when
    the text and the parse disagree on how many there are (a repaired feed)."""
    events = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    blocks = [m.group(0) for m in _VEVENT_BLOCK.finditer(text)]
    if len(blocks) != len(events):
        blocks = [_ical_text(c) for c in events]
    return [strip_controls(block)[0] for block in blocks]


def _ical_text(component: Component) -> str:
    try:
        return component.to_ical().decode("utf-8", errors="replace")
    except Exception:
        return ""


def _broken_zones_read_in(
    calendar: Calendar, text: str, zone: str, problems: list[Problem]
) -> None:
    """Times given in a VTIMEZONE that was broken (left out) are read in the calendar's
    X-WR-TIMEZONE, else UTC, with a problem: the event is kept."""
    parsed = [str(c.get("TZID", "")) for c in calendar.subcomponents if c.name == "VTIMEZONE"]
    broken = b.broken_zones(text, parsed)
    if not broken:
        return
    fallback = zone if _known_zone(zone) else "UTC"
    for event in calendar.subcomponents:
        if event.name != "VEVENT":
            continue
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
            prop = event.get(name)
            tzid = str(prop.params.get("TZID", "")) if hasattr(prop, "params") else ""
            if tzid not in broken or _known_zone(tzid):
                continue
            try:
                value = prop.dt
            except Exception:
                continue
            if isinstance(value, datetime) and value.tzinfo is None:
                del event[name]
                event.add(name, value.replace(tzinfo=ZoneInfo(fallback)))
                problems.append(
                    Problem(
                        b.BROKEN_TIMEZONE,
                        f"time zone {tzid!r} is unreadable: {name} read in {fallback}",
                        uid=str(event.get("UID", "")),
                    )
                )


def _screen(
    calendar: Calendar, texts: list[str], floating_ok: bool, problems: list[Problem]
) -> list[_Source]:
    """Drop the VEVENTs that cannot be events (as problems); number the others.

    Returns each kept VEVENT's source, by the number it carries.
    """
    raws: list[_Source] = []
    kept: list[Component] = []
    texts_left = iter(texts)
    for component in calendar.subcomponents:
        if component.name != "VEVENT":
            kept.append(component)
            continue
        raw = next(texts_left)
        problem = _unusable(component, floating_ok)
        if problem is not None:
            problems.append(
                Problem(problem[0], problem[1], uid=str(component.get("UID", "")), raw=raw)
            )
            continue
        component[_RAW_INDEX] = str(len(raws))
        errors = tuple(
            strip_controls(f"{name or 'a line'}: {message}")[0]
            for name, message in component.errors
        )
        raws.append(_Source(raw, errors, _sequence(component)))
        kept.append(component)
    calendar.subcomponents = kept
    return raws


def _unusable(event: Component, floating_ok: bool) -> tuple[str, str] | None:
    """(kind, message) when the VEVENT has no usable start, else None."""
    if event.get("DTSTART") is None:
        return r.NO_DTSTART, "an event without DTSTART"
    values: dict[str, date] = {}
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
        prop = event.get(name)
        if prop is None:
            continue
        try:
            value = prop.dt
        except Exception as exc:  # icalendar's broken-property error
            return r.BAD_DATE, f"{name} unreadable: {_short(exc)}"
        if not isinstance(value, date):
            return r.BAD_DATE, f"{name} is not a date or time"
        tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
        if isinstance(value, datetime) and value.tzinfo is None:
            if tzid:
                return r.UNKNOWN_TZID, f"{name} has an unknown time zone {tzid!r}"
            if not floating_ok:
                return r.FLOATING_TIME, f"{name} is a local time with no time zone"
        values[name] = value
    start, end = values["DTSTART"], values.get("DTEND")
    if end is not None and isinstance(start, datetime) != isinstance(end, datetime):
        return r.BAD_DATE, "DTSTART and DTEND mix a date with a date-time"
    return None


def _standard(calendar: Calendar, problems: list[Problem]) -> Calendar:
    """Google's X-WR-TIMEZONE applied to its floating times (x-wr-timezone)."""
    try:
        return x_wr_timezone.to_standard(calendar)
    except Exception as exc:  # keep the times as they are
        zone = calendar.get("X-WR-TIMEZONE", "")
        problems.append(
            Problem(r.BAD_CALENDAR_TIMEZONE, f"X-WR-TIMEZONE {zone!s} not applied: {_short(exc)}")
        )
        return calendar


def _by_uid(calendar: Calendar, problems: list[Problem]) -> list[list[Component]]:
    """A series and its moved occurrences share a UID: they are expanded together. Other
    events repeating a UID (or a moved occurrence) are left out, as one problem."""
    groups: dict[str, list[Component]] = {}
    seen: dict[str, set[str]] = {}
    repeated: dict[str, int] = {}
    for component in calendar.subcomponents:
        if component.name == "VEVENT":
            uid = str(component.get("UID", "")) or f"#{component[_RAW_INDEX]}"
            moved = _value(component, "RECURRENCE-ID")
            key = "" if moved is None else moved.isoformat()
            if key in seen.setdefault(uid, set()):
                repeated[uid] = repeated.get(uid, 1) + 1
                continue
            seen[uid].add(key)
            groups.setdefault(uid, []).append(component)
    for uid, count in repeated.items():
        problems.append(
            Problem(b.DUPLICATE_UID, f"{count} events share this UID: the first is read", uid=uid)
        )
    return list(groups.values())


# --- expansion --------------------------------------------------------------------------


def _occurrences(
    group: list[Component],
    raws: list[_Source],
    now: datetime,
    problems: list[Problem],
    left: int,
    deadline: float,
) -> Iterable[CalendarEvent]:
    uid = str(group[0].get("UID", ""))
    recurring = any(_is_recurring(c) for c in group)
    master = next((c for c in group if c.get("RRULE") is not None), None)
    freq = b.sub_daily(master.get("RRULE")) if master is not None else ""
    if master is not None and freq:
        problems.append(
            Problem(
                b.SUB_DAILY_RRULE,
                f"a series repeating {freq}: refused (no meetup repeats so often in a day)",
                uid=uid,
                raw=raws[int(_get(master, _RAW_INDEX))].raw,
            )
        )
        return []
    if master is not None and _endless(master):
        problems.append(
            Problem(
                r.ENDLESS_RRULE,
                "a series without COUNT or UNTIL: read within the horizon only",
                uid=uid,
                raw=raws[int(_get(master, _RAW_INDEX))].raw,
            )
        )
    mini = Calendar()
    for component in group:
        mini.add_component(component)
    cap = min(b.MAX_SERIES_OCCURRENCES, left)
    try:
        found, more = b.within(
            recurring_ical_events.of(mini).after(now - HORIZON_PAST),
            now + HORIZON_AHEAD,
            cap,
            deadline,
            time.monotonic,
        )
    except b.OverBudget:
        raise
    except Exception as exc:
        problems.append(Problem(r.BAD_RECURRENCE, f"series not expanded: {_short(exc)}", uid=uid))
        return []
    if more and cap == b.MAX_SERIES_OCCURRENCES:
        problems.append(
            Problem(
                b.SERIES_CAPPED,
                f"a series with more than {cap} occurrences in the horizon: the first {cap} read",
                uid=uid,
            )
        )
    elif more:
        problems.append(Problem(b.FEED_CAPPED, _capped_feed()))
    records = []
    for occurrence in found:
        try:
            records.append(_with_details(_record(occurrence, raws, recurring), occurrence, master))
        except Exception as exc:
            problems.append(Problem(r.BROKEN_EVENT, f"occurrence not read: {_short(exc)}", uid=uid))
    return records


def _capped_feed() -> str:
    return (
        f"more than {b.MAX_FEED_OCCURRENCES} occurrences in the horizon: "
        f"the first {b.MAX_FEED_OCCURRENCES} read"
    )


def _is_recurring(component: Component) -> bool:
    return any(component.get(name) is not None for name in ("RRULE", "RDATE", "RECURRENCE-ID"))


def _endless(master: Component) -> bool:
    rules = master.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules]:
        if "COUNT" not in rule and "UNTIL" not in rule:
            return True
    return False


# --- one occurrence -> one record ----------------------------------------------------------


def _record(occurrence: Component, raws: list[_Source], recurring: bool) -> CalendarEvent:
    source = raws[int(_get(occurrence, _RAW_INDEX))]
    problems = [Problem(r.BAD_PROPERTY, f"unreadable, ignored: {e}") for e in source.errors]
    uid = _text(occurrence, "UID", problems)
    if not uid:
        problems.append(Problem(r.NO_UID, "an event without UID"))
    location = one_line(_text(occurrence, "LOCATION", problems))
    online = is_online_location(location)
    start, end = _times(occurrence)
    name, email = _organizer(occurrence, problems)
    record = CalendarEvent(
        uid=uid,
        recurrence_id=_value(occurrence, "RECURRENCE-ID") if recurring else None,
        title=one_line(_text(occurrence, "SUMMARY", problems)),
        start=start,
        end=end,
        timezone=_zone_of(occurrence, start),
        urls=_urls(occurrence, location, problems),
        location="" if online else location,
        geo=_geo(occurrence, problems),
        online=online,
        status=one_line(_text(occurrence, "STATUS", problems)).upper(),
        organizer=name,
        organizer_email=email,
        last_modified=_last_modified(occurrence),
        sequence=source.sequence,
        raw=source.raw,
        problems=(),
    )
    problems = [Problem(p.kind, p.message, uid=uid) for p in problems]
    return _with_problems(record, problems)


def _with_problems(record: CalendarEvent, problems: list[Problem]) -> CalendarEvent:
    if not problems:
        return record
    fields = {**record.__dict__, "problems": tuple(dict.fromkeys(problems))}
    return CalendarEvent(**fields)


def _text(component: Component, name: str, problems: list[Problem]) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    text, stripped = strip_controls(str(value))
    if stripped:
        problems.append(Problem(r.CONTROL_CHARACTERS, f"control characters removed from {name}"))
    return text.strip()


def _value(component: Component, name: str) -> date | datetime | None:
    prop = component.get(name)
    if prop is None:
        return None
    try:
        value = prop.dt
    except Exception:  # an unreadable optional value is no value
        return None
    return value if isinstance(value, date) else None


def _times(occurrence: Component) -> tuple[date | datetime, date | datetime | None]:
    """The occurrence's start and end; no end when the feed gives neither DTEND nor
    DURATION for a timed event (the expander then repeats the start)."""
    start: date | datetime = _get(occurrence, "DTSTART").dt
    end = _value(occurrence, "DTEND")
    duration = _get(occurrence, "DURATION")
    if end is None and duration is not None:
        end = start + duration.dt
    if isinstance(start, datetime) and end == start and duration is None:
        end = None
    return start, end


def _zone_of(occurrence: Component, start: date | datetime) -> str | None:
    """The TZID of a zoned start; None for dates and UTC times (Luma)."""
    if not isinstance(start, datetime) or start.tzinfo is None:
        return None
    if isinstance(start.tzinfo, ZoneInfo):
        return None if start.tzinfo.key in ("UTC", "Etc/UTC") else start.tzinfo.key
    if start.utcoffset() == timedelta(0) and start.tzinfo == UTC:
        return None
    tzid = _get(occurrence, "DTSTART").params.get("TZID")
    return str(tzid) if tzid else None


def _urls(occurrence: Component, location: str, problems: list[Problem]) -> tuple[str, ...]:
    """The URL property, Luma's page in the description, a link given as the place,
    and event pages linked from the description; only http(s)."""
    written = occurrence.get("URL")
    candidates = [str(u) for u in (written if isinstance(written, list) else [written]) if u]
    description = _text(occurrence, "DESCRIPTION", problems)
    candidates.append(luma_page(description))
    if is_link(location):
        candidates.append(location)
    links: list[str] = []
    for candidate in filter(None, candidates):
        link = safe_link(candidate)
        if link:
            links.append(link)
        else:
            problems.append(Problem(r.UNSAFE_URL, f"not an http(s) link, dropped: {candidate!r}"))
    return unique_links(links + event_links(description))


def _geo(occurrence: Component, problems: list[Problem]) -> tuple[float, float] | None:
    prop = occurrence.get("GEO")
    if prop is None:
        return None
    try:
        lat, lon = float(prop.latitude), float(prop.longitude)
    except (AttributeError, TypeError, ValueError):
        lat, lon = 91.0, 0.0  # reported below
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return lat, lon
    problems.append(Problem(r.BAD_GEO, f"GEO is no position: {str(prop)[:40]!r}"))
    return None


def _organizer(occurrence: Component, problems: list[Problem]) -> tuple[str, str]:
    prop = occurrence.get("ORGANIZER")
    if prop is None:
        return "", ""
    address = strip_controls(str(prop))[0].strip()
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:") :]
    name, stripped = strip_controls(str(getattr(prop, "params", {}).get("CN", "")))
    if stripped:
        problems.append(Problem(r.CONTROL_CHARACTERS, "control characters removed from ORGANIZER"))
    return one_line(name.strip('"')) or address, address


def _last_modified(occurrence: Component) -> datetime | None:
    value = _value(occurrence, "LAST-MODIFIED")
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _sequence(occurrence: Component) -> int:
    try:
        return int(occurrence.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        return 0


def _with_details(
    record: CalendarEvent, occurrence: Component, master: Component | None
) -> CalendarEvent:
    """Venue and address, the description as plain text, the event's page and its series
    (see calendars.details)."""
    venue, address = ("", "") if record.online else venue_and_address(record.location)
    written = occurrence.get("DESCRIPTION")
    written = written[0] if isinstance(written, list) and written else written
    description = str(written or "")[:MAX_READ]
    page = record.url or first_link(description)
    series = rule = ""
    if master is not None and record.uid:
        series = record.uid
        rules = master.get("RRULE")
        first = rules[0] if isinstance(rules, list) and rules else rules
        master_start = _value(master, "DTSTART")
        if first is not None and master_start is not None:
            rule = rule_text(first, master_start)
    return dataclasses.replace(
        record,
        venue=venue,
        address=address,
        description=plain_description(description),
        page=page,
        series=series,
        rule_text=rule,
    )


def _instant(moment: date | datetime) -> datetime:
    """A sort key: dates at midnight UTC."""
    if isinstance(moment, datetime):
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
