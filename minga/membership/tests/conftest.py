from __future__ import annotations

from typing import Any

import pytest

from minga.membership import actions


@pytest.fixture
def plans(world: Any) -> Any:
    """A variable annual plan (USD) and an open plan; both organizations are members of
    the variable one (A is small: 100; B is large: 600)."""
    variable = actions.create_plan(
        actor=world.coordinator,
        network=world.network,
        name="Cuota por tamaño",
        kind="variable",
        period="annual",
        currency="USD",
        fees={"small": "100.00", "medium": "250.00", "large": "600.00"},
    )
    open_plan = actions.create_plan(
        actor=world.coordinator, network=world.network, name="Abierta", kind="open"
    )
    for organization in (world.org_a, world.org_b):
        application = actions.apply_for_organization(
            actor=world.coordinator, network=world.network, organization=organization, plan=variable
        )
        actions.approve(actor=world.coordinator, application=application)
    return variable, open_plan
