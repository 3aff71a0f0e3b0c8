"""The short form of `bench/load.py --production`: the documented deployment (nginx with
deploy/nginx/minga.conf over HTTPS, `minga serve --production`'s processes, two `minga
worker` processes, this run's database kind) under simulated members reading pages and
changing positions on the demo network (the long form adds the scaled one). No request
fails, no process logs "database is locked", and nginx serves the static files. Its times
are printed, not asserted: the long form's are in the engineers' notes (README, "Serving in
production", gives the command)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import suppress
from pathlib import Path

from minga.tests import processes

ROOT = Path(__file__).resolve().parents[2]


def test_the_documented_deployment_serves_a_short_load_without_errors(tmp_path: Path) -> None:
    # On PostgreSQL bench/load.py builds in this fresh database; on SQLite, in a file of its own.
    with processes.throwaway_database(tmp_path, "load") as database:
        env = processes.environment(tmp_path, database)
        kind = ["--database", "postgres"] if processes.ON_POSTGRES else ["--database", "sqlite"]
        short = ["--production", "--demo-only", "--users", "10", "--seconds", "5", *kind]
        # Its own process group: on a timeout, gunicorn, the workers, nginx and locust go too.
        run = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "load.py"), *short],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = run.communicate(timeout=900)
        finally:
            with suppress(ProcessLookupError):
                os.killpg(run.pid, signal.SIGKILL)
    print(stdout[-3000:])
    assert run.returncode == 0, stdout[-3000:] + stderr[-3000:]
    assert "Goal: 0 errors — 0 ok" in stdout
    assert "Static files from nginx, cached for good: ok" in stdout
    if not processes.ON_POSTGRES:
        assert 'Goal: 0 "database is locked" — 0 ok' in stdout
