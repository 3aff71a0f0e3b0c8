"""Role × action matrix of the financing step (its page, until the step's tools arrive)."""

from __future__ import annotations

from minga.core.testing import assert_step_page_matrix


def test_financing_step_page_role_matrix(world, client_as):
    assert_step_page_matrix(world, client_as, "financing")
