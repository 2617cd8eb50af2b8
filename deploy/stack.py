"""The production stack on loopback, for a demo and for CI: `make stack` / `make stack-stop`.

    python deploy/stack.py start     PostgreSQL, Redis, two gunicorn instances, nginx
    python deploy/stack.py stop      stops what `start` started (by the pid files)
    python deploy/stack.py status
    python deploy/stack.py env       the settings the stack's processes run with (sh syntax)
    python deploy/stack.py render-site --listen 80 --server-name example.org \\
        --static-root /srv/twirevents/static      the production nginx site, on stdout

Everything lives under `.stack/` (STACK_DIR): PostgreSQL's data directory made by initdb
(owned by the `postgres` user when run as root, as PostgreSQL refuses to run as root),
Redis without persistence, collectstatic's output, nginx's own main config with its pid
file, logs. Ports (loopback only): nginx STACK_PORT=8080, gunicorn 8101 and 8102
(STACK_APP_PORTS), Redis STACK_REDIS_PORT=6380, PostgreSQL STACK_PG_PORT=5433; none of them
is the system services' port, so the stack runs beside them. The database gets the sample
newsletters (and STACK_SYNTHETIC=N synthetic meetups for load tests, once per .stack/).

The same files as production: deploy/nginx/twirevents.conf.in, deploy/gunicorn.conf.py;
settings come from the environment as in deploy/systemd (DJANGO_ENV=production).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
STACK = Path(os.environ.get("STACK_DIR", ROOT / ".stack")).resolve()
RUN, LOGS, NGINX = STACK / "run", STACK / "log", STACK / "nginx"
AS_ROOT = os.geteuid() == 0


def _pg_home() -> Path:
    """Where PostgreSQL's data lives: .stack/, unless run as root from a folder the
    `postgres` user cannot enter (a clone under /root): then /var/tmp, named after it."""
    if AS_ROOT:
        check = ["runuser", "-u", "postgres", "--", "test", "-x", str(STACK.parent)]
        if subprocess.run(check, capture_output=True).returncode != 0:
            digest = hashlib.sha256(str(STACK).encode()).hexdigest()[:10]
            return Path("/var/tmp") / f"twirevents-stack-{digest}"
    return STACK


PG_DATA, PG_RUN = _pg_home() / "pg", _pg_home() / "pg-run"
REDIS_DIR, STATIC = STACK / "redis", STACK / "static"
PORT = int(os.environ.get("STACK_PORT", "8080"))
APP_PORTS = [int(p) for p in os.environ.get("STACK_APP_PORTS", "8101,8102").split(",")]
REDIS_PORT = int(os.environ.get("STACK_REDIS_PORT", "6380"))
PG_PORT = int(os.environ.get("STACK_PG_PORT", "5433"))
PG_USER = PG_DB = "twirevents"
WORKERS = os.environ.get("STACK_GUNICORN_WORKERS", "2")
SYNTHETIC = int(os.environ.get("STACK_SYNTHETIC", "0"))
# The shape of the synthetic meetups (bench/synthetic.py): over this many years, ending this
# many days ahead; by default half the span lies ahead (thousands of upcoming meetups).
SYNTHETIC_YEARS = int(os.environ.get("STACK_SYNTHETIC_YEARS", "2"))
SYNTHETIC_AHEAD = os.environ.get("STACK_SYNTHETIC_AHEAD_DAYS", "")
PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
SAMPLES = ROOT / "tests" / "fixtures" / "samples"


def log(message: str) -> None:
    print(f"stack: {message}", flush=True)


def run(cmd: list[str], *, env: dict[str, str] | None = None, user: str | None = None) -> str:
    """Run a command (as `user` when root); its output on failure, then raise."""
    if user and AS_ROOT:
        cmd = ["runuser", "-u", user, "--", *cmd]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(
            f"stack: {' '.join(cmd)} failed ({result.returncode}):\n"
            f"{result.stdout[-2000:]}{result.stderr[-3000:]}"
        )
    return result.stdout


def secret(name: str, length: int = 50) -> str:
    """A random value made once and kept in .stack/ (the key, the database password)."""
    path = STACK / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(length))
        path.chmod(0o600)
    return path.read_text().strip()


def stack_env() -> dict[str, str]:
    """The environment of the stack's Django processes: production settings on loopback."""
    env = dict(os.environ)
    for name in ("DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secret("secret_key"),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://127.0.0.1:{PORT}",
        DATABASE_URL=(
            f"postgres://{PG_USER}:{secret('pg_password', 24)}@127.0.0.1:{PG_PORT}/{PG_DB}"
        ),
        CACHE_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
        STATIC_ROOT=str(STATIC),
        BEHIND_PROXY="1",
        # Plain http on loopback: no redirect to https (production terminates TLS in nginx).
        SECURE_SSL_REDIRECT="0",
        GUNICORN_WORKERS=WORKERS,
        PYTHONUNBUFFERED="1",
    )
    return env


