"""Query counts of the reach's lists, pinned at two data sizes: a page or an API answer
takes no more queries when there are more charter versions or more actions in the plan."""

from __future__ import annotations

import itertools

import pytest

from minga.core.testing import assert_queries_flat
from minga.reach import actions

_numbers = itertools.count()


@pytest.fixture
def grow(world):
    """New versions of the charter by different authors, and owned actions in the plan."""
    authors = [world.coordinator, world.admin]
    owners = list(world.network.people.all())

    def more() -> None:
        for index in range(3):
            n = next(_numbers)
            actions.save_charter(
                actor=authors[index % 2], network=world.network, purpose=f"Propósito {n}"
            )
            actions.add_action_item(
                actor=world.coordinator,
                network=world.network,
                title=f"Acción {n}",
                owner=owners[n % len(owners)],
            )

    more()  # every list has rows before the first count
    actions.set_audience(
        actor=world.coordinator, network=world.network, member_kinds=["organization"]
    )
    actions.set_charter_visibility(actor=world.coordinator, network=world.network, public=True)
    return more


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("coordinator", "/n/red/reach/"),
        ("member", "/n/red/reach/"),
        ("member", "/n/red/reach/charter/history/"),
    ],
)
def test_reach_pages_take_as_many_queries_for_more_data(world, grow, client_as, persona, path):
    assert_queries_flat(client_as(getattr(world, persona)), path, grow)


@pytest.mark.parametrize(
    "path", ["/api/v1/networks/red/charter/versions", "/api/v1/networks/red/action-plan"]
)
def test_reach_api_lists_take_as_many_queries_for_more_data(world, grow, api_client, path):
    assert_queries_flat(api_client(world.member), path, grow)
