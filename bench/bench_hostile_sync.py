"""A whole sync of hostile calendars beside ordinary ones (issue 25), as `sync_sources` runs
it (the default 15 s deadline per fetch), on an empty SQLite database.

The hostile set: an every-minute and an every-second series, 200 endless daily series,
5,000 events with one UID, a broken VTIMEZONE, a 600-character ETag, a server that drips
its headers a byte every 0.2 s, a first answer of 304, and a source from the public form
redirecting to another loopback port. Beside them, 20 Meetup-shaped feeds of 20 events.
Target: the whole sync well within 60 s, every ordinary event merged. The servers run in
this process. ``main()`` returns the rows for bench/run_all.py.
"""

from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from _django import setup  # noqa: E402
from bench_sources_fetch import FEEDS, NOW  # noqa: E402

ORDINARY = dict(list(FEEDS.items())[:20])
TARGET_S = 60.0


def _calendar(*events: str, head: str = "") -> bytes:
    text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\n" + head
    return (text + "".join(events) + "END:VCALENDAR\r\n").encode()


def _event(uid: str, start: str = "DTSTART:20261209T180000Z", extra: str = "") -> str:
    return f"BEGIN:VEVENT\r\nUID:{uid}\r\n{start}\r\nSUMMARY:{uid}\r\n{extra}END:VEVENT\r\n"


ZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Custom/Broken\r\nBEGIN:STANDARD\r\nDTSTART:garbage\r\n"
    "TZOFFSETFROM:+zz00\r\nTZOFFSETTO:nonsense\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
)
HOSTILE = {
    "/minutely.ics": _calendar(
        _event("minutely", extra="RRULE:FREQ=MINUTELY\r\n"),
        _event("secondly", extra="RRULE:FREQ=SECONDLY\r\n"),
        _event("beside-minutely"),
    ),
    "/daily.ics": _calendar(
        *(_event(f"daily-{i}", extra="RRULE:FREQ=DAILY\r\n") for i in range(200))
    ),
    "/one-uid.ics": _calendar(*(_event("same") for _ in range(5000))),
    "/broken-zone.ics": _calendar(
        ZONE,
        _event("zoned", "DTSTART;TZID=Custom/Broken:20261210T190000"),
        _event("beside-zone"),
        head="X-WR-TIMEZONE:Europe/Berlin\r\n",
    ),
    "/long-etag.ics": _calendar(_event("long-etag")),
}
BODIES = {**ORDINARY, **HOSTILE}
STOP = threading.Event()
REDIRECT_TO = [""]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/drip-headers":
            self.close_connection = True
            for byte in b"HTTP/1.1 200 OK\r\nX-Drip: " + b"y" * 1000:
                if STOP.wait(0.2):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            return
        if self.path == "/always-304":
            self.send_response(304)
            self.end_headers()
            return
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", REDIRECT_TO[0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = BODIES.get(self.path, b"")
        etag = '"' + "e" * 598 + '"' if self.path == "/long-etag.ics" else f'"{len(body)}"'
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _serve() -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> list[dict]:
    setup("hostile.sqlite3")
    from django.conf import settings

    from calendar_app.models import Meetup, Source
    from calendar_app.services.sources_sync import sync_sources

    server, inside = _serve(), _serve()
    port = server.server_address[1]
    base = f"http://127.0.0.1:{port}"
    REDIRECT_TO[0] = f"http://127.0.0.1:{inside.server_address[1]}/long-etag.ics"
    settings.TRUSTED_SOURCE_HOSTS = [f"localhost:{port}"]
    paths = [*ORDINARY, *HOSTILE, "/drip-headers", "/always-304"]
    sources = [Source(url=base + path, name=path.strip("/")) for path in paths]
    public = Source(url=f"http://localhost:{port}/redirect", name="public-redirect")
    if any(field.name == "trusted" for field in Source._meta.fields):
        public.trusted = False
    Source.objects.bulk_create([*sources, public])
    try:
        started = time.perf_counter()
        report = sync_sources(
            sources=Source.objects.order_by("pk"),
            now=NOW,
            progress=lambda i, n, s: print(f"  {time.perf_counter() - started:6.1f} s  {s.name}"),
        )
        seconds = time.perf_counter() - started
    finally:
        STOP.set()
        for running in (server, inside):
            running.shutdown()
            running.server_close()
    ordinary = Meetup.objects.filter(title__startswith="Rust meetup ").count()
    print(f"hostile sync: {seconds:.1f} s; {ordinary} ordinary meetups of {20 * 20}")
    for source in Source.objects.order_by("pk")[20:]:
        said = source.last_error or getattr(source, "notes", "") or "ok"
        print(f"  {source.name:<18} {said[:110]}")
    print(f"  meetups in all: {Meetup.objects.count()}; {report.failed} sources failed")
    return [
        {
            "name": "sync: hostile set + 20 feeds",
            "median_ms": round(seconds * 1000, 1),
            "detail": f"{ordinary}/400 ordinary events merged, {report.failed} sources failed; "
            f"target < {TARGET_S:g} s",
        }
    ]


if __name__ == "__main__":
    main()
