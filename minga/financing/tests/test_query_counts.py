"""Query counts of financing's lists, pinned at two data sizes: a page or an API answer
takes no more queries when there are more calls, applications, partners, needs or
organizations that recorded their funding."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from minga.core import actions as core_actions
from minga.core.testing import assert_queries_flat
from minga.financing import actions

_numbers = itertools.count()


@pytest.fixture
def grow(world):
    def more() -> None:
        for _ in range(3):
            n = next(_numbers)
            organization = core_actions.create_organization(
                actor=world.coordinator,
                network=world.network,
                name=f"Org {n}",
                country="AR",
                themes=["Citizen participation"],
            )
            actions.record_access(
                actor=world.coordinator,
                organization=organization,
                sources={"private": (Decimal(n + 1), "USD")},
            )
            call = actions.save_call(
                actor=world.coordinator,
                network=world.network,
                title=f"Call {n}",
                funder=f"Funder {n % 2}",
                source_type="private",
                themes=["citizen-participation"],
                countries=["AR", "CO"],
                amount_max=Decimal(1000 + n),
                deadline=timezone.now() + timedelta(days=n + 1),
                joint_allowed=True,
            )
            application = actions.start_application(
                actor=world.coordinator,
                network=world.network,
                title="",
                lead=world.org_a,
                call=call,
            )
            actions.set_partner(
                actor=world.coordinator, application=application, organization=organization
            )
            actions.save_need(
                actor=world.coordinator,
                network=world.network,
                title=f"Need {n}",
                kind="project",
                year=timezone.localdate().year,
                amount=Decimal(500),
                themes=["citizen-participation"],
            )

    more()
    return more


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("coordinator", "/n/red/financing/"),
        ("member", "/n/red/financing/calls/"),
        ("member", "/n/red/financing/matches/?organization="),
        ("member", "/n/red/financing/gap/?without=national_public"),
        ("member", "/n/red/financing/applications/"),
        ("coordinator", "/n/red/financing/plan/"),
    ],
)
def test_financing_pages_take_as_many_queries_for_more_data(world, grow, client_as, persona, path):
    assert_queries_flat(client_as(getattr(world, persona)), path, grow)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/networks/red/funding/calls",
        "/api/v1/networks/red/funding/matches",
        "/api/v1/networks/red/funding/applications",
        "/api/v1/networks/red/funding/gap",
        "/api/v1/networks/red/funding/needs",
    ],
)
def test_financing_api_lists_take_as_many_queries_for_more_data(world, grow, api_client, path):
    assert_queries_flat(api_client(world.member), path, grow)
