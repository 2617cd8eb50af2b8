"""Calendar sources without the database: fetch 150 loopback feeds of 20 events each,
read them, then fetch them all again with their ETags (every answer a 304).

The network and reading halves of a sync (issue 13 targets the whole sync: cold under
15 s, all-304 under 2 s on 2 cores); the writing half is measured where it is built.
The server runs in this process, so it competes with the client for the cores.
``main()`` returns the rows for bench/run_all.py.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from calendar_app.calendars import read_calendar  # noqa: E402
from calendar_app.services.sources_fetch import FetchRequest, fetch_feeds  # noqa: E402

SOURCES = 150
EVENTS = 20
RUNS = 3
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
AGENT = "twirevents-bench/1.0 (+http://127.0.0.1)"


def feed(k: int) -> bytes:
    """A Meetup-shaped feed: TZID times, a page URL, a place, GEO."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Meetup//RemoteApi//EN"]
    for i in range(EVENTS):
        eid = 300_000_000 + k * 100 + i
        page = f"https://www.meetup.com/group-{k}/events/{eid}/"
        lines += [
            "BEGIN:VEVENT",
            f"UID:event_{eid}@meetup.com",
            f"DTSTART;TZID=Europe/Prague:2026{12 if i % 2 else 11}{i % 27 + 1:02d}T183000",
            "DURATION:PT2H",
            f"SUMMARY:Rust meetup {k}/{i}",
            f"URL:{page}",
            "LOCATION:Svornosti 3321/2 (Praha 5\\, Czech Republic)",
            "GEO:50.08;14.43",
            f"DESCRIPTION:Talks and pizza\\n\\n{page}",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


FEEDS = {f"/group-{k}.ics": feed(k) for k in range(SOURCES)}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = FEEDS[self.path]
        etag = f'"{len(body)}-{self.path}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def one_run(base: str) -> tuple[float, float, float, float, int]:
    requests = [FetchRequest(base + path) for path in FEEDS]
    started, cpu = time.perf_counter(), time.process_time()
    results = fetch_feeds(requests, agent=AGENT, allow_private=True)
    fetched = time.perf_counter() - started
    events = sum(len(read_calendar(r.body, now=NOW).events) for r in results)
    cold, cold_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert all(r.ok for r in results), [r.error for r in results if not r.ok][:3]
    again = [FetchRequest(r.url, etag=r.etag) for r in results]
    started = time.perf_counter()
    second = fetch_feeds(again, agent=AGENT, allow_private=True)
    unchanged = time.perf_counter() - started
    assert all(r.not_modified for r in second)
    return fetched, cold, cold_cpu, unchanged, events


def main() -> list[dict]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        runs = [one_run(base) for _ in range(RUNS)]
    finally:
        server.shutdown()
        server.server_close()
    events = runs[0][4]

    def row(name: str, index: int, detail: str) -> dict:
        values = [r[index] * 1000 for r in runs]
        spread = ", ".join(f"{v:,.0f}" for v in values)
        return {
            "name": f"sources: {name}",
            "median_ms": round(statistics.median(values), 1),
            "detail": f"{detail}; {RUNS} runs: {spread} ms",
        }

    rows = [
        row("cold fetch", 0, f"{SOURCES} loopback feeds, 4 at a time"),
        row("cold fetch + read", 1, f"{events} events read"),
        row("cold fetch + read, CPU", 2, "both halves, this process"),
        row("all-304 fetch", 3, f"{SOURCES} feeds, ETag sent, every answer 304"),
    ]
    for r in rows:
        print(f"{r['name']:<32} {r['median_ms']:>10,.1f} ms  {r['detail']}")
    return rows


if __name__ == "__main__":
    main()
