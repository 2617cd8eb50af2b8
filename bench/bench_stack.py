"""Load through the production stack (`make stack`): pages, API and feed against a static file.

    STACK_SYNTHETIC=20000 STACK_SYNTHETIC_YEARS=12 STACK_SYNTHETIC_AHEAD_DAYS=60 make stack
    .venv/bin/python bench/bench_stack.py        # 10 s per URL, 8 clients; then make stack-stop

(the archive's shape: twelve years of meetups, the next two months listed; without the two
shape variables half of the meetups lie ahead, a stress shape for the feed)

Each URL is measured right after the static file, in the same run, through the same nginx:
requests per second, the ratio to the static file's rate, median and 99th percentile, errors
(any status but 200, any socket error), once without and once with `Accept-Encoding: gzip`.
Targets (issue 17): pages and the API at least half of the static file's rate, the feed at
least a quarter, no errors. The client is Debian's `wrk` when installed (apt-get install
wrk; this script installs nothing), else the Python clients of bench_load.py; client and
stack share the machine's cores. The table replaces the part of bench/RESULTS.md between the
`stack` markers.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_load as load

STACK_URL = os.environ.get("STACK_URL", "http://127.0.0.1:8080").rstrip("/")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- stack:begin -->", "<!-- stack:end -->"
TARGETS = [
    ("/", 0.5),
    ("/events/?region=europe", 0.5),
    ("/api/events.json", 0.5),
    ("/feeds/events.ics", 0.25),
]


ENCODINGS = {"identity": {}, "gzip": {"Accept-Encoding": "gzip"}}
# A cookie makes nginx pass the request on (proxy_cache_bypass): Django's own rate, from
# the page cache in Redis. Informational: the targets are for what visitors get.
BYPASS = {"Accept-Encoding": "gzip", "Cookie": "csrftoken=bench"}


def get(path: str, headers: dict[str, str] | None = None) -> tuple[bytes, dict[str, str]]:
    request = urllib.request.Request(STACK_URL + path, headers=headers or {})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.read(), dict(response.headers)


def static_path() -> str:
    """The hashed stylesheet the pages link: a static file nginx serves itself."""
    html, _ = get("/events/")
    found = re.search(rb'href="(/static/css/site\.[0-9a-f]+\.css)"', html)
    if not found:
        raise SystemExit("bench_stack: no hashed stylesheet on /events/: is the stack up?")
    return found.group(1).decode()


def measure(port: int, path: str, headers: dict[str, str]) -> dict:
    for _ in range(3):  # warm: Django's page cache and nginx's micro-cache hold it
        get(path, headers)
    client = load.run_wrk if shutil.which("wrk") else load.run_python_clients
    figures = client(port, path, headers, {200})
    figures["bytes"] = len(get(path, headers)[0])  # as sent: compressed when gzip
    return figures


def main() -> int:
    health, _ = get("/healthz")
    if not json.loads(health).get("database"):
        raise SystemExit(f"bench_stack: the stack at {STACK_URL} is not healthy: {health!r}")
    port = urlsplit(STACK_URL).port or 80
    meetups = json.loads(get("/api/events.json?page_size=1&include_past=1")[0])["count"]
    upcoming = json.loads(get("/api/events.json?page_size=1")[0])["count"]
    static = static_path()
    rows = []
    for encoding, headers in ENCODINGS.items():
        for path, target in TARGETS:
            base = measure(port, static, headers)
            page = measure(port, path, headers)
            ratio = page["req_s"] / base["req_s"] if base["req_s"] else 0.0
            met = ratio >= target and page["errors"] == 0 and base["errors"] == 0
            rows.append((path, encoding, page, base, ratio, target, met))
            print(f"{path} ({encoding}): {page['req_s']} req/s, static {base['req_s']}")
    bypassed = []
    for path, _ in TARGETS:
        page = measure(port, path, BYPASS)
        bypassed.append((path, page))
        print(f"{path} (past nginx's cache): {page['req_s']} req/s")
    client = "wrk" if shutil.which("wrk") else "Python clients (bench_load.py)"
    lines = [
        BEGIN,
        "## Through the production stack (bench/bench_stack.py)",
        "",
        f"`make stack` on this machine: nginx, two gunicorn instances "
        f"({os.environ.get('STACK_GUNICORN_WORKERS', '2')} sync workers each), PostgreSQL, "
        f"Redis; {meetups:,} meetups ({upcoming:,} in the default window). {load.CONCURRENCY} "
        f"connections for {load.SECONDS:.0f} s per URL with {client}, without and with "
        "`Accept-Encoding: gzip` (as browsers and calendar clients send it); each URL right "
        f"after the static file `{static}` ({rows[0][3]['bytes']:,} bytes; "
        f"{rows[-1][3]['bytes']:,} gzipped) with the same headers, in the same run.",
        "",
        "| URL | encoding | req/s | static req/s | ratio | target | met | median ms | p99 ms "
        "| errors | bytes |",
        "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for path, encoding, page, base, ratio, target, met in rows:
        lines.append(
            f"| `{path}` | {encoding} | {page['req_s']:,.0f} | {base['req_s']:,.0f} "
            f"| {ratio:.2f} | "
            f"{target:.2f} | {'yes' if met else 'NO'} | {page['median_ms']} | {page['p99_ms']} "
            f"| {page['errors'] + base['errors']} | {page['bytes']:,} |"
        )
    lines += [
        "",
        "Past nginx's micro-cache (a cookie in the request: gzip, from Django's page cache in "
        "Redis, two gunicorn instances): what the application itself sustains.",
        "",
        "| URL | req/s | median ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
    ]
    for path, page in bypassed:
        lines.append(
            f"| `{path}` | {page['req_s']:,.0f} | {page['median_ms']} | {page['p99_ms']} "
            f"| {page['errors']} |"
        )
    lines += [
        "",
        "What this shows and does not: with the micro-cache, nginx passes each URL to Django "
        "about once a second and answers the rest from its cache, so the rates above are "
        "nginx's; a write reaches visitors within about a second. Identity answers of a large "
        "feed are bound by their size (the static file is small), gzip ones are not. "
        "Client and stack share the two cores with other work, so the p99 is noisy.",
        END,
    ]
    table = "\n".join(lines)
    text = RESULTS.read_text()
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + table + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + table + "\n"
    RESULTS.write_text(text)
    print(table)
    return 0 if all(row[6] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
