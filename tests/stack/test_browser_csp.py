"""The pages and the admin under the stack's Content-Security-Policy, in Chromium: no
violation reported, in the console or as a `securitypolicyviolation` event."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.stack

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
RECORD = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture(scope="module")
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


def an_event_path(stack_url: str) -> str:
    with urllib.request.urlopen(stack_url + "/api/events.json?page_size=1", timeout=10) as r:
        events = json.loads(r.read())["events"]
    if not events:  # the samples are old: any meetup, past ones included
        url = stack_url + "/api/events.json?page_size=1&include_past=1"
        with urllib.request.urlopen(url, timeout=10) as r:
            events = json.loads(r.read())["events"]
    assert events, "the stack has no meetups"
    return f"/events/{events[0]['id']}/"


def test_no_csp_violation_on_public_pages_and_admin(stack_url, chromium):
    context = chromium.new_context(base_url=stack_url)
    # Nothing leaves the machine: map tiles and other hosts are refused (not a CSP matter).
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(stack_url) else route.abort()
        ),
    )
    context.add_init_script(RECORD)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    for path in ["/", "/events/", an_event_path(stack_url), "/admin/login/"]:
        response = page.goto(path, wait_until="load")
        assert response is not None and response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_timeout(300)  # late scripts (map, deferred) have run
        violations = page.evaluate("window.__csp")
        assert violations == [], (path, violations)
    context.close()
    assert not [line for line in console if "Content Security Policy" in line], console
