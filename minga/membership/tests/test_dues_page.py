"""The dues page at any size: a page of balances and a page of invoices, narrowed by
state, plan, country and name, with totals the database sums over everything the
filters keep; the downloads keep their columns and follow the same filters."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minga.core.models import Organization
from minga.core.testing import assert_queries_flat
from minga.membership import actions
from minga.membership.models import Invoice, Membership
from minga.membership.queries import DuesFilters, dues_totals

_numbers = itertools.count()


@pytest.fixture
def invoiced(world, plans):
    """Both organizations invoiced for 2026 (overdue today); B paid 600 of its 600, A
    nothing: A is in arrears."""
    actions.invoice_period(actor=world.treasurer, network=world.network, period="2026")
    actions.record_payment(
        actor=world.treasurer,
        invoice=Invoice.objects.get(organization=world.org_b),
        amount="600.00",
    )
    return plans


def add_members(world, plan, count: int, country: str = "CL") -> None:
    """`count` more member organizations (bulk, for speed), each invoiced for 2026."""
    organizations = Organization.objects.bulk_create(
        Organization(
            network=world.network,
            name=f"Org {next(_numbers):05d}",
            country=country,
            size="medium",
        )
        for _ in range(count)
    )
    Membership.objects.bulk_create(
        Membership(network=world.network, organization=o, plan=plan, joined_on=date(2025, 1, 1))
        for o in organizations
    )
    actions.invoice_period(actor=world.treasurer, network=world.network, period="2026")


def balance_names(html: str) -> list[str]:
    section = html.split('id="balances"')[1].split("</section>")[0]
    return re.findall(r"<tr><td>([^<]+)</td>", section)


def invoice_names(html: str) -> list[str]:
    section = html.split('id="invoices"')[1].split("</section>")[0]
    return re.findall(r"<tr><td>([^<]+)</td>", section)


def test_filters_narrow_balances_invoices_and_totals(world, invoiced, client_as):
    variable, _open = invoiced
    client = client_as(world.treasurer)
    everyone = client.get("/n/red/membership/dues/").content.decode()
    assert balance_names(everyone) == ["Fundación A", "Instituto B"]

    by_name = client.get("/n/red/membership/dues/", {"q": "institu"}).content.decode()
    assert balance_names(by_name) == ["Instituto B"]
    assert invoice_names(by_name) == ["Instituto B"]

    by_country = client.get("/n/red/membership/dues/", {"country": "CO"}).content.decode()
    assert balance_names(by_country) == ["Fundación A"]

    unpaid = client.get("/n/red/membership/dues/", {"status": "open"}).content.decode()
    assert balance_names(unpaid) == ["Fundación A"]
    assert invoice_names(unpaid) == ["Fundación A"]

    in_arrears = client.get("/n/red/membership/dues/", {"arrears": "on"}).content.decode()
    assert balance_names(in_arrears) == ["Fundación A"]

    other_plan = actions.create_plan(
        actor=world.coordinator, network=world.network, name="Fija", kind="fixed", fee="10"
    )
    nobody = client.get("/n/red/membership/dues/", {"plan": other_plan.pk}).content.decode()
    assert balance_names(nobody) == []
    assert invoice_names(nobody) == []
    on_plan = client.get("/n/red/membership/dues/", {"plan": variable.pk}).content.decode()
    assert balance_names(on_plan) == ["Fundación A", "Instituto B"]


def test_totals_are_summed_over_everything_the_filters_keep(world, invoiced):
    (usd,) = dues_totals(world.network, today=date(2026, 12, 5))
    assert usd == {
        "currency": "USD",
        "organizations": 2,
        "in_arrears": 1,
        "invoiced": Decimal("700.00"),
        "paid": Decimal("600.00"),
        "balance": Decimal("100.00"),
    }
    (open_only,) = dues_totals(world.network, filters=DuesFilters(status="open"))
    assert (open_only["organizations"], open_only["invoiced"]) == (1, Decimal("100.00"))
    assert dues_totals(world.network, filters=DuesFilters(name="nobody")) == []
    # A member sees the totals of its own organization only.
    (own,) = dues_totals(world.network, only=world.org_b)
    assert (own["organizations"], own["balance"], own["in_arrears"]) == (1, Decimal("0.00"), 0)


def test_the_network_totals_follow_every_new_entry_in_the_ledger(world, invoiced, client_as):
    """The whole network's totals are summed once per state of the ledger: the next
    payment or correction shows at once, on the page and in the chart's figures."""
    client = client_as(world.treasurer)
    (before,) = client.get("/n/red/membership/dues/").context["totals"]
    assert (before["paid"], before["in_arrears"]) == (Decimal("600.00"), 1)
    actions.record_payment(
        actor=world.treasurer, invoice=Invoice.objects.get(organization=world.org_a), amount="100"
    )
    page = client.get("/n/red/membership/dues/")
    (after,) = page.context["totals"]
    assert (after["paid"], after["balance"], after["in_arrears"]) == (
        Decimal("700.00"),
        Decimal("0.00"),
        0,
    )
    assert sum(amount for _year, _currency, amount in page.context["income_rows"]) == Decimal(
        "700.00"
    )
    actions.record_correction(
        actor=world.treasurer, organization=world.org_a, amount="5", note="recargo"
    )
    (corrected,) = client.get("/n/red/membership/dues/").context["totals"]
    assert corrected["balance"] == Decimal("5.00")


