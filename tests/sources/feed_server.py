"""A loopback HTTP server that answers like the feeds out there, good and bad.

Serves tests/fixtures/calendars/*.ics at ``/<name>.ics`` with an ETag and a
Last-Modified (answering 304 to either), the bad answers of issues 13 and 25 at fixed
paths, and whatever a test puts in ``bodies`` (path -> feed, served with an ETag).
It records every request's headers and how many ran at once.
"""

from __future__ import annotations

import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "calendars"
LAST_MODIFIED = "Tue, 24 Nov 2026 12:00:00 GMT"
HUGE = 50 * 1024 * 1024
HTML = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>Log in</body></html>"


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()  # releases the answers that never come
        self.delay = 0.0  # seconds before each /slow-ok answer
        self.bodies: dict[str, bytes] = {}  # path -> a feed a test made
        self.etags: dict[str, str] = {}  # path -> the ETag to send with it
        self.redirect_to = ""  # where /redirect sends the client

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path


class _Handler(BaseHTTPRequestHandler):
    server: FeedServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # stdlib name
        pass

    def do_GET(self) -> None:  # stdlib name
        server = self.server
        with server.lock:
            server.requests.append((self.path, dict(self.headers.items())))
            server.in_flight += 1
            server.most_in_flight = max(server.most_in_flight, server.in_flight)
        try:
            self._answer()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: what a size limit does
        finally:
            with server.lock:
                server.in_flight -= 1

    def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _answer(self) -> None:  # noqa: C901 - one branch per kind of answer, flat
        path = self.path.split("?")[0]
        if path in self.server.bodies:
            self._made(path)
        elif path.endswith(".ics"):
            self._feed(path)
        elif path == "/404":
            self._send(404, b"Not found", "text/plain")
        elif path == "/500":
            self._send(500, b"Oops", "text/plain")
        elif path == "/html":
            self._send(200, HTML, "text/html; charset=utf-8")
        elif path == "/garbage":
            self._send(200, os.urandom(4096), "text/calendar")
        elif path == "/huge":
            self._stream_huge(declared=False)
        elif path == "/huge-declared":
            self._stream_huge(declared=True)
        elif path in ("/loop-a", "/loop-b"):
            target = "/loop-b" if path == "/loop-a" else "/loop-a"
            self._send(302, b"", "text/plain", Location=target)
        elif path == "/moved":
            self._send(301, b"", "text/plain", Location="/meetup_group.ics")
        elif path == "/never":
            self.server.stop.wait(30)  # no status line, no headers: nothing
        elif path == "/trickle":
            self._trickle()
        elif path == "/drip-headers":
            self._drip_headers()
        elif path == "/always-304":
            self.send_response(304)
            self.end_headers()
        elif path == "/redirect":
            self._send(302, b"", "text/plain", Location=self.server.redirect_to)
        elif path == "/slow-ok":
            time.sleep(self.server.delay)
            self._feed("/luma_calendar.ics")
        else:
            self._send(404, b"unknown path", "text/plain")

    def _feed(self, path: str) -> None:
        file = FIXTURES / path.lstrip("/")
        if not file.is_file():
            self._send(404, b"no such feed", "text/plain")
            return
        etag = f'"{file.stem}-v1"'
        if self.headers.get("If-None-Match") == etag or (
            self.headers.get("If-Modified-Since") == LAST_MODIFIED
        ):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        body = file.read_bytes()
        self._send(
            200, body, "text/calendar; charset=utf-8", ETag=etag, Last_Modified=LAST_MODIFIED
        )

    def _made(self, path: str) -> None:
        etag = self.server.etags.get(path, f'"{len(self.server.bodies[path])}"')
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self._send(200, self.server.bodies[path], "text/calendar", ETag=etag)

    def _drip_headers(self) -> None:
        """A status line and headers a byte at a time, never done: no read ever times out."""
        self.close_connection = True
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\n" + b"X-Drip: " + b"y" * 500
        for byte in head:
            if self.server.stop.wait(0.2):
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()

    def _stream_huge(self, *, declared: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        if declared:
            self.send_header("Content-Length", str(HUGE))
        else:
            self.send_header("Connection", "close")  # body ends when the connection does
            self.close_connection = True
        self.end_headers()
        chunk = b"BEGIN:VCALENDAR\r\n" + b"X" * (64 * 1024)
        sent = 0
        while sent < HUGE and not self.server.stop.is_set():
            self.wfile.write(chunk)
            sent += len(chunk)

    def _trickle(self) -> None:
        """Headers at once, then a byte now and then: never a read timeout, no end."""
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        self.wfile.write(b"BEGIN:VCALENDAR\r\n")
        while not self.server.stop.wait(0.1):
            self.wfile.write(b"X")
            self.wfile.flush()


def start() -> FeedServer:
    server = FeedServer()
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return server


def shut(server: FeedServer) -> None:
    server.stop.set()
    server.shutdown()
    server.server_close()
