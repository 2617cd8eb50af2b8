"""Synthetic copies of the older layouts (2014 - February 2022) for the ingest benchmark.

`write_history_archive(folder, copies)` writes the 12 old issues of tests/fixtures/history
`copies` times: each copy is a distinct newsletter (its own number) whose event links carry
`copy=N`, so that every copy's entries become meetups of their own, in the layout and era
of the issue they copy (dates are kept: the era is chosen by the issue date).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HISTORY = ROOT / "tests" / "fixtures" / "history"
_URL = re.compile(r"(?:https?://|www\.)[^\s()<>\[\]]+")
_NUMBER = re.compile(r"^(Title: This Week in Rust )(\d+)", re.M)


def copy_of(text: str, copy: int) -> str:
    """The issue as copy number `copy`: another number, links of its own."""

    def mark(match: re.Match[str]) -> str:
        url = match.group(0).rstrip(".,")
        tail = match.group(0)[len(url) :]
        return f"{url}{'&' if '?' in url else '?'}copy={copy}{tail}"

    text = _URL.sub(mark, text)
    text = re.sub(
        r"^Number: (\d+)", lambda m: f"Number: {int(m[1]) + 1000 * copy}", text, flags=re.M
    )
    if not re.search(r"^Number:", text, re.M):  # 2014-15 issues carry the number in the title
        text = _NUMBER.sub(lambda m: f"{m[1]}{int(m[2]) + 1000 * copy}", text, count=1)
    return text


def write_history_archive(folder: Path, copies: int) -> int:
    count = 0
    for copy in range(copies):
        for sample in sorted(HISTORY.glob("*.md")):
            text = sample.read_text(encoding="utf-8")
            (folder / f"{copy:02d}-{sample.name}").write_text(copy_of(text, copy), "utf-8")
            count += 1
    return count
