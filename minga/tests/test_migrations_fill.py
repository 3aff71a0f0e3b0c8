"""Columns added for the pages at scale are filled for data written before them: each
person's copy of their user name, and whether each invoice is paid in full."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("core", "0004_audit_network_at_id_index"), ("membership", "0002_contribution_due_by")]
AFTER = [("core", "0005_person_indexes"), ("membership", "0003_invoice_settled")]


@pytest.mark.django_db(transaction=True)
def test_migrations_fill_person_names_and_settled_invoices():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    network = apps.get_model("core", "Network").objects.create(slug="antes", name="Antes")
    organization = apps.get_model("core", "Organization").objects.create(
        network=network, name="Fundación A", country="CL"
    )
    user = apps.get_model("core", "User").objects.create(username="ana")
    apps.get_model("core", "Person").objects.create(network=network, user=user)
    plan = apps.get_model("membership", "Plan").objects.create(
        network=network, name="Fija", kind="fixed", fee=Decimal("100")
    )
    Invoice = apps.get_model("membership", "Invoice")
    Entry = apps.get_model("membership", "LedgerEntry")
    paid, owed = (
        Invoice.objects.create(
            network=network,
            organization=organization,
            plan=plan,
            period=period,
            amount=Decimal("100"),
            currency="USD",
            issued_on=date(2026, 1, 1),
            due_on=date(2026, 1, 31),
        )
        for period in ("2025", "2026")
    )
    for invoice, payment in ((paid, Decimal("-100")), (owed, Decimal("-40"))):
        for kind, amount in (("invoice", Decimal("100")), ("payment", payment)):
            Entry.objects.create(
                network=network,
                organization=organization,
                invoice=invoice,
                kind=kind,
                amount=amount,
                currency="USD",
                on=date(2026, 1, 2),
            )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    assert apps.get_model("core", "Person").objects.get(user__username="ana").username == "ana"
    Invoice = apps.get_model("membership", "Invoice")
    assert Invoice.objects.get(pk=paid.pk).settled
    assert not Invoice.objects.get(pk=owed.pk).settled

    # Back to the newest state, for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
