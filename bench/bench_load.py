"""Load benchmark: gunicorn with production settings on 127.0.0.1, 20,000 meetups, concurrent
clients for a bounded time per URL.

    .venv/bin/python bench/bench_load.py            # 10 s per URL, 8 concurrent clients
    BENCH_LOAD_SECONDS=30 BENCH_LOAD_CONCURRENCY=16 .venv/bin/python bench/bench_load.py

Steps: build bench/out/load.sqlite3 once with bench/synthetic.py (20,000 meetups over two
years; rebuilt when synthetic.py or the migrations change), collectstatic into bench/out/,
start gunicorn (DJANGO_ENV=production, SECURE_SSL_REDIRECT=0, ALLOWED_HOSTS=127.0.0.1) on a
free loopback port, then for each URL run the clients for BENCH_LOAD_SECONDS and record
requests per second, median and 99th percentile latency and errors (any status other than
200, or 304 for the If-None-Match run; any connection failure). gunicorn is stopped at the
end, also on failure or Ctrl-C.

The clients are Python processes (http.client, one request per connection, as gunicorn's
sync workers close the connection anyway); `wrk` is used instead when BENCH_LOAD_CLIENT=wrk
and it is installed (apt-get install wrk). Client and server share the machine's cores.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DB = OUT / "load.sqlite3"
STAMP = OUT / "load.sqlite3.stamp"
STATIC = OUT / "static"
LOG = OUT / "gunicorn-load.log"
PY = sys.executable

MEETUPS = int(os.environ.get("BENCH_LOAD_MEETUPS", "20000"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "10"))
CONCURRENCY = int(os.environ.get("BENCH_LOAD_CONCURRENCY", "8"))
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
CLIENT = os.environ.get("BENCH_LOAD_CLIENT", "auto")  # auto: wrk if installed
# gunicorn kills a worker silent for this long; a cold render of the whole feed over 20,000
# meetups takes many seconds when every worker does it at once on two cores.
WORKER_TIMEOUT = int(os.environ.get("BENCH_LOAD_TIMEOUT", "300"))
HOST = "127.0.0.1"

FEED = "/feeds/events.ics"
TARGETS = [
    ("load: /", "/", None),
    ("load: /events/?region=europe", "/events/?region=europe", None),
    ("load: /feeds/events.ics", FEED, None),
    ("load: /feeds/events.ics (If-None-Match)", FEED, "etag"),
]


# ----------------------------------------------------------------------------- the database


def build_stamp() -> str:
    """What the database was built from: synthetic.py and the migrations."""
    parts = [f"n={MEETUPS}"]
    for path in [
        ROOT / "bench" / "synthetic.py",
        *sorted((ROOT / "calendar_app" / "migrations").glob("0*.py")),
    ]:
        if path.exists():
            parts.append(f"{path.name}:{path.stat().st_mtime_ns}:{path.stat().st_size}")
    return "\n".join(parts)


def build_database() -> None:
    """In a child process (Django is set up once per process): migrate, make the meetups."""
    if DB.exists() and STAMP.exists() and STAMP.read_text() == build_stamp():
        return
    tmp = OUT / "load-building.sqlite3"
    code = "\n".join(
        [
            f"import sys; sys.path[:0] = [{str(ROOT / 'bench')!r}, {str(ROOT)!r}]",
            "from _django import setup",
            f"setup({tmp.name!r})",
            "from synthetic import make_synthetic_meetups",
            f"make_synthetic_meetups(n={MEETUPS}, years=2, seed=0)",
            "from calendar_app.models import Meetup",
            "print(Meetup.objects.count())",
        ]
    )
    started = time.perf_counter()
    result = subprocess.run(
        [PY, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=django_env(database=tmp),
        timeout=1800,
    )
    if result.returncode != 0:
        raise RuntimeError(f"building the load database failed:\n{result.stderr[-3000:]}")
    count = int(result.stdout.strip().splitlines()[-1])
    if count < MEETUPS * 0.9:
        raise RuntimeError(f"synthetic database has {count} meetups, expected {MEETUPS}")
    # SQLite runs in WAL mode: fold the log into the file before moving it, and never leave
    # an old -wal/-shm next to a new database ("file is not a database").
    import sqlite3

    with contextlib.closing(sqlite3.connect(tmp)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for suffix in ("-wal", "-shm"):
        for stale in (Path(f"{DB}{suffix}"), Path(f"{tmp}{suffix}")):
            stale.unlink(missing_ok=True)
    tmp.replace(DB)
    STAMP.write_text(build_stamp())
    print(
        f"built {DB.relative_to(ROOT)}: {count} meetups in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )


# ----------------------------------------------------------------------------- the server

SECRET = secrets.token_urlsafe(50)


def django_env(*, database: Path = DB, production: bool = False) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DJANGO_ENV", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        GEOCODER="offline",
        DJANGO_SETTINGS_MODULE="twirevents.settings",
    )
    if production:
        if os.environ.get("DJANGO_SETTINGS_MODULE") == "load_settings":
            env.update(
                DJANGO_SETTINGS_MODULE="load_settings",
                PYTHONPATH=os.pathsep.join([str(OUT), str(ROOT)]),
            )
        env.update(
            DJANGO_ENV="production",
            SECRET_KEY=SECRET,
            ALLOWED_HOSTS=HOST,
            SECURE_SSL_REDIRECT="0",
            STATIC_ROOT=str(STATIC),
            CONN_MAX_AGE="600",
            LOG_LEVEL="WARNING",
        )
    return env


FALLBACK_SETTINGS = """\
# Written by bench/bench_load.py when collectstatic fails with the manifest storage (a static
# file references a missing one): the same settings with hashed names turned off.
from twirevents.settings import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}
"""
static_note = ""


def collectstatic() -> None:
    """Production static files; falls back to unhashed names (noted in the rows) if needed."""
    global static_note
    command = [PY, "manage.py", "collectstatic", "--noinput", "-v", "0", "--clear"]
    result = subprocess.run(
        command,
        cwd=ROOT,
        env=django_env(production=True),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode == 0:
        return
    missing = [line for line in result.stderr.splitlines() if "could not be found" in line]
    if not missing:
        raise RuntimeError(f"collectstatic (production settings) failed:\n{result.stderr[-2000:]}")
    (OUT / "load_settings.py").write_text(FALLBACK_SETTINGS)
    os.environ["DJANGO_SETTINGS_MODULE"] = "load_settings"
    match = re.search(r"file '([^']+)' could not be found", missing[0])
    static_note = f"; static without manifest ({match.group(1) if match else '?'} missing)"
    print(
        f"collectstatic with the manifest storage failed, using load_settings: {missing[0]}",
        file=sys.stderr,
    )
    result = subprocess.run(
        command,
        cwd=ROOT,
        env=django_env(production=True),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"collectstatic failed:\n{result.stderr[-2000:]}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    gunicorn = Path(PY).with_name("gunicorn")
    log = LOG.open("w")
    return subprocess.Popen(
        [
            str(gunicorn) if gunicorn.exists() else "gunicorn",
            "twirevents.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(WORKERS),
            "--timeout",
            str(WORKER_TIMEOUT),
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=django_env(production=True),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped as one below
    )


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=5)


def request(port: int, path: str, headers: dict[str, str] | None = None, timeout: float = 30):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
        response = conn.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), body
    finally:
        conn.close()


def wait_ready(port: int, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {LOG}")
        try:
            request(port, "/", timeout=120)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer on {HOST}:{port} within {timeout:.0f} s")


# ----------------------------------------------------------------------------- the clients


def warm_up(port: int, path: str, headers: dict[str, str]) -> float:
    """Requests enough to reach every worker (each renders and caches the feed once, which
    takes seconds for 20,000 meetups); returns the slowest, in ms. Not measured."""
    from concurrent.futures import ThreadPoolExecutor

    def timed(_):
        started = time.perf_counter()
        try:
            request(port, path, headers, timeout=900)
        except (OSError, http.client.HTTPException) as exc:
            print(f"warm-up {path}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return (time.perf_counter() - started) * 1000

    with ThreadPoolExecutor(WORKERS) as pool:
        return max(pool.map(timed, range(WORKERS * 3)))


def client_loop(args) -> tuple[list[float], dict[str, int]]:
    """One client: requests back to back until the deadline; latencies in ms, status counts."""
    port, path, headers, deadline, ok = args
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    while time.time() < deadline:
        started = time.perf_counter()
        try:
            status, _, _ = request(port, path, headers)
            key = str(status)
        except (OSError, http.client.HTTPException) as exc:
            key = type(exc).__name__
        latencies.append((time.perf_counter() - started) * 1000)
        statuses[key] = statuses.get(key, 0) + 1
    return latencies, statuses


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def run_python_clients(port: int, path: str, headers: dict[str, str], ok: set[int]) -> dict:
    deadline = time.time() + SECONDS
    args = [(port, path, headers, deadline, ok)] * CONCURRENCY
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(CONCURRENCY) as pool:
        results = pool.map(client_loop, args)
    elapsed = time.perf_counter() - started
    latencies = [ms for lat, _ in results for ms in lat]
    statuses: dict[str, int] = {}
    for _, counts in results:
        for key, n in counts.items():
            statuses[key] = statuses.get(key, 0) + n
    errors = sum(n for key, n in statuses.items() if not (key.isdigit() and int(key) in ok))
    return {
        "requests": len(latencies),
        "req_s": round(len(latencies) / elapsed, 1),
        "median_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
        "errors": errors,
        "statuses": statuses,
    }


def run_wrk(port: int, path: str, headers: dict[str, str], ok: set[int]) -> dict:  # noqa: C901
    """wrk counts non-2xx/3xx as errors; --latency gives the 50th and 99th percentiles."""
    command = [
        "wrk",
        f"-t{min(CONCURRENCY, 4)}",
        f"-c{CONCURRENCY}",
        f"-d{int(SECONDS)}s",
        "--latency",
        "--timeout",
        "30s",
        "-H",
        f"Host: {HOST}",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    result = subprocess.run(
        [*command, f"http://{HOST}:{port}{path}"],
        capture_output=True,
        text=True,
        timeout=SECONDS + 60,
    )
    text = result.stdout

    def ms(label: str) -> float | None:
        for line in text.splitlines():
            parts = line.split()
            if parts and parts[0] == label and len(parts) > 1:
                value = parts[1]
                for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
                    if value.endswith(unit):
                        return round(float(value[: -len(unit)]) * factor, 1)
        return None

    requests = errors = 0
    req_s = 0.0
    for line in text.splitlines():
        line = line.strip()
        if "requests in" in line:
            requests = int(line.split()[0])
        elif line.startswith("Requests/sec:"):
            req_s = float(line.split()[1])
        elif line.startswith("Non-2xx or 3xx responses:"):
            errors += int(line.split()[-1])
        elif line.startswith("Socket errors:"):
            errors += sum(int(part.split()[-1]) for part in line.split(":", 1)[1].split(","))
    return {
        "requests": requests,
        "req_s": round(req_s, 1),
        "median_ms": ms("50%"),
        "p99_ms": ms("99%"),
        "errors": errors,
        "statuses": {"wrk": text[-400:]},
    }


# ----------------------------------------------------------------------------- main


def main() -> list[dict]:
    OUT.mkdir(parents=True, exist_ok=True)
    build_database()
    collectstatic()
    use_wrk = CLIENT in {"wrk", "auto"} and shutil.which("wrk") is not None
    port = free_port()
    server = start_gunicorn(port)
    rows: list[dict] = []
    try:
        wait_ready(port, server)
        status, headers, body = request(port, FEED, timeout=900)
        etag = {k.lower(): v for k, v in headers.items()}.get("etag")
        for name, path, conditional in TARGETS:
            extra: dict[str, str] = {}
            ok = {200}
            if conditional:
                if not etag:
                    rows.append({"name": name, "errors": "-", "detail": "feed sends no ETag"})
                    continue
                extra, ok = {"If-None-Match": etag}, {304}
            cold_ms = warm_up(port, path, extra)
            run = (run_wrk if use_wrk else run_python_clients)(port, path, extra, ok)
            statuses = ", ".join(
                f"{k}: {v}" for k, v in sorted(run.pop("statuses").items()) if k != "wrk"
            )
            rows.append(
                {
                    "name": name,
                    **run,
                    "detail": (
                        f"{CONCURRENCY} clients ({'wrk' if use_wrk else 'python'}), "
                        f"slowest warm-up request {cold_ms:,.0f} ms, "
                        f"{SECONDS:g} s, {WORKERS} gunicorn workers{static_note}"
                        + (f"; {statuses}" if statuses else "")
                    ),
                }
            )
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn died during the run; see {LOG}")
    finally:
        stop_gunicorn(server)
    return rows


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--json":
        print(json.dumps(main()))
    else:
        for row in main():
            print(
                f"{row['name']:<44} {row.get('req_s', '-'):>8} req/s  median "
                f"{row.get('median_ms', '-')} ms  p99 {row.get('p99_ms', '-')} ms  "
                f"errors {row.get('errors', '-')}  ({row.get('detail', '')})"
            )
