"""A newsletter file -> ParsedNewsletter: repair, header, events section, entries."""

from __future__ import annotations

from calendar_app.text import strip_controls
from calendar_app.twir.entries import Context, read_entry
from calendar_app.twir.eras.prepare import prepare_entries
from calendar_app.twir.eras.window import expects_window, slash_window
from calendar_app.twir.records import ParsedNewsletter, Problem
from calendar_app.twir.repair import repair_text
from calendar_app.twir.sections import (
    announced_window,
    classify,
    collect_entries,
    default_window,
    find_events_section,
    read_header,
    split_lines,
    unclosed_comment,
)
from calendar_app.twir.text import normalise_line_ends


def parse_newsletter(text: str) -> ParsedNewsletter:
    """Parse one issue; never raises on content, problems are reported instead."""
    text = normalise_line_ends(text)
    repaired = repair_text(text)  # before dropping controls: damage may hold C1 characters
    raw_lines = split_lines(strip_controls(repaired))
    header = read_header(raw_lines)
    newsletter = ParsedNewsletter(
        number=header.number,
        date=header.date,
        title=header.title,
        window_start=None,
        window_end=None,
        has_events_section=False,
        repaired=repaired != text,
    )
    if header.date is None:
        newsletter.problems.append(Problem("no_issue_date", "no `Date:` line in the header"))
    lines = classify(raw_lines)
    section = find_events_section(lines)
    hidden_from = unclosed_comment(raw_lines)
    if section is None:
        newsletter.problems.append(Problem("no_events_section", "no `Upcoming Events` heading"))
        if hidden_from is not None:
            newsletter.problems.append(_hidden(hidden_from))
        return newsletter
    if hidden_from is not None and (not section or hidden_from <= section[-1].number):
        newsletter.problems.append(_hidden(hidden_from))

    newsletter.has_events_section = True
    window = announced_window(section) or slash_window(section, header.date)
    if window is None and header.date:
        window = default_window(header.date)
        if expects_window(header.date):  # before November 2021 no issue announced one
            newsletter.problems.append(
                Problem(
                    "no_window",
                    f"no `Rusty Events between` line: assumed {window[0]} - {window[1]}",
                )
            )
    if window:
        newsletter.window_start, newsletter.window_end = window
    context = Context(issue_date=header.date, window=window)
    raw_entries = prepare_entries(collect_entries(section), lines, header.date)
    newsletter.entries = [read_entry(raw, context) for raw in raw_entries]
    return newsletter


def _hidden(line: int) -> Problem:
    return Problem(
        "malformed",
        f"line {line} opens an HTML comment (`<!--`) that is never closed: "
        "the lines after it are hidden and were not read",
    )
