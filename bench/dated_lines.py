"""Dated-looking lines of the events sections and whether the reader reads them, per year.

Run from a checkout: `python bench/dated_lines.py [FOLDER_OR_FILE ...]` (default: the
samples, history fixtures, corpus, corpus-history and seeds). A dated-looking line is a line
of the events section, found here without the parser, that is not a nested title line and
holds a date in any notation of the archive (`2014-12-08`, `Dec 18th`, `18 December`,
`10/13`). It is *read* when it is (part of) an entry with a date, *clean* when that entry
has no flag either. Lines not read, and flagged ones, are listed with the reason.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

from calendar_app.twir import parse_newsletter
from calendar_app.twir.records import ParsedEntry
from calendar_app.twir.repair import repair_text

FOLDERS = [
    "tests/fixtures/samples",
    "tests/fixtures/history",
]
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_EVENTS = re.compile(r"^(?:upcoming\s+(?:rust\s+)?(?:events|meetups)|(?:rust\s+)?meetups)\b", re.I)
_DATE_KEY = re.compile(r"^Date:\s*(\d{4})", re.M)
_MONTH = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"  # names and abbreviations
)
DATE_LIKE = re.compile(
    rf"\d{{4}}-\d{{1,2}}-\d{{1,2}}"
    rf"|\b{_MONTH}\s*\d{{1,2}}(?:st|nd|rd|th)?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?![a-z])"
    r"|(?<![\d/])\d{1,2}/\d{1,2}(?![\d/])",
    re.IGNORECASE,
)
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s")
# Nested title lines of the modern layout may hold dates in their titles: not entry lines.
_NESTED = re.compile(r"^(?: {2,}|\t)[*+-]\s")


def section_lines(text: str) -> list[tuple[int, str]]:
    lines = text.split("\n")
    found: list[tuple[int, str]] = []
    level = 0
    for number, line in enumerate(lines, start=1):
        heading = _HEADING.match(line)
        if heading and level and len(heading[1]) <= level:
            level = 0
        if heading and _EVENTS.match(heading[2]):
            level = len(heading[1])
            continue
        if level:
            found.append((number, line))
    return found


def dated_lines(text: str) -> list[tuple[int, str]]:
    return [
        (number, line)
        for number, line in section_lines(text)
        if line.strip()
        and not _NESTED.match(line)
        and not _REFERENCE_DEFINITION.match(line)
        and "events between" not in line.lower()
        and DATE_LIKE.search(line[:120])
    ]


def measure(paths: list[Path]) -> tuple[dict[str, Counter[str]], list[str]]:
    per_year: dict[str, Counter[str]] = defaultdict(Counter)
    notes: list[str] = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        year_match = _DATE_KEY.search(text)
        year = year_match[1] if year_match else "?"
        parsed = parse_newsletter(text)
        repaired = repair_text(text.replace("\r\n", "\n"))
        by_line: dict[int, ParsedEntry] = {}
        for entry in parsed.entries:
            span = entry.raw.count("\n") + 1
            for n in range(entry.line, entry.line + span + 3):
                by_line.setdefault(n, entry)
        for number, line in dated_lines(repaired):
            counts = per_year[year]
            counts["dated"] += 1
            found = by_line.get(number)
            if found is None or not found.ok:
                why = "no entry" if found is None else found.problems[0].message
                notes.append(f"{year} NOT READ {path.name}:{number}: {line.strip()[:100]} ({why})")
                continue
            counts["read"] += 1
            kinds = sorted({problem.kind for problem in found.problems})
            if kinds:
                notes.append(f"{year} FLAGGED {kinds} {path.name}:{number}: {line.strip()[:100]}")
            else:
                counts["clean"] += 1
    return per_year, notes


def main(arguments: list[str]) -> None:
    targets = [Path(a) for a in arguments] or [Path(f) for f in FOLDERS]
    found = [p for t in targets for p in ([t] if t.is_file() else t.rglob("*")) if p.is_file()]
    paths = sorted({p.name: p for p in found}.values())  # the fixtures copy shared files
    per_year, notes = measure(paths)
    print("year  dated  read  clean  read%  clean%")
    for year, counts in sorted(per_year.items()):
        dated = counts["dated"] or 1
        print(
            f"{year}  {counts['dated']:5}  {counts['read']:4}  {counts['clean']:5}  "
            f"{100 * counts['read'] / dated:5.1f}  {100 * counts['clean'] / dated:6.1f}"
        )
    for note in notes:
        print(note)


if __name__ == "__main__":
    main(sys.argv[1:])
