"""Role × action matrix of the governance step (its page, until the step's tools arrive)."""

from __future__ import annotations

from minga.core.testing import assert_step_page_matrix


def test_governance_step_page_role_matrix(world, client_as):
    assert_step_page_matrix(world, client_as, "governance")
