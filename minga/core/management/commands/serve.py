"""`minga serve`: the web processes. `--production` runs gunicorn with Minga's settings
(threaded workers, two processes per core, `MINGA_BIND`); without it, Django's development
server."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

import minga

GUNICORN_CONFIG = Path(minga.__file__).resolve().parent / "gunicorn.conf.py"


def gunicorn_command(bind: str | None, workers: int | None) -> list[str]:
    """The process `--production` becomes: the same gunicorn and settings as docs/deploy.md."""
    # The gunicorn installed beside this Python, not whichever one PATH finds first.
    beside = Path(sys.executable).with_name("gunicorn")
    program = str(beside) if beside.exists() else shutil.which("gunicorn")
    if program is None:
        raise CommandError("gunicorn is not installed: run `make install`.")
    command = [program, "--config", str(GUNICORN_CONFIG)]
    if bind:
        command += ["--bind", bind]
    if workers:
        command += ["--workers", str(workers)]
    return command


class Command(BaseCommand):
    help = (
        "Serve Minga. --production: gunicorn with minga/gunicorn.conf.py, behind a reverse "
        "proxy (docs/deploy.md); otherwise Django's development server."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--production", action="store_true", help="Run gunicorn's web processes."
        )
        parser.add_argument(
            "--bind", help="Address to listen on (default MINGA_BIND, else 127.0.0.1:$PORT)."
        )
        parser.add_argument(
            "--workers", type=int, help="Web processes (default WEB_CONCURRENCY, else two a core)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bind = options["bind"]
        if options["production"]:
            command = gunicorn_command(bind, options["workers"])
            sys.stdout.flush()
            # Replace this process, so a supervisor's signals reach gunicorn's master itself.
            os.execv(command[0], command)  # noqa: S606 (our own gunicorn, fixed arguments)
        address = bind or os.environ.get(
            "MINGA_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}"
        )
        call_command("runserver", address)
