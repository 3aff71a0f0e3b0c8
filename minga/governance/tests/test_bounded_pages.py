"""Governance pages do work bounded by what they show (issue 18): organizations and people
are typed, never chosen from a <select> of the whole network; proposals and positions come
a page at a time, with the tally counted by the database; the API pages positions too."""

from __future__ import annotations

from itertools import count

import pytest

from minga.core import actions as core_actions
from minga.core.testing import assert_queries_flat
from minga.governance import actions, views
from minga.governance.models import Mandate

_serial = count()

REASON = ("Lo discutimos en la asamblea y estamos de acuerdo con el plan. " * 3).strip()


def _voters(world, proposal, how_many, position="agree"):
    for _ in range(how_many):
        person = core_actions.add_person(
            actor=world.coordinator,
            network=world.network,
            username=f"v{next(_serial):05d}",
            first_name="Persona",
            organization=world.org_a,
        )
        actions.take_position(
            actor=person.user, proposal=proposal, position=position, reason=REASON
        )


# Picking organizations and people ---------------------------------------------------------


@pytest.fixture
def body(world):
    return actions.create_circle(
        actor=world.coordinator,
        network=world.network,
        kind="coordination_body",
        name="Órgano",
        member_kind="organizations",
    )


@pytest.fixture
def general(world):
    return actions.create_circle(
        actor=world.coordinator, network=world.network, kind="circle", name="General"
    )


def test_circle_pages_have_no_select_of_people_or_organizations(world, client_as, body, general):
    coordinator = client_as(world.coordinator)
    actions.open_election(actor=world.coordinator, circle=general, role="leader")
    for circle in (body, general):
        page = coordinator.get(f"/n/red/governance/circles/{circle.pk}/").content.decode()
        for name in ("person", "organization", "nominee"):
            assert f'<select name="{name}"' not in page
        assert 'name="person"' in page
    assert (
        'name="organization"'
        in coordinator.get(f"/n/red/governance/circles/{body.pk}/").content.decode()
    )
    assert (
        'name="nominee"'
        in coordinator.get(f"/n/red/governance/circles/{general.pk}/").content.decode()
    )


def test_a_seat_is_given_by_typing_the_organization_or_the_user_name(
    world, client_as, body, general
):
    coordinator = client_as(world.coordinator)
    url = f"/n/red/governance/circles/{body.pk}/"
    done = coordinator.post(url, {"role": "member", "organization": world.org_a.name.lower()})
    assert done.status_code == 302
    assert Mandate.objects.get(circle=body).organization == world.org_a

    url = f"/n/red/governance/circles/{general.pk}/"
    done = coordinator.post(url, {"role": "leader", "person": world.member.username})
    assert done.status_code == 302
    seated = Mandate.objects.get(circle=general).person
    assert seated is not None and seated.user == world.member


def test_a_name_outside_the_network_is_refused_and_named(world, client_as, body):
    foreign = world.other_network.organizations.first() or core_actions.create_organization(
        actor=world.admin,
        network=world.other_network,
        name="Ajena",
        country="CO",
        city="Cali",
        size="small",
    )
    refused = client_as(world.coordinator).post(
        f"/n/red/governance/circles/{body.pk}/", {"role": "member", "organization": foreign.name}
    )
    assert refused.status_code == 200
    assert foreign.name in refused.content.decode()
    assert not Mandate.objects.filter(circle=body).exists()


def test_a_nominee_is_typed_by_user_name(world, client_as, general):
    election = actions.open_election(actor=world.coordinator, circle=general, role="leader")
    client_as(world.coordinator).post(
        f"/n/red/governance/elections/{election.pk}/nominate/",
        {"nominee": world.member.username.upper(), "reason": "Conoce la red."},
    )
    assert [n.nominee.user for n in election.nominations.all()] == [world.member]


def test_the_coordinating_organization_box_shows_its_name(world, client_as):
    core_actions.update_network(actor=world.coordinator, network=world.network, model="vertical")
    core_actions.update_network(
        actor=world.coordinator, network=world.network, coordinating_organization=world.org_b
    )
    page = client_as(world.coordinator).get("/n/red/governance/").content.decode()
    assert '<select name="coordinating_organization"' not in page
    assert f'value="{world.org_b.name}"' in page
    unknown = client_as(world.coordinator).post(
        "/n/red/governance/coordinating-organization/",
        {"coordinating_organization": "Nadie"},
        follow=True,
    )
    assert "Nadie" in unknown.content.decode()
    world.network.refresh_from_db()
    assert world.network.coordinating_organization == world.org_b


# Proposals a page at a time -----------------------------------------------------------------


