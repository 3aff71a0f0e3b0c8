"""The dues ledger: invoicing by plan, idempotence, partial payments, balances, arrears."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minga.core import actions as core_actions
from minga.membership import actions
from minga.membership.models import Invoice, LedgerEntry, Membership
from minga.membership.queries import balances, with_payments


def test_each_plan_kind_invoices_its_amount(world, plans):
    _variable, _open = plans
    fixed = actions.create_plan(
        actor=world.coordinator,
        network=world.network,
        name="Fija mensual",
        kind="fixed",
        period="monthly",
        currency="COP",
        fee="50000",
    )
    third = core_actions.create_organization(
        actor=world.coordinator,
        network=world.network,
        name="Colectivo C",
        country="CO",
        size="medium",
    )
    Membership.objects.create(
        network=world.network, organization=third, plan=fixed, joined_on=date(2026, 1, 1)
    )
    assert actions.invoice_period(actor=world.treasurer, network=world.network, period="2027") == 2
    amounts = {
        i.organization.name: (i.amount, i.currency) for i in Invoice.objects.filter(period="2027")
    }
    assert amounts == {
        "Fundación A": (Decimal("100.00"), "USD"),
        "Instituto B": (Decimal("600.00"), "USD"),
    }
    assert (
        actions.invoice_period(actor=world.treasurer, network=world.network, period="2027-03") == 1
    )
    assert Invoice.objects.get(period="2027-03").amount == Decimal("50000.00")
    # The open plan's members never get an invoice.
    assert not Invoice.objects.filter(plan=_open).exists()


def test_invoicing_twice_creates_nothing_new(world, plans, capsys):
    call_command("dues", "invoice", "--network", "red", "--period", "2027")
    assert "Created 2 invoices" in capsys.readouterr().out
    call_command("dues", "invoice", "--network", "red", "--period", "2027")
    assert "Created 0 invoices" in capsys.readouterr().out
    assert Invoice.objects.count() == 2
    assert LedgerEntry.objects.count() == 2


def test_the_command_acts_as_the_system_or_as_a_named_person(world, plans):
    from django.core.management import CommandError

    from minga.core.models import AuditEntry

    with pytest.raises(CommandError, match="mateo may not invoice dues"):
        call_command("dues", "invoice", "--network", "red", "--period", "2027", "--as", "mateo")
    assert not Invoice.objects.exists()
    call_command("dues", "invoice", "--network", "red", "--period", "2027", "--as", "tiago")
    entry = AuditEntry.objects.get(action="dues.invoice")
    assert (entry.actor, entry.by_system) == (world.treasurer, False)
    call_command("dues", "invoice", "--network", "red", "--period", "2027-03")
    call_command("dues", "invoice", "--network", "red", "--period", "2028")
    latest = AuditEntry.objects.filter(action="dues.invoice").latest("pk")
    assert (latest.actor, latest.by_system) == (None, True)


def test_the_monthly_job_invoices_as_the_system(world, plans):
    from minga.core.models import AuditEntry
    from minga.membership.tasks import invoice_current_periods

    monthly = actions.create_plan(
        actor=world.coordinator,
        network=world.network,
        name="Mensual",
        kind="fixed",
        period="monthly",
        fee="20",
    )
    newcomer = core_actions.create_organization(
        actor=world.coordinator, network=world.network, name="Colectivo C", country="CO"
    )
    application = actions.apply_for_organization(
        actor=world.coordinator, network=world.network, organization=newcomer, plan=monthly
    )
    actions.approve(actor=world.coordinator, application=application)
    assert invoice_current_periods.call() >= 1
    assert Invoice.objects.filter(organization=newcomer).count() == 1
    assert AuditEntry.objects.filter(action="dues.invoice", by_system=True).exists()
    assert invoice_current_periods.call() == 0  # idempotent


def test_a_bad_period_is_refused_naming_it(world, plans):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="2027-13"):
        call_command("dues", "invoice", "--network", "red", "--period", "2027-13")
    assert not Invoice.objects.exists()


def test_partial_payments_and_balances(world, plans, api_as):
    actions.invoice_period(actor=world.treasurer, network=world.network, period="2027")
    invoice = Invoice.objects.get(organization=world.org_b)
    api = api_as(world.treasurer)
    first = api.post(
        "/networks/red/dues/payments",
        {"invoice": invoice.pk, "amount": "250.00", "date": "2027-02-01"},
    )
    assert first.status_code == 201, first.content
    listed = api.get(
        "/networks/red/dues/invoices", period="2027", organization=world.org_b.pk
    ).json()
    assert listed["items"] == [
        {
            "id": invoice.pk,
            "organization": world.org_b.pk,
            "period": "2027",
            "amount": "600.00",
            "currency": "USD",
            "paid": "250.00",
            "status": "partial",
            "due_on": "2027-01-31",
        }
    ]
    too_much = api.post("/networks/red/dues/payments", {"invoice": invoice.pk, "amount": "400.00"})
    assert too_much.status_code == 422
    assert {e["loc"][-1] for e in too_much.json()["detail"]} == {"amount"}
    api.post(
        "/networks/red/dues/payments",
        {"invoice": invoice.pk, "amount": "350", "date": "2027-03-01"},
    )
    assert api.get("/networks/red/dues/invoices", status="paid").json()["count"] == 1
    assert api.get("/networks/red/dues/invoices", status="open").json()["count"] == 1
    rows = {r["organization"]: r for r in api.get("/networks/red/dues/balances").json()}
    assert rows[world.org_b.pk]["balance"] == "0.00"
    assert rows[world.org_a.pk]["balance"] == "100.00"


def test_arrears_count_from_the_oldest_overdue_invoice(world, plans):
    actions.invoice_period(actor=world.treasurer, network=world.network, period="2027")
    rows = {r["name"]: r for r in balances(world.network, today=date(2027, 6, 15))}
    assert rows["Fundación A"]["in_arrears_since"] == date(2027, 1, 31)
    assert rows["Fundación A"]["months_in_arrears"] == 4


def test_arrears_follow_payments_and_corrections_on_the_invoice(world, plans):
    """Who is in arrears is read from each invoice's stored `settled` flag: every ledger
    entry against the invoice keeps it, corrections included."""
    actions.invoice_period(actor=world.treasurer, network=world.network, period="2027")
    invoice = Invoice.objects.get(organization=world.org_a)
    later = date(2027, 6, 15)

    def in_arrears() -> bool:
        rows = {r["name"]: r for r in balances(world.network, today=later)}
        return rows["Fundación A"]["in_arrears_since"] is not None

    assert in_arrears()
    actions.record_payment(actor=world.treasurer, invoice=invoice, amount="100")
    invoice.refresh_from_db()
    assert invoice.settled and not in_arrears()
    actions.record_correction(
        actor=world.treasurer,
        organization=world.org_a,
        invoice=invoice,
        amount="10",
        note="recargo",
    )
    invoice.refresh_from_db()
    assert not invoice.settled and in_arrears()
    actions.record_payment(actor=world.treasurer, invoice=invoice, amount="10")
    invoice.refresh_from_db()
    assert invoice.settled and not in_arrears()


@pytest.mark.parametrize("amount", ["-5", "0", "abc", "1.234"])
def test_bad_amounts_are_refused_and_nothing_is_written(world, plans, api_as, amount):
    actions.invoice_period(actor=world.treasurer, network=world.network, period="2027")
    invoice = Invoice.objects.get(organization=world.org_a)
    before = LedgerEntry.objects.count()
    response = api_as(world.treasurer).post(
        "/networks/red/dues/payments", {"invoice": invoice.pk, "amount": amount}
    )
    assert response.status_code == 422
    assert amount in response.json()["detail"][0]["msg"]
    assert LedgerEntry.objects.count() == before


def test_the_ledger_is_append_only(world, plans):
    actions.invoice_period(actor=world.treasurer, network=world.network, period="2027")
    entry = LedgerEntry.objects.all()[0]
    entry.amount = Decimal("1")
    with pytest.raises(ValueError, match="append-only"):
        entry.save()


operations = st.lists(
    st.one_of(
        st.tuples(st.just("invoice"), st.sampled_from(["2027", "2028", "2029"])),
        st.tuples(
            st.just("pay"),
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal("700"), places=2),
        ),
        st.tuples(
            st.just("correct"),
            st.decimals(min_value=Decimal("-300"), max_value=Decimal("300"), places=2),
        ),
    ),
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations)
def test_balance_is_always_the_sum_of_entries(world, plans, sequence):
    """Whatever happens, in whatever order (refused operations included), the balance
    shown equals the sum of the ledger's entries, and invoices never count overpaid."""
    try:
        with transaction.atomic():
            expected = Decimal("0")
            for operation, value in sequence:
                try:
                    if operation == "invoice":
                        before = LedgerEntry.objects.count()
                        actions.invoice_period(
                            actor=world.treasurer, network=world.network, period=value
                        )
                        expected += sum(
                            e.amount for e in LedgerEntry.objects.order_by("pk")[before:]
                        )
                    elif operation == "pay":
                        invoice = (
                            Invoice.objects.filter(organization=world.org_b).order_by("-pk").first()
                        )
                        if invoice is None:
                            continue
                        actions.record_payment(actor=world.treasurer, invoice=invoice, amount=value)
                        expected -= value
                    else:
                        if value == 0:
                            continue
                        actions.record_correction(
                            actor=world.treasurer,
                            organization=world.org_b,
                            amount=value,
                            note="ajuste",
                        )
                        expected += value
                except ValidationError:
                    continue  # refused: nothing written
            entries_total = sum((e.amount for e in LedgerEntry.objects.all()), Decimal("0"))
            shown = sum((row["balance"] for row in balances(world.network)), Decimal("0"))
            assert shown == entries_total == expected
            for invoice in with_payments(Invoice.objects.all()):
                assert invoice.paid <= invoice.due
                assert invoice.settled == (invoice.status() == "paid")
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    pass
