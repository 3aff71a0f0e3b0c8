"""`kill -9` at the worst moments, on a database of this run's kind, with real processes:
the web server during a burst of positions, a survey import halfway, and the worker halfway
through the weekly digest. After a restart the database passes its integrity check, every
position that got a 2xx is there, the import left nothing behind, and nobody received the
digest twice (and, running the job again as its next hourly slot does, everyone else received
it). Survey imports run in the request or the command, not in the worker, so the import
killed is the command's."""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import re
import signal
import threading
import time
from pathlib import Path
from typing import Any

from minga.tests import processes

ROOT = Path(__file__).resolve().parents[2]
CHOICES = ("agree", "disagree", "abstain")

# The demo's open proposals and, for each voter (a person or an organization), one person
# who speaks for it, with an API token.
VOTERS = """
import json
from minga.core.actions import issue_token
from minga.core.models import Network
from minga.core.permissions import SYSTEM
from minga.governance.models import Proposal
network = Network.objects.get(slug="demo")
voters = {}
for proposal in Proposal.objects.filter(network=network, state="open").order_by("pk"):
    for person in network.people.select_related("user").order_by("pk"):
        voter = proposal.voter_for(person.user)
        if voter is None:
            continue
        kind = "person" if voter._meta.model_name == "person" else "organization"
        voters.setdefault((proposal.pk, kind, voter.pk), person.user)
print(json.dumps([
    {"proposal": p, "kind": k, "voter": v, "token": issue_token(actor=SYSTEM, user=u)}
    for (p, k, v), u in list(voters.items())[:24]
]))
"""


class Voter(threading.Thread):
    """Changes one voter's position again and again until the server stops answering;
    remembers the last position it was told was stored, and the one still in flight."""

    def __init__(self, port: int, seat: dict[str, Any]) -> None:
        super().__init__(daemon=True)
        self.port, self.seat = port, seat
        self.acknowledged: str | None = None
        self.in_flight: str | None = None
        self.refused: list[int] = []

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Authorization": f"Bearer {self.seat['token']}"}
        headers["Content-Type"] = "application/json"
        for turn in range(10_000):
            self.in_flight = CHOICES[turn % 3]
            body = json.dumps({"position": self.in_flight})
            try:
                connection.request(
                    "PUT", f"/api/v1/proposals/{self.seat['proposal']}/position", body, headers
                )
                answer = connection.getresponse()
                answer.read()
            except OSError:
                return  # killed: what was in flight may or may not be stored
            if answer.status != 200:
                self.refused.append(answer.status)
                return
            self.acknowledged, self.in_flight = self.in_flight, None


