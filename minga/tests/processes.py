"""Real Minga processes for the tests that prove the production shape: a throwaway
database of the kind this run tests, `minga` commands and web servers as subprocesses, a
loopback SMTP server that counts what each address receives, and SQL read back without
Django (the test's own connection is on another database)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

from django.db import connection

ON_POSTGRES = connection.vendor == "postgresql"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _server_url() -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"


@contextmanager
def fresh_postgres_database(label: str, template: str = "") -> Iterator[str]:
    """The URL of a new database on the test's PostgreSQL server (empty, or a copy of the
    database named `template`), dropped after."""
    import psycopg

    name = f"minga_{label}_{os.getpid()}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(f"{_server_url()}/postgres", autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield f"{_server_url()}/{name}"
    finally:
        with psycopg.connect(f"{_server_url()}/postgres", autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def throwaway_database(folder: Path, label: str) -> Iterator[str]:
    """A fresh database of the kind this run tests: a SQLite file, or a PostgreSQL database."""
    if ON_POSTGRES:
        with fresh_postgres_database(label) as url:
            yield url
    else:
        yield f"sqlite:///{folder / label}.sqlite3"


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Run one query on the database at `url`, SQLite or PostgreSQL."""
    if url.startswith("sqlite:///"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute(sql).fetchall()


def intact(url: str) -> bool:
    """SQLite's own integrity check; on PostgreSQL, every index of Minga's tables checked
    against its table by amcheck (the server was not killed, its clients were)."""
    if url.startswith("sqlite:///"):
        return rows(url, "PRAGMA integrity_check") == [("ok",)]
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        indexes = db.execute(
            "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE a.amname = 'btree' AND n.nspname = 'public'"
        ).fetchall()
        for (oid,) in indexes:
            db.execute("SELECT bt_index_check(%s, true)", (oid,))
    return True


class Mailbox:
    """A real SMTP server on loopback: counts each (recipient, subject) it receives."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.received: Counter[tuple[str, str]] = Counter()
        self.port = free_port()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        subject = str(make_header(decode_header(message_from_bytes(envelope.content)["Subject"])))
        for address in envelope.rcpt_tos:
            self.received[(address, subject)] += 1
        return "250 OK"

    def to(self, address: str) -> int:
        return sum(n for (to, _), n in self.received.items() if to == address)

    @contextmanager
    def running(self) -> Iterator[Mailbox]:
        from aiosmtpd.controller import Controller

        controller = Controller(self, hostname="127.0.0.1", port=self.port)
        controller.start()
        try:
            yield self
        finally:
            controller.stop()


def environment(folder: Path, database: str, **extra: str) -> dict[str, str]:
    """Settings for Minga's processes: this database, a folder of their own, and none of the
    machine's own MINGA_* settings (a developer's mail server must not get the demo's mail)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINGA_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return {**env, "MINGA_DATABASE_URL": database, "MINGA_VAR_DIR": str(folder), **extra}


def start(
    args: list[str], env: dict[str, str], log: Path | None = None, module: str = "minga.cli"
) -> subprocess.Popen[bytes]:
    """`minga ARGS` (or another module), in a process group of its own, so that killing it
    kills what it started too (gunicorn's workers)."""
    if log is None:
        return subprocess.Popen(
            [sys.executable, "-m", module, *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", module, *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def minga(args: list[str], env: dict[str, str], timeout: float = 300) -> str:
    """`minga ARGS` to its end; its output, or a failure with its error output."""
    done = subprocess.run(
        [sys.executable, "-m", "minga.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"minga {' '.join(args)}: {done.stderr}"
    return done.stdout


def kill_group(process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    """Signal the process and its group; SIGKILL them if they have not ended in 60 s."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)


def wait_until_serving(base: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the web server stopped"
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{base} did not answer in {seconds} s")


@contextmanager
def web_server(env: dict[str, str], folder: Path, processes: int = 2) -> Iterator[str]:
    """`minga serve --production` with `processes` web processes; yields its base URL."""
    port = free_port()
    server = start(
        ["serve", "--production", "--workers", str(processes), "--bind", f"127.0.0.1:{port}"],
        {**env, "MINGA_WEB_THREADS": "4"},
        log=folder / f"web-{port}.log",
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, server)
        yield base
    finally:
        kill_group(server, signal.SIGTERM)


@contextmanager
def demo_copy(template: str, folder: Path, label: str) -> Iterator[str]:
    """A fresh copy of a database that already holds the demo (`demo_template`)."""
    if template.startswith("sqlite:///"):
        copy = folder / f"{label}.sqlite3"
        source = sqlite3.connect(template.removeprefix("sqlite:///"))
        target = sqlite3.connect(copy)
        source.backup(target)
        source.close()
        target.close()
        yield f"sqlite:///{copy}"
        return
    with fresh_postgres_database(label, template=template.rsplit("/", 1)[1]) as url:
        yield url