def test_open_proposals_are_listed_a_page_at_a_time(world, client_as, open_proposal, monkeypatch):
    monkeypatch.setattr(views, "PROPOSALS_PER_PAGE", 2)
    for n in range(5):
        open_proposal(title=f"Abierta {n}")
    client = client_as(world.member)
    first = client.get("/n/red/governance/")
    assert [p["title"] for p in first.context["open_proposals"]] == ["Abierta 4", "Abierta 3"]
    assert "Page 1 of 3" in first.content.decode()
    last = client.get("/n/red/governance/?page=3")
    assert [p["title"] for p in last.context["open_proposals"]] == ["Abierta 0"]


def test_decided_proposals_have_their_own_pages(world, client_as, open_proposal, monkeypatch):
    monkeypatch.setattr(views, "PROPOSALS_PER_PAGE", 2)
    for n in range(3):
        decided = open_proposal(title=f"Decidida {n}")
        actions.close_proposal(actor=world.coordinator, proposal=decided)
    open_proposal(title="Abierta")
    client = client_as(world.member)
    home = client.get("/n/red/governance/").content.decode()
    assert "/n/red/governance/proposals/?state=closed" in home
    listed = client.get("/n/red/governance/proposals/?state=closed&page=2")
    assert [p["title"] for p in listed.context["proposals"]] == ["Decidida 0"]
    opened = client.get("/n/red/governance/proposals/").content.decode()
    assert "Abierta" in opened and "Decidida" not in opened
    assert client_as(world.outsider).get("/n/red/governance/proposals/").status_code == 404


# A proposal's positions ---------------------------------------------------------------------


def test_a_proposal_page_shows_a_page_of_positions_and_counts_them_all(
    world, client_as, open_proposal, monkeypatch
):
    monkeypatch.setattr(views, "POSITIONS_PER_PAGE", 3)
    proposal = open_proposal(rule="majority", voting_unit="person")
    _voters(world, proposal, 4, "agree")
    _voters(world, proposal, 3, "disagree")
    client = client_as(world.member)
    url = f"/n/red/governance/proposals/{proposal.pk}/"
    page = client.get(url)
    assert len(page.context["positions"]) == 3
    tally = page.context["tally"]
    assert (tally.agree, tally.disagree, tally.taken) == (4, 3, 7)
    assert "Page 1 of 3" in page.content.decode()
    last = client.get(f"{url}?page=3")
    assert [p["value"] for p in last.context["positions"]] == ["disagree"]
    beyond = client.get(f"{url}?page=99")
    assert beyond.context["page"].number == 3
    assert [p["value"] for p in beyond.context["positions"]] == ["disagree"]
    assert client.get(f"{url}?page=x").context["page"].number == 1


def test_a_proposal_page_does_not_grow_with_its_positions(
    world, client_as, open_proposal, monkeypatch
):
    """Beyond one page of positions (and of objections), more of them add nothing."""
    monkeypatch.setattr(views, "POSITIONS_PER_PAGE", 5)
    monkeypatch.setattr(views, "OBJECTIONS_PER_PAGE", 5)
    proposal = open_proposal(rule="majority", voting_unit="person")
    client = client_as(world.member)
    url = f"/n/red/governance/proposals/{proposal.pk}/"
    sizes = []
    for _ in range(2):
        _voters(world, proposal, 10, "agree")
        _voters(world, proposal, 10, "object")
        sizes.append(len(client.get(url).content))
    # The second size holds twice the positions; only figures in the tally may differ.
    assert sizes[1] - sizes[0] < 40, sizes
    assert sizes[0] < 2 * 5 * len(REASON) + 40_000


def test_a_proposal_page_takes_as_many_queries_from_no_positions_to_many(
    world, client_as, open_proposal
):
    proposal = open_proposal(rule="majority", voting_unit="person")

    def grow():
        _voters(world, proposal, 4, "agree")
        _voters(world, proposal, 4, "object")

    url = f"/n/red/governance/proposals/{proposal.pk}/"
    assert_queries_flat(client_as(world.member), url, grow)
    assert_queries_flat(client_as(world.coordinator), url, grow)


def test_a_secret_proposal_shows_nothing_until_it_closes(world, client_as, open_proposal):
    proposal = open_proposal(rule="majority", voting_unit="person", secret=True)
    _voters(world, proposal, 2, "object")
    page = client_as(world.member).get(f"/n/red/governance/proposals/{proposal.pk}/")
    assert page.context["tally"] is None
    assert not page.context["objections"]
    assert REASON not in page.content.decode()
    actions.close_proposal(actor=world.coordinator, proposal=proposal)
    page = client_as(world.member).get(f"/n/red/governance/proposals/{proposal.pk}/")
    assert page.context["tally"].object == 2
    assert REASON in page.content.decode()  # reasons, anonymously
    assert "Persona" not in page.content.decode()  # and never who took which position


# The API --------------------------------------------------------------------------------------


