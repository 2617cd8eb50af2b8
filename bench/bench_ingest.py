"""Ingest benchmark: a synthetic archive of ~250 issues (~10,000 entry lines), then again.

The archive is the 12 samples with their dates shifted by whole years (weekdays kept) and
their numbers moved, so every copy is a distinct newsletter with realistic entries.
Targets (2-core machine): first run < 5 s, unchanged re-run < 1 s.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _django import ROOT, setup

SAMPLES = ROOT / "tests" / "fixtures" / "samples"
COPIES = 21  # 12 samples x 21 = 252 issues
RUNS = 3
NAMES = ("ingest: first run", "ingest: unchanged re-run")
DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def shifted(text: str, years: int) -> str:
    delta = timedelta(weeks=52 * years)

    def move(match: re.Match) -> str:
        try:
            return (date(*map(int, match.groups())) + delta).isoformat()
        except ValueError:
            return match.group(0)

    text = DATE.sub(move, text)
    return re.sub(
        r"^Number: (\d+)",
        lambda m: f"Number: {int(m.group(1)) + 1000 * years}",
        text,
        count=1,
        flags=re.M,
    )


def write_archive(folder: Path) -> int:
    count = 0
    for copy in range(COPIES):
        for sample in sorted(SAMPLES.iterdir()):
            text = sample.read_text(encoding="utf-8")
            (folder / f"{copy:02d}-{sample.name}").write_text(shifted(text, copy), "utf-8")
            count += 1
    return count


def main() -> list[dict]:
    """Each run on an empty database; the median of RUNS (this machine's speed drifts)."""
    setup("ingest.sqlite3")
    from django.db import connections

    from calendar_app.services.ingest import ingest_paths

    timings: dict[str, list[tuple[float, float]]] = {name: [] for name in NAMES}
    details: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        files = write_archive(Path(folder))
        for run in range(RUNS):
            if run:
                connections.close_all()
                setup("ingest.sqlite3")  # empty again
            for name in NAMES:
                started, cpu = time.perf_counter(), time.process_time()
                report = ingest_paths([folder])
                timings[name].append((time.perf_counter() - started, time.process_time() - cpu))
                details[name] = (
                    f"{files} files, {report.entries} entries, "
                    f"{report.meetups_created} created, "
                    f"{report.skipped_unchanged} skipped"
                )
    rows = []
    for name, runs in timings.items():
        walls = sorted(wall for wall, _ in runs)
        rows.append(
            {
                "name": name,
                "median_ms": round(statistics.median(walls) * 1000, 1),
                "cpu_median_ms": round(statistics.median(cpu for _, cpu in runs) * 1000, 1),
                "detail": f"{details[name]}; {RUNS} runs: "
                + ", ".join(f"{wall * 1000:,.0f}" for wall in walls)
                + " ms",
            }
        )
    return rows


if __name__ == "__main__":
    for row in main():
        print(
            f"{row['name']:<28} {row['median_ms']:>9.1f} ms median (this process's CPU "
            f"{row['cpu_median_ms']:.1f} ms)  {row['detail']}"
        )
