"""Serve Minga with 2 web processes and load it with 100 simulated members, on the demo
network and on a scaled network beside it (issue 18: pages that stay fast as a network
grows).

    .venv/bin/python bench/load.py [--users 100] [--seconds 30] [--scale 0.2]
    scripts/with-postgres.sh .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --logins                   # sync vs gthread workers
    scripts/with-postgres.sh .venv/bin/python bench/load.py --production

--production runs the documented deployment (docs/deploy.md) instead of bare gunicorn: the
environment of deploy/minga.env.example (MINGA_ENV=production, behind a proxy), nginx with
deploy/nginx/minga.conf (HTTPS with a throwaway certificate, static files from disk) in
front of `minga serve --production`'s processes, and two `minga worker` processes beside
them. It prints the issue's goals too: read p95 under 300 ms, write p95 under 1 s, and on
SQLite no "database is locked" in any process's log. `make test` runs its short form
(minga/tests/test_production_load.py).

Builds the demo network and the scaled one (bench/scale.py's data set, at --scale) in a
temporary SQLite file, or in the PostgreSQL server MINGA_DATABASE_URL names, then starts
gunicorn with minga/gunicorn.conf.py and 2 workers, and runs locust headless against it,
once per network, for --seconds after every simulated member has started. Each member
reads the main pages 9 times in 10 (network home, organizations, governance, a proposal,
membership, the audit log, the survey report; pages only coordinators may see are read
with a coordinator's session) and 1 time in 10 changes its organization's position on an
open proposal through the API (`PUT /api/v1/proposals/{id}/position`, with its own token).

Prints requests/s, errors and p50/p95/p99 of reads and writes for each network, and the
issue's goals: 0 errors, the scaled network serving at least 80% of the demo's requests/s,
with a read p95 within 1.5 times the demo's.

--logins measures instead what 100 people logging in at once cost (Argon2, at Django's
parameters): `gunicorn -w 2` with synchronous workers, then with the configuration's
threaded ones, printing p50/p95 of the logins and of pages read meanwhile.

The same file is the locustfile: locust imports it with MINGA_LOAD_PLAN set.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import logging
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PLAN_VARIABLE = "MINGA_LOAD_PLAN"
CONFIG = ROOT / "minga" / "gunicorn.conf.py"  # --config
SESSION_COOKIE = "sessionid"  # Django's default, which Minga keeps

# The issue's goals.
GOAL_THROUGHPUT = 0.8  # scaled requests/s at least this share of the demo's
GOAL_READ_P95 = 1.5  # scaled read p95 at most this multiple of the demo's

READ_WEIGHT, WRITE_WEIGHT = 9, 1
WAIT_SECONDS = (0.5, 1.5)  # a member's pause between two requests


def percentile(values: list[float], share: float) -> float:
    """Nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


# ---------------------------------------------------------------------------- the locustfile

