"""Shared helpers for the parser tests: sample files and tiny newsletters."""

from __future__ import annotations

import re
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"
SEEDS = sorted(SAMPLES.glob("00*.txt"))
CORPUS = sorted(SAMPLES.glob("*.md"))
ALL_SAMPLES = SEEDS + CORPUS
CLEAN = CORPUS + [SAMPLES / "003_be00f24dea159675.txt"]  # the one undamaged seed

# A top-level bullet, or an entry line whose bullet was forgotten (`2025-02-26 | Girona, ES`).
TOP_LEVEL_BULLET = re.compile(
    r"^ ?(?:\$ ?)?[*+-](?:[ \t]+|$)|^ ?\$?\d{4}-\d{1,2}-\d{1,2}\b[^|]{0,40}\|"
)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _heading_level(line: str) -> int:
    """Only a `#` in the first column opens a heading (an indented one is out of use)."""
    match = re.match(r"^(#{1,6})[ \t]+(.*)$", line)
    return len(match[1]) if match and match[2].rstrip(" \t#").strip() else 0


def events_section(text: str) -> list[tuple[int, str]]:
    """(1-based number, line) of the events section, found independently of the parser."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if re.match(r"^#{1,2} Upcoming Events", line))
    level = _heading_level(lines[start])
    section = []
    for n in range(start + 1, len(lines)):
        if 0 < _heading_level(lines[n]) <= level:
            break
        section.append((n + 1, lines[n]))
    return section


# What must become an entry (or a flagged line): a top-level bullet that starts with a date,
# or any line that starts with a date followed by a `|`, whatever its indentation.
DATED_LINE = re.compile(
    r"^ ?(?:\$ ?)?[*+-][ \t]+\$?\d{4}-\d"
    r"|^\s*(?:\$\s*)?(?:[*+-][ \t]+)?\$?\d{4}-\d{1,2}-\d{1,2}[^|]{0,40}\|"
)


def dated_line_numbers(text: str) -> list[int]:
    return [n for n, line in events_section(text) if DATED_LINE.match(line)]


def entry_line_numbers(text: str) -> list[int]:
    return [n for n, line in events_section(text) if TOP_LEVEL_BULLET.match(line)]


def count_entry_lines(text: str) -> int:
    return len(entry_line_numbers(text))


def damage(text: str, codec: str) -> str:
    """What a wrong code page makes of UTF-8 (cp1252 gaps kept as C1 controls, like ftfy)."""
    import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)

    name = "sloppy-windows-1252" if codec == "cp1252" else codec
    return text.encode("utf-8").decode(name)


def newsletter(body: str, date: str = "2024-10-16", window: str | None = None) -> str:
    """A minimal issue around an events section body."""
    window = window or f"{date} - 2024-11-13"
    return (
        f"Title: This Week in Rust 569\nNumber: 569\nDate: {date}\nCategory: This Week in Rust\n\n"
        f"Intro.\n\n## Upcoming Events\n\nRusty Events between {window} 🦀\n\n{body}\n\n## Jobs\n"
    )