def test_killing_the_web_server_during_a_burst_of_positions_loses_no_acknowledged_one(
    tmp_path: Path, demo_template: str
) -> None:
    with processes.demo_copy(demo_template, tmp_path, "positions") as database:
        env = processes.environment(tmp_path, database)
        seats = json.loads(processes.minga(["shell", "-c", VOTERS], env).splitlines()[-1])
        assert len(seats) >= 10
        port = processes.free_port()
        server = processes.start(
            ["serve", "--production", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
            env,
            log=tmp_path / "web.log",
        )
        voters = [Voter(port, seat) for seat in seats]
        try:
            processes.wait_until_serving(f"http://127.0.0.1:{port}", server)
            for voter in voters:
                voter.start()
            deadline = time.monotonic() + 60
            while sum(v.acknowledged is not None for v in voters) < len(voters):
                refused = [status for v in voters for status in v.refused]
                assert not refused, (refused, (tmp_path / "web.log").read_text()[-5000:])
                assert time.monotonic() < deadline, "the burst never got going"
                time.sleep(0.05)
            time.sleep(1.0)  # in full swing
        finally:
            processes.kill_group(server)  # SIGKILL: master and web processes, mid-request
        for voter in voters:
            voter.join(timeout=60)
        refused = [status for v in voters for status in v.refused]
        assert not refused, (refused, (tmp_path / "web.log").read_text()[-5000:])

        assert processes.intact(database)
        stored = {
            (proposal, "person" if person else "organization", person or organization): value
            for proposal, person, organization, value in processes.rows(
                database,
                "SELECT proposal_id, voter_person_id, voter_organization_id, position "
                "FROM governance_position",
            )
        }
        for voter in voters:
            seat = voter.seat
            found = stored.get((seat["proposal"], seat["kind"], seat["voter"]))
            # The last acknowledged position, or the one cut off in flight if it committed.
            assert found in {voter.acknowledged, voter.in_flight}, (seat, found, voter.__dict__)
        # Restarted, the server takes positions again.
        with processes.web_server(env, tmp_path) as base:
            seat = seats[0]
            connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
            connection.request(
                "PUT",
                f"/api/v1/proposals/{seat['proposal']}/position",
                json.dumps({"position": "abstain"}),
                {"Authorization": f"Bearer {seat['token']}", "Content-Type": "application/json"},
            )
            assert connection.getresponse().status == 200


def _write_export(rows: int, path: Path) -> None:
    """The Kobo-style export that bench/mapping_export.py writes for the built-in form."""
    spec = importlib.util.spec_from_file_location(
        "mapping_export", ROOT / "bench/mapping_export.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_export(rows, path)


def test_killing_a_survey_import_halfway_leaves_nothing_of_it(
    tmp_path: Path, demo_template: str
) -> None:
    with processes.demo_copy(demo_template, tmp_path, "survey") as database:
        env = processes.environment(tmp_path, database)
        form, data = tmp_path / "form.xlsx", tmp_path / "answers.csv"
        processes.minga(["survey", "template", str(form)], env)
        # The long form: MINGA_CRASH_IMPORT_ROWS=200000.
        rows = int(os.environ.get("MINGA_CRASH_IMPORT_ROWS", "15000"))
        _write_export(rows, data)
        before = processes.rows(database, "SELECT COUNT(*) FROM mapping_response")[0][0]

        def importing(name: str) -> list[str]:
            base = ["survey", "import", "--network", "demo", "--form", str(form)]
            return [*base, "--data", str(data), "--name", name, "--title", name]

        log = tmp_path / "import.log"
        run = processes.start(importing("killed"), env, log=log)
        # Killed once its progress shows a third of the rows stored, inside its transaction.
        deadline = time.monotonic() + 300
        try:
            while max(map(int, re.findall(rb"(\d+) rows", log.read_bytes())), default=0) < (
                rows // 3
            ):
                assert run.poll() is None, "the import ended before it could be killed"
                assert time.monotonic() < deadline
                time.sleep(0.01)
        finally:
            processes.kill_group(run)

        assert processes.intact(database)
        surveys = [name for (name,) in processes.rows(database, "SELECT name FROM mapping_survey")]
        assert "killed" not in surveys
        after = processes.rows(database, "SELECT COUNT(*) FROM mapping_response")[0][0]
        assert after == before  # none of the killed import's answers
        # Run again, it imports everything.
        processes.minga(importing("killed"), env, timeout=300 + rows / 500)
        again = processes.rows(database, "SELECT COUNT(*) FROM mapping_response")[0][0]
        assert again == before + rows


CURRENT_WEEK = "from minga.communication import digest; print(digest.current_period('weekly').name)"
ENQUEUE_DIGEST = (
    "from minga.communication.tasks import send_weekly_digests; send_weekly_digests.enqueue()"
)


def test_killing_the_worker_during_the_digest_sends_nobody_two(
    tmp_path: Path, demo_template: str
) -> None:
    mailbox = processes.Mailbox(delay=0.05)  # slow enough to kill the worker halfway
    with (
        processes.demo_copy(demo_template, tmp_path, "digest") as database,
        mailbox.running(),
    ):
        env = processes.environment(
            tmp_path, database, MINGA_EMAIL_URL=f"smtp://127.0.0.1:{mailbox.port}"
        )
        processes.minga(["shell", "-c", ENQUEUE_DIGEST], env)
        worker = processes.start(["worker", "--no-schedule", "--interval", "0.1"], env)
        deadline = time.monotonic() + 120
        try:
            while sum(mailbox.received.values()) < 8:
                assert time.monotonic() < deadline and worker.poll() is None
                time.sleep(0.02)
        finally:
            processes.kill_group(worker)
        killed_after = sum(mailbox.received.values())
        assert processes.intact(database)

        # Restarted, the worker runs the job's next hourly slot: the others get theirs.
        worker = processes.start(["worker", "--no-schedule", "--interval", "0.1"], env)
        try:
            processes.minga(["shell", "-c", ENQUEUE_DIGEST], env)
            deadline = time.monotonic() + 120
            while (
                processes.rows(
                    database,
                    "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult "
                    "WHERE status IN ('READY', 'RUNNING')",
                )[0][0]
                > 1
            ):  # the killed one stays RUNNING: its worker is gone
                assert time.monotonic() < deadline and worker.poll() is None
                time.sleep(0.1)
        finally:
            processes.kill_group(worker, signal.SIGTERM)
        week = processes.minga(["shell", "-c", CURRENT_WEEK], env).split()[-1]
        claims = [
            status
            for period, status in processes.rows(
                database, "SELECT period, status FROM communication_digest"
            )
            if period == week
        ]

    assert mailbox.received.most_common(1)[0][1] == 1, mailbox.received.most_common(3)
    assert 8 <= killed_after < len(claims)  # killed halfway, finished by the next run
    # Everyone was claimed once: sent, or cut off by the kill. At most the one in flight is
    # left "sending", whether its mail went before the kill or not.
    assert claims.count("sending") <= 1
    assert len(mailbox.received) - 1 <= claims.count("sent") <= len(mailbox.received)
    assert claims.count("sent") >= len(claims) - 1
