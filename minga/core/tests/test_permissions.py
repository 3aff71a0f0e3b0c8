"""The core app's role × action matrix, checked in the permission module and over HTTP."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from minga.core.permissions import Action, can

# Who may do what. C: coordinator, M: member representative, T: treasurer,
# P: protocol officer, O: outsider (in another network), A: platform administrator.
EXPECTED = {
    Action.VIEW_NETWORK: "CMTP A",
    Action.CHANGE_NETWORK: "C    A",
    Action.SET_STEP_STATE: "C    A",
    Action.VIEW_ORGANIZATIONS: "CMTP A",
    Action.MANAGE_ORGANIZATIONS: "C    A",
    Action.VIEW_PEOPLE: "CMTP A",
    Action.MANAGE_PEOPLE: "C    A",
    Action.VIEW_AUDIT: "C    A",
    # Confidential reports: the protocol team only, administrators excluded.
    Action.READ_PROTOCOL_CASES: "   P  ",
    Action.REPORT: "CMTP A",
    Action.VIEW_PROTOCOL_CASES: "C  P A",
    Action.MANAGE_PROTOCOL: "C     ",
    Action.VIEW_PROTOCOL_STATISTICS: "CMTP A",
    Action.MANAGE_CHARTER: "C    A",
    Action.MANAGE_MEMBERSHIP: "C    A",
    Action.APPLY: "CMTP A",
    Action.SIGN_CODE: "CMTP A",
    Action.VIEW_DUES: "C T  A",
    Action.MANAGE_DUES: "  T  A",
    Action.VIEW_GOVERNANCE: "CMTP A",
    Action.MANAGE_GOVERNANCE: "C    A",
    Action.PROPOSE: "CMTP A",
    Action.CLOSE_PROPOSALS: "C    A",
    Action.VIEW_DRAWS: "CMTP A",
    Action.MANAGE_DRAWS: "C    A",
    Action.VIEW_SURVEYS: "CMTP A",
    Action.MANAGE_SURVEYS: "C    A",
    Action.VIEW_FUNDING: "CMTP A",
    Action.MANAGE_FUNDING: "C T  A",
    # Checked again per object: one's own organization only, unless managing funding.
    Action.RECORD_FUNDING_ACCESS: "CMTP A",
    Action.APPLY_FOR_FUNDING: "CMTP A",
    Action.VIEW_EVENTS: "CMTP A",
    # A working group's leads also manage its events (checked per object).
    Action.MANAGE_EVENTS: "C    A",
    # Planning: everyone reads and contributes; coordinators keep the basis, run
    # prioritizations and set up projects (a project's team records progress, per object).
    Action.VIEW_PLANNING: "CMTP A",
    Action.CONTRIBUTE_PLANNING: "CMTP A",
    Action.MANAGE_PLANNING: "C    A",
}
PERSONAS = {
    "C": "coordinator",
    "M": "member",
    "T": "treasurer",
    "P": "protocol_officer",
    "O": "outsider",
    "A": "admin",
}


def test_every_action_has_an_expected_row():
    assert set(EXPECTED) == set(Action)


@pytest.mark.parametrize("action", list(Action))
def test_role_action_matrix(world, action):
    for letter, attribute in PERSONAS.items():
        user = getattr(world, attribute)
        assert can(user, action, world.network) is (letter in EXPECTED[action]), (
            f"{attribute} / {action}"
        )
    assert can(AnonymousUser(), action, world.network) is False


def test_roles_in_one_network_give_nothing_in_another(world):
    assert can(world.coordinator, Action.VIEW_NETWORK, world.other_network) is False
    assert can(world.outsider, Action.CHANGE_NETWORK, world.other_network) is True


# Over HTTP: (method, path, body) → expected status per persona letter.
API_MATRIX = [
    ("get", "/networks/red", None, {"C": 200, "M": 200, "O": 404, "A": 200, "-": 401}),
    (
        "patch",
        "/networks/red",
        {"name": "Nuevo"},
        {"C": 200, "M": 403, "O": 404, "A": 200, "-": 401},
    ),
    (
        "get",
        "/networks/red/organizations",
        None,
        {"C": 200, "M": 200, "O": 404, "A": 200, "-": 401},
    ),
    (
        "post",
        "/networks/red/organizations",
        {"name": "Nueva", "country": "MX"},
        {"C": 201, "M": 403, "O": 404, "A": 201, "-": 401},
    ),
    ("get", "/networks/red/people", None, {"C": 200, "M": 200, "O": 404, "A": 200, "-": 401}),
    (
        "post",
        "/networks/red/people",
        {"username": "nuevo"},
        {"C": 201, "M": 403, "O": 404, "A": 201, "-": 401},
    ),
    ("get", "/networks/red/invitations", None, {"C": 200, "M": 403, "O": 404, "A": 200, "-": 401}),
    ("get", "/networks/red/audit", None, {"C": 200, "M": 403, "O": 404, "A": 200, "-": 401}),
    (
        "put",
        "/networks/red/steps/reach",
        {"state": "done"},
        {"C": 200, "M": 403, "O": 404, "A": 200, "-": 401},
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), API_MATRIX)
def test_api_role_matrix(world, api_as, method, path, body, expected):
    for letter, status in expected.items():
        user = None if letter == "-" else getattr(world, PERSONAS[letter])
        api = api_as(user)
        if body is None:
            response = api.get(path)
        else:
            # Names must differ per caller, or the second creation clashes with the first.
            unique = {
                k: f"{v}-{letter}" if k in ("name", "username") else v for k, v in body.items()
            }
            response = getattr(api, method)(path, unique)
        assert response.status_code == status, (letter, method, path, response.content)


PAGE_MATRIX = [
    ("/n/red/", {"C": 200, "M": 200, "O": 404, "A": 200}),
    ("/n/red/settings/", {"C": 200, "M": 403, "O": 404, "A": 200}),
    ("/n/red/organizations/", {"C": 200, "M": 200, "O": 404, "A": 200}),
    ("/n/red/organizations/new/", {"C": 200, "M": 403, "O": 404, "A": 200}),
    ("/n/red/people/", {"C": 200, "M": 200, "O": 404, "A": 200}),
    ("/n/red/people/invite/", {"C": 200, "M": 403, "O": 404, "A": 200}),
    ("/n/red/audit/", {"C": 200, "M": 403, "O": 404, "A": 200}),
]


@pytest.mark.parametrize(("path", "expected"), PAGE_MATRIX)
def test_page_role_matrix(world, client_as, path, expected):
    for letter, status in expected.items():
        response = client_as(getattr(world, PERSONAS[letter])).get(path)
        assert response.status_code == status, (letter, path)
    anonymous = client_as(None).get(path)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


def test_a_page_reads_the_network_and_the_roles_in_one_query_as_roles_in_does(world):
    """access.get_network_for reads the network and the user's roles there together: each
    persona, and a person of the network with no role, gets what roles_in finds alone."""
    from django.db import connection
    from django.http import Http404
    from django.test.utils import CaptureQueriesContext

    from minga.core.access import get_network_for
    from minga.core.models import User
    from minga.core.permissions import forget_roles, roles_in

    roleless = User.objects.create_user(username="sin-rol")
    world.network.people.create(user=roleless)
    for user in [*(getattr(world, name) for name in PERSONAS.values()), roleless]:
        forget_roles(user)
        alone = roles_in(user, world.network)
        forget_roles(user)
        with CaptureQueriesContext(connection) as ran:
            try:
                get_network_for(user, world.network.slug)
            except Http404:
                assert user is world.outsider
        assert len(ran.captured_queries) == 1, user
        assert user.__dict__["_minga_roles"][world.network.pk] == alone, user
    assert roles_in(roleless, world.network) == {"person"}
