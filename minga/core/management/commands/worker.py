"""`minga worker`: run background tasks and fire periodic jobs on schedule."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from minga.core.scheduler import enqueue_due_jobs

logger = logging.getLogger("minga.worker")


def _schedule_forever(interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            for name in enqueue_due_jobs():
                logger.info("enqueued periodic job %s", name)
        except Exception:  # keep scheduling through a passing database error
            logger.exception("periodic scheduling failed")
        finally:
            close_old_connections()
        stop.wait(interval)


class Command(BaseCommand):
    help = "Run the background worker: queued tasks, and periodic jobs when they are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--no-schedule", action="store_true", help="Run tasks only; fire no periodic jobs."
        )
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument(
            "--schedule-every",
            type=float,
            default=30.0,
            help="Seconds between checks for due periodic jobs (each slot fires once anyway).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if not options["no_schedule"] and not options["batch"]:
            threading.Thread(
                target=_schedule_forever,
                args=(options["schedule_every"], stop),
                daemon=True,
                name="scheduler",
            ).start()
        worker_args = ["--interval", str(options["interval"]), "--no-reload"]
        if options["batch"]:
            worker_args.append("--batch")
        try:
            call_command("db_worker", *worker_args, verbosity=options["verbosity"])
        finally:
            stop.set()
            time.sleep(0)
