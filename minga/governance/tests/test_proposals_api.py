"""The proposals API contract: open, take positions, close, read."""

from __future__ import annotations

import pytest

from minga.core import actions as core_actions
from minga.core.models import AuditEntry
from minga.governance.models import Objection, Proposal


def position(api, proposal_id, value, reason=""):
    return api.put(f"/proposals/{proposal_id}/position", {"position": value, "reason": reason})


def test_open_a_proposal_with_the_documented_body(world, api_as):
    response = api_as(world.member).post(
        "/networks/red/proposals",
        {
            "title": "Crear un grupo de comunicación",
            "body": "Un grupo que prepare el boletín semanal.",
            "rule": "consensus_then_supermajority",
            "matter": "strategic",
            "circle": None,
            "voting_unit": "organization",
            "secret": False,
            "closes_at": None,
            "quorum": 0.5,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert isinstance(body["id"], int)
    assert body["state"] == "open"
    assert body["body"] == "Un grupo que prepare el boletín semanal."
    assert body["eligible"] == 2  # the two organizations with representatives
    assert AuditEntry.objects.filter(action="proposal.open").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rule": "dictatorship"}, "rule"),
        ({"quorum": 1.5}, "quorum"),
        ({"title": " "}, "title"),
        ({"closes_at": "2001-01-01T00:00:00Z"}, "closes_at"),
        ({"circle": 999999}, "circle"),
    ],
)
def test_invalid_proposals_are_422_naming_the_field(world, api_as, change, field):
    body = {"title": "T", "body": "B", "rule": "consent", **change}
    response = api_as(world.member).post("/networks/red/proposals", body)
    assert response.status_code == 422, response.content
    assert field in {error["loc"][-1] for error in response.json()["detail"]}
    assert not Proposal.objects.exists()


def test_positions_count_once_per_organization_and_only_the_latest(world, api_as, open_proposal):
    proposal = open_proposal(rule="majority")
    ana, tiago = api_as(world.other_member), api_as(world.treasurer)
    assert position(api_as(world.member), proposal.pk, "agree").status_code == 200
    assert position(ana, proposal.pk, "disagree").status_code == 200
    # Tiago represents the same organization as Ana: his position replaces hers.
    response = position(tiago, proposal.pk, "agree")
    assert response.json()["voter"] == "Instituto B"
    tally = api_as(world.member).get(f"/proposals/{proposal.pk}").json()["tally"]
    assert tally == {"agree": 2, "disagree": 0, "abstain": 0, "object": 0}


def test_objection_without_reason_is_422_and_changes_nothing(world, api_as, open_proposal):
    proposal = open_proposal()
    response = position(api_as(world.member), proposal.pk, "object")
    assert response.status_code == 422
    assert {e["loc"][-1] for e in response.json()["detail"]} == {"reason"}
    assert not proposal.positions.exists()


def test_someone_who_may_not_vote_gets_403(world, api_as, open_proposal):
    proposal = open_proposal()
    # The coordinator represents no organization, so has no vote per organization.
    assert position(api_as(world.coordinator), proposal.pk, "agree").status_code == 403
    # Outside the network the proposal does not exist.
    assert position(api_as(world.outsider), proposal.pk, "agree").status_code == 404


def test_closing_decides_and_then_positions_get_409(world, api_as, open_proposal):
    proposal = open_proposal(rule="consent")
    member = api_as(world.member)
    position(member, proposal.pk, "agree")
    assert member.post(f"/proposals/{proposal.pk}/close").status_code == 403
    closed = api_as(world.coordinator).post(f"/proposals/{proposal.pk}/close")
    assert closed.status_code == 200
    assert closed.json() == {
        "outcome": "adopted",
        "decided_by": "consent",
        "tally": {"agree": 1, "disagree": 0, "abstain": 0, "object": 0},
    }
    assert position(member, proposal.pk, "disagree").status_code == 409
    assert api_as(world.coordinator).post(f"/proposals/{proposal.pk}/close").status_code == 409
    entry = AuditEntry.objects.get(action="proposal.close")
    assert entry.data["outcome"] == "adopted"
    assert entry.data["rule"] == "consent"


def test_a_standing_objection_blocks_consent_and_withdrawing_it_adopts(
    world, api_as, open_proposal
):
    member, ana = api_as(world.member), api_as(world.other_member)
    blocked = open_proposal(rule="consent")
    position(member, blocked.pk, "agree")
    position(ana, blocked.pk, "object", "Falta presupuesto.")
    result = api_as(world.coordinator).post(f"/proposals/{blocked.pk}/close").json()
    assert result["outcome"] == "rejected"

    resolved = open_proposal(rule="consent")
    position(ana, resolved.pk, "object", "Falta presupuesto.")
    amended = api_as(world.coordinator).post(
        f"/proposals/{resolved.pk}/amend",
        {"body": "Con presupuesto de 2.000 USD.", "note": "Se agrega presupuesto."},
    )
    assert amended.status_code == 200
    objection = Objection.objects.get(proposal=resolved)
    withdrawn = ana.post(f"/proposals/{resolved.pk}/objections/{objection.pk}/withdraw", {})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["position"] == "agree"
    result = api_as(world.coordinator).post(f"/proposals/{resolved.pk}/close").json()
    assert result["outcome"] == "adopted"
    shown = api_as(world.member).get(f"/proposals/{resolved.pk}").json()
    assert shown["objections"][0]["status"] == "withdrawn"
    assert shown["objections"][0]["resolution"] == "Withdrawn after the text was amended."
    assert shown["amendments"][0]["previous_text"] == "Proponemos adoptar el plan anual 2027."


