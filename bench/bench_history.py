"""Ingest of the older layouts: 252 synthetic old issues (bench/synthetic_history.py).

The 12 old issues (2014 - February 2022) x 21 copies, ingested on an empty database (the
median of three runs), then again unchanged; and the parser alone on the old layouts.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from _django import setup
from synthetic_history import write_history_archive

COPIES = 21  # 12 old issues x 21 = 252 issues
RUNS = 3
NAMES = ("ingest old layouts: first run", "ingest old layouts: unchanged re-run")


def _row(name: str, runs: list[tuple[float, float]], detail: str) -> dict:
    walls = sorted(wall for wall, _ in runs)
    return {
        "name": name,
        "median_ms": round(statistics.median(walls) * 1000, 1),
        "cpu_median_ms": round(statistics.median(cpu for _, cpu in runs) * 1000, 1),
        "detail": f"{detail}; {len(walls)} runs: "
        + ", ".join(f"{wall * 1000:,.0f}" for wall in walls)
        + " ms",
    }


def parse_only(folder: Path) -> dict:
    from calendar_app.twir import parse_newsletter

    texts = [path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())]
    runs = []
    for _ in range(RUNS):
        started, cpu = time.perf_counter(), time.process_time()
        entries = sum(len(parse_newsletter(text).entries) for text in texts)
        runs.append((time.perf_counter() - started, time.process_time() - cpu))
    return _row("parse old layouts (no database)", runs, f"{len(texts)} files, {entries} entries")


def main() -> list[dict]:
    setup("ingest_history.sqlite3")
    from django.db import connections

    from calendar_app.services.ingest import ingest_paths

    timings: dict[str, list[tuple[float, float]]] = {name: [] for name in NAMES}
    details: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        files = write_history_archive(Path(folder), COPIES)
        rows = [parse_only(Path(folder))]
        for run in range(RUNS):
            if run:
                connections.close_all()
                setup("ingest_history.sqlite3")  # empty again
            for name in NAMES:
                started, cpu = time.perf_counter(), time.process_time()
                report = ingest_paths([folder])
                timings[name].append((time.perf_counter() - started, time.process_time() - cpu))
                details[name] = (
                    f"{files} files, {report.entries} entries, {report.meetups_created} created, "
                    f"{report.flagged} flagged, {report.skipped_unchanged} skipped"
                )
    return rows + [_row(name, runs, details[name]) for name, runs in timings.items()]


if __name__ == "__main__":
    for row in main():
        print(
            f"{row['name']:<38} {row['median_ms']:>9.1f} ms median (this process's CPU "
            f"{row['cpu_median_ms']:.1f} ms)  {row['detail']}"
        )
