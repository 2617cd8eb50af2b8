"""The deploy/ files: the nginx site renders to a configuration nginx accepts, with the
settings the stack relies on; the shell scripts parse; the timers name their services."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def stack_module():
    spec = importlib.util.spec_from_file_location("stack", DEPLOY / "stack.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_site_renders_with_every_placeholder_filled(tmp_path):
    site = stack_module().render_site(
        listen="80",
        server_name="rust-events.example.org",
        static_root="/srv/twirevents/static/",
        upstreams=["127.0.0.1:8001", "127.0.0.1:8002"],
    )
    assert not re.search(r"@[A-Z_]+@", site)
    for directive in (
        "server 127.0.0.1:8001",
        "server 127.0.0.1:8002",
        "client_header_timeout 5s;",
        "client_body_timeout 10s;",
        "limit_conn_zone $binary_remote_addr zone=twirevents_per_address:10m;",
        "limit_conn twirevents_per_address 64;",
        "alias /srv/twirevents/static/;",
        "gzip on;",
        "proxy_cache_bypass $cookie_sessionid $cookie_csrftoken;",
    ):
        assert directive in site, directive
    proxy = (DEPLOY / "nginx" / "twirevents-proxy.conf").read_text()
    for directive in (
        "proxy_buffering on;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header X-Real-IP $remote_addr;",
        "proxy_set_header Host $host;",
        "proxy_next_upstream error timeout http_502;",  # the app's own 503 is passed on
    ):
        assert directive in proxy, directive
    healthz = site[site.index("location = /healthz") :]
    healthz = healthz[: healthz.index("}")]
    assert "proxy_next_upstream off;" in healthz and "proxy_cache " not in healthz
    main = (DEPLOY / "nginx" / "stack-main.conf.in").read_text()
    assert "worker_connections 8192;" in main


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")
def test_nginx_accepts_the_site(tmp_path):
    site = stack_module().render_site(
        listen="127.0.0.1:18080",
        server_name="localhost",
        static_root=str(tmp_path / "static"),
        upstreams=["127.0.0.1:18001", "127.0.0.1:18002"],
        cache_dir=str(tmp_path / "cache"),
        proxy_conf=str(DEPLOY / "nginx" / "twirevents-proxy.conf"),
    )
    (tmp_path / "site.conf").write_text(site)
    main = f"""
pid {tmp_path}/nginx.pid;
error_log stderr;
events {{}}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    include {tmp_path}/site.conf;
}}
"""
    (tmp_path / "nginx.conf").write_text(main)
    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("script", ["backup.sh", "restore.sh"])
def test_scripts_parse_and_refuse_without_a_database(script):
    path = DEPLOY / script
    assert subprocess.run(["bash", "-n", str(path)]).returncode == 0
    result = subprocess.run(
        [str(path)], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}
    )
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_timers_and_services():
    units = DEPLOY / "systemd"
    for timer in units.glob("*.timer"):
        assert (units / timer.name.replace(".timer", ".service")).exists(), timer.name
    sync = (units / "twirevents-sync.service").read_text()
    assert "manage.py sync_sources --due" in sync
    assert "manage.py ingest_twir" in (units / "twirevents-ingest.service").read_text()
    assert (
        "deploy/gunicorn.conf.py --bind 127.0.0.1:%i" in (units / "twirevents@.service").read_text()
    )
