from __future__ import annotations

from typing import Any

import pytest

from minga.governance import actions


@pytest.fixture
def open_proposal(world: Any) -> Any:
    """Open a network-wide proposal as the coordinator, with sensible defaults."""

    def make(**overrides: Any) -> Any:
        fields: dict[str, Any] = {
            "title": "Adoptar el plan anual",
            "text": "Proponemos adoptar el plan anual 2027.",
            "rule": "consent",
            "voting_unit": "organization",
        }
        fields.update(overrides)
        return actions.open_proposal(actor=world.coordinator, network=world.network, **fields)

    return make