def test_only_the_objector_can_withdraw_and_only_the_proposer_can_amend(
    world, api_as, open_proposal
):
    proposal = open_proposal()
    position(api_as(world.other_member), proposal.pk, "object", "No estamos de acuerdo.")
    objection = Objection.objects.get()
    withdraw = api_as(world.member).post(
        f"/proposals/{proposal.pk}/objections/{objection.pk}/withdraw", {}
    )
    assert withdraw.status_code == 403
    amend = api_as(world.member).post(f"/proposals/{proposal.pk}/amend", {"body": "Otro texto"})
    assert amend.status_code == 403


def test_a_tie_is_broken_by_the_coordinating_organization(world, api_as, open_proposal):
    core_actions.update_network(
        actor=world.coordinator, network=world.network, coordinating_organization=world.org_a
    )
    proposal = open_proposal(rule="majority", matter="operational")
    position(api_as(world.member), proposal.pk, "agree")  # Fundación A coordinates
    position(api_as(world.other_member), proposal.pk, "disagree")
    result = api_as(world.coordinator).post(f"/proposals/{proposal.pk}/close").json()
    assert (result["outcome"], result["decided_by"]) == ("adopted", "tie_break")


def test_without_a_coordinating_organization_a_tie_goes_to_the_coordination_body(
    world, api_as, open_proposal
):
    proposal = open_proposal(rule="majority", matter="operational")
    position(api_as(world.member), proposal.pk, "agree")
    position(api_as(world.other_member), proposal.pk, "disagree")
    result = api_as(world.coordinator).post(f"/proposals/{proposal.pk}/close").json()
    assert (result["outcome"], result["decided_by"]) == ("tied", None)


def test_coordinating_organization_is_set_through_the_network_api(world, api_as):
    api = api_as(world.coordinator)
    response = api.patch("/networks/red", {"coordinating_organization": world.org_b.pk})
    assert response.json()["coordinating_organization"] == world.org_b.pk
    foreign = core_actions.create_organization(
        actor=world.outsider, network=world.other_network, name="Ajena", country="AR"
    )
    refused = api.patch("/networks/red", {"coordinating_organization": foreign.pk})
    assert refused.status_code == 422
    assert {e["loc"][-1] for e in refused.json()["detail"]} == {"coordinating_organization"}
    cleared = api.patch("/networks/red", {"coordinating_organization": None})
    assert cleared.json()["coordinating_organization"] is None


def test_quorum_per_person(world, api_as, open_proposal):
    proposal = open_proposal(rule="consent", voting_unit="person", quorum=0.5)
    position(api_as(world.member), proposal.pk, "agree")
    position(api_as(world.other_member), proposal.pk, "abstain")
    result = api_as(world.coordinator).post(f"/proposals/{proposal.pk}/close").json()
    assert result["outcome"] == "no_quorum"  # 2 of 5 people, under half
    second = open_proposal(rule="consent", voting_unit="person", quorum=0.5)
    for persona in (world.member, world.other_member, world.treasurer):
        position(api_as(persona), second.pk, "agree")
    assert (
        api_as(world.coordinator).post(f"/proposals/{second.pk}/close").json()["outcome"]
        == "adopted"
    )


def test_thirty_to_ten_among_forty_people_adopts_by_supermajority(world, api_as, open_proposal):
    voters = [
        core_actions.add_person(
            actor=world.coordinator, network=world.network, username=f"v{i}"
        ).user
        for i in range(40)
    ]
    proposal = open_proposal(rule="consensus_then_supermajority", voting_unit="person")
    for index, voter in enumerate(voters):
        position(api_as(voter), proposal.pk, "agree" if index < 30 else "disagree")
    result = api_as(world.coordinator).post(f"/proposals/{proposal.pk}/close").json()
    assert (result["outcome"], result["decided_by"]) == ("adopted", "supermajority")


def test_circle_leader_may_close_their_circles_proposal(world, api_as):
    from minga.governance import actions

    circle = actions.create_circle(
        actor=world.coordinator, network=world.network, kind="circle", name="Comunicación"
    )
    for persona, role in ((world.member, "leader"), (world.other_member, "member")):
        person = world.network.people.get(user=persona)
        actions.appoint(actor=world.coordinator, circle=circle, role=role, person=person)
    proposal = actions.open_proposal(
        actor=world.other_member,
        network=world.network,
        title="Boletín",
        text="Semanal",
        rule="consent",
        circle=circle,
        voting_unit="person",
    )
    # Outside the circle there is no vote.
    assert position(api_as(world.treasurer), proposal.pk, "agree").status_code == 403
    assert position(api_as(world.other_member), proposal.pk, "agree").status_code == 200
    assert api_as(world.other_member).post(f"/proposals/{proposal.pk}/close").status_code == 403
    assert api_as(world.member).post(f"/proposals/{proposal.pk}/close").status_code == 200
