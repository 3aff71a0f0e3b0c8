"""Governance's role × action matrix, over the API and on the actions themselves."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from minga.core import actions as core_actions
from minga.core.models import AuditEntry
from minga.core.permissions import SYSTEM
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


def _calls(world, circle, proposal):
    """Every public action, as `actor` would call it on the setup's objects."""
    person = world.network.people.get(user=world.member)
    mandate = actions.appoint(actor=world.coordinator, circle=circle, role="member", person=person)
    objection_proposal = actions.open_proposal(
        actor=world.coordinator, network=world.network, title="O", text="T", rule="consent"
    )
    actions.take_position(
        actor=world.member, proposal=objection_proposal, position="object", reason="No"
    )
    objection = objection_proposal.objections.get()
    election = actions.open_election(actor=world.coordinator, circle=circle)
    nomination = actions.nominate(
        actor=world.coordinator, election=election, nominee=person, reason="R"
    )
    network = world.network
    return {
        "create_circle": lambda a: actions.create_circle(
            actor=a, network=network, kind="circle", name="Nuevo"
        ),
        "update_circle": lambda a: actions.update_circle(actor=a, circle=circle, name="Otro"),
        "appoint": lambda a: actions.appoint(actor=a, circle=circle, role="leader", person=person),
        "end_mandate": lambda a: actions.end_mandate(actor=a, mandate=mandate),
        "renew_mandate": lambda a: actions.renew_mandate(actor=a, mandate=mandate),
        "open_proposal": lambda a: actions.open_proposal(
            actor=a, network=network, title="P2", text="T", rule="consent"
        ),
        "take_position": lambda a: actions.take_position(
            actor=a, proposal=proposal, position="agree"
        ),
        "withdraw_objection": lambda a: actions.withdraw_objection(actor=a, objection=objection),
        "amend_proposal": lambda a: actions.amend_proposal(actor=a, proposal=proposal, text="X"),
        "comment": lambda a: actions.comment(actor=a, proposal=proposal, text="Hola"),
        "close_proposal": lambda a: actions.close_proposal(actor=a, proposal=proposal),
        "open_election": lambda a: actions.open_election(actor=a, circle=circle, role="delegate"),
        "nominate": lambda a: actions.nominate(
            actor=a, election=election, nominee=person, reason="R"
        ),
        "start_consent_round": lambda a: actions.start_consent_round(
            actor=a, nomination=nomination
        ),
    }


def test_every_action_refuses_someone_outside_the_network_and_writes_nothing(world, setup):
    calls = _calls(world, *setup)
    assert set(calls) == set(actions.__all__) - {
        "CIRCLE_FIELDS",
        "LinkWouldBreak",
        "ProposalClosed",
        "add_months",
    }
    for name, call in calls.items():
        audit_rows = AuditEntry.objects.count()
        with pytest.raises(PermissionDenied):
            call(world.outsider)
        assert AuditEntry.objects.count() == audit_rows, name


def test_the_system_may_close_any_proposal_and_the_audit_log_says_so(world, setup):
    _circle, proposal = setup
    actions.close_proposal(actor=SYSTEM, proposal=proposal)
    entry = AuditEntry.objects.get(action="proposal.close")
    assert entry.by_system and entry.actor is None
