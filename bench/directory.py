"""Time the organization directory (page and API) and the member directory as a network grows.

Usage: .venv/bin/python bench/directory.py [SIZES...]   (default: 100 1000 10000)
Prints, per size: median milliseconds and SQL queries for the page and the API list,
and the ratio to the smallest size (a flat ratio means the page does not grow with N).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def main(sizes: list[int]) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="minga-bench-"))
    os.environ.setdefault("MINGA_VAR_DIR", str(workdir))
    os.environ["MINGA_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "minga.settings"
    os.environ["MINGA_DEBUG"] = "false"
    os.environ["MINGA_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from minga.core import actions
    from minga.core.models import Organization, Theme, User
    from minga.membership import actions as membership_actions
    from minga.membership.models import Membership

    # Keep one connection across requests, so query counts are captured.
    connection.settings_dict["CONN_MAX_AGE"] = None
    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bench", password="x")
    network = actions.create_network(actor=user, slug="bench", name="Bench")
    token = actions.issue_token(actor=user, user=user)
    plan = membership_actions.create_plan(
        actor=user, network=network, name="Bench", kind="fixed", fee="10"
    )
    membership_actions.publish_code(actor=user, network=network, text="Code")
    themes = [Theme.objects.create(slug=f"t{i}", name=f"Theme {i}") for i in range(20)]
    client = Client()
    client.force_login(user)
    api = Client(headers={"Authorization": f"Bearer {token}"})

    def measure(call: object, runs: int = 15) -> tuple[float, int]:
        timings = []
        assert callable(call)
        reset_queries()  # a request clears the log, so it must start empty
        with CaptureQueriesContext(connection) as queries:
            response = call()
        assert response.status_code == 200, response.status_code
        count = len(queries)  # read now: later requests clear the log it slices
        for _ in range(runs):
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings), count

    created = 0
    baseline: dict[str, float] = {}
    print(
        f"{'orgs':>7} {'page ms':>9} {'q':>3} {'x':>5} {'api ms':>9} {'q':>3} {'x':>5}"
        f" {'members ms':>10} {'q':>3} {'x':>5}"
    )
    for size in sorted(sizes):
        batch = [
            Organization(network=network, name=f"Org {i:06d}", country="CO", city="Bogotá")
            for i in range(created, size)
        ]
        Organization.objects.bulk_create(batch, batch_size=2000)
        through = Organization.themes.through
        new = Organization.objects.filter(network=network, pk__gt=0).order_by("pk")[created:size]
        through.objects.bulk_create(
            [through(organization_id=o.pk, theme_id=themes[o.pk % 20].pk) for o in new],
            batch_size=2000,
        )
        Membership.objects.bulk_create(
            [
                Membership(network=network, organization=o, plan=plan, joined_on=date(2027, 1, 1))
                for o in new
            ],
            batch_size=2000,
        )
        created = size
        page_ms, page_q = measure(lambda: client.get("/n/bench/organizations/", {"country": "CO"}))
        api_ms, api_q = measure(lambda: api.get("/api/v1/networks/bench/organizations"))
        members_ms, members_q = measure(
            lambda: client.get("/n/bench/membership/directory/", {"signed": "no", "q": "Org"})
        )
        baseline.setdefault("members", members_ms)
        baseline.setdefault("page", page_ms)
        baseline.setdefault("api", api_ms)
        print(
            f"{size:>7} {page_ms:>9.1f} {page_q:>3} {page_ms / baseline['page']:>5.2f}"
            f" {api_ms:>9.1f} {api_q:>3} {api_ms / baseline['api']:>5.2f}"
            f" {members_ms:>10.1f} {members_q:>3} {members_ms / baseline['members']:>5.2f}"
        )


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [100, 1000, 10000])
