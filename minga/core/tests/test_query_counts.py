"""Query counts of the core app's lists, pinned at two data sizes: a page or an API answer
takes no more queries when the network holds more organizations, people, invitations,
networks, step states or audit entries."""

from __future__ import annotations

import itertools

import pytest

from minga.core import actions
from minga.core.permissions import SYSTEM
from minga.core.steps import STEPS
from minga.core.testing import assert_queries_flat

_numbers = itertools.count()


@pytest.fixture
def grow(world):
    """More of everything the core lists show, written by different actors."""
    steps = iter(STEPS)

    def more() -> None:
        for _ in range(3):
            n = next(_numbers)
            organization = actions.create_organization(
                actor=world.coordinator if n % 2 else SYSTEM,
                network=world.network,
                name=f"Colectivo {n}",
                country="CL",
                themes=["Youth", f"Theme {n}"],
            )
            actions.add_person(
                actor=world.admin,
                network=world.network,
                username=f"persona{n}",
                organization=organization,
                roles=["member", "treasurer"] if n % 2 else ["member"],
            )
            actions.invite_person(
                actor=world.coordinator,
                network=world.network,
                email=f"invitada{n}@example.org",
                organization=organization,
            )
            actions.create_network(actor=world.coordinator, slug=f"red-{n}", name=f"Red {n}")
        step = next(steps)
        actions.set_step_state(
            actor=world.coordinator, network=world.network, step=step.key, state="in_progress"
        )

    more()  # every list has rows before the first count
    return more


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/n/red/",
        "/n/red/organizations/",
        # The people page lists pending invitations too, for coordinators.
        "/n/red/people/",
        "/n/red/audit/",
    ],
)
def test_core_pages_take_as_many_queries_for_more_data(world, grow, client_as, path):
    assert_queries_flat(client_as(world.coordinator), path, grow)


def test_the_directory_filtered_by_theme_takes_as_many_queries_for_more_data(
    world, grow, client_as
):
    assert_queries_flat(client_as(world.member), "/n/red/organizations/?theme=youth", grow)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/networks",
        "/api/v1/networks/red/steps",
        "/api/v1/networks/red/organizations",
        "/api/v1/networks/red/people",
        "/api/v1/networks/red/invitations",
        "/api/v1/networks/red/audit",
    ],
)
def test_core_api_lists_take_as_many_queries_for_more_data(world, grow, api_client, path):
    assert_queries_flat(api_client(world.coordinator), path, grow)