if os.environ.get(PLAN_VARIABLE) and __name__ != "__main__":
    from locust import between, events, task
    from locust.contrib.fasthttp import FastHttpUser
    from locust.env import Environment

    PLAN: dict[str, Any] = json.loads(Path(os.environ[PLAN_VARIABLE]).read_text())
    SAMPLES: list[tuple[str, str, float, str]] = []  # kind, page, ms, error ("" if none)
    WINDOW: dict[str, float] = {}
    _next_member = iter(range(10**9))

    def _measuring(user_count: int, **_: Any) -> None:
        SAMPLES.clear()  # the ramp-up is not measured
        WINDOW["start"] = time.monotonic()

    def _sample(
        request_type: str, name: str, response_time: float, exception: Any, **_: Any
    ) -> None:
        if "start" in WINDOW:
            kind, _sep, page = name.partition(" ")
            error = "" if exception is None else str(exception)[:100]
            SAMPLES.append((kind, page, response_time, error))

    def _write_results(environment: Environment, **_: Any) -> None:
        WINDOW.setdefault("start", time.monotonic())
        seconds = time.monotonic() - WINDOW["start"]
        Path(PLAN["results"]).write_text(json.dumps({"seconds": seconds, "samples": SAMPLES}))

    events.spawning_complete.add_listener(_measuring)
    events.request.add_listener(_sample)
    events.test_stop.add_listener(_write_results)

    class Member(FastHttpUser):
        """One simulated member: its own session and token, a coordinator's session for
        the pages only coordinators see. FastHttpUser (geventhttpclient) rather than
        HttpUser (requests): the generator shares the server's cores, and took about half
        as much of them per request."""

        wait_time = between(*WAIT_SECONDS)
        insecure = True  # the proxy's throwaway certificate (--production)

        def on_start(self) -> None:
            members: list[dict[str, Any]] = PLAN["members"]
            self.member = members[next(_next_member) % len(members)]

        @task(READ_WEIGHT)
        def read(self) -> None:
            page = random.choice(PLAN["reads"])
            session = PLAN["coordinator_session"] if page["coordinator"] else self.member["session"]
            with self.client.get(
                page["url"],
                name=f"read {page['name']}",
                # An explicit Cookie header: the client's cookie jar adds none over it.
                headers={"Cookie": f"{SESSION_COOKIE}={session}"},
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code} {_error(response)}"[:100])

        @task(WRITE_WEIGHT)
        def write(self) -> None:
            proposals: list[int] = self.member["proposals"]
            if not proposals:
                return
            with self.client.put(
                f"/api/v1/proposals/{random.choice(proposals)}/position",
                name="write position",
                json={"position": random.choice(["agree", "disagree", "abstain"])},
                headers={"Authorization": f"Bearer {self.member['token']}"},
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    detail = _error(response) or (response.text or "")[:80]
                    response.failure(f"HTTP {response.status_code} {detail}"[:100])

    def _error(response: Any) -> str:
        """The connection's error, if the request got no answer."""
        return str(getattr(response, "error", None) or "")


# ---------------------------------------------------------------------------- the database


def configure(database: str, workdir: Path) -> dict[str, str]:
    """The environment Django (here and in gunicorn) reads: a temporary var/ folder, a
    fresh SQLite file there or the PostgreSQL server of MINGA_DATABASE_URL, one secret key
    (so sessions made here are valid there), production-like error pages."""
    if database == "postgres":
        url = os.environ.get("MINGA_DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            sys.exit("--database postgres needs MINGA_DATABASE_URL; use scripts/with-postgres.sh")
    else:
        url = f"sqlite:///{workdir / 'load.sqlite3'}"
    settings = {
        "MINGA_VAR_DIR": str(workdir),
        "MINGA_DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "minga.settings",
        "MINGA_DEBUG": "false",
        "MINGA_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "MINGA_SECRET_KEY": secrets.token_urlsafe(50),
        "MINGA_LOG_LEVEL": "ERROR",
    }
    os.environ.update(settings)
    return settings


def builder() -> ModuleType:
    """Where the scaled network is built: minga/scaledata.py once it exists, else
    bench/scale.py."""
    try:
        module = importlib.import_module("minga.scaledata")
        if hasattr(module, "build_scale") and hasattr(module, "demo_targets"):
            return module
    except ModuleNotFoundError:
        pass
    sys.path.insert(0, str(ROOT / "bench"))
    return importlib.import_module("scale")


@dataclass
class Target:
    """One network as the load sees it."""

    name: str
    slug: str
    proposal_id: int
    survey_name: str
    plan: dict[str, Any] = field(default_factory=dict)


def build(scale: float, workdir: Path, demo_only: bool) -> list[Target]:
    from django.core.management import call_command

    module = builder()
    timings: list[tuple[str, float]] = []
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0, stdout=io.StringIO())
    targets = []
    demo = module.demo_targets()
    targets.append(Target("demo", demo.network.slug, demo.proposal_id, demo.survey_name))
    if not demo_only:
        print(f"Building the scaled network at --scale {scale} …", flush=True)
        built = module.build_scale(scale, workdir, timings)
        targets.append(Target("scaled", built.network.slug, built.proposal_id, built.survey_name))
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would leave it, see bench/scale.py
    print(f"Built on {connection.vendor} in {time.perf_counter() - started:.0f} s", flush=True)
    return targets


def reads_of(target: Target) -> list[tuple[str, str]]:
    slug = target.slug
    return [
        ("network-home", f"/n/{slug}/"),
        ("organizations", f"/n/{slug}/organizations/"),
        ("governance", f"/n/{slug}/governance/"),
        ("proposal-detail", f"/n/{slug}/governance/proposals/{target.proposal_id}/"),
        ("membership", f"/n/{slug}/membership/"),
        ("audit", f"/n/{slug}/audit/"),
        ("survey-report", f"/n/{slug}/mapping/surveys/{target.survey_name}/"),
    ]


def session_for(user: Any) -> str:
    from django.conf import settings
    from django.test import Client

    assert settings.SESSION_COOKIE_NAME == SESSION_COOKIE
    client = Client()
    client.force_login(user)
    return client.cookies[SESSION_COOKIE].value


def plan_for(target: Target, users: int) -> dict[str, Any]:
    """Who the simulated members are (up to `users` people of the network who represent an
    organization, each with a session, a token and the open proposals they may take a
    position on), and which pages they read (as a coordinator where members may not)."""
    from django.test import Client

    from minga.core.actions import issue_token
    from minga.core.models import Network, RoleName
    from minga.core.permissions import SYSTEM
    from minga.governance.models import Proposal

    network = Network.objects.get(slug=target.slug)
    people = list(
        network.people.filter(organization__isnull=False)
        .select_related("user")
        .order_by("pk")[:users]
    )
    coordinator = network.people.filter(roles__name=RoleName.COORDINATOR).order_by("pk").first()
    assert people and coordinator is not None
    open_proposals = list(
        Proposal.objects.filter(network=network, state="open").order_by("pk")[:10]
    )
    members = []
    for person in people:
        eligible = [p.pk for p in open_proposals if p.voter_for(person.user) is not None][:5]
        members.append(
            {
                "session": session_for(person.user),
                "token": issue_token(actor=SYSTEM, user=person.user),
                "proposals": eligible,
            }
        )
    member_client = Client()
    member_client.force_login(people[-1].user)
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # the 403s expected here
    reads: list[dict[str, Any]] = []
    for name, url in reads_of(target):
        # A page members may not see is read as the coordinator.
        status = member_client.get(url, secure=True).status_code
        reads.append({"name": name, "url": url, "coordinator": status != 200})
    voting = sum(1 for m in members if m["proposals"])
    print(
        f"  {target.name}: {len(members)} distinct members ({voting} with an open proposal), "
        f"read as coordinator: {', '.join(r['name'] for r in reads if r['coordinator']) or '-'}",
        flush=True,
    )
    return {
        "members": members,
        "coordinator_session": session_for(coordinator.user),
        "reads": reads,
    }


# ---------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(
    env: dict[str, str],
    workers: int,
    config: Path,
    worker_class: str | None = None,
    log: Path | None = None,
    production: bool = False,
) -> Iterator[str]:
    """gunicorn with `config` (minga/gunicorn.conf.py) and `workers` processes (the configuration's
    threaded workers unless `worker_class` says otherwise), until the block ends."""
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-c",
        str(config),
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "--log-level",
        "warning",
    ]
    if worker_class:
        # With more than one thread gunicorn would silently use gthread instead.
        command += ["-k", worker_class, "--threads", "1"]
    if production:  # as the systemd unit starts it: the same gunicorn, through Minga
        minga = str(Path(sys.executable).parent / "minga")
        bind = ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
        command = [minga, "serve", "--production", *bind]
    output = log.open("ab") if log else None
    server = subprocess.Popen(  # noqa: S603 (gunicorn)
        command, cwd=ROOT, env={**os.environ, **env}, stdout=output, stderr=output
    )
    host = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _body, _cookies = request(port, "GET", "/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield host
    finally:
        stop(server)


def request(
    port: int,
    method: str,
    path: str,
    body: str = "",
    cookies: dict[str, str] | None = None,
) -> tuple[int, str, dict[str, str]]:
    """One request, redirects not followed: status, body and the cookies it sets."""
    connection = HTTPConnection("127.0.0.1", port, timeout=300)
    headers = {"Host": f"127.0.0.1:{port}"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        set_cookies = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _eq, rest = header.partition("=")
            set_cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text, set_cookies
    finally:
        connection.close()


# ---------------------------------------------------------------------------- locust runs


@dataclass
class Outcome:
    name: str
    seconds: float
    reads: list[float]
    writes: list[float]
    errors: int
    failed_pages: dict[str, int]
    messages: dict[str, int]

    @property
    def per_second(self) -> float:
        return (len(self.reads) + len(self.writes)) / self.seconds if self.seconds else 0.0


def run_locust(target: Target, host: str, users: int, seconds: int, workdir: Path) -> Outcome:
    plan_path = workdir / f"plan-{target.name}.json"
    results_path = workdir / f"results-{target.name}.json"
    plan_path.write_text(json.dumps({**target.plan, "results": str(results_path)}))
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(Path(__file__).resolve()),
        "--headless",
        "--host",
        host,
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 5)),  # every member started within about 5 s
        "--run-time",
        f"{seconds + 5}s",
        "--stop-timeout",
        "30",
        "--only-summary",
        "--loglevel",
        "ERROR",
        "--exit-code-on-error",
        "0",
    ]
    print(f"  locust: {users} members on {target.name} for about {seconds} s …", flush=True)
    log = workdir / f"locust-{target.name}.log"
    with log.open("w") as output:
        finished = subprocess.run(  # noqa: S603 (locust on this very file)
            command,
            cwd=ROOT,
            env={**os.environ, PLAN_VARIABLE: str(plan_path)},
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if finished.returncode != 0 or not results_path.exists():
        print(log.read_text()[-3000:])
        raise RuntimeError(f"locust failed on {target.name}")
    data = json.loads(results_path.read_text())
    reads: list[float] = []
    writes: list[float] = []
    failed_pages: dict[str, int] = {}
    messages: dict[str, int] = {}
    for kind, page, ms, error in data["samples"]:
        (reads if kind == "read" else writes).append(ms)
        if error:
            failed_pages[page] = failed_pages.get(page, 0) + 1
            messages[error] = messages.get(error, 0) + 1
    return Outcome(
        name=target.name,
        seconds=data["seconds"],
        reads=reads,
        writes=writes,
        errors=sum(failed_pages.values()),
        failed_pages=failed_pages,
        messages=messages,
    )


def report(outcomes: list[Outcome], database: str, workers: int, users: int) -> None:
    print(
        f"\n{users} members, 90% reads / 10% position changes, gunicorn -w {workers} "
        f"(gthread, minga/gunicorn.conf.py), {database}; times in ms\n"
    )
    header = (
        f"{'network':<8} {'req/s':>7} {'requests':>8} {'errors':>6} "
        f"{'read p50':>8} {'read p95':>8} {'read p99':>8} "
        f"{'write p50':>9} {'write p95':>9} {'write p99':>9}"
    )
    print(header)
    print("-" * len(header))
    for o in outcomes:
        print(
            f"{o.name:<8} {o.per_second:>7.1f} {len(o.reads) + len(o.writes):>8} "
            f"{o.errors:>6} "
            f"{percentile(o.reads, 0.5):>8.0f} {percentile(o.reads, 0.95):>8.0f} "
            f"{percentile(o.reads, 0.99):>8.0f} "
            f"{percentile(o.writes, 0.5):>9.0f} {percentile(o.writes, 0.95):>9.0f} "
            f"{percentile(o.writes, 0.99):>9.0f}"
        )
        if o.failed_pages:
            print(f"         errors by page: {o.failed_pages}")
            for message, count in sorted(o.messages.items(), key=lambda m: -m[1])[:5]:
                print(f"         {count} × {message}")
    errors = sum(o.errors for o in outcomes)
    print(f"\nGoal: 0 errors — {errors} {'ok' if errors == 0 else '** missed'}")
    if len(outcomes) == 2:
        demo, scaled = outcomes
        throughput = scaled.per_second / demo.per_second if demo.per_second else 0.0
        demo_p95, scaled_p95 = percentile(demo.reads, 0.95), percentile(scaled.reads, 0.95)
        ratio = scaled_p95 / demo_p95 if demo_p95 else float("inf")
        print(
            f"Goal: scaled ≥ {GOAL_THROUGHPUT:.0%} of demo req/s — {throughput:.0%} "
            f"{'ok' if throughput >= GOAL_THROUGHPUT else '** missed'}"
        )
        print(
            f"Goal: scaled read p95 ≤ {GOAL_READ_P95}× demo — {ratio:.2f}× "
            f"{'ok' if ratio <= GOAL_READ_P95 else '** missed'}"
        )


# ---------------------------------------------------------------------------- production

GOAL_READ_MS, GOAL_WRITE_MS = 300, 1000  # p95 in the documented deployment
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
DEPLOY = ROOT / "deploy"
LOCKED = "database is locked"


def production_settings(workdir: Path, url: str) -> dict[str, str]:
    """deploy/minga.env.example as written, pointed at this machine: this database, folder
    and proxy, a fresh secret key, mail to the workers' output."""
    example = {}
    for line in (DEPLOY / "minga.env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _eq, value = line.partition("=")
            example[key.strip()] = value.strip()
    return {
        **example,
        "MINGA_SECRET_KEY": secrets.token_urlsafe(50),
        # localhost through the proxy; 127.0.0.1 for the health check on the web processes
        # themselves; testserver for the sessions made here with Django's test client.
        "MINGA_ALLOWED_HOSTS": "localhost,127.0.0.1,testserver",
        "MINGA_DATABASE_URL": url,
        "MINGA_EMAIL_URL": "console://",
        "MINGA_VAR_DIR": str(workdir),
        "MINGA_LOG_LEVEL": "ERROR",
    }


def proxy_configuration(workdir: Path, proxy_port: int, web_port: int) -> Path:
    """deploy/nginx/minga.conf with this machine's ports, folder and a throwaway
    certificate, inside a main configuration that keeps every file in `workdir`."""
    certificate = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    certificate += ["-subj", "/CN=localhost", "-keyout", str(workdir / "key.pem")]
    certificate += ["-out", str(workdir / "cert.pem")]
    subprocess.run([OPENSSL, *certificate], check=True, capture_output=True)  # noqa: S603
    site = (DEPLOY / "nginx" / "minga.conf").read_text(encoding="utf-8")
    for written, here in [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{web_port};"),
        ("listen 80;", f"listen 127.0.0.1:{free_port()};"),
        ("listen 443 ssl", f"listen 127.0.0.1:{proxy_port} ssl"),
        ("server_name minga.example.org;", "server_name localhost;"),
        ("/etc/letsencrypt/live/minga.example.org/fullchain.pem", str(workdir / "cert.pem")),
        ("/etc/letsencrypt/live/minga.example.org/privkey.pem", str(workdir / "key.pem")),
        ("/var/lib/minga/static/", f"{workdir}/static/"),
    ]:
        assert written in site, f"deploy/nginx/minga.conf no longer has {written!r}"
        site = site.replace(written, here)
    temporary = "\n".join(
        f"    {kind}_temp_path {workdir}/nginx-{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = workdir / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # to read the test's private folder
        + f"worker_processes 1;\npid {workdir}/nginx.pid;\n"
        + f"error_log {workdir}/nginx-error.log warn;\n"
        + "events { worker_connections 1024; }\n"
        + "http {\n    include /etc/nginx/mime.types;\n    access_log off;\n"
        + f"{temporary}\n{site}\n}}\n"
    )
    return main


@contextmanager
def proxied(workdir: Path, web_host: str, proxy_port: int) -> Iterator[str]:
    """nginx in front of the web processes at `web_host`; yields the proxy's https address."""
    main = proxy_configuration(workdir, proxy_port, int(web_host.rsplit(":", 1)[1]))
    checked = subprocess.run(  # noqa: S603
        [NGINX, "-t", "-q", "-p", str(workdir), "-c", str(main)], capture_output=True, text=True
    )
    if checked.returncode != 0:
        raise RuntimeError(f"nginx refuses deploy/nginx/minga.conf: {checked.stderr}")
    proxy = subprocess.Popen(  # noqa: S603
        [NGINX, "-p", str(workdir), "-c", str(main), "-g", "daemon off;"]
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", proxy_port), timeout=1):
                    break
            except OSError:
                if proxy.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("nginx did not start") from None
                time.sleep(0.1)
        yield f"https://localhost:{proxy_port}"
    finally:
        stop(proxy)


def stop(process: subprocess.Popen[bytes]) -> None:
    """As a supervisor stops it: SIGTERM, then SIGKILL if it has not ended in 60 s."""
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def task_workers(env: dict[str, str], workdir: Path, count: int = 2) -> Iterator[None]:
    """`minga worker` processes beside the web processes, as the systemd units start them."""
    workers = [
        subprocess.Popen(  # noqa: S603
            [str(Path(sys.executable).parent / "minga"), "worker"],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=(workdir / f"worker{n}.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        for n in range(count)
    ]
    try:
        yield
    finally:
        for worker in workers:
            stop(worker)


def static_from_proxy(host: str, workdir: Path) -> str:
    """A hashed static file through the proxy: served from disk, cached for good."""
    import ssl
    import urllib.request

    manifest = json.loads((workdir / "static" / "staticfiles.json").read_text())
    path = manifest["paths"]["minga/minga.css"]
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with urllib.request.urlopen(f"{host}/static/{path}", context=context) as answer:  # noqa: S310
        cache = ", ".join(answer.headers.get_all("Cache-Control") or [])
        server = answer.headers.get("Server", "")
        ok = answer.status == 200 and "immutable" in cache and server.startswith("nginx")
        return "ok" if ok else f"** missed ({answer.status}, {server}, {cache})"


def production_report(outcomes: list[Outcome], database: str, workdir: Path, static: str) -> None:
    reads = [ms for o in outcomes for ms in o.reads]
    writes = [ms for o in outcomes for ms in o.writes]
    read_p95, write_p95 = percentile(reads, 0.95), percentile(writes, 0.95)
    print(
        f"Goal: read p95 under {GOAL_READ_MS} ms — {read_p95:.0f} ms "
        f"{'ok' if read_p95 < GOAL_READ_MS else '** missed'}"
    )
    print(
        f"Goal: write p95 under {GOAL_WRITE_MS} ms — {write_p95:.0f} ms "
        f"{'ok' if write_p95 < GOAL_WRITE_MS else '** missed'}"
    )
    locked = sum(
        log.read_text(errors="replace").count(LOCKED) for log in sorted(workdir.glob("*.log"))
    )
    if database == "sqlite":
        print(f'Goal: 0 "{LOCKED}" — {locked} {"ok" if locked == 0 else "** missed"}')
    print(f"Static files from nginx, cached for good: {static}")


# ---------------------------------------------------------------------------- logins


def login_storm(port: int, usernames: list[str], password: str, reader: str) -> dict[str, Any]:
    """Everyone logs in at once (each after fetching the form and its CSRF token); meanwhile
    one already logged-in member reads the network home page again and again."""
    forms: list[tuple[str, str]] = []
    for _username in usernames:
        _status, html, cookies = request(port, "GET", "/accounts/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, "no CSRF token on the login page"
        forms.append((match.group(1), cookies["csrftoken"]))
    start = threading.Barrier(len(usernames) + 1)
    stop = threading.Event()
    page_times: list[float] = []

    def log_in(index: int) -> tuple[float, bool]:
        token, cookie = forms[index]
        body = f"csrfmiddlewaretoken={token}&username={usernames[index]}&password={password}&next=/"
        start.wait()
        began = time.perf_counter()
        status, _html, cookies = request(
            port, "POST", "/accounts/login/", body=body, cookies={"csrftoken": cookie}
        )
        return (time.perf_counter() - began) * 1000, status == 302 and SESSION_COOKIE in cookies

    def read_pages() -> None:
        start.wait()
        while not stop.is_set():
            began = time.perf_counter()
            request(port, "GET", "/n/demo/", cookies={SESSION_COOKIE: reader})
            page_times.append((time.perf_counter() - began) * 1000)

    with ThreadPoolExecutor(max_workers=len(usernames) + 1) as pool:
        reading = pool.submit(read_pages)
        logins = [pool.submit(log_in, i) for i in range(len(usernames))]
        results = [f.result() for f in logins]
        stop.set()
        reading.result()
    times = [ms for ms, _ok in results]
    return {
        "ok": sum(1 for _ms, ok in results if ok),
        "p50": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
        "all": max(times),
        "pages": len(page_times),
        "page p50": percentile(page_times, 0.5),
        "page p95": percentile(page_times, 0.95),
    }


def logins(env: dict[str, str], workers: int, users: int, config: Path) -> None:
    from minga.core.demo import DEMO_PASSWORD
    from minga.core.models import Network

    network = Network.objects.get(slug="demo")
    names = list(network.people.order_by("pk").values_list("user__username", flat=True))
    usernames = [names[i % len(names)] for i in range(users)]
    reader = session_for(network.people.order_by("pk").first().user)  # type: ignore[union-attr]
    rows = []
    for label, worker_class in (("sync", "sync"), ("gthread", None)):
        with serving(env, workers, config, worker_class) as host:
            port = int(host.rsplit(":", 1)[1])
            print(f"  {users} logins at once, gunicorn -w {workers} {label} …", flush=True)
            rows.append((label, login_storm(port, usernames, DEMO_PASSWORD, reader)))
    print(
        f"\n{users} simultaneous logins (Argon2, Django's parameters), gunicorn -w {workers}, "
        f"{os.cpu_count()} cores; times in ms; 'page' = the network home read meanwhile\n"
    )
    header = (
        f"{'workers':<22} {'ok':>4} {'login p50':>9} {'login p95':>9} {'last':>7} "
        f"{'pages':>5} {'page p50':>8} {'page p95':>8}"
    )
    print(header)
    print("-" * len(header))
    for label, r in rows:
        name = "sync" if label == "sync" else f"gthread ({threads_configured(config)} threads)"
        print(
            f"{name:<22} {r['ok']:>4} {r['p50']:>9.0f} {r['p95']:>9.0f} {r['all']:>7.0f} "
            f"{r['pages']:>5} {r['page p50']:>8.0f} {r['page p95']:>8.0f}"
        )


def threads_configured(config: Path) -> int:
    namespace: dict[str, Any] = {"__file__": str(config)}
    exec(config.read_text(), namespace)  # noqa: S102 (the gunicorn configuration)
    return int(namespace["threads"])


# ---------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100, help="simulated members")
    parser.add_argument("--seconds", type=int, default=30, help="measured seconds per network")
    parser.add_argument("--scale", type=float, default=0.2, help="fraction of the scaled data")
    parser.add_argument(
        "--workers",
        type=int,
        help="gunicorn worker processes (default: 2; with --production, WEB_CONCURRENCY of "
        "deploy/minga.env.example)",
    )
    parser.add_argument(
        "--config", type=Path, default=CONFIG, help="gunicorn configuration (default: %(default)s)"
    )
    database_url = os.environ.get("MINGA_DATABASE_URL", "")
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        default="postgres" if database_url.startswith(("postgres:", "postgresql:")) else "sqlite",
        help="default: postgres when MINGA_DATABASE_URL names a PostgreSQL server",
    )
    parser.add_argument(
        "--demo-only", action="store_true", help="the demo network alone (a short run)"
    )
    parser.add_argument(
        "--production",
        action="store_true",
        help="the documented deployment: nginx, `minga serve --production`, 2 task workers",
    )
    parser.add_argument(
        "--logins",
        action="store_true",
        help="only time --users simultaneous logins, sync vs gthread workers (demo network)",
    )
    args = parser.parse_args()
    if args.users < 1 or args.seconds < 1 or not 0 < args.scale <= 10:
        parser.error("--users and --seconds must be positive, --scale in (0, 10]")
    if not args.logins:
        try:
            importlib.import_module("locust")
        except ImportError:
            print("locust is not installed: make install")
            return
    sys.path.insert(0, str(ROOT))
    workdir = Path(tempfile.mkdtemp(prefix="minga-bench-load-"))
    env = configure(args.database, workdir)
    if args.production:
        env.update(production_settings(workdir, env["MINGA_DATABASE_URL"]))
        os.environ.update(env)
    args.workers = args.workers or int(env.get("WEB_CONCURRENCY", "2"))
    import django

    django.setup()
    from django.db import connections

    try:
        if args.production:  # the pages read while planning need the static manifest
            from django.core.management import call_command

            call_command("collectstatic", "--noinput", verbosity=0)
        targets = build(args.scale, workdir, demo_only=args.logins or args.demo_only)
        if args.logins:
            connections.close_all()
            logins(env, args.workers, args.users, args.config)
            return
        print("Planning the members …", flush=True)
        for target in targets:
            target.plan = plan_for(target, args.users)
        outcomes = []
        if not args.production:
            connections.close_all()
            with serving(env, args.workers, args.config) as host:
                for target in targets:
                    outcomes.append(run_locust(target, host, args.users, args.seconds, workdir))
            report(outcomes, args.database, args.workers, args.users)
            return
        connections.close_all()
        log = workdir / "web.log"
        # The proxy's port, picked just before nginx binds it; the web processes learn it as
        # their public address.
        proxy_port = free_port()
        env["MINGA_BASE_URL"] = f"https://localhost:{proxy_port}"
        env["MINGA_CSRF_TRUSTED_ORIGINS"] = env["MINGA_BASE_URL"]
        with (
            serving(env, args.workers, args.config, log=log, production=True) as web,
            task_workers(env, workdir),
            proxied(workdir, web, proxy_port) as host,
        ):
            for target in targets:
                outcomes.append(run_locust(target, host, args.users, args.seconds, workdir))
            static = static_from_proxy(host, workdir)
        print(
            "\nThe documented deployment: nginx (deploy/nginx/minga.conf, HTTPS), "
            "2 task workers (minga worker)."
        )
        report(outcomes, args.database, args.workers, args.users)
        production_report(outcomes, args.database, workdir, static)
    finally:
        connections.close_all()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
