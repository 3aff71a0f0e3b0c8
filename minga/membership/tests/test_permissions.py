"""Membership's role × action matrix: dues are the treasurer's and coordinators' business,
and a member sees only its own organization's."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from minga.core import actions as core_actions
from minga.membership import actions
from minga.membership.access import get_application_for
from minga.membership.models import Invoice


def test_a_member_cannot_see_another_members_balance(world, plans, api_as, client_as):
    actions.invoice_period(actor=world.treasurer, network=world.network, period="2027")
    mine = api_as(world.member).get("/networks/red/dues/balances").json()
    assert [row["organization"] for row in mine] == [world.org_a.pk]
    assert (
        api_as(world.member)
        .get("/networks/red/dues/balances", organization=world.org_b.pk)
        .status_code
        == 403
    )
    invoices = api_as(world.member).get("/networks/red/dues/invoices").json()
    assert {i["organization"] for i in invoices["items"]} == {world.org_a.pk}
    page = client_as(world.member).get("/n/red/membership/dues/").content.decode()
    assert "Fundación A" in page and "Instituto B" not in page


def test_treasurer_and_coordinators_see_every_balance(world, plans, api_as):
    actions.invoice_period(actor=world.treasurer, network=world.network, period="2027")
    for persona in (world.treasurer, world.coordinator, world.admin):
        rows = api_as(persona).get("/networks/red/dues/balances").json()
        assert {row["organization"] for row in rows} == {world.org_a.pk, world.org_b.pk}


MATRIX = [
    # (who, method, path, body) → status
    ("treasurer", "post", "/networks/red/dues/payments", "pay", 201),
    ("coordinator", "post", "/networks/red/dues/payments", "pay", 403),
    ("member", "post", "/networks/red/dues/payments", "pay", 403),
    ("outsider", "get", "/networks/red/dues/balances", None, 404),
    ("member", "post", "/networks/red/membership/plans", {"name": "X", "kind": "open"}, 403),
    ("coordinator", "post", "/networks/red/membership/plans", {"name": "X", "kind": "open"}, 201),
    ("protocol_officer", "get", "/networks/red/dues/balances", None, 200),
]


def test_membership_role_matrix(world, plans, api_as):
    actions.invoice_period(actor=world.treasurer, network=world.network, period="2027")
    invoice = Invoice.objects.get(organization=world.org_b)
    for persona, method, path, body, status in MATRIX:
        payload = {"invoice": invoice.pk, "amount": "1.00"} if body == "pay" else body
        api = api_as(getattr(world, persona))
        response = api.get(path) if method == "get" else getattr(api, method)(path, payload)
        assert response.status_code == status, (persona, path, response.content)


def test_exports_and_chart_for_the_treasurer(world, plans, client_as):
    actions.invoice_period(actor=world.treasurer, network=world.network, period="2027")
    invoice = Invoice.objects.get(organization=world.org_b)
    actions.record_payment(actor=world.treasurer, invoice=invoice, amount="600")
    client = client_as(world.treasurer)
    csv_export = client.get("/n/red/membership/dues/export.csv").content.decode()
    assert csv_export.splitlines()[0] == "organization,period,amount,paid,status,currency,due_on"
    assert "Instituto B,2027,600.00,600.00,paid,USD" in csv_export
    xlsx = client.get("/n/red/membership/dues/export.xlsx")
    assert xlsx.content[:2] == b"PK"
    page = client.get("/n/red/membership/dues/").content.decode()
    assert "<svg" in page


def test_the_api_refuses_the_applications_the_page_refuses(world, plans, api_as, client_as):
    """Who may see an application: those who manage membership, and whoever submitted it.
    The page and the API answer from the same rule (`access.get_application_for`)."""
    newcomer = core_actions.create_organization(
        actor=world.coordinator, network=world.network, name="Colectivo C", country="CO"
    )
    variable, _open = plans
    application = actions.apply_for_organization(
        actor=world.member, network=world.network, organization=newcomer, plan=variable
    )
    page_url = f"/n/red/membership/applications/{application.pk}/"
    expected = {
        "coordinator": 200,
        "admin": 200,
        "member": 200,  # submitted it
        "other_member": 403,
        "treasurer": 403,
        "protocol_officer": 403,
        "outsider": 404,
    }
    for persona, status in expected.items():
        user = getattr(world, persona)
        assert client_as(user).get(page_url).status_code == status, persona
        api = api_as(user)
        listed = api.get("/networks/red/membership/applications")
        if status == 404:
            assert listed.status_code == 404, persona
        else:
            ids = {item["id"] for item in listed.json()["items"]}
            assert (application.pk in ids) is (status == 200), persona
        # Deciding is for those who manage membership (a blank reason is refused, 422).
        decided = api.post(
            f"/networks/red/membership/applications/{application.pk}/reject", {"reason": " "}
        )
        manages = persona in ("coordinator", "admin")
        assert decided.status_code == (422 if manages else 404 if status == 404 else 403), persona
    for persona, status in expected.items():
        user = getattr(world, persona)
        if status == 403:
            with pytest.raises(PermissionDenied):
                get_application_for(user, world.network, application.pk)
    application.refresh_from_db()
    assert application.status == "pending"
