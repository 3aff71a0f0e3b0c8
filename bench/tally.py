"""Time the tally of one proposal with N positions (default 10,000, one per organization)
against a plain count of the same positions.

Usage: .venv/bin/python bench/tally.py [POSITIONS] [--repeats N] [--json]
       scripts/with-postgres.sh .venv/bin/python bench/tally.py --database postgres

Builds, in a throwaway SQLite file (or the PostgreSQL server of MINGA_DATABASE_URL), a
network of POSITIONS organizations, each with a representative, and two open proposals on
the majority rule (the coordinating organization breaks ties), each with a position from
every organization (bulk_create); one of them is secret. Then times, best of --repeats
(default 3), each inside a transaction rolled back afterwards, so every run closes the same
open proposal:

- `close_proposal` (governance's action: read the positions, count them, `decision_rules.decide`
  with the tie-break, the proposal saved, an audit row), public and secret (at close, a secret
  proposal's positions become bare participations and anonymous ballots);
- `proposal.current_tally()` (the open proposal's count: one grouped query).

Baselines: "Counter over values_list": the same positions fetched as tuples
(`values_list("position", flat=True)`) and counted by `collections.Counter`, for the closes;
"raw SQL GROUP BY": one `SELECT position, COUNT(*) ... GROUP BY position` through a cursor,
for `current_tally`. Prints each with its baseline and their ratio, and the queries of a close.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from table import Row, best_of, report, start


def main() -> None:
    args, _workdir = start(__doc__, "positions", 10_000, repeats=3)
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from minga.core import actions as core_actions
    from minga.core.models import Organization, Person, User
    from minga.governance import actions
    from minga.governance.models import Position, Proposal

    size = args.positions
    coordinator = User.objects.create(username="bench-coordinator")
    network = core_actions.create_network(actor=coordinator, slug="bench", name="Bench")
    with transaction.atomic():
        organizations = Organization.objects.bulk_create(
            Organization(network=network, name=f"Org {i:06d}") for i in range(size)
        )
        users = User.objects.bulk_create(User(username=f"rep-{i:06d}") for i in range(size))
        Person.objects.bulk_create(
            Person(network=network, user=u, organization=o, username=u.username)
            for u, o in zip(users, organizations, strict=True)
        )
    core_actions.update_network(
        actor=coordinator, network=network, coordinating_organization=organizations[0]
    )
    choices = ["agree"] * 5 + ["disagree"] * 4 + ["abstain"]
    proposals: dict[str, Proposal] = {}
    for label, secret in (("public", False), ("secret", True)):
        proposal = actions.open_proposal(
            actor=coordinator,
            network=network,
            title=f"Bench {label}",
            text="Proposed.",
            rule="majority",
            secret=secret,
        )
        Position.objects.bulk_create(
            (
                Position(
                    proposal=proposal,
                    voter_organization=organization,
                    cast_by=user,
                    position=choices[i % len(choices)],
                    reason="Discussed in our assembly." if i % 5 == 0 else "",
                )
                for i, (organization, user) in enumerate(zip(organizations, users, strict=True))
            ),
            batch_size=2000,
        )
        proposals[label] = proposal
    public = proposals["public"]
    assert public.eligible_total() == size

    def close(label: str) -> None:
        with transaction.atomic():
            outcome = actions.close_proposal(actor=coordinator, proposal=proposals[label])
            assert outcome.tally.taken == size
            transaction.set_rollback(True)  # each run starts from the same data

    def counted() -> Counter[str]:
        return Counter(Position.objects.filter(proposal=public).values_list("position", flat=True))

    table = Position._meta.db_table

    def grouped() -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT position, COUNT(*) FROM {table} WHERE proposal_id = %s GROUP BY position",  # noqa: S608 (our table's name)
                [public.pk],
            )
            return dict(cursor.fetchall())

    with CaptureQueriesContext(connection) as captured:
        close("public")
    assert +Counter(public.current_tally().as_dict()) == counted()
    assert grouped() == dict(counted())
    repeats = args.repeats
    baseline = best_of(counted, repeats)
    public_close = best_of(lambda: close("public"), repeats)
    secret_close = best_of(lambda: close("secret"), repeats)
    current = best_of(public.current_tally, repeats)
    raw = best_of(grouped, repeats)
    print(f"positions: {size:,}; queries of one close: {len(captured)}")
    shown = f"{size:,} positions"
    report(
        [
            Row("tally: close_proposal", shown, public_close, "Counter over values_list", baseline),
            Row(
                "tally: close_proposal, secret",
                shown,
                secret_close,
                "Counter over values_list",
                baseline,
            ),
            Row("tally: current_tally (open)", shown, current, "raw SQL GROUP BY", raw),
        ],
        args.json,
    )


if __name__ == "__main__":
    main()
