"""Governance's role × action matrix over the API."""

from __future__ import annotations

import pytest

from minga.core import actions as core_actions
from minga.governance import actions

PERSONAS = {"C": "coordinator", "M": "member", "O": "outsider", "A": "admin", "-": None}


@pytest.fixture
def setup(world):
    circle = actions.create_circle(
        actor=world.coordinator, network=world.network, kind="circle", name="General"
    )
    proposal = actions.open_proposal(
        actor=world.coordinator, network=world.network, title="P", text="T", rule="consent"
    )
    return circle, proposal


MATRIX = [
    ("get", "/networks/red/governance", None, {"C": 200, "M": 200, "O": 404, "A": 200, "-": 401}),
    ("get", "/networks/red/proposals", None, {"C": 200, "M": 200, "O": 404, "A": 200, "-": 401}),
    ("get", "/proposals/{proposal}", None, {"C": 200, "M": 200, "O": 404, "A": 200, "-": 401}),
    (
        "post",
        "/networks/red/proposals",
        {"title": "T", "body": "B", "rule": "consent"},
        {"C": 201, "M": 201, "O": 404, "A": 201, "-": 401},
    ),
    (
        "post",
        "/networks/red/circles",
        {"kind": "circle", "name": "N"},
        {"C": 201, "M": 403, "O": 404, "A": 201, "-": 401},
    ),
    (
        "post",
        "/networks/red/circles/{circle}/mandates",
        {"role": "member", "person": "{person}"},
        {"C": 201, "M": 403, "O": 404, "A": 201, "-": 401},
    ),
    ("post", "/proposals/{proposal}/close", {}, {"M": 403, "O": 404, "-": 401, "C": 200}),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX)
def test_governance_api_role_matrix(world, api_as, setup, method, path, body, expected):
    circle, proposal = setup
    for letter, status in expected.items():
        persona = PERSONAS[letter]
        user = getattr(world, persona) if persona else None
        api = api_as(user)
        url = path.format(proposal=proposal.pk, circle=circle.pk)
        # Each caller gets fresh names and people, so creations do not clash.
        person = core_actions.add_person(
            actor=world.coordinator,
            network=world.network,
            username=f"x-{letter}-{len(url)}{method}",
        )
        if body is None:
            response = api.get(url)
        else:
            data = {
                k: (
                    person.pk
                    if v == "{person}"
                    else f"{v}-{letter}"
                    if k in ("name", "title")
                    else v
                )
                for k, v in body.items()
            }
            response = getattr(api, method)(url, data)
        assert response.status_code == status, (letter, method, url, response.content)
