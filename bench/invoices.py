"""Time invoicing one period for a network of N paying members (default 10,000) against
bulk-creating the same rows.

Usage: .venv/bin/python bench/invoices.py [MEMBERS] [--repeats N] [--json]
       scripts/with-postgres.sh .venv/bin/python bench/invoices.py --database postgres

Builds, in a throwaway SQLite file (or the PostgreSQL server of MINGA_DATABASE_URL), a
network of MEMBERS organizations, each a member on an annual plan: half on a fixed fee, half
on a fee by size (bulk_create). Then times, best of --repeats (default 1), each inside a
transaction rolled back afterwards so every run invoices the same members:

- `invoice_period` for last year (membership's action, as `minga dues invoice` and the
  monthly `invoice_current_periods` task run it: one invoice and one ledger entry per
  member, each invoice's settled flag kept, one audit row);
- the baseline "bulk_create of the same rows": the same invoices and ledger entries
  (amounts from `plan.fee_for`), built in Python from the same memberships and written by
  two `bulk_create` calls.

Prints both, their ratio, and the SQL queries of the action.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from table import Row, best_of, report, start


def main() -> None:
    args, _workdir = start(__doc__, "members", 10_000, repeats=1)
    from datetime import date, timedelta
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone

    from minga.core import actions as core_actions
    from minga.core.models import Organization, User
    from minga.core.permissions import SYSTEM
    from minga.membership import actions
    from minga.membership.ledger import Period
    from minga.membership.models import Invoice, LedgerEntry, Membership
    from minga.membership.queries import active_memberships

    size = args.members
    coordinator = User.objects.create(username="bench-coordinator")
    network = core_actions.create_network(actor=coordinator, slug="bench", name="Bench")
    fixed = actions.create_plan(
        actor=coordinator, network=network, name="Fixed", kind="fixed", fee="120"
    )
    by_size = actions.create_plan(
        actor=coordinator,
        network=network,
        name="By size",
        kind="variable",
        fees={"small": "100.00", "medium": "250.00", "large": "600.00"},
        small_income_max="50000",
        medium_income_max="250000",
    )
    year = timezone.localdate().year - 1
    with transaction.atomic():
        organizations = Organization.objects.bulk_create(
            (
                Organization(
                    network=network, name=f"Org {i:06d}", size=["small", "medium", "large"][i % 3]
                )
                for i in range(size)
            ),
            batch_size=2000,
        )
        Membership.objects.bulk_create(
            (
                Membership(
                    network=network,
                    organization=organization,
                    plan=fixed if i % 2 else by_size,
                    joined_on=date(year, 1, 1),
                )
                for i, organization in enumerate(organizations)
            ),
            batch_size=2000,
        )
    period = str(year)

    def invoice() -> None:
        with transaction.atomic():
            created = actions.invoice_period(actor=SYSTEM, network=network, period=period)
            assert created == size, created
            transaction.set_rollback(True)  # each run starts from the same data

    def bulk() -> None:
        parsed = Period.parse(period)
        with transaction.atomic():
            memberships = list(active_memberships(network).select_related("plan", "organization"))
            invoices = Invoice.objects.bulk_create(
                (
                    Invoice(
                        network=network,
                        organization=m.organization,
                        plan=m.plan,
                        period=period,
                        amount=m.plan.fee_for(m.organization.size) or Decimal(0),
                        currency=m.plan.currency,
                        issued_on=parsed.start,
                        due_on=parsed.start + timedelta(days=30),
                    )
                    for m in memberships
                ),
                batch_size=2000,
            )
            LedgerEntry.objects.bulk_create(
                (
                    LedgerEntry(
                        network=network,
                        organization_id=i.organization_id,
                        invoice=i,
                        kind="invoice",
                        amount=i.amount,
                        currency=i.currency,
                        on=i.issued_on,
                    )
                    for i in invoices
                ),
                batch_size=2000,
            )
            assert len(invoices) == size
            transaction.set_rollback(True)  # each run starts from the same data

    # Counted by a wrapper, not Django's query log (that keeps the last 9,000 only).
    executed: list[int] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(1)
        return execute(sql, params, many, context)

    baseline = best_of(bulk, args.repeats)
    with connection.execute_wrapper(count):
        action = best_of(invoice, args.repeats)
    queries = len(executed) // max(1, args.repeats)
    print(f"members: {size:,}; queries of invoice_period: {queries:,}")
    report(
        [
            Row(
                "invoices: invoice_period",
                f"{size:,} members",
                action,
                "bulk_create of the same rows",
                baseline,
            )
        ],
        args.json,
    )


if __name__ == "__main__":
    main()
