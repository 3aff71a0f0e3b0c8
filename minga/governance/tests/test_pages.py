"""Governance pages: the structure diagram, proposals and their discussion."""

from __future__ import annotations

import pytest

from minga.governance import actions
from minga.governance.models import Mandate, Position


@pytest.fixture
def circles(world):
    people = {
        u.username: world.network.people.get(user=u) for u in (world.member, world.other_member)
    }
    general = actions.create_circle(
        actor=world.coordinator, network=world.network, kind="circle", name="General"
    )
    child = actions.create_circle(
        actor=world.coordinator,
        network=world.network,
        kind="circle",
        name="Territorios",
        parent=general,
    )
    actions.appoint(actor=world.coordinator, circle=general, role="member", person=people["mateo"])
    actions.appoint(actor=world.coordinator, circle=child, role="leader", person=people["mateo"])
    return general, child


def test_structure_page_draws_circles_and_flags_a_missing_link(world, client_as, circles):
    page = client_as(world.member).get("/n/red/governance/").content.decode()
    assert "<svg" in page
    assert page.count('class="node ') == 2
    assert 'class="link missing"' in page
    assert "Territorios</a>: no delegate" in page
    assert 'class="card guide"' in page


PAGE_MATRIX = [
    ("/n/red/governance/", {"C": 200, "M": 200, "O": 404, "A": 200}),
    ("/n/red/governance/mandates/", {"C": 200, "M": 200, "O": 404, "A": 200}),
    ("/n/red/governance/proposals/new/", {"C": 200, "M": 200, "O": 404, "A": 200}),
    ("/n/red/governance/circles/new/", {"C": 200, "M": 403, "O": 404, "A": 200}),
]
PERSONAS = {"C": "coordinator", "M": "member", "O": "outsider", "A": "admin"}


@pytest.mark.parametrize(("path", "expected"), PAGE_MATRIX)
def test_governance_page_role_matrix(world, client_as, path, expected):
    for letter, status in expected.items():
        assert client_as(getattr(world, PERSONAS[letter])).get(path).status_code == status, (
            letter,
            path,
        )


def test_proposal_page_flow(world, client_as, open_proposal):
    proposal = open_proposal(rule="consent")
    url = f"/n/red/governance/proposals/{proposal.pk}/"
    member = client_as(world.member)
    page = member.get(url).content.decode()
    assert "Record my position" in page
    assert "Close and decide" not in page
    # An objection without a reason is refused with a message, and nothing is stored.
    refused = member.post(f"{url}position/", {"position": "object", "reason": ""}, follow=True)
    assert "An objection needs a reason." in refused.content.decode()
    assert not Position.objects.exists()
    member.post(f"{url}position/", {"position": "object", "reason": "Sin presupuesto"})
    member.post(f"{url}comment/", {"text": "¿Cuánto cuesta?"})
    page = member.get(url).content.decode()
    assert "Sin presupuesto" in page and "¿Cuánto cuesta?" in page
    assert "Withdraw my objection" in page
    coordinator = client_as(world.coordinator)
    assert "Close and decide" in coordinator.get(url).content.decode()
    coordinator.post(f"{url}close/", {"confirmed": "1"})
    proposal.refresh_from_db()
    assert proposal.outcome == "rejected"
    closed = member.get(url).content.decode()
    assert "Rejected" in closed and "Record my position" not in closed


def test_member_cannot_close_by_posting(world, client_as, open_proposal):
    proposal = open_proposal()
    response = client_as(world.member).post(f"/n/red/governance/proposals/{proposal.pk}/close/")
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.state == "open"


def test_ending_a_linking_mandate_asks_for_confirmation(world, client_as, circles):
    general, child = circles
    ana = world.network.people.get(user=world.other_member)
    actions.appoint(actor=world.coordinator, circle=general, role="member", person=ana)
    actions.appoint(actor=world.coordinator, circle=child, role="delegate", person=ana)
    delegate = Mandate.objects.get(circle=child, role="delegate")
    coordinator = client_as(world.coordinator)
    url = f"/n/red/governance/mandates/{delegate.pk}/end/"
    asked = coordinator.post(url)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "This cannot be undone." in page
    assert "It also breaks the double link of: Territorios." in page
    assert 'name="confirm" value="1"' in page and 'name="confirmed" value="1"' in page
    assert Mandate.objects.get(pk=delegate.pk).ended_on is None
    coordinator.post(url, {"confirm": "1", "confirmed": "1"})
    assert Mandate.objects.get(pk=delegate.pk).ended_on is not None


def test_a_link_that_breaks_after_the_question_is_asked_again(world, client_as, circles):
    """Confirming an ending that the page did not say breaks a link still asks about it."""
    general, child = circles
    ana = world.network.people.get(user=world.other_member)
    actions.appoint(actor=world.coordinator, circle=general, role="member", person=ana)
    actions.appoint(actor=world.coordinator, circle=child, role="delegate", person=ana)
    delegate = Mandate.objects.get(circle=child, role="delegate")
    coordinator = client_as(world.coordinator)
    asked = coordinator.post(f"/n/red/governance/mandates/{delegate.pk}/end/", {"confirmed": "1"})
    assert asked.status_code == 409
    assert "Territorios" in asked.content.decode()
    assert Mandate.objects.get(pk=delegate.pk).ended_on is None


def test_coordinator_sets_the_coordinating_organization_on_the_page(world, client_as):
    client_as(world.coordinator).post(
        "/n/red/governance/coordinating-organization/",
        {"coordinating_organization": world.org_b.name.upper()},
    )
    world.network.refresh_from_db()
    assert world.network.coordinating_organization == world.org_b
    client_as(world.member).post(
        "/n/red/governance/coordinating-organization/",
        {"coordinating_organization": world.org_a.name},
    )
    world.network.refresh_from_db()
    assert world.network.coordinating_organization == world.org_b


def test_governance_page_queries_do_not_grow_with_proposals(world, client_as, open_proposal):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(world.member)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/n/red/governance/").status_code == 200
        return len(context)

    open_proposal()
    few = queries()
    for index in range(10):
        open_proposal(title=f"P{index}")
    assert queries() == few
