"""The dues exports: no organization's name becomes a formula, amounts stay numbers,
and an unpaid invoice shows 0.00 paid, never -0.00."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest

from minga.core import actions as core_actions
from minga.membership import actions
from minga.membership.models import Invoice

HOSTILE = ['=HYPERLINK("http://x","y")', "@SUM(1+1)", "+1+1", "-1+1", "\t=1+1", "\r=1+1"]


def csv_rows(client) -> list[list[str]]:
    response = client.get("/n/red/membership/dues/export.csv")
    assert response["Content-Disposition"] == 'attachment; filename="red-dues.csv"'
    return list(csv.reader(io.StringIO(response.content.decode(), newline="")))


def xlsx_cells(client) -> list[tuple[Any, ...]]:
    response = client.get("/n/red/membership/dues/export.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="red-dues.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["dues"]
    return list(workbook["dues"].iter_rows())


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_organization_name_is_neutralized_in_both_exports(world, plans, client_as, name):
    core_actions.update_organization(actor=world.coordinator, organization=world.org_a, name=name)
    actions.invoice_period(actor=world.treasurer, network=world.network, period="2027")
    client = client_as(world.treasurer)
    by_name = {row[0]: row for row in csv_rows(client)[1:]}
    # A line break inside a cell is followed by an apostrophe too (see core.exports).
    in_csv = "'" + name.replace("\r=", "\r'=")
    assert by_name[in_csv][1:5] == ["2027", "100.00", "0.00", "open"]
    assert by_name["Instituto B"][1:5] == ["2027", "600.00", "0.00", "open"]
    rows = xlsx_cells(client)
    assert [c.value for c in rows[0]][:4] == ["organization", "period", "amount", "paid"]
    hostile = next(r for r in rows[1:] if r[0].value == name.replace("\r", "\n"))
    assert hostile[0].data_type == "s"
    assert all(c.data_type != "f" for row in rows for c in row)
    # Amounts are numbers in the workbook.
    assert (hostile[2].data_type, hostile[2].value, hostile[3].value) == ("n", 100, 0)


def test_unpaid_invoices_show_zero_paid_never_negative_zero(world, plans, client_as, api_as):
    actions.invoice_period(actor=world.treasurer, network=world.network, period="2027")
    invoice = Invoice.objects.get(organization=world.org_b)
    actions.record_payment(actor=world.treasurer, invoice=invoice, amount="600")
    api = api_as(world.treasurer)
    invoices = {
        i["organization"]: i for i in api.get("/networks/red/dues/invoices").json()["items"]
    }
    assert invoices[world.org_a.pk]["paid"] == "0.00"
    assert invoices[world.org_b.pk]["paid"] == "600.00"
    open_only = api.get("/networks/red/dues/invoices", status="open").json()["items"]
    assert [i["paid"] for i in open_only] == ["0.00"]
    balances = {b["organization"]: b for b in api.get("/networks/red/dues/balances").json()}
    assert balances[world.org_a.pk]["paid"] == "0.00"
    rows = csv_rows(client_as(world.treasurer))
    assert rows[1][:6] == ["Fundación A", "2027", "100.00", "0.00", "open", "USD"]
    assert not any("-0.00" in cell for row in rows for cell in row)


def test_a_credit_below_zero_is_a_negative_number_not_neutralized_text(world, plans, client_as):
    actions.invoice_period(actor=world.treasurer, network=world.network, period="2027")
    invoice = Invoice.objects.get(organization=world.org_a)
    actions.record_correction(
        actor=world.treasurer,
        organization=world.org_a,
        invoice=invoice,
        amount="-150",
        note="Credit carried over",
    )
    client = client_as(world.treasurer)
    row = next(r for r in csv_rows(client) if r[0] == "Fundación A")
    assert row[2] == "-50.00"
    cell = next(r for r in xlsx_cells(client) if r[0].value == "Fundación A")[2]
    assert (cell.data_type, cell.value) == ("n", -50)
