"""Parse a feed the way clients would, and read properties off the raw bytes."""

from __future__ import annotations

import icalendar
import vobject
from ical.calendar_stream import IcsCalendarStream


def parse_strictly(body: bytes) -> icalendar.Calendar:
    """Parse with icalendar (checking collected errors), `ical` and `vobject`; all must accept."""
    cal = icalendar.Calendar.from_ical(body)
    for component in cal.walk():
        assert not component.errors, (component.name, component.errors)
    text = body.decode("utf-8")
    strict = IcsCalendarStream.calendar_from_ics(text)
    assert len(strict.events) == len(cal.walk("VEVENT"))
    parsed = vobject.readOne(text)
    assert len(getattr(parsed, "vevent_list", [])) == len(cal.walk("VEVENT"))
    return cal


def unfolded_lines(body: bytes) -> list[str]:
    """Content lines with folding undone (a CRLF followed by one space or tab)."""
    text = body.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    return text.split("\r\n")


def values(body: bytes, name: str) -> list[str]:
    """Raw values of every `name` property (parameters stripped), in order."""
    found = []
    for line in unfolded_lines(body):
        head, _, value = line.partition(":")
        if head.split(";")[0] == name:
            found.append(value)
    return found


def event_blocks(body: bytes) -> list[list[str]]:
    """Each VEVENT's unfolded lines."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in unfolded_lines(body):
        if line == "BEGIN:VEVENT":
            current = []
        elif line == "END:VEVENT" and current is not None:
            blocks.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return blocks
