"""Query counts of membership's lists, pinned at two data sizes: a page or an API answer
takes no more queries when there are more members, applications, contributions,
signatures, invoices and payments."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client

from minga.core import actions as core_actions
from minga.core.permissions import SYSTEM
from minga.core.testing import assert_queries_flat
from minga.membership import actions
from minga.membership.models import Invoice, Membership

_numbers = itertools.count()


@pytest.fixture
def grow(world, plans):
    """Adds member organizations, each with a representative, a pledged contribution,
    a signature on the current code, an invoice partly paid; and pending applications."""
    variable, open_plan = plans

    def more() -> None:
        for _ in range(3):
            n = next(_numbers)
            organization = core_actions.create_organization(
                actor=world.coordinator,
                network=world.network,
                name=f"Org {n}",
                country="CL",
                size="medium",
                themes=["Youth", f"T{n}"],
            )
            person = core_actions.add_person(
                actor=world.coordinator,
                network=world.network,
                username=f"rep{n}",
                email=f"rep{n}@example.org",
                password=f"Long-pass-rep{n}-42",
                organization=organization,
                roles=["member"],
            )
            application = actions.apply_for_organization(
                actor=world.coordinator,
                network=world.network,
                organization=organization,
                plan=variable,
            )
            membership = actions.approve(actor=world.coordinator, application=application)
            actions.pledge(
                actor=person.user, membership=membership, kind="volunteers", description="Ayuda"
            )
            code = world.network.ethics_codes.first()
            if code is not None:
                actions.sign_code(actor=person.user, code=code)
            actions.invoice_period(actor=world.treasurer, network=world.network, period="2027")
            actions.record_payment(
                actor=world.treasurer,
                invoice=Invoice.objects.get(organization=organization),
                amount="10.00",
            )
            actions.apply_with_profile(
                actor=SYSTEM, network=world.network, plan=open_plan, name=f"Nueva {n}", country="CL"
            )

    return more


@pytest.fixture
def started(world, grow):
    """Every list has rows before the first count: a code of ethics and one round of growth."""
    actions.publish_code(actor=world.coordinator, network=world.network, text="Código")
    actions.sign_code(actor=world.member, code=world.network.ethics_codes.get())
    grow()


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("coordinator", "/n/red/membership/"),
        ("member", "/n/red/membership/"),
        ("member", "/n/red/membership/directory/"),
        ("coordinator", "/n/red/membership/ethics/"),
        ("coordinator", "/n/red/membership/?page=2"),
        ("coordinator", "/n/red/membership/ethics/?page=2"),
        ("treasurer", "/n/red/membership/dues/"),
        ("member", "/n/red/membership/dues/"),
        ("treasurer", "/n/red/membership/dues/?status=partial&country=CL&q=org&page=2&invoices=2"),
        ("treasurer", "/n/red/membership/dues/?arrears=on"),
        ("treasurer", "/n/red/membership/dues/export.csv?status=partial"),
        ("treasurer", "/n/red/membership/dues/export.csv"),
        ("member", "/n/red/membership/apply/"),
    ],
)
def test_membership_pages_take_as_many_queries_for_more_data(
    world, started, grow, client_as, persona, path
):
    assert_queries_flat(client_as(getattr(world, persona)), path, grow)


def test_the_public_application_form_takes_as_many_queries_for_more_plans(world, started):
    from minga.reach import actions as reach_actions

    reach_actions.set_charter_visibility(
        actor=world.coordinator, network=world.network, applications_open=True
    )

    def more_plans() -> None:
        for _ in range(3):
            actions.create_plan(
                actor=world.coordinator,
                network=world.network,
                name=f"Plan {next(_numbers)}",
                kind="fixed",
                fee="10",
            )

    assert_queries_flat(Client(), "/n/red/membership/join/", more_plans)


@pytest.mark.parametrize("persona", ["coordinator", "member"])
def test_a_members_page_takes_as_many_queries_for_more_contributions_and_dues(
    world, started, client_as, persona
):
    membership = Membership.objects.get(organization=world.org_a)

    def more() -> None:
        for _ in range(3):
            actions.pledge(
                actor=world.member, membership=membership, kind="experts", description="Taller"
            )
            actions.record_correction(
                actor=world.treasurer, organization=world.org_a, amount="5.00", note="ajuste"
            )

    path = f"/n/red/membership/members/{membership.pk}/"
    assert_queries_flat(client_as(getattr(world, persona)), path, more)


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("member", "/api/v1/networks/red/membership/plans"),
        ("coordinator", "/api/v1/networks/red/membership/applications"),
        ("member", "/api/v1/networks/red/membership/applications"),
        ("member", "/api/v1/networks/red/membership/members"),
        ("coordinator", "/api/v1/networks/red/membership/ethics"),
        ("coordinator", "/api/v1/networks/red/membership/applications?page=2"),
        ("treasurer", "/api/v1/networks/red/dues/invoices"),
        ("treasurer", "/api/v1/networks/red/dues/invoices?status=partial&page=2"),
        ("member", "/api/v1/networks/red/dues/invoices"),
        ("treasurer", "/api/v1/networks/red/dues/balances"),
        ("member", "/api/v1/networks/red/dues/balances"),
        ("treasurer", "/api/v1/networks/red/dues/balances?status=partial&country=CL&q=org"),
    ],
)
def test_membership_api_lists_take_as_many_queries_for_more_data(
    world, started, grow, api_client, persona, path
):
    def more() -> None:
        grow()
        actions.create_plan(
            actor=world.coordinator,
            network=world.network,
            name=f"Plan {next(_numbers)}",
            kind="open",
        )

    assert_queries_flat(api_client(getattr(world, persona)), path, more)


def test_the_api_contributions_take_as_many_queries_for_more_pledges(world, started, api_client):
    membership = Membership.objects.get(organization=world.org_a)

    def more() -> None:
        for _ in range(3):
            actions.pledge(
                actor=world.member, membership=membership, kind="experts", description="Taller"
            )

    path = f"/api/v1/networks/red/membership/members/{membership.pk}/contributions"
    assert_queries_flat(api_client(world.member), path, more)