def test_balances_and_invoices_are_paged_apart(world, invoiced, client_as):
    variable, _open = invoiced
    add_members(world, variable, 60)
    client = client_as(world.treasurer)
    first = client.get("/n/red/membership/dues/").content.decode()
    assert len(balance_names(first)) == 50
    assert len(invoice_names(first)) == 25
    second = client.get("/n/red/membership/dues/", {"page": 2}).content.decode()
    # 62 organizations: the rest of the balances on page 2, the invoices still on their first.
    assert len(balance_names(second)) == 12
    assert not set(balance_names(first)) & set(balance_names(second))
    assert invoice_names(second) == invoice_names(first)
    later = client.get("/n/red/membership/dues/", {"page": 2, "invoices": 3}).content.decode()
    assert balance_names(later) == balance_names(second)
    assert len(invoice_names(later)) == 12
    # Totals count every organization, not only the page.
    assert 'data-label="Organizations">62<' in first


def test_the_page_stays_the_same_size_with_three_times_the_organizations(
    world, invoiced, client_as
):
    variable, _open = invoiced
    add_members(world, variable, 60)
    client = client_as(world.treasurer)

    def measure() -> tuple[int, int]:
        # Warm: per-process caches, and the ledger's totals, summed once per state of it.
        client.get("/n/red/membership/dues/")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/n/red/membership/dues/")
        return len(response.content), len(queries)

    small_bytes, small_queries = measure()
    add_members(world, variable, 120)
    large_bytes, large_queries = measure()
    assert large_queries == small_queries
    # Only a few counters and totals gain a digit.
    assert large_bytes - small_bytes < 100, (small_bytes, large_bytes)


@pytest.mark.parametrize("persona", ["treasurer", "member"])
@pytest.mark.parametrize(
    "query", ["", "?status=open&country=CL", "?arrears=on&q=org", "?page=2&invoices=2"]
)
def test_the_dues_page_takes_as_many_queries_for_more_organizations(
    world, invoiced, client_as, persona, query
):
    variable, _open = invoiced
    add_members(world, variable, 60)
    assert_queries_flat(
        client_as(getattr(world, persona)),
        f"/n/red/membership/dues/{query}",
        lambda: add_members(world, variable, 120),
    )


def test_the_downloads_keep_their_columns_and_follow_the_filters(world, invoiced, client_as):
    client = client_as(world.treasurer)
    every = list(csv.reader(io.StringIO(client.get("/n/red/membership/dues/export.csv").text)))
    assert every[0] == ["organization", "period", "amount", "paid", "status", "currency", "due_on"]
    assert [row[0] for row in every[1:]] == ["Fundación A", "Instituto B"]
    response = client.get("/n/red/membership/dues/export.csv", {"status": "paid"})
    paid = list(csv.reader(io.StringIO(response.text)))
    assert [row[0] for row in paid[1:]] == ["Instituto B"]
    # The page's download links carry its filters, not its page numbers.
    html = client.get("/n/red/membership/dues/", {"status": "paid", "page": "1"}).text
    assert "export.csv?status=paid" in html
    assert "export.csv?status=paid&amp;page" not in html


def test_a_member_sees_only_its_own_balance_and_invoices(world, invoiced, client_as):
    html = client_as(world.member).get("/n/red/membership/dues/").content.decode()
    assert balance_names(html) == ["Fundación A"]
    assert invoice_names(html) == ["Fundación A"]


def test_the_api_balances_stay_a_list_and_take_the_same_filters(world, invoiced, api_as):
    api = api_as(world.treasurer)
    every = api.get("/networks/red/dues/balances").json()
    assert [row["name"] for row in every] == ["Fundación A", "Instituto B"]
    assert every[0]["in_arrears_since"] == "2026-01-31"
    unpaid = api.get("/networks/red/dues/balances", status="open").json()
    assert [row["name"] for row in unpaid] == ["Fundación A"]
    by_name = api.get("/networks/red/dues/balances", q="institu", country="br").json()
    assert [row["name"] for row in by_name] == ["Instituto B"]
    assert api.get("/networks/red/dues/balances", arrears="true").json() == [every[0]]
