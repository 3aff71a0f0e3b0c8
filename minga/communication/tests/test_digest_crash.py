"""A digest run killed with SIGKILL halfway, then run again: nobody gets two. Real
processes (`minga demo`, `minga digest send`) on a database file of their own, mailing a
real SMTP server on loopback that counts what each address receives."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class _SlowSink:
    """Accepts every mail, a little slowly, so the run can be killed halfway."""

    def __init__(self) -> None:
        self.received: Counter[str] = Counter()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(0.05)
        for address in envelope.rcpt_tos:
            self.received[address] += 1
        return "250 OK"


def _minga(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "minga.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_killing_a_digest_run_and_running_it_again_sends_nobody_two(tmp_path: Path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = _SlowSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    database = tmp_path / "crash.sqlite3"
    env = {
        **os.environ,
        "MINGA_DATABASE_URL": f"sqlite:///{database}",
        "MINGA_VAR_DIR": str(tmp_path),
        "MINGA_EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "DJANGO_SETTINGS_MODULE": "minga.settings",
    }
    try:
        for args in (["migrate", "--noinput", "-v0"], ["demo"]):
            done = _minga(args, env)
            assert done.wait(timeout=120) == 0, done.stderr.read() if done.stderr else ""
        sink.received.clear()  # the demo's own mails
        run = _minga(["digest", "send", "--network", "demo"], env)
        deadline = time.monotonic() + 60
        while sum(sink.received.values()) < 8 and time.monotonic() < deadline:
            time.sleep(0.02)
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)
        killed_after = sum(sink.received.values())
        assert 8 <= killed_after < 43  # killed halfway
        again = _minga(["digest", "send", "--network", "demo"], env)
        assert again.wait(timeout=120) == 0
        third = _minga(["digest", "send", "--network", "demo"], env)
        assert third.wait(timeout=120) == 0
        assert third.stdout is not None and third.stdout.read().startswith(b"0 digests sent")
    finally:
        controller.stop()
    assert max(sink.received.values()) == 1, sink.received.most_common(3)  # nobody two
    with sqlite3.connect(database) as db:
        rows = dict(
            db.execute(
                "SELECT status, COUNT(*) FROM communication_digest WHERE period = ("
                "SELECT MAX(period) FROM communication_digest) GROUP BY status"
            ).fetchall()
        )
    people = 43
    # Each person was claimed once: sent, or cut off by the kill (at most the one in flight).
    assert rows.get("sent", 0) + rows.get("sending", 0) >= people
    assert rows.get("sending", 0) <= 1
    # The demo's digest history (earlier weeks) is not this run's.