def test_api_positions_come_a_page_at_a_time_as_in_the_proposal(world, api_as, open_proposal):
    proposal = open_proposal(rule="majority", voting_unit="person")
    _voters(world, proposal, 3, "agree")
    actions.take_position(actor=world.member, proposal=proposal, position="object", reason="No.")
    api = api_as(world.other_member)
    detail = api.get(f"/proposals/{proposal.pk}").json()
    first = api.get(f"/proposals/{proposal.pk}/positions").json()
    assert first["count"] == 4
    assert first["items"] == detail["positions"]
    assert detail["positions"][0] == {
        "voter_type": "person",
        "voter_id": detail["positions"][0]["voter_id"],
        "voter": "Persona",
        "position": "agree",
        "reason": REASON,
        "updated_at": detail["positions"][0]["updated_at"],
    }
    member = world.network.people.get(user=world.member)
    assert detail["positions"][3]["voter"] == str(member)
    assert detail["positions"][3]["voter_id"] == member.pk
    assert detail["objections"][0]["voter"] == str(member)
    assert detail["tally"] == {"agree": 3, "disagree": 0, "abstain": 0, "object": 1}
    assert api.get(f"/proposals/{proposal.pk}/positions", page=2).json()["items"] == []


@pytest.mark.parametrize("secret", [False, True])
def test_api_proposal_detail_is_exactly_what_its_schema_gives(world, api_as, open_proposal, secret):
    """The detail's positions skip validation row by row; the body is still byte for byte
    what `ProposalOut` validates and the API's renderer writes."""
    from django.http import HttpRequest

    from minga.api import api as ninja_api
    from minga.governance.api import ProposalOut, proposal_out

    proposal = open_proposal(rule="majority", voting_unit="person", secret=secret)
    _voters(world, proposal, 3, "agree")
    response = api_as(world.other_member).get(f"/proposals/{proposal.pk}")
    proposal.refresh_from_db()
    full = ProposalOut.model_validate(proposal_out(proposal)).model_dump()
    rendered = ninja_api.renderer.render(HttpRequest(), full, response_status=200)
    assert response.content.decode() == rendered
    assert (response.json()["positions"] is None) == secret
    assert response["Content-Type"] == ninja_api.get_content_type()


def test_api_positions_by_organization_name_the_organization(world, api_as, open_proposal):
    proposal = open_proposal(rule="majority")
    actions.take_position(actor=world.member, proposal=proposal, position="agree")
    items = api_as(world.member).get(f"/proposals/{proposal.pk}/positions").json()["items"]
    organization = world.network.people.get(user=world.member).organization
    assert [(i["voter_type"], i["voter_id"], i["voter"]) for i in items] == [
        ("organization", organization.pk, organization.name)
    ]


def test_api_positions_keep_the_proposal_permissions(world, api_as, open_proposal):
    proposal = open_proposal(rule="majority", voting_unit="person")
    url = f"/proposals/{proposal.pk}/positions"
    assert api_as(world.outsider).get(url).status_code == 404
    assert api_as(None).get(url).status_code == 401
    secret = open_proposal(rule="majority", voting_unit="person", secret=True)
    actions.take_position(actor=world.member, proposal=secret, position="agree")
    assert api_as(world.coordinator).get(f"/proposals/{secret.pk}/positions").status_code == 403
    actions.close_proposal(actor=world.coordinator, proposal=secret)
    assert api_as(world.coordinator).get(f"/proposals/{secret.pk}/positions").status_code == 403


# Seats -----------------------------------------------------------------------------------------


def test_a_circle_page_shows_its_members_a_page_at_a_time(world, client_as, body, monkeypatch):
    monkeypatch.setattr(views, "MEMBERS_PER_PAGE", 2)
    monkeypatch.setattr(views, "PAST_ON_CIRCLE", 1)
    organizations = [world.org_a, world.org_b]
    for n in range(3):
        organizations.append(
            core_actions.create_organization(
                actor=world.coordinator,
                network=world.network,
                name=f"Organización {n}",
                country="CO",
                city="Cali",
                size="small",
            )
        )
    for organization in organizations:
        actions.appoint(
            actor=world.coordinator, circle=body, role="member", organization=organization
        )
    for mandate in Mandate.objects.filter(circle=body)[:2]:
        actions.end_mandate(actor=world.coordinator, mandate=mandate)
    client = client_as(world.member)
    url = f"/n/red/governance/circles/{body.pk}/"
    first = client.get(url)
    assert len(first.context["current"]) == 2
    assert len(first.context["past"]) == 1
    assert "Page 1 of 2" in first.content.decode()
    assert len(client.get(f"{url}?page=2").context["current"]) == 1


def test_the_mandates_page_is_paginated(world, client_as, body, monkeypatch):
    monkeypatch.setattr(views, "MANDATES_PER_PAGE", 1)
    for organization in (world.org_a, world.org_b):
        actions.appoint(
            actor=world.coordinator, circle=body, role="member", organization=organization
        )
    client = client_as(world.member)
    shown = {
        str(client.get(f"/n/red/governance/mandates/?page={n}").context["mandates"][0].holder)
        for n in (1, 2)
    }
    assert shown == {world.org_a.name, world.org_b.name}
