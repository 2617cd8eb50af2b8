"""Every benchmark, one table: `make bench` (or .venv/bin/python bench/run_all.py).

Runs bench_targets (issue 21's product targets, before and after side by side),
bench_ingest, bench_history (the older layouts), bench_geocoding, bench_pages,
bench_feeds, bench_sources_fetch, bench_sync, bench_hostile_sync, bench_growth (1x and 10x
archives, first syncs of 150 and 600 calendars; BENCH_GROWTH_SCALES=1,10,30 and
BENCH_GROWTH_SYNCS=150,1500 for the record) and bench_load, each in a child process of its
own (each sets Django up on its own database), collects the rows their `main()` returns
({name, median_ms, p95_ms, queries, ...}), prints one table and rewrites bench/RESULTS.md
with it and the machine it ran on. A benchmark that fails gets an error row
and makes the exit status 1; the others still run.

    .venv/bin/python bench/run_all.py                  # all, rewrite RESULTS.md
    .venv/bin/python bench/run_all.py --only load      # some (RESULTS.md is not touched)
    .venv/bin/python bench/run_all.py --no-write
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "RESULTS.md"
MODULES = [
    "bench_targets",
    "bench_ingest",
    "bench_history",
    "bench_geocoding",
    "bench_pages",
    "bench_feeds",
    "bench_sources_fetch",
    "bench_sync",
    "bench_hostile_sync",
    "bench_growth",
    "bench_load",
]
COLUMNS = [
    ("name", "benchmark"),
    ("before_ms", "before ms"),
    ("median_ms", "median ms"),
    ("ratio", "after/before"),
    ("p95_ms", "p95 ms"),
    ("p99_ms", "p99 ms"),
    ("req_s", "req/s"),
    ("requests", "requests"),
    ("errors", "errors"),
    ("queries", "queries"),
]
KNOWN = {key for key, _ in COLUMNS} | {"detail"}


# ------------------------------------------------------------------------- one module (child)


def run_one(module_name: str, out: Path) -> None:
    """Child process: import the module, call main(), write its rows and printed text."""
    sys.path[:0] = [str(BENCH), str(ROOT)]
    module = importlib.import_module(module_name)
    printed = io.StringIO()

    class Tee(io.TextIOBase):
        def write(self, text):
            printed.write(text)
            return sys.__stdout__.write(text) if sys.__stdout__ else len(text)

        def flush(self):
            if sys.__stdout__:
                sys.__stdout__.flush()

    with contextlib.redirect_stdout(Tee()):
        rows = module.main()
    if isinstance(rows, dict):
        rows = rows.get("rows") or figures_to_rows(module_name, rows)
    out.write_text(
        json.dumps(
            {"rows": rows if isinstance(rows, list) else [], "printed": printed.getvalue()},
            default=str,
        )
    )


def figures_to_rows(module_name: str, figures: dict) -> list[dict]:
    """A main() that returns {figure: value}: one row per timing (`*_ms`, `*_s`), with
    `p50_ms`/`p95_ms` as one row; counts and sizes go in the detail of the first row."""
    short = module_name.removeprefix("bench_")
    rows: list[dict] = []
    if "p50_ms" in figures:
        rows.append(
            {
                "name": f"{short}: per call",
                "median_ms": figures["p50_ms"],
                "p95_ms": figures.get("p95_ms"),
            }
        )
    for key, value in figures.items():
        if key in {"p50_ms", "p95_ms"} or not isinstance(value, int | float):
            continue
        if key.endswith("_ms"):
            rows.append({"name": f"{short}: {key[:-3].replace('_', ' ')}", "median_ms": value})
        elif key.endswith("_s"):
            rows.append(
                {"name": f"{short}: {key[:-2].replace('_', ' ')}", "median_ms": value * 1000}
            )
    other = ", ".join(
        f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}"
        for k, v in figures.items()
        if not k.endswith(("_ms", "_s"))
    )
    for row in rows:
        row["median_ms"] = round(row["median_ms"], 3)
        if row.get("p95_ms") is not None:
            row["p95_ms"] = round(row["p95_ms"], 3)
    if rows and other:
        rows[0]["detail"] = other
    return rows


def run_module(module_name: str) -> tuple[list[dict], str, float]:
    if not (BENCH / f"{module_name}.py").exists():
        return (
            [
                {
                    "name": module_name,
                    "errors": "missing",
                    "detail": f"bench/{module_name}.py does not exist yet",
                }
            ],
            "",
            0.0,
        )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rows.json"
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, __file__, "--child", module_name, str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        sys.stderr.write(result.stderr[-4000:] if result.returncode else "")
        if result.returncode != 0 or not out.exists():
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            return [{"name": module_name, "errors": "FAILED", "detail": last[:200]}], "", seconds
        data = json.loads(out.read_text())
    rows = data["rows"]
    for row in rows:
        row.setdefault("name", module_name)
    return rows, data["printed"] if not rows else "", seconds


# ------------------------------------------------------------------------- machine


def command_output(*command: str) -> str:
    if not shutil.which(command[0]) and not Path(command[0]).exists():
        return ""
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def postgres_version() -> str:
    servers = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    text = command_output(str(servers[-1]), "--version") if servers else ""
    text = text or command_output("psql", "--version")
    match = re.search(r"\d+(\.\d+)+", text)
    return match.group(0) if match else "not installed"


def speed_check() -> float:
    """Milliseconds for a fixed pure-Python loop: a rough reading of the machine's speed.

    A shared virtual machine's speed changes from minute to minute (this loop took 150 to
    700 ms within a day). It is a hint only: database- and memory-heavy work (an ingest)
    has run 60% slower while this loop ran at full speed.
    """
    started = time.perf_counter()
    total = 0
    for step in range(5_000_000):
        total += step
    return (time.perf_counter() - started) * 1000


def machine() -> dict[str, str]:
    cpu = ""
    with contextlib.suppress(OSError):
        match = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = match.group(1).strip() if match else ""
    ram = ""
    with contextlib.suppress(OSError):
        match = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        ram = f"{int(match.group(1)) / 1024 / 1024:.1f} GiB" if match else ""
    import sqlite3

    import django

    commit = command_output("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD")
    dirty = command_output("git", "-C", str(ROOT), "status", "--porcelain")
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores (nproc)": command_output("nproc") or str(os.cpu_count()),
        "CPU": cpu or platform.processor() or "unknown",
        "RAM": ram or "unknown",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": postgres_version(),
        "gunicorn": command_output(str(Path(sys.executable).with_name("gunicorn")), "--version")
        or "?",
        "commit": f"{commit}{' (with uncommitted changes)' if dirty else ''}" or "?",
    }


# ------------------------------------------------------------------------- table


def cell(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        if abs(value) < 1:
            return f"{value:.3f}"
        return f"{value:,.1f}" if abs(value) < 1e6 else f"{value:.3g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(rows: list[dict]) -> str:
    extra = sorted({key for row in rows for key in row} - KNOWN)
    columns = [(k, t) for k, t in COLUMNS if any(row.get(k) not in (None, "") for row in rows)]
    columns += [(k, k.replace("_", " ")) for k in extra] + [("detail", "detail")]
    lines = [
        "| " + " | ".join(title for _, title in columns) + " |",
        "|" + "|".join("---" if k in {"name", "detail"} else "---:" for k, _ in columns) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(cell(row.get(k)) for k, _ in columns) + " |")
    return "\n".join(lines)


def write_results(text: str, info: dict[str, str], printed: dict[str, str]) -> None:
    parts = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run_all.py); rerun it to refresh. Times in "
        "milliseconds; `queries` is the number of SQL queries per request or call. The load "
        "rows are gunicorn with production settings on 127.0.0.1 over 20,000 synthetic "
        "meetups (bench/bench_load.py); client and server share the cores below.",
        "",
        text,
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {key} | {cell(value)} |" for key, value in info.items()],
        "",
    ]
    for module, output in printed.items():
        if output.strip():
            parts += [f"## {module} (printed)", "", "```", output.rstrip(), "```", ""]
    RESULTS.write_text("\n".join(parts) + kept_sections())


def kept_sections() -> str:
    """Sections written by hand (`## Recorded: ...`, e.g. a before/after): kept on rewrite."""
    if not RESULTS.exists():
        return ""
    text = RESULTS.read_text(encoding="utf-8")
    start = text.find("\n## Recorded: ")
    return text[start:] if start >= 0 else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated: ingest,history,geocoding,pages,feeds,load")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite RESULTS.md")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_one(args.child[0], Path(args.child[1]))
        return 0
    modules = MODULES
    if args.only:
        wanted = {f"bench_{name.strip().removeprefix('bench_')}" for name in args.only.split(",")}
        modules = [m for m in MODULES if m in wanted]
    rows: list[dict] = []
    printed: dict[str, str] = {}
    failed = False
    speed_before = speed_check()
    for module in modules:
        print(f"== {module}", file=sys.stderr, flush=True)
        module_rows, output, seconds = run_module(module)
        print(f"   {seconds:.1f} s", file=sys.stderr, flush=True)
        failed |= any(row.get("errors") in {"FAILED", "missing"} for row in module_rows)
        rows += module_rows
        if output:
            printed[module] = output
    text = table(rows)
    print()
    print(text)
    if not args.no_write and not args.only:
        info = machine()
        info["speed check"] = (
            f"{speed_before:.0f} ms before, {speed_check():.0f} ms after "
            "(5M steps of a Python loop; this machine's speed drifts)"
        )
        write_results(text, info, printed)
        print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
