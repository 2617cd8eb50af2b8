"""Issue 21's product targets, the tree before the plain-Django change beside this one.

"before" is commit BEFORE (hand-written SQL bulk layer, own history rows, the parse-ahead
worker), unpacked by `git archive` into bench/out/tree-before; "this tree" is the checkout
running the benchmark. Both run the same commands on the same files, one after the other,
in the same run:

- (b) the whole archive from scratch: 250 synthetic modern issues (bench/synthetic.py) and
  252 in the older layouts (bench/synthetic_history.py), one `manage.py ingest_twir`; wall
  time and the command's max RSS (its parsing worker's included). Target < 30 s.
- (a) a new week's issue into that archive's database: `manage.py ingest_twir NEW.md`,
  beside `manage.py check` (the command's own start-up); target: the difference < 1 s.
- (c) a sync of 150 calendars, every one unchanged (bench_sync.py's all-304 run): < 2 s.
- the JSON export of the shared corpus (bench/export_identity.py): byte-identical.

Start-up, the ingest of the new issue and the check are the median of RUNS runs each (the
database copied back before each ingest).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from _django import OUT, ROOT
from export_identity import export

BEFORE = "32cf677"  # the last commit with services/sql, parse_ahead and own history rows
RUNS = 3
ARCHIVE_TARGET_S, NEW_ISSUE_TARGET_S, SYNC_TARGET_S = 30.0, 1.0, 2.0
MODERN_ISSUES, OLD_COPIES = 250, 21


def tree_before() -> Path:
    """The BEFORE commit's files in bench/out/tree-before (unpacked once)."""
    tree = OUT / "tree-before"
    marker = tree / ".commit"
    if marker.exists() and marker.read_text() == BEFORE:
        return tree
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", BEFORE],
        capture_output=True,
        check=True,
    ).stdout
    with tempfile.TemporaryFile() as tar:
        tar.write(archive)
        tar.seek(0)
        with tarfile.open(fileobj=tar) as files:
            files.extractall(tree, filter="data")
    marker.write_text(BEFORE)
    return tree


def write_inputs(folder: Path) -> tuple[Path, Path, Path]:
    """The modern archive, the older layouts, and the next week's issue."""
    sys.path.insert(0, str(ROOT / "bench"))
    from synthetic import synthetic_archive
    from synthetic_history import write_history_archive

    modern, old = folder / "modern", folder / "old"
    modern.mkdir()
    old.mkdir()
    # numbered apart from the old layouts' copies (their numbers + 1000 per copy)
    *archive, (name, text) = synthetic_archive(issues=MODERN_ISSUES + 1, first_number=100_000)
    for file_name, body in archive:
        (modern / file_name).write_text(body, encoding="utf-8")
    new = folder / name
    new.write_text(text, encoding="utf-8")
    write_history_archive(old, OLD_COPIES)
    return modern, old, new