def pg_bin(name: str) -> str:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not versions:
        raise SystemExit("stack: PostgreSQL is not installed (apt-get install postgresql)")
    return str(versions[-1] / name)


# ----------------------------------------------------------------------------- PostgreSQL


def start_postgres() -> None:
    owner = "postgres" if AS_ROOT else None
    PG_RUN.mkdir(parents=True, exist_ok=True)
    if PG_DATA.parent != STACK:
        log(f"PostgreSQL's data in {PG_DATA} (the postgres user cannot enter {STACK.parent})")
    if AS_ROOT:
        shutil.chown(PG_RUN, "postgres", "postgres")
    if not (PG_DATA / "PG_VERSION").exists():
        PG_DATA.mkdir(parents=True, exist_ok=True)
        pwfile = PG_RUN / "pwfile"  # readable by the postgres user
        pwfile.write_text(secret("pg_password", 24) + "\n")
        if AS_ROOT:
            shutil.chown(PG_DATA, "postgres", "postgres")
            shutil.chown(pwfile, "postgres", "postgres")
        log("initdb")
        run(
            [
                pg_bin("initdb"),
                "-D",
                str(PG_DATA),
                "-U",
                PG_USER,
                f"--pwfile={pwfile}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            user=owner,
        )
        pwfile.unlink()
    if not pg_running():
        log(f"PostgreSQL on 127.0.0.1:{PG_PORT}")
        options = (
            f"-p {PG_PORT} -c listen_addresses=127.0.0.1 -k {PG_RUN} "
            "-c shared_buffers=64MB -c max_connections=60 -c fsync=on"
        )
        run(
            [
                pg_bin("pg_ctl"),
                "-D",
                str(PG_DATA),
                "-l",
                str(PG_RUN / "postgresql.log"),  # the postgres user writes it
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ],
            user=owner,
        )
    env = dict(os.environ, PGPASSWORD=secret("pg_password", 24))
    exists = run(
        [
            pg_bin("psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(PG_PORT),
            "-U",
            PG_USER,
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{PG_DB}'",
        ],
        env=env,
    )
    if exists.strip() != "1":
        run(
            [pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", PG_USER, PG_DB],
            env=env,
        )


def pg_running() -> bool:
    result = subprocess.run(
        [pg_bin("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(PG_PORT)], check=False
    )
    return result.returncode == 0


def stop_postgres() -> None:
    if (PG_DATA / "postmaster.pid").exists():
        log("stopping PostgreSQL")
        owner = "postgres" if AS_ROOT else None
        cmd = [pg_bin("pg_ctl"), "-D", str(PG_DATA), "-m", "fast", "-w", "stop"]
        if owner:
            cmd = ["runuser", "-u", owner, "--", *cmd]
        subprocess.run(cmd, check=False, capture_output=True)


# ----------------------------------------------------------------------------- Redis


def start_redis() -> None:
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    if alive(RUN / "redis.pid"):
        return
    log(f"Redis on 127.0.0.1:{REDIS_PORT}")
    run(
        [
            "redis-server",
            "--port", str(REDIS_PORT),
            "--bind", "127.0.0.1",
            "--daemonize", "yes",
            "--pidfile", str(RUN / "redis.pid"),
            "--dir", str(REDIS_DIR),
            "--logfile", str(LOGS / "redis.log"),
            "--save", "",
            "--appendonly", "no",
            "--maxmemory", "256mb",
            "--maxmemory-policy", "allkeys-lru",
        ]
    )  # fmt: skip
    wait_for(lambda: alive(RUN / "redis.pid"), "Redis")


# ----------------------------------------------------------------------------- Django


def prepare_django(env: dict[str, str]) -> None:
    manage = [str(PY), "manage.py"]
    log("migrate, collectstatic")
    run([*manage, "migrate", "--noinput"], env=env)
    run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], env=env)
    log("ingest the sample newsletters (unchanged ones are skipped)")
    run([*manage, "ingest_twir", str(SAMPLES)], env=env)
    marker = STACK / "synthetic"  # synthetic meetups go into a fresh database only
    if SYNTHETIC and not marker.exists():
        log(f"{SYNTHETIC} synthetic meetups (once)")
        code = (
            f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); "
            "from synthetic import make_synthetic_meetups; "
            f"make_synthetic_meetups(n={SYNTHETIC}, years={SYNTHETIC_YEARS}, "
            f"ahead_days={int(SYNTHETIC_AHEAD) if SYNTHETIC_AHEAD else None}); "
            # bulk writes outside the services: bump the pages' data version by hand
            "from calendar_app.models.content import data_version_bump; "
            "data_version_bump()"
        )
        run([*manage, "shell", "-c", code], env=env)
        marker.write_text(f"{SYNTHETIC} {SYNTHETIC_YEARS} {SYNTHETIC_AHEAD}")


def start_gunicorn(env: dict[str, str]) -> None:
    for port in APP_PORTS:
        pidfile = RUN / f"gunicorn-{port}.pid"
        if alive(pidfile):  # new workers with the code as it is now
            log(f"gunicorn {port}: reload")
            os.kill(int(pidfile.read_text().strip()), signal.SIGHUP)
            continue
        log(f"gunicorn on 127.0.0.1:{port} ({WORKERS} workers)")
        run(
            [
                str(GUNICORN),
                "-c", str(DEPLOY / "gunicorn.conf.py"),
                "--bind", f"127.0.0.1:{port}",
                "--pid", str(pidfile),
                "--daemon",
                "--access-logfile", str(LOGS / f"gunicorn-{port}-access.log"),
                "--error-logfile", str(LOGS / f"gunicorn-{port}.log"),
            ],
            env=env,
        )  # fmt: skip
    for port in APP_PORTS:
        wait_for(lambda port=port: http_ok(f"http://127.0.0.1:{port}/healthz"), f"gunicorn {port}")


# ----------------------------------------------------------------------------- nginx


def render_site(
    *,
    listen: str,
    server_name: str,
    static_root: str,
    upstreams: list[str],
    cache_dir: str = "/var/cache/nginx/twirevents",
    proxy_conf: str = "/etc/nginx/snippets/twirevents-proxy.conf",
) -> str:
    """deploy/nginx/twirevents.conf.in with its @NAMES@ filled in."""
    template = (DEPLOY / "nginx" / "twirevents.conf.in").read_text()
    values = {
        "@LISTEN@": listen,
        "@SERVER_NAME@": server_name,
        "@STATIC_ROOT@": static_root.rstrip("/"),
        "@CACHE_DIR@": cache_dir,
        "@PROXY_CONF@": proxy_conf,
        "@UPSTREAM_A@": upstreams[0],
        "@UPSTREAM_B@": upstreams[1],
    }
    for name, value in values.items():
        template = template.replace(name, value)
    return template


def start_nginx() -> None:
    # The micro-cache lives a second, but a revalidated entry keeps its old headers: a new
    # nginx (not a reload, which keeps the cache's index) with an empty cache, so a new
    # version of the code never serves answers shaped by the old one.
    stop_pidfile(NGINX / "nginx.pid", "nginx", signal.SIGQUIT)
    shutil.rmtree(NGINX / "cache", ignore_errors=True)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (NGINX / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    (NGINX / "site.conf").write_text(
        render_site(
            listen=f"127.0.0.1:{PORT}",
            server_name="127.0.0.1 localhost",
            static_root=str(STATIC),
            upstreams=[f"127.0.0.1:{port}" for port in APP_PORTS],
            cache_dir=str(NGINX / "cache"),
            proxy_conf=str(NGINX / "proxy.conf"),
        )
    )
    # The demo listens on a port of its own: the Host header keeps it ($http_host), or a
    # browser's Origin (http://127.0.0.1:8080) fails Django's CSRF check. Production listens
    # on the default ports, where $host is the same and no client-chosen port gets through.
    proxy = (DEPLOY / "nginx" / "twirevents-proxy.conf").read_text()
    stack_proxy = proxy.replace("proxy_set_header Host $host;", "proxy_set_header Host $http_host;")
    assert stack_proxy != proxy, "twirevents-proxy.conf no longer sets Host $host"
    (NGINX / "proxy.conf").write_text(stack_proxy)
    main = (DEPLOY / "nginx" / "stack-main.conf.in").read_text()
    # As root nginx's workers would drop to `nobody`, who cannot write .stack/'s temp dirs.
    main = main.replace("@USER_LINE@", "user root root;" if AS_ROOT else "")
    main = main.replace("@PREFIX@", str(NGINX)).replace("@LOGS@", str(LOGS))
    conf = NGINX / "nginx.conf"
    conf.write_text(main)
    run(["nginx", "-t", "-q", "-p", str(NGINX), "-c", str(conf), "-g", "error_log stderr;"])
    log(f"nginx on http://127.0.0.1:{PORT}/")
    run(["nginx", "-p", str(NGINX), "-c", str(conf)])
    wait_for(lambda: http_ok(f"http://127.0.0.1:{PORT}/healthz"), "nginx")


# ----------------------------------------------------------------------------- helpers


def alive(pidfile: Path) -> bool:
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, 0)
        return True
    except (OSError, ValueError):
        return False


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_for(check, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise SystemExit(f"stack: {what} did not come up in {seconds:.0f} s (logs in {LOGS})")


def stop_pidfile(pidfile: Path, what: str, sig: int = signal.SIGTERM) -> None:
    """Stop the process named by `pidfile` (only it) and wait until it is gone."""
    if not alive(pidfile):
        pidfile.unlink(missing_ok=True)
        return
    pid = int(pidfile.read_text().strip())
    log(f"stopping {what} (pid {pid})")
    os.kill(pid, sig)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            break
        time.sleep(0.2)
    pidfile.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- commands


def start() -> None:
    for tool in ("nginx", "redis-server"):
        if not shutil.which(tool):
            raise SystemExit(f"stack: {tool} is not installed (apt-get install {tool})")
    for directory in (STACK, RUN, LOGS, NGINX):
        directory.mkdir(parents=True, exist_ok=True)
    env = stack_env()
    start_postgres()
    start_redis()
    prepare_django(env)
    start_gunicorn(env)
    start_nginx()
    log(f"up: http://127.0.0.1:{PORT}/ (logs in {LOGS})")


def stop() -> None:
    stop_pidfile(NGINX / "nginx.pid", "nginx", signal.SIGQUIT)
    for port in APP_PORTS:
        stop_pidfile(RUN / f"gunicorn-{port}.pid", f"gunicorn {port}")
    stop_pidfile(RUN / "redis.pid", "Redis")
    stop_postgres()
    log("stopped")


def status() -> int:
    parts = {
        "nginx": alive(NGINX / "nginx.pid"),
        **{f"gunicorn {port}": alive(RUN / f"gunicorn-{port}.pid") for port in APP_PORTS},
        "redis": alive(RUN / "redis.pid"),
        "postgresql": pg_running(),
    }
    for name, up in parts.items():
        print(f"{name:16} {'up' if up else 'down'}")
    return 0 if all(parts.values()) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("start")
    sub.add_parser("stop")
    sub.add_parser("status")
    sub.add_parser("env")
    site = sub.add_parser("render-site")
    site.add_argument("--listen", default="80")
    site.add_argument("--server-name", required=True)
    site.add_argument("--static-root", default="/srv/twirevents/static")
    site.add_argument("--upstream", action="append", default=None)
    args = parser.parse_args()
    if args.command == "start":
        start()
    elif args.command == "stop":
        stop()
    elif args.command == "status":
        return status()
    elif args.command == "env":
        for name in ("DJANGO_ENV", "SITE_URL", "DATABASE_URL", "CACHE_URL", "STATIC_ROOT"):
            print(f"{name}={stack_env()[name]}")
    else:
        upstreams = args.upstream or ["127.0.0.1:8001", "127.0.0.1:8002"]
        sys.stdout.write(
            render_site(
                listen=args.listen,
                server_name=args.server_name,
                static_root=args.static_root,
                upstreams=upstreams,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
