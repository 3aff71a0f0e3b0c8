"""Query counts of governance's lists, pinned at two data sizes: a page or an API answer
takes no more queries when there are more circles, mandates, proposals, elections, or
more positions, objections, amendments and comments on a proposal."""

from __future__ import annotations

from itertools import count

import pytest

from minga.core import actions as core_actions
from minga.core.testing import assert_queries_flat
from minga.governance import actions

_serial = count()


def _person(world, organization=None):
    return core_actions.add_person(
        actor=world.coordinator,
        network=world.network,
        username=f"p{next(_serial)}",
        first_name="Persona",
        organization=organization,
    )


@pytest.fixture
def structure(world):
    """A coordination body seating organizations, a general circle, and `grow()`, which adds
    circles with leaders, delegates and past holders, seats, proposals (open and decided)
    and elections with nominations."""
    coordinator = world.coordinator
    body = actions.create_circle(
        actor=coordinator,
        network=world.network,
        kind="coordination_body",
        name="Órgano",
        member_kind="organizations",
    )
    general = actions.create_circle(
        actor=coordinator, network=world.network, kind="circle", name="General"
    )

    def grow(circles=3):
        for _ in range(circles):
            n = next(_serial)
            organization = core_actions.create_organization(
                actor=coordinator,
                network=world.network,
                name=f"Organización {n}",
                country="CO",
                city="Cali",
                size="small",
            )
            actions.appoint(
                actor=coordinator, circle=body, role="member", organization=organization
            )
            circle = actions.create_circle(
                actor=coordinator,
                network=world.network,
                kind="circle",
                name=f"Círculo {n}",
                parent=general,
            )
            leader, delegate, former = (_person(world, organization) for _ in range(3))
            for person, role in ((leader, "leader"), (delegate, "delegate"), (former, "member")):
                actions.appoint(actor=coordinator, circle=circle, role=role, person=person)
                actions.appoint(actor=coordinator, circle=general, role="member", person=person)
            past = circle.mandates.get(person=former)
            actions.end_mandate(actor=coordinator, mandate=past, confirm_break=True)
            election = actions.open_election(actor=coordinator, circle=circle, role="delegate")
            for nominee in (leader, delegate):
                actions.nominate(
                    actor=coordinator, election=election, nominee=nominee, reason="Sabe hacerlo."
                )
            for secret in (False, True):
                decided = actions.open_proposal(
                    actor=coordinator,
                    network=world.network,
                    title=f"Decidida {n} {secret}",
                    text="Texto.",
                    rule="majority",
                    circle=circle,
                    secret=secret,
                )
                actions.close_proposal(actor=coordinator, proposal=decided)
                actions.open_proposal(
                    actor=coordinator,
                    network=world.network,
                    title=f"Abierta {n} {secret}",
                    text="Texto.",
                    rule="consent",
                    circle=circle,
                    secret=secret,
                )

    grow(1)
    return body, general, grow


@pytest.fixture
def discussed(world, open_proposal):
    """A proposal per person, and `grow()`, which adds voters with positions (objections
    among them), comments and amendments."""
    proposal = open_proposal(rule="majority", voting_unit="person")

    def grow(voters=3):
        for index in range(voters):
            user = _person(world, world.org_a).user
            if index % 2:
                actions.take_position(
                    actor=user, proposal=proposal, position="object", reason="Falta algo."
                )
            else:
                actions.take_position(actor=user, proposal=proposal, position="agree")
            actions.comment(actor=user, proposal=proposal, text="Una pregunta.")
            actions.amend_proposal(
                actor=world.coordinator, proposal=proposal, text=f"Texto {index}.", note="Ajuste"
            )

    grow(2)  # an agreement and an objection: both lists are counted from the first size
    return proposal, grow


# Pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_the_governance_page_takes_as_many_queries_for_a_larger_structure(
    world, client_as, structure, role
):
    _body, _general, grow = structure
    client = client_as(getattr(world, role))
    assert_queries_flat(client, "/n/red/governance/", grow)
    page = client.get("/n/red/governance/").content.decode()
    assert page.count('class="node ') == 2 + 4
    assert "Abierta" in page and "Decidida" in page


def test_the_mandates_page_takes_as_many_queries_for_more_mandates(world, client_as, structure):
    _body, _general, grow = structure
    client = client_as(world.member)
    assert_queries_flat(client, "/n/red/governance/mandates/", grow)
    assert len(client.get("/n/red/governance/mandates/").context["mandates"]) == 4 * 7


@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_a_circle_page_takes_as_many_queries_for_more_members_and_elections(
    world, client_as, structure, role
):
    body, general, grow = structure
    client = client_as(getattr(world, role))
    assert_queries_flat(client, f"/n/red/governance/circles/{general.pk}/", grow)
    assert_queries_flat(client, f"/n/red/governance/circles/{body.pk}/", grow)
    page = client.get(f"/n/red/governance/circles/{general.pk}/")
    # Three seats in General per round: one round at first, then three twice.
    assert len(page.context["current"]) == 3 * (1 + 3 + 3)


@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_a_proposal_page_takes_as_many_queries_for_more_positions_and_comments(
    world, client_as, discussed, role
):
    proposal, grow = discussed
    client = client_as(getattr(world, role))
    url = f"/n/red/governance/proposals/{proposal.pk}/"
    assert_queries_flat(client, url, grow)
    page = client.get(url)
    assert len(page.context["positions"]) == 5
    assert len(page.context["objections"]) == 2
    assert len(page.context["comments"]) == 5


# API --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/networks/red/governance",
        "/api/v1/networks/red/circles",
        "/api/v1/networks/red/mandates",
        "/api/v1/networks/red/mandates?current=true",
        "/api/v1/networks/red/mandates?current=false",
        "/api/v1/networks/red/proposals",
        "/api/v1/networks/red/proposals?state=closed",
    ],
)
def test_api_lists_take_as_many_queries_for_a_larger_structure(world, api_client, structure, path):
    _body, _general, grow = structure
    client = api_client(world.member)
    assert_queries_flat(client, path, grow)
    assert client.get(path).status_code == 200


def test_the_api_lists_grew(world, api_client, structure):
    _body, _general, grow = structure
    grow()
    client = api_client(world.member)
    assert len(client.get("/api/v1/networks/red/governance").json()["circles"]) == 6
    assert len(client.get("/api/v1/networks/red/circles").json()) == 6
    assert client.get("/api/v1/networks/red/mandates").json()["count"] == 4 * 7
    assert client.get("/api/v1/networks/red/proposals").json()["count"] == 4 * 4


def test_the_api_proposal_takes_as_many_queries_for_more_positions_and_comments(
    world, api_client, discussed
):
    proposal, grow = discussed
    client = api_client(world.member)
    assert_queries_flat(client, f"/api/v1/proposals/{proposal.pk}", grow)
    shown = client.get(f"/api/v1/proposals/{proposal.pk}").json()
    assert (len(shown["positions"]), len(shown["comments"]), len(shown["amendments"])) == (5, 5, 5)
    assert len(shown["objections"]) == 2


def test_the_api_positions_take_as_many_queries_for_more_positions(world, api_client, discussed):
    proposal, grow = discussed
    client = api_client(world.member)
    url = f"/api/v1/proposals/{proposal.pk}/positions"
    assert_queries_flat(client, url, grow)
    assert client.get(url).json()["count"] == 5