def run(tree: Path, db: Path, *args: str) -> tuple[float, float, str, float]:
    """`manage.py ARGS` in `tree` on `db`: (wall seconds, max RSS in MB, stdout, CPU
    seconds). Its children (a parsing worker) count in the RSS and CPU: wait4 reports the
    largest RSS and the sum of CPU of the process and the children it reaped."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-" + "x" * 40),
        "DJANGO_SETTINGS_MODULE": "twirevents.settings",
    }
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=tree, env=env, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            raise RuntimeError(f"{tree.name}: manage.py {args}: {err.read().decode()[-2000:]}")
        cpu = usage.ru_utime + usage.ru_stime
        return wall, usage.ru_maxrss / 1024, out.read().decode(), cpu


def fresh(db: Path) -> None:
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        path.unlink(missing_ok=True)


def copy_db(source: Path, target: Path) -> None:
    fresh(target)
    for suffix in ("", "-wal", "-shm"):
        if (path := source.with_name(source.name + suffix)).exists():
            shutil.copy(path, target.with_name(target.name + suffix))


def measure_tree(tree: Path, label: str, modern: Path, old: Path, new: Path) -> dict:
    db, copy = OUT / f"targets-{label}.sqlite3", OUT / f"targets-{label}-copy.sqlite3"
    fresh(db)
    run(tree, db, "migrate", "--verbosity", "0")
    archive_s, archive_rss, printed, archive_cpu = run(
        tree, db, "ingest_twir", "--json", str(modern), str(old)
    )
    report = json.loads(printed.strip().splitlines()[-1])
    copy_db(db, copy)
    checks, ingests, rss, check_cpu, new_cpu = [], [], [], [], []
    for _ in range(RUNS):
        wall, _, _, cpu = run(tree, db, "check")
        checks.append(wall)
        check_cpu.append(cpu)
        copy_db(copy, db)
        wall, peak, printed, cpu = run(tree, db, "ingest_twir", "--json", str(new))
        ingests.append(wall)
        new_cpu.append(cpu)
        rss.append(peak)
    new_report = json.loads(printed.strip().splitlines()[-1])
    return {
        "archive_s": archive_s,
        "archive_cpu": archive_cpu,
        "archive_rss": archive_rss,
        "archive": report,
        "check_s": statistics.median(checks),
        "check_cpu": statistics.median(check_cpu),
        "new_s": statistics.median(ingests),
        "new_cpu": statistics.median(new_cpu),
        "new_rss": statistics.median(rss),
        "new": new_report,
        "sync_s": sync_unchanged(tree),
    }


SYNC = """
import json, sys
sys.path[:0] = ["bench", "."]
import bench_sync
rows = bench_sync.main()
print(json.dumps({row["name"]: row["median_ms"] for row in rows}))
"""


def sync_unchanged(tree: Path) -> float:
    """bench_sync's all-304 sync (150 calendars), in seconds, with `tree`'s code."""
    result = subprocess.run(
        [sys.executable, "-c", SYNC], cwd=tree, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])["sync: all 304"] / 1000


def _ratio(old: float, new: float) -> str:
    return f"{new / old:.2f}x" if old else "-"


def speed_check() -> float:
    """Milliseconds for 5M steps of a Python loop (run_all's reading of the machine's speed:
    150-200 ms when the machine is quiet, several times that when other work shares it)."""
    started = time.perf_counter()
    total = 0
    for step in range(5_000_000):
        total += step
    return (time.perf_counter() - started) * 1000


def main() -> list[dict]:
    speed = speed_check()
    trees = [("before", tree_before()), ("this tree", ROOT)]
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as folder:
        modern, old, new = write_inputs(Path(folder))
        for label, tree in trees:
            results[label] = measure_tree(tree, label.replace(" ", "-"), modern, old, new)
            print(f"{label}: {json.dumps(results[label])}", file=sys.stderr, flush=True)
    exports = {label: export(tree, label.replace(" ", "-")) for label, tree in trees}
    was, now = results["before"], results["this tree"]
    rows = []

    def row(name: str, key: str, target: float | None, detail: str, scale: float = 1000.0):
        before, after = was[key], now[key]
        verdict = ""
        if target is not None:
            verdict = f"; target < {target:g} s: {'met' if after < target else 'MISSED'}"
            if key.replace("_s", "_cpu") in now:  # CPU: what a machine to itself would see
                cpu = now[key.replace("_s", "_cpu")]
                verdict += f" ({'met' if cpu < target else 'missed'} on CPU time)"
        rows.append(
            {
                "name": name,
                "before_ms": round(before * scale, 1),
                "median_ms": round(after * scale, 1),
                "ratio": _ratio(before, after),
                "detail": detail + verdict,
            }
        )

    files = was["archive"]["files"]
    row(
        "targets: whole archive from scratch",
        "archive_s",
        ARCHIVE_TARGET_S,
        f"{files} issues ({MODERN_ISSUES} modern, {files - MODERN_ISSUES} older layouts), "
        f"{now['archive']['entries']} entries, {now['archive']['meetups_total']} meetups "
        f"(before {was['archive']['meetups_total']}); one manage.py ingest_twir, start-up "
        f"included; CPU {was['archive_cpu']:.1f} s before, {now['archive_cpu']:.1f} s now; "
        f"max RSS {was['archive_rss']:.0f} MB before (parsing worker included), "
        f"{now['archive_rss']:.0f} MB now",
    )
    row(
        "targets: manage.py check (start-up)",
        "check_s",
        None,
        f"median of {RUNS}; CPU {was['check_cpu']:.2f} s before, {now['check_cpu']:.2f} s now",
    )
    row(
        "targets: new week's issue into the archive",
        "new_s",
        None,
        f"manage.py ingest_twir of one issue ({now['new']['entries']} entries, "
        f"{now['new']['meetups_created']} created, {now['new']['meetups_updated']} updated), "
        f"median of {RUNS}; CPU {was['new_cpu']:.2f} s before, {now['new_cpu']:.2f} s now; "
        f"beyond start-up: before {was['new_s'] - was['check_s']:.2f} s, "
        f"now {now['new_s'] - now['check_s']:.2f} s; target < {NEW_ISSUE_TARGET_S:g} s: "
        + ("met" if now["new_s"] - now["check_s"] < NEW_ISSUE_TARGET_S else "MISSED")
        + (
            " (met on CPU time)"
            if now["new_cpu"] - now["check_cpu"] < NEW_ISSUE_TARGET_S
            else " (missed on CPU time)"
        ),
    )
    row(
        "targets: sync of 150 calendars, all unchanged",
        "sync_s",
        SYNC_TARGET_S,
        "bench_sync.py's all-304 run",
    )
    before_export, after_export = exports["before"], exports["this tree"]
    if before_export is None or after_export is None:
        same = "not measured (no corpus in tests/fixtures)"
    else:
        digest = hashlib.sha256(after_export).hexdigest()[:16]
        same = (
            f"byte-identical ({len(after_export):,} bytes, sha256 {digest}…)"
            if before_export == after_export
            else f"DIFFERENT: {len(before_export):,} vs {len(after_export):,} bytes"
        )
    rows.append(
        {
            "name": "targets: JSON export of the shared corpus",
            "detail": f"corpus + corpus-history + seeds, UUIDs by order: {same}",
        }
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    rows[0]["detail"] += (
        f" (speed check {speed:.0f} ms before the run, {speed_check():.0f} ms after; load "
        f"average after it {load}, on {os.cpu_count()} cores)"
    )
    for item in rows:
        print(
            f"{item['name']:<46} {item.get('before_ms', 0):>9.1f} -> "
            f"{item.get('median_ms', 0):>9.1f} ms {item.get('ratio', ''):>6}  {item['detail']}"
        )
    return rows


if __name__ == "__main__":
    main()
