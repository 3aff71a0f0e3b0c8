"""Circles, the coordination body, mandates and double links, through the API."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minga.core.models import AuditEntry
from minga.governance import actions
from minga.governance.models import Mandate


@pytest.fixture
def people(world):
    return {
        u.username: world.network.people.get(user=u)
        for u in (
            world.coordinator,
            world.member,
            world.other_member,
            world.treasurer,
            world.protocol_officer,
        )
    }


@pytest.fixture
def horizontal(world, people):
    """A general circle and a communication circle linked by mateo (leader) and ana (delegate)."""
    general = actions.create_circle(
        actor=world.coordinator, network=world.network, kind="circle", name="General"
    )
    comms = actions.create_circle(
        actor=world.coordinator,
        network=world.network,
        kind="circle",
        name="Comunicación",
        parent=general,
    )
    for circle, person, role in [
        (general, "mateo", "member"),
        (general, "ana", "member"),
        (general, "carolina", "leader"),
        (comms, "mateo", "leader"),
        (comms, "ana", "delegate"),
        (comms, "tiago", "member"),
    ]:
        actions.appoint(actor=world.coordinator, circle=circle, role=role, person=people[person])
    return general, comms


def test_structure_shows_a_complete_double_link(world, api_as, horizontal):
    structure = api_as(world.member).get("/networks/red/governance").json()
    problems = {c["name"]: c["link_problems"] for c in structure["circles"]}
    assert problems == {"General": [], "Comunicación": []}


def test_a_missing_delegate_is_shown(world, api_as, people):
    general = actions.create_circle(
        actor=world.coordinator, network=world.network, kind="circle", name="General"
    )
    child = actions.create_circle(
        actor=world.coordinator, network=world.network, kind="circle", name="Hijo", parent=general
    )
    actions.appoint(actor=world.coordinator, circle=general, role="member", person=people["mateo"])
    actions.appoint(actor=world.coordinator, circle=child, role="leader", person=people["mateo"])
    structure = api_as(world.member).get("/networks/red/governance").json()
    assert {c["name"]: c["link_problems"] for c in structure["circles"]}["Hijo"] == ["no_delegate"]


def test_breaking_a_link_needs_confirmation(world, api_as, horizontal):
    _general, comms = horizontal
    delegate = Mandate.objects.get(circle=comms, role="delegate")
    api = api_as(world.coordinator)
    refused = api.post(f"/networks/red/mandates/{delegate.pk}/end", {})
    assert refused.status_code == 409
    assert refused.json()["circles"] == [comms.pk]
    assert Mandate.objects.get(pk=delegate.pk).ended_on is None
    confirmed = api.post(f"/networks/red/mandates/{delegate.pk}/end", {"confirm": True})
    assert confirmed.status_code == 200
    assert confirmed.json()["ended_on"] == str(timezone.localdate())


def test_leaving_the_parent_circle_breaks_the_childs_link(world, horizontal):
    general, _comms = horizontal
    ana_in_general = Mandate.objects.get(circle=general, person__user=world.other_member)
    with pytest.raises(actions.LinkWouldBreak):
        actions.end_mandate(actor=world.coordinator, mandate=ana_in_general)


def test_coordination_body_with_working_groups(world, api_as):
    api = api_as(world.coordinator)
    body = api.post(
        "/networks/red/circles",
        {
            "kind": "coordination_body",
            "name": "Coordinación",
            "member_kind": "organizations",
            "mandate_months": 24,
            "renewable": True,
            "max_renewals": 1,
            "filled_by": "lot",
        },
    )
    assert body.status_code == 201, body.content
    group = api.post(
        "/networks/red/circles",
        {"kind": "working_group", "name": "Crecimiento", "parent": body.json()["id"]},
    )
    assert group.status_code == 201
    second = api.post("/networks/red/circles", {"kind": "coordination_body", "name": "Otra"})
    assert second.status_code == 422
    orphan = api.post("/networks/red/circles", {"kind": "working_group", "name": "Suelto"})
    assert {e["loc"][-1] for e in orphan.json()["detail"]} == {"parent"}
    seat = api.post(
        f"/networks/red/circles/{body.json()['id']}/mandates",
        {"role": "member", "organization": world.org_a.pk, "starts_on": "2027-01-01"},
    )
    assert seat.status_code == 201, seat.content
    assert seat.json()["ends_on"] == "2029-01-01"
    assert seat.json()["holder"] == "Fundación A"


def test_renewal_follows_the_rule(world):
    body = actions.create_circle(
        actor=world.coordinator,
        network=world.network,
        kind="coordination_body",
        name="Coordinación",
        member_kind="organizations",
        mandate_months=12,
        renewable=True,
        max_renewals=1,
    )
    mandate = actions.appoint(
        actor=world.coordinator,
        circle=body,
        role="member",
        organization=world.org_a,
        starts_on=date(2027, 1, 1),
    )
    renewed = actions.renew_mandate(actor=world.coordinator, mandate=mandate)
    assert (renewed.starts_on, renewed.ends_on, renewed.renewals) == (
        date(2028, 1, 1),
        date(2029, 1, 1),
        1,
    )
    with pytest.raises(ValidationError, match="most allowed"):
        actions.renew_mandate(actor=world.coordinator, mandate=renewed)
    history = Mandate.objects.filter(circle=body).order_by("starts_on")
    assert [m.ended_on for m in history] == [date(2028, 1, 1), None]


def test_a_circle_cannot_report_to_its_own_descendant(world, horizontal):
    general, comms = horizontal
    with pytest.raises(ValidationError, match="itself"):
        actions.update_circle(actor=world.coordinator, circle=general, parent=comms)


def test_members_cannot_change_the_structure(world, api_as, horizontal):
    _general, comms = horizontal
    api = api_as(world.member)
    assert api.post("/networks/red/circles", {"kind": "circle", "name": "X"}).status_code == 403
    mandate = Mandate.objects.filter(circle=comms).first()
    assert mandate is not None
    assert (
        api.post(f"/networks/red/mandates/{mandate.pk}/end", {"confirm": True}).status_code == 403
    )
    assert api_as(world.outsider).get("/networks/red/governance").status_code == 404


def test_open_election_by_consent_seats_the_leader(
    world, api_as, horizontal, people, django_capture_on_commit_callbacks
):
    _general, comms = horizontal
    api = api_as(world.treasurer)  # tiago is a member of the circle
    election = api.post(f"/networks/red/circles/{comms.pk}/elections", {"role": "leader"})
    assert election.status_code == 201, election.content
    election_id = election.json()["id"]
    nomination = api.post(
        f"/networks/red/elections/{election_id}/nominations",
        {"nominee": people["ana"].pk, "reason": "Conoce bien el boletín."},
    )
    assert nomination.status_code == 201
    missing = api.post(
        f"/networks/red/elections/{election_id}/nominations",
        {"nominee": people["tiago"].pk, "reason": " "},
    )
    assert {e["loc"][-1] for e in missing.json()["detail"]} == {"reason"}
    round_ = api.post(
        f"/networks/red/elections/{election_id}/consent-round",
        {"nomination": nomination.json()["id"]},
    )
    assert round_.status_code == 201
    proposal_id = round_.json()["id"]
    assert round_.json()["rule"] == "consent"
    for persona in (world.member, world.other_member, world.treasurer):
        api_as(persona).put(f"/proposals/{proposal_id}/position", {"position": "agree"})
    closed = api_as(world.coordinator).post(f"/proposals/{proposal_id}/close").json()
    assert closed["outcome"] == "adopted"
    leader = Mandate.objects.current().get(circle=comms, role="leader")
    assert leader.person == people["ana"]
    assert leader.source == "election"


def test_an_objection_in_the_consent_round_reopens_nominations(world, api_as, horizontal, people):
    _general, comms = horizontal
    election = actions.open_election(actor=world.coordinator, circle=comms)
    nomination = actions.nominate(
        actor=world.coordinator, election=election, nominee=people["tiago"], reason="Tiempo"
    )
    proposal = actions.start_consent_round(actor=world.coordinator, nomination=nomination)
    api_as(world.member).put(
        f"/proposals/{proposal.pk}/position",
        {"position": "object", "reason": "Ya coordina otro grupo."},
    )
    actions.close_proposal(actor=world.coordinator, proposal=proposal)
    election.refresh_from_db()
    assert election.state == "nominating"
    assert Mandate.objects.current().get(circle=comms, role="leader").person == people["mateo"]


def test_a_leader_closing_a_consent_round_has_the_system_seat_the_elected(
    world, horizontal, people
):
    """Mateo leads the circle but may not appoint: the seat comes from the circle's consent,
    given by Minga itself, and the audit log says so."""
    _general, comms = horizontal
    election = actions.open_election(actor=world.member, circle=comms, role="delegate")
    nomination = actions.nominate(
        actor=world.member, election=election, nominee=people["tiago"], reason="Tiene tiempo."
    )
    proposal = actions.start_consent_round(actor=world.member, nomination=nomination)
    actions.close_proposal(actor=world.member, proposal=proposal)
    seated = Mandate.objects.current().get(circle=comms, person=people["tiago"], role="delegate")
    entry = AuditEntry.objects.get(action="mandate.appoint", target_id=str(seated.pk))
    assert entry.by_system and entry.actor is None
    election.refresh_from_db()
    assert election.state == "elected"


def test_mandate_dates_must_make_sense(world, people):
    circle = actions.create_circle(
        actor=world.coordinator, network=world.network, kind="circle", name="C"
    )
    with pytest.raises(ValidationError, match="after it starts"):
        actions.appoint(
            actor=world.coordinator,
            circle=circle,
            role="member",
            person=people["ana"],
            starts_on=date(2027, 5, 1),
            ends_on=date(2027, 4, 1),
        )
    assert not Mandate.objects.filter(circle=circle).exists()
