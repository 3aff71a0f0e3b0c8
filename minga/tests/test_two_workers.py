"""Two `minga worker` processes share one queue for an hour and more of simulated time,
while two web processes queue work beside them: every periodic job runs once per slot, no
task runs twice, nobody receives a mail twice. Real processes on a database of this run's
kind (SQLite file, or a fresh PostgreSQL database), mailing a loopback SMTP server.

Each worker runs the real command on a clock of its own (minga/tests/simulated_worker.py),
so the two are a few simulated minutes apart, as two machines' schedulers would race. The
window is next Monday's busy morning, 05:50 to 07:08 in the server's time zone: the weekly
digest (07:00), reminders every quarter hour, proposals closed every five minutes (and the
month's invoices and digest when that Monday is the 1st). Next Monday, not a fixed date: the
invitations the web processes send must not have expired by the workers' clock.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from croniter import croniter

from minga.periodic import JOBS
from minga.tests import processes

ZONE = ZoneInfo("America/Bogota")
TODAY = datetime.now(ZONE).replace(hour=5, minute=50, second=0, microsecond=0)
START = TODAY + timedelta(days=7 - TODAY.weekday())  # next Monday, 05:50
# To 07:08: no job is due in the last minutes, so none is cut at the edge. The long form:
# MINGA_SIMULATED_MINUTES=1440 (a day, about 6 minutes) runs the digest's catch-up slots too.
MINUTES = int(os.environ.get("MINGA_SIMULATED_MINUTES", "78"))
PACE = "0.25"  # real seconds per simulated minute
INVITED = 12  # invitations posted through the web processes meanwhile
FIRST_CHECK = (
    "from datetime import datetime; from minga.core.scheduler import enqueue_due_jobs; "
    f"enqueue_due_jobs(datetime.fromisoformat('{START.isoformat()}'))"
)


def _slots(cron: str) -> int:
    """How many times the job is due after START, up to the window's end."""
    end = START + timedelta(minutes=MINUTES)
    times = croniter(cron, START)
    count = 0
    while times.get_next(datetime) <= end:
        count += 1
    return count


def _invite(base: str, token: str, number: int) -> None:
    request = urllib.request.Request(  # noqa: S310 (our own server's http URL)
        f"{base}/api/v1/networks/demo/invitations",
        data=json.dumps({"email": f"invitada{number}@example.org"}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        assert answer.status == 201


def test_two_workers_run_each_slot_and_each_task_once(tmp_path: Path, demo_template: str) -> None:
    mailbox = processes.Mailbox()
    with (
        processes.demo_copy(demo_template, tmp_path, "two_workers") as database,
        mailbox.running(),
    ):
        env = processes.environment(
            tmp_path,
            database,
            MINGA_EMAIL_URL=f"smtp://127.0.0.1:{mailbox.port}",
            MINGA_TIME_ZONE=str(ZONE),
        )
        token = processes.minga(["createtoken", "coordinadora"], env).split()[-1]
        # The schedulers' first check only records each job's slot: done here, at START,
        # so that neither worker's start-up, however slow, costs a slot of the window.
        processes.minga(["shell", "-c", FIRST_CHECK], env)
        logs = [tmp_path / f"worker{n}.log" for n in (1, 2)]
        args = [START.isoformat(), str(MINUTES), PACE]
        with processes.web_server(env, tmp_path, processes=2) as base:
            workers = [
                processes.start(args, env, log=log, module="minga.tests.simulated_worker")
                for log in logs
            ]
            try:
                for number in range(INVITED):
                    _invite(base, token, number)
                for worker, log in zip(workers, logs, strict=True):
                    ended = worker.wait(timeout=MINUTES * float(PACE) + 240)
                    assert ended == 0, log.read_text()[-5000:]
            finally:
                for worker in workers:
                    processes.kill_group(worker)
        _check(database, mailbox)  # before a PostgreSQL database is dropped


def _check(database: str, mailbox: processes.Mailbox) -> None:
    # Each job ran once per slot of the window, through both workers' schedulers.
    queued = Counter(
        path
        for (path,) in processes.rows(
            database, "SELECT task_path FROM django_tasks_database_dbtaskresult"
        )
    )
    expected = {job.task: _slots(job.cron) for job in JOBS}
    assert {task: queued[task] for task in expected} == expected
    assert expected["minga.communication.tasks.send_weekly_digests"] >= 1
    assert queued["minga.core.tasks.send_invitation"] == INVITED
    # Every task finished, each claimed by one worker only; both workers took some.
    ours = {*expected, "minga.core.tasks.send_invitation"}  # not the demo's, run before
    results = [
        (status, json.loads(ids) if isinstance(ids, str) else ids)
        for path, status, ids in processes.rows(
            database, "SELECT task_path, status, worker_ids FROM django_tasks_database_dbtaskresult"
        )
        if path in ours
    ]
    assert {status for status, _ in results} == {"SUCCESSFUL"}, results
    assert all(len(ids) == 1 for _, ids in results)
    assert len({ids[0] for _, ids in results}) == 2
    # Nobody received the same mail twice; the digests and invitations all went.
    assert mailbox.received.most_common(1)[0][1] == 1, mailbox.received.most_common(3)
    for number in range(INVITED):
        assert mailbox.to(f"invitada{number}@example.org") == 1
    week = f"{START:%G-W%V}"
    digests = processes.rows(database, "SELECT period, status FROM communication_digest")
    sent = sum(1 for period, status in digests if period == week and status == "sent")
    assert sent > 0
