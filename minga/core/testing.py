"""Test helpers shared by the apps' test suites."""

from __future__ import annotations

from typing import Any


def assert_step_page_matrix(world: Any, client_as: Any, step: str) -> None:
    """A step's page: open to every person of the network (with the state control for
    coordinators only), hidden from outsiders, login first for anonymous visitors."""
    url = f"/n/{world.network.slug}/{step}/"
    for persona in ("coordinator", "member", "treasurer", "protocol_officer", "admin"):
        response = client_as(getattr(world, persona)).get(url)
        assert response.status_code == 200, (persona, step)
        assert 'class="card guide"' in response.content.decode()
        has_control = 'name="state"' in response.content.decode()
        assert has_control is (persona in ("coordinator", "admin")), (persona, step)
    assert client_as(world.outsider).get(url).status_code == 404
    anonymous = client_as(None).get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"/accounts/login/?next={url}"
