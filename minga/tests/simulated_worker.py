"""`minga worker` on a simulated clock, for test_two_workers.py: the real command (periodic
jobs and queued tasks), with time starting at START and moving one minute every PACE real
seconds for MINUTES minutes. Then it waits for the queue to empty and stops as on Ctrl+C.

    python -m minga.tests.simulated_worker START MINUTES PACE
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from time_machine import Traveller


def _advance(clock: Traveller, minutes: int, pace: float) -> None:
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    for _ in range(minutes):
        time.sleep(pace)  # real time: time-machine moves the clock, not sleeps
        clock.shift(timedelta(minutes=1))
    # The last slots' tasks may still be queued, and the other worker may be running one.
    while DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists():
        time.sleep(pace)
    connection.close()
    os.kill(os.getpid(), signal.SIGINT)


def main(start: str, minutes: str, pace: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minga.settings")
    django.setup()
    # Only now: time-machine imports pytest when it can, and settings read as testing
    # (tasks run at once, mail kept in memory) when pytest is loaded.
    import time_machine
    from django.core.management import call_command

    with time_machine.travel(datetime.fromisoformat(start), tick=False) as clock:
        threading.Thread(
            target=_advance, args=(clock, int(minutes), float(pace)), daemon=True
        ).start()
        # Polling and scheduling often enough that both workers see every simulated minute.
        interval = str(float(pace) / 5)
        call_command("worker", "--interval", interval, "--schedule-every", interval)


if __name__ == "__main__":
    main(*sys.argv[1:])
