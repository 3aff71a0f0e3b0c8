"""The planning write path: one ballot per member organization (the database refuses a
second), closing a round orders the objectives and the network adopts the first few (through
a governance proposal where it decides so); the SWOT board never silently overwrites an
edit; the basis keeps a version for every change; trends rank by their members' ratings;
project sheets keep their dates and people in order, and only the project's team records
its progress. Ends with the role × action matrix."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from minga.core.events import AuditEvent
from minga.core.models import AuditEntry, Person
from minga.governance import actions as governance
from minga.governance.queries import proposal_state
from minga.governance.queries import proposals as governance_proposals
from minga.planning import actions, queries
from minga.planning.models import (
    Ballot,
    BallotMark,
    Basis,
    BasisVersion,
    Measurement,
    Objective,
    PestelFactor,
    Pillar,
    Prioritization,
    ProgrammaticProject,
    SwotItem,
)


def _person(world: Any, user: Any) -> Person:
    return Person.objects.get(network=world.network, user=user)


@pytest.fixture
def pillar(world) -> Pillar:
    return actions.save_pillar(
        actor=world.coordinator,
        network=world.network,
        name="Democracia diversa",
        stakeholder="community",
    )


@pytest.fixture
def objectives(world, pillar) -> list[Objective]:
    return [
        actions.save_objective(
            actor=world.coordinator, network=world.network, pillar=pillar, title=f"Objetivo {n}"
        )
        for n in range(1, 7)
    ]


def _round(world: Any, **fields: Any) -> Prioritization:
    fields.setdefault("adopt", 3)
    fields.setdefault("title", "Prioridades 2027")
    return actions.open_prioritization(
        actor=world.coordinator,
        network=world.network,
        closes_at=timezone.now() + timedelta(days=7),
        **fields,
    )


def _cast(user: Any, round_: Prioritization, marks: dict[Objective, int]) -> Ballot:
    return actions.cast_ballot(
        actor=user, prioritization=round_, marks={o.pk: v for o, v in marks.items()}
    )


def _marks(round_: Prioritization, organization: Any) -> dict[int, int]:
    return queries.ballot_of(round_, organization)


# Prioritization ballots --------------------------------------------------------------------------


def test_the_database_refuses_a_second_ballot_for_an_organization(world, objectives):
    round_ = _round(world)
    _cast(world.member, round_, {objectives[0]: 2})
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(prioritization=round_, organization=world.org_a)
    assert Ballot.objects.filter(prioritization=round_).count() == 1
    # Another organization, or the same one in another round, is a ballot of its own.
    Ballot.objects.create(prioritization=round_, organization=world.org_b)
    other = _round(world, title="Otra ronda")
    Ballot.objects.create(prioritization=other, organization=world.org_a)


def test_another_person_of_the_organization_replaces_its_ballot(world, objectives):
    round_ = _round(world)
    first = _cast(world.member, round_, {objectives[0]: 3, objectives[1]: 2})
    # Paula represents the same organization (Fundación A) as Mateo.
    second = _cast(world.protocol_officer, round_, {objectives[2]: 1})
    assert second.pk == first.pk
    assert Ballot.objects.filter(prioritization=round_).count() == 1
    assert second.cast_by == _person(world, world.protocol_officer)
    assert _marks(round_, world.org_a) == {objectives[2].pk: 1}
    assert BallotMark.objects.filter(ballot__prioritization=round_).count() == 1


def test_zero_dots_are_no_mark_and_a_bad_ballot_changes_nothing(world, objectives):
    round_ = _round(world, dots=5)
    _cast(world.member, round_, {objectives[0]: 3, objectives[1]: 0})
    assert _marks(round_, world.org_a) == {objectives[0].pk: 3}
    with pytest.raises(ValidationError) as caught:
        _cast(world.member, round_, {objectives[0]: 4, objectives[1]: 2})
    assert caught.value.message_dict["marks"] == [
        "An organization has 5 dots: place at most that many."
    ]
    with pytest.raises(ValidationError) as caught:
        actions.cast_ballot(actor=world.member, prioritization=round_, marks={999_999: 1})
    assert caught.value.message_dict["marks"] == ["Mark only objectives of this prioritization."]
    with pytest.raises(ValidationError) as caught:
        actions.cast_ballot(actor=world.member, prioritization=round_, marks={})
    assert caught.value.message_dict["marks"] == ["Mark at least one objective."]
    with pytest.raises(ValidationError):
        actions.cast_ballot(
            actor=world.member,
            prioritization=round_,
            marks={"uno": 1},  # type: ignore[dict-item]
        )
    assert _marks(round_, world.org_a) == {objectives[0].pk: 3}


def test_a_ranking_numbers_its_choices_without_gaps(world, objectives):
    round_ = _round(world, method="ranking")
    with pytest.raises(ValidationError) as caught:
        _cast(world.member, round_, {objectives[0]: 1, objectives[1]: 3})
    assert caught.value.message_dict["marks"] == [
        "Number your choices 1, 2, 3… without gaps or repeats."
    ]
    _cast(world.member, round_, {objectives[0]: 2, objectives[1]: 1})
    assert _marks(round_, world.org_a) == {objectives[0].pk: 2, objectives[1].pk: 1}


def test_a_closed_round_refuses_ballots(world, objectives):
    round_ = _round(world)
    _cast(world.member, round_, {objectives[0]: 1})
    actions.close_prioritization(actor=world.coordinator, prioritization=round_)
    with pytest.raises(ValidationError, match="closed"):
        _cast(world.member, round_, {objectives[1]: 1})
    with pytest.raises(ValidationError, match="closed"):
        _cast(world.other_member, round_, {objectives[1]: 1})
    assert _marks(round_, world.org_a) == {objectives[0].pk: 1}
    assert _marks(round_, world.org_b) == {}


def test_a_round_past_its_closing_time_refuses_ballots_before_anyone_closes_it(world, objectives):
    round_ = _round(world)
    Prioritization.objects.filter(pk=round_.pk).update(
        closes_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(ValidationError, match="closed"):
        _cast(world.member, round_, {objectives[0]: 1})
    assert not Ballot.objects.exists()


def test_only_people_representing_an_organization_cast(world, objectives):
    round_ = _round(world)
    # Carolina coordinates the network but represents no organization.
    with pytest.raises(ValidationError, match="organization"):
        _cast(world.coordinator, round_, {objectives[0]: 1})
    # A platform administrator is no person of the network.
    with pytest.raises(ValidationError):
        _cast(world.admin, round_, {objectives[0]: 1})
    with pytest.raises(PermissionDenied):
        _cast(world.outsider, round_, {objectives[0]: 1})
    assert not Ballot.objects.exists()


def test_opening_a_round_checks_its_settings(world, objectives):
    with pytest.raises(ValidationError, match="future"):
        actions.open_prioritization(
            actor=world.coordinator,
            network=world.network,
            title="T",
            closes_at=timezone.now() - timedelta(minutes=1),
        )
    with pytest.raises(ValidationError) as caught:
        _round(world, adopt=6)
    assert "adopt" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        _round(world, adopt=3, objectives=[o.pk for o in objectives[:3]])
    assert "objectives" in caught.value.message_dict
    round_ = _round(world, objectives=[o.pk for o in objectives[:4]])
    assert set(round_.objectives.all()) == set(objectives[:4])
    assert not Prioritization.objects.exclude(pk=round_.pk).exists()


def _voted_round(world: Any, objectives: list[Objective]) -> Prioritization:
    """Fundación A: 3 dots on 1, 2 on 2. Instituto B: 2 on 2, 2 on 3, 1 on 4."""
    o = objectives
    round_ = _round(world, dots=5, adopt=3)
    _cast(world.member, round_, {o[0]: 3, o[1]: 2})
    _cast(world.other_member, round_, {o[1]: 2, o[2]: 2, o[3]: 1})
    return round_


def test_closing_orders_the_objectives_by_their_dots(world, objectives):
    o = objectives
    round_ = _voted_round(world, objectives)
    assert queries.standings(round_) == []  # nothing shown while it is open
    closed = actions.close_prioritization(actor=world.coordinator, prioritization=round_)
    assert closed.result == [
        {"objective": o[1].pk, "score": 4, "ballots": 2},
        {"objective": o[0].pk, "score": 3, "ballots": 1},
        {"objective": o[2].pk, "score": 2, "ballots": 1},
        {"objective": o[3].pk, "score": 1, "ballots": 1},
        {"objective": o[4].pk, "score": 0, "ballots": 0},
        {"objective": o[5].pk, "score": 0, "ballots": 0},
    ]
    rows = queries.standings(closed)
    assert [(r.objective, r.chosen) for r in rows][:4] == [
        (o[1], True),
        (o[0], True),
        (o[2], True),
        (o[3], False),
    ]
    with pytest.raises(ValidationError, match="already closed"):
        actions.close_prioritization(actor=world.coordinator, prioritization=closed)


def test_a_ranking_round_closes_by_borda_points(world, objectives):
    o = objectives
    round_ = _round(world, method="ranking")
    _cast(world.member, round_, {o[2]: 1, o[0]: 2})
    _cast(world.other_member, round_, {o[0]: 1, o[2]: 2, o[1]: 3})
    closed = actions.close_prioritization(actor=world.coordinator, prioritization=round_)
    # Six objectives: 6 points for a first place. 1 and 3 tie at 11 from two ballots each;
    # 1 is listed first.
    assert [(r["objective"], r["score"]) for r in closed.result[:3]] == [
        (o[0].pk, 11),
        (o[2].pk, 11),
        (o[1].pk, 4),
    ]


def _status(objectives: list[Objective]) -> list[tuple[str, int | None]]:
    return [
        (row.status, row.rank)
        for row in Objective.objects.filter(pk__in=[o.pk for o in objectives]).order_by("pk")
    ]


def test_adopting_takes_the_first_objectives_in_order_and_retires_the_previous(world, objectives):
    o = objectives
    with pytest.raises(ValidationError, match="Close"):
        actions.adopt_objectives(actor=world.coordinator, prioritization=_round(world))
    round_ = _voted_round(world, objectives)
    actions.close_prioritization(actor=world.coordinator, prioritization=round_)
    adopted = actions.adopt_objectives(actor=world.coordinator, prioritization=round_)
    assert adopted == [o[1], o[0], o[2]]
    assert _status(o) == [
        ("adopted", 2),
        ("adopted", 1),
        ("adopted", 3),
        ("listed", None),
        ("listed", None),
        ("listed", None),
    ]
    assert list(queries.adopted(world.network)) == [o[1], o[0], o[2]]
    # A later round adopts others: the earlier ones go back to the list.
    later = _round(world, title="Revisión", adopt=3)
    _cast(world.member, later, {o[3]: 3, o[4]: 1, o[5]: 1})
    _cast(world.other_member, later, {o[3]: 1, o[4]: 2, o[5]: 2})
    actions.close_prioritization(actor=world.coordinator, prioritization=later)
    actions.adopt_objectives(actor=world.coordinator, prioritization=later)
    assert _status(o) == [
        ("listed", None),
        ("listed", None),
        ("listed", None),
        ("adopted", 1),
        ("adopted", 2),  # 5 and 6 tie on dots and ballots: 5 is listed first
        ("adopted", 3),
    ]
    assert AuditEntry.objects.filter(action=AuditEvent.OBJECTIVES_ADOPT).count() == 2


def test_too_little_support_adopts_nothing(world, objectives):
    round_ = _round(world, adopt=3)
    _cast(world.member, round_, {objectives[0]: 5})
    _cast(world.other_member, round_, {objectives[1]: 5})
    actions.close_prioritization(actor=world.coordinator, prioritization=round_)
    with pytest.raises(ValidationError, match="Too few"):
        actions.adopt_objectives(actor=world.coordinator, prioritization=round_)
    assert {o.status for o in Objective.objects.all()} == {"listed"}


def test_an_objective_deleted_after_closing_is_skipped_without_a_gap_in_the_ranks(
    world, objectives
):
    o = objectives
    round_ = _voted_round(world, objectives)
    actions.close_prioritization(actor=world.coordinator, prioritization=round_)
    actions.delete_objective(actor=world.coordinator, objective=o[0])  # second place
    adopted = actions.adopt_objectives(actor=world.coordinator, prioritization=round_)
    assert [(x, x.rank) for x in adopted] == [(o[1], 1), (o[2], 2), (o[3], 3)]


def _close_proposal_with(world: Any, pk: int, positions: dict[Any, str]) -> None:
    proposal = governance_proposals(world.network).get(pk=pk)
    for user, position in positions.items():
        governance.take_position(actor=user, proposal=proposal, position=position)
    governance.close_proposal(actor=world.coordinator, proposal=proposal)


def test_the_adoption_can_go_through_a_governance_proposal(world, objectives):
    o = objectives
    round_ = _voted_round(world, objectives)
    with pytest.raises(ValidationError, match="Close"):
        actions.propose_adoption(actor=world.coordinator, prioritization=round_)
    actions.close_prioritization(actor=world.coordinator, prioritization=round_)
    pk = actions.propose_adoption(actor=world.coordinator, prioritization=round_)
    proposal = governance_proposals(world.network).get(pk=pk)
    assert proposal.rule == "consensus_then_supermajority"
    assert proposal.text.splitlines()[1:] == [
        f"1. {o[1].title}",
        f"2. {o[0].title}",
        f"3. {o[2].title}",
    ]
    with pytest.raises(ValidationError, match="already"):
        actions.propose_adoption(actor=world.coordinator, prioritization=round_)
    # While the proposal is open, nothing is adopted.
    with pytest.raises(ValidationError, match="proposal"):
        actions.adopt_objectives(actor=world.coordinator, prioritization=round_)
    assert {x.status for x in Objective.objects.all()} == {"listed"}
    # Both member organizations agree: adopted by consensus.
    _close_proposal_with(world, pk, {world.member: "agree", world.other_member: "agree"})
    assert proposal_state(world.network, pk) == (False, "adopted")
    adopted = actions.adopt_objectives(actor=world.coordinator, prioritization=round_)
    assert adopted == [o[1], o[0], o[2]]


def test_a_rejected_proposal_adopts_nothing(world, objectives):
    round_ = _voted_round(world, objectives)
    actions.close_prioritization(actor=world.coordinator, prioritization=round_)
    pk = actions.propose_adoption(actor=world.coordinator, prioritization=round_)
    _close_proposal_with(world, pk, {world.member: "agree", world.other_member: "disagree"})
    assert proposal_state(world.network, pk) == (False, "rejected")
    with pytest.raises(ValidationError, match="proposal"):
        actions.adopt_objectives(actor=world.coordinator, prioritization=round_)
    assert {x.status for x in Objective.objects.all()} == {"listed"}


# SWOT ---------------------------------------------------------------------------------------------


@pytest.fixture
def trend(world) -> PestelFactor:
    return actions.save_trend(
        actor=world.member,
        network=world.network,
        category="technological",
        trend="Inteligencia artificial en campañas",
    )


def test_of_two_edits_from_the_same_version_exactly_one_wins(world):
    item = actions.add_swot_item(
        actor=world.member, network=world.network, quadrant="strength", text="Red diversa"
    )
    assert item.version == 1
    mine = SwotItem.objects.get(pk=item.pk)
    theirs = SwotItem.objects.get(pk=item.pk)
    actions.edit_swot_item(actor=world.member, item=mine, version=1, text="Red muy diversa")
    with pytest.raises(actions.EditConflict) as caught:
        actions.edit_swot_item(
            actor=world.other_member, item=theirs, version=1, text="Red diversa y joven"
        )
    # The loser sees what the note says now, to merge it with their own text.
    assert caught.value.current.text == "Red muy diversa"
    assert caught.value.current.version == 2
    assert "version" in caught.value.message_dict
    stored = SwotItem.objects.get(pk=item.pk)
    assert (stored.text, stored.version, stored.updated_by) == (
        "Red muy diversa",
        2,
        world.member,
    )
    merged = actions.edit_swot_item(
        actor=world.other_member, item=theirs, version=2, text="Red muy diversa y joven"
    )
    assert (merged.text, merged.version, merged.updated_by) == (
        "Red muy diversa y joven",
        3,
        world.other_member,
    )


def test_editing_a_note_deleted_meanwhile_is_refused_not_a_crash(world):
    item = actions.add_swot_item(
        actor=world.member, network=world.network, quadrant="weakness", text="Poca plata"
    )
    stale = SwotItem.objects.get(pk=item.pk)
    actions.delete_swot_item(actor=world.member, item=item)
    with pytest.raises(ValidationError):
        actions.edit_swot_item(actor=world.other_member, item=stale, version=1, text="x")
    assert not SwotItem.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_edits_from_one_version_lets_exactly_one_through(world):
    item = actions.add_swot_item(
        actor=world.member, network=world.network, quadrant="strength", text="Inicio"
    )
    editors = [world.member, world.other_member, world.treasurer, world.protocol_officer]
    start = threading.Barrier(len(editors))
    won: list[str] = []
    lost: list[str] = []
    errors: list[str] = []

    def edit(user: Any) -> None:
        try:
            start.wait(timeout=30)
            stale = SwotItem.objects.get(pk=item.pk)
            actions.edit_swot_item(actor=user, item=stale, version=1, text=user.username)
            won.append(user.username)
        except actions.EditConflict as conflict:
            lost.append(conflict.current.text)
        except Exception as exc:  # any other error fails the test
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(user,)) for user in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(won) == 1 and len(lost) == len(editors) - 1
    stored = SwotItem.objects.get(pk=item.pk)
    assert (stored.text, stored.version) == (won[0], 2)
    assert set(lost) == {won[0]}


@pytest.mark.django_db(transaction=True)
def test_two_people_of_one_organization_casting_at_once_leave_one_ballot(world, pillar):
    for n in range(5):
        actions.save_objective(
            actor=world.coordinator, network=world.network, pillar=pillar, title=f"O{n}"
        )
    round_ = _round(world)
    listed = list(round_.objectives.values_list("pk", flat=True))
    casters = [world.member, world.protocol_officer] * 2  # both of Fundación A
    start = threading.Barrier(len(casters))
    errors: list[str] = []

    def cast(user: Any, objective: int) -> None:
        try:
            start.wait(timeout=30)
            actions.cast_ballot(actor=user, prioritization=round_, marks={objective: 2})
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=cast, args=(user, listed[i])) for i, user in enumerate(casters)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Ballot.objects.filter(prioritization=round_).count() == 1
    # The last ballot replaced the others whole: one objective marked, never a mixture.
    assert BallotMark.objects.filter(ballot__prioritization=round_).count() == 1


def test_weights_are_recomputed_from_every_persons_weight(world):
    item = actions.add_swot_item(
        actor=world.member, network=world.network, quadrant="opportunity", text="Fondos UE"
    )
    actions.weigh_swot_item(actor=world.member, item=item, weight=4)
    actions.weigh_swot_item(actor=world.other_member, item=item, weight=2)
    item.refresh_from_db()
    assert (item.weight_total, item.weights_count) == (6, 2)
    weighed = actions.weigh_swot_item(actor=world.member, item=item, weight=1)
    assert (weighed.weight_total, weighed.weights_count) == (3, 2)
    with pytest.raises(ValidationError):
        actions.weigh_swot_item(actor=world.member, item=item, weight=6)
    assert queries.my_weights(world.network, _person(world, world.member).pk) == {item.pk: 1}


def test_only_opportunities_and_threats_link_to_trends(world, trend):
    with pytest.raises(ValidationError) as caught:
        actions.add_swot_item(
            actor=world.member,
            network=world.network,
            quadrant="strength",
            text="x",
            trends=[trend.pk],
        )
    assert "trends" in caught.value.message_dict
    item = actions.add_swot_item(
        actor=world.member,
        network=world.network,
        quadrant="threat",
        text="Desinformación",
        trends=[trend.pk, trend.pk],
    )
    assert list(item.trends.all()) == [trend]
    # Moved inside the network, a note leaves its trends behind.
    moved = actions.edit_swot_item(actor=world.member, item=item, version=1, quadrant="weakness")
    assert list(moved.trends.all()) == []
    with pytest.raises(ValidationError):
        actions.edit_swot_item(
            actor=world.member, item=moved, version=2, quadrant="weakness", trends=[trend.pk]
        )
    # Another network's trend is not this board's.
    foreign = actions.save_trend(
        actor=world.outsider, network=world.other_network, category="legal", trend="Ley"
    )
    with pytest.raises(ValidationError):
        actions.add_swot_item(
            actor=world.member,
            network=world.network,
            quadrant="opportunity",
            text="y",
            trends=[foreign.pk],
        )
    assert SwotItem.objects.filter(network=world.network).count() == 1


def test_the_board_stamp_changes_with_every_edit(world):
    stamp = queries.board_stamp(world.network)
    item = actions.add_swot_item(
        actor=world.member, network=world.network, quadrant="strength", text="a"
    )
    assert queries.board_stamp(world.network) != stamp
    stamp = queries.board_stamp(world.network)
    actions.weigh_swot_item(actor=world.other_member, item=item, weight=3)
    assert queries.board_stamp(world.network) != stamp


def _consultation(world: Any, api_as: Any, answers: dict[Any, str]) -> int:
    """A short-text consultation, opened and answered through communication's own API."""
    found = api_as(world.coordinator).post(
        "/networks/red/consultations",
        {
            "question": "¿Cuál es la mayor fortaleza de la red?",
            "kind": "text",
            "closes_at": (timezone.now() + timedelta(days=3)).isoformat(),
        },
    )
    assert found.status_code == 201, found.content
    pk = int(found.json()["id"])
    for user, text in answers.items():
        answered = api_as(user).put(f"/networks/red/consultations/{pk}/answer", {"text": text})
        assert answered.status_code == 200, answered.content
    return pk


def test_a_consultations_answers_become_notes_once(world, api_as):
    pk = _consultation(
        world,
        api_as,
        {
            world.member: "La diversidad de sus organizaciones",
            world.other_member: "  la DIVERSIDAD de sus organizaciones ",
            world.treasurer: "Su presencia en ocho países",
        },
    )
    actions.add_swot_item(
        actor=world.member,
        network=world.network,
        quadrant="strength",
        text="Su presencia en ocho PAÍSES",
    )
    added = actions.swot_from_consultation(
        actor=world.coordinator, network=world.network, consultation=pk, quadrant="strength"
    )
    assert [i.text for i in added] == ["La diversidad de sus organizaciones"]
    again = actions.swot_from_consultation(
        actor=world.coordinator, network=world.network, consultation=pk, quadrant="strength"
    )
    assert again == []
    assert SwotItem.objects.filter(network=world.network, quadrant="strength").count() == 2
    # Another quadrant is another list.
    as_weakness = actions.swot_from_consultation(
        actor=world.coordinator, network=world.network, consultation=pk, quadrant="weakness"
    )
    assert len(as_weakness) == 2
    with pytest.raises(ValidationError):
        actions.swot_from_consultation(
            actor=world.coordinator,
            network=world.network,
            consultation=pk + 999,
            quadrant="strength",
        )
    with pytest.raises(PermissionDenied):
        actions.swot_from_consultation(
            actor=world.member, network=world.network, consultation=pk, quadrant="strength"
        )


# The basis ------------------------------------------------------------------------------------


def test_saving_the_basis_writes_a_version_naming_what_changed_and_who(world):
    actions.save_basis(
        actor=world.coordinator, network=world.network, mission="Misión", vision="Visión"
    )
    (first,) = BasisVersion.objects.filter(network=world.network)
    assert (first.number, first.changed, first.author) == (
        1,
        ["mission", "vision"],
        world.coordinator,
    )
    assert first.snapshot["mission"] == "Misión" and first.snapshot["pillars"] == []
    actions.save_basis(
        actor=world.admin,
        network=world.network,
        mission=" Misión ",  # the same, once trimmed
        vision="Visión",
        values="Cuidado",
    )
    latest = BasisVersion.objects.filter(network=world.network).first()
    assert latest is not None
    assert (latest.number, latest.changed, latest.author) == (2, ["values"], world.admin)
    basis = Basis.objects.get(network=world.network)
    assert (basis.mission, basis.values, basis.version) == ("Misión", "Cuidado", 2)


def test_saving_an_unchanged_basis_writes_no_version(world):
    actions.save_basis(actor=world.coordinator, network=world.network, purpose="Propósito")
    actions.save_basis(actor=world.coordinator, network=world.network, purpose="Propósito")
    actions.save_basis(actor=world.coordinator, network=world.network)
    assert BasisVersion.objects.filter(network=world.network).count() == 1
    assert AuditEntry.objects.filter(action=AuditEvent.BASIS_SAVE).count() == 1


def test_the_basis_refuses_unknown_fields_and_overlong_texts(world):
    with pytest.raises(ValidationError):
        actions.save_basis(actor=world.coordinator, network=world.network, slogan="x")
    with pytest.raises(ValidationError) as caught:
        actions.save_basis(actor=world.coordinator, network=world.network, mission="x" * 10_001)
    assert "mission" in caught.value.message_dict
    assert not BasisVersion.objects.exists()


def test_the_template_adds_its_three_pillars_once_and_keeps_what_was_written(world):
    actions.save_basis(actor=world.coordinator, network=world.network, mission="La nuestra")
    actions.apply_basis_template(actor=world.coordinator, network=world.network)
    basis = Basis.objects.get(network=world.network)
    assert basis.mission == "La nuestra"
    assert basis.vision and basis.purpose and basis.values
    names = list(Pillar.objects.filter(network=world.network).values_list("name", flat=True))
    assert names == ["Diverse Democracy", "Environmental Democracy", "Innovative Democracy"]
    latest = BasisVersion.objects.filter(network=world.network).first()
    assert latest is not None
    assert latest.changed == ["vision", "purpose", "values", "pillars"]
    versions = BasisVersion.objects.count()
    actions.apply_basis_template(actor=world.coordinator, network=world.network)
    assert Pillar.objects.filter(network=world.network).count() == 3
    assert BasisVersion.objects.count() == versions


def test_the_template_recognizes_its_pillars_named_in_another_language(world):
    from django.utils import translation

    with translation.override("es"):
        actions.apply_basis_template(actor=world.coordinator, network=world.network)
        names = [str(name) for name, _kind, _text in actions.basis_template()["pillars"]]
    with translation.override("en"):
        actions.apply_basis_template(actor=world.coordinator, network=world.network)
    assert names[0] != "Diverse Democracy"  # the Spanish catalogue names them
    assert list(Pillar.objects.values_list("name", flat=True)) == names


def test_a_pillar_answered_by_objectives_cannot_be_deleted(world, objectives, pillar):
    versions = BasisVersion.objects.count()
    with pytest.raises(ValidationError, match="Objectives"):
        actions.delete_pillar(actor=world.coordinator, pillar=pillar)
    assert Pillar.objects.filter(pk=pillar.pk).exists()
    assert BasisVersion.objects.count() == versions
    assert not AuditEntry.objects.filter(action=AuditEvent.PILLAR_DELETE).exists()
    empty = actions.save_pillar(
        actor=world.coordinator, network=world.network, name="Vacío", stakeholder="funders"
    )
    actions.delete_pillar(actor=world.coordinator, pillar=empty)
    latest = BasisVersion.objects.filter(network=world.network).first()
    assert latest is not None
    assert latest.changed == ["pillars"]
    assert [p["name"] for p in latest.snapshot["pillars"]] == ["Democracia diversa"]


def test_pillars_are_versioned_only_when_they_change(world, pillar):
    versions = BasisVersion.objects.count()
    actions.save_pillar(
        actor=world.coordinator,
        network=world.network,
        pillar=pillar,
        name="Democracia diversa",
        stakeholder="community",
    )
    assert BasisVersion.objects.count() == versions
    actions.save_pillar(
        actor=world.coordinator,
        network=world.network,
        pillar=pillar,
        name="Democracia diversa",
        stakeholder="alliances",
    )
    assert BasisVersion.objects.count() == versions + 1
    with pytest.raises(ValidationError) as caught:
        actions.save_pillar(
            actor=world.coordinator,
            network=world.network,
            name="DEMOCRACIA DIVERSA",
            stakeholder="other",
        )
    assert "name" in caught.value.message_dict


# PESTEL ----------------------------------------------------------------------------------------


def test_ratings_are_averaged_and_rating_again_replaces_ones_own(world, trend):
    actions.rate_trend(actor=world.member, factor=trend, probability=4, impact="high")
    assert (trend.probability, trend.impact_weight, trend.priority) == (4, 3, 12)
    actions.rate_trend(actor=world.other_member, factor=trend, probability=2, impact="low")
    trend.refresh_from_db()
    assert (trend.probability, trend.impact_weight, trend.priority, trend.ratings_count) == (
        3,
        2,
        6,
        2,
    )
    assert trend.impact_label() == "Medium"
    actions.rate_trend(actor=world.member, factor=trend, probability=2, impact="low")
    trend.refresh_from_db()
    assert (trend.probability, trend.impact_weight, trend.priority, trend.ratings_count) == (
        2,
        1,
        2,
        2,
    )
    assert trend.ratings.count() == 2


def test_a_trend_added_with_a_rating_counts_it(world):
    factor = actions.save_trend(
        actor=world.member,
        network=world.network,
        category="economic",
        trend="Recesión",
        probability=5,
        impact="medium",
    )
    assert (factor.priority, factor.ratings_count) == (10, 1)
    with pytest.raises(ValidationError):
        actions.save_trend(
            actor=world.member,
            network=world.network,
            category="economic",
            trend="Sin impacto",
            probability=3,
        )
    assert PestelFactor.objects.count() == 1


@pytest.mark.parametrize(
    ("probability", "impact", "field"),
    [(0, "high", "probability"), (6, "low", "probability"), (3, "huge", "impact")],
)
def test_a_rating_off_the_scale_is_refused(world, trend, probability, impact, field):
    with pytest.raises(ValidationError) as caught:
        actions.rate_trend(actor=world.member, factor=trend, probability=probability, impact=impact)
    assert field in caught.value.message_dict
    assert not trend.ratings.exists()


def test_trends_rank_by_priority_then_by_how_many_rated_them(world):
    def trend_rated(name: str, ratings: dict[Any, tuple[int, str]]) -> PestelFactor:
        factor = actions.save_trend(
            actor=world.member, network=world.network, category="social", trend=name
        )
        for user, (probability, impact) in ratings.items():
            actions.rate_trend(actor=user, factor=factor, probability=probability, impact=impact)
        return factor

    low = trend_rated("Baja", {world.member: (1, "low")})
    high = trend_rated("Alta", {world.member: (5, "high")})
    six_once = trend_rated("Seis una vez", {world.member: (3, "medium")})
    six_twice = trend_rated(
        "Seis dos veces", {world.member: (3, "medium"), world.other_member: (3, "medium")}
    )
    unrated = trend_rated("Sin calificar", {})
    assert list(queries.trends(world.network)) == [high, six_twice, six_once, low, unrated]


def test_a_member_changes_their_own_trend_and_coordinators_any(world, trend):
    with pytest.raises(PermissionDenied):
        actions.save_trend(
            actor=world.other_member,
            network=world.network,
            factor=trend,
            category="technological",
            trend="Otra cosa",
        )
    with pytest.raises(PermissionDenied):
        actions.delete_trend(actor=world.other_member, factor=trend)
    actions.save_trend(
        actor=world.member, network=world.network, factor=trend, category="legal", trend="IA"
    )
    actions.save_trend(
        actor=world.coordinator, network=world.network, factor=trend, category="legal", trend="IA."
    )
    actions.delete_trend(actor=world.coordinator, factor=trend)
    assert not PestelFactor.objects.exists()


# Objectives ------------------------------------------------------------------------------------


def test_members_list_objectives_and_only_coordinators_weigh_or_adopt_them(world, pillar):
    mine = actions.save_objective(
        actor=world.member, network=world.network, pillar=pillar, title="Jóvenes"
    )
    with pytest.raises(PermissionDenied):
        actions.save_objective(
            actor=world.member,
            network=world.network,
            objective=mine,
            pillar=pillar,
            title="Jóvenes",
            weight=5,
        )
    with pytest.raises(PermissionDenied):
        actions.save_objective(
            actor=world.other_member,
            network=world.network,
            objective=mine,
            pillar=pillar,
            title="Otro",
        )
    actions.save_objective(
        actor=world.coordinator,
        network=world.network,
        objective=mine,
        pillar=pillar,
        title="Jóvenes",
        weight=5,
        status="set_aside",
    )
    mine.refresh_from_db()
    assert (mine.title, mine.weight, mine.status) == ("Jóvenes", 5, "set_aside")
    foreign = actions.save_pillar(
        actor=world.outsider, network=world.other_network, name="Ajeno", stakeholder="other"
    )
    with pytest.raises(ValidationError) as caught:
        actions.save_objective(
            actor=world.member, network=world.network, pillar=foreign, title="Fuera"
        )
    assert "pillar" in caught.value.message_dict


# Projects and measurements --------------------------------------------------------------------


@pytest.fixture
def project(world, objectives) -> ProgrammaticProject:
    return actions.save_project(
        actor=world.coordinator,
        network=world.network,
        objective=objectives[0],
        title="Escuela de liderazgo joven",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        responsible=_person(world, world.member),
        axis_referent=_person(world, world.protocol_officer).pk,
        staff="Dos coordinadoras",
    )


def test_a_project_sheet_keeps_every_field(world, project, objectives):
    assert project.responsible == _person(world, world.member)
    assert project.axis_referent == _person(world, world.protocol_officer)
    assert project.line_referent is None
    assert project.staff == "Dos coordinadoras"
    assert project.team_person_ids() == {
        _person(world, world.member).pk,
        _person(world, world.protocol_officer).pk,
    }


def test_a_project_ending_before_it_starts_is_refused(world, objectives, project):
    with pytest.raises(ValidationError) as caught:
        actions.save_project(
            actor=world.coordinator,
            network=world.network,
            objective=objectives[0],
            title="Al revés",
            starts_on=date(2026, 6, 1),
            ends_on=date(2026, 5, 31),
        )
    assert "ends_on" in caught.value.message_dict
    # Starting and ending the same day is a project of one day.
    actions.save_project(
        actor=world.coordinator,
        network=world.network,
        objective=objectives[0],
        title="Un día",
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 6, 1),
    )
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammaticProject.objects.filter(pk=project.pk).update(starts_on=date(2027, 1, 1))
    assert ProgrammaticProject.objects.count() == 2


def test_a_project_takes_people_and_objectives_of_its_own_network_only(world, objectives):
    outsider = world.other_network.people.get(user=world.outsider)
    for field, value in [("responsible", outsider), ("line_referent", outsider.pk)]:
        with pytest.raises(ValidationError) as caught:
            actions.save_project(
                actor=world.coordinator,
                network=world.network,
                objective=objectives[0],
                title="Con gente ajena",
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 2, 1),
                **{field: value},
            )
        assert field in caught.value.message_dict
    foreign_pillar = actions.save_pillar(
        actor=world.outsider, network=world.other_network, name="P", stakeholder="other"
    )
    foreign = actions.save_objective(
        actor=world.outsider, network=world.other_network, pillar=foreign_pillar, title="O"
    )
    with pytest.raises(ValidationError) as caught:
        actions.save_project(
            actor=world.coordinator,
            network=world.network,
            objective=foreign.pk,
            title="Objetivo ajeno",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 2, 1),
        )
    assert "objective" in caught.value.message_dict
    assert not ProgrammaticProject.objects.exists()


def test_only_coordinators_and_the_projects_team_record_progress(world, project):
    indicator = actions.save_indicator(
        actor=world.member,  # the responsible
        project=project,
        name="Jóvenes formados",
        baseline=Decimal(0),
        target=Decimal(200),
    )

    def measure(user: Any, day: int) -> Measurement:
        return actions.record_measurement(
            actor=user, indicator=indicator, measured_on=date(2026, 3, day), value=Decimal(50)
        )

    measure(world.member, 1)  # responsible
    measure(world.protocol_officer, 2)  # referent of the axis
    measure(world.coordinator, 3)
    measure(world.admin, 4)
    for outside_the_team in (world.other_member, world.treasurer, world.outsider):
        with pytest.raises(PermissionDenied):
            measure(outside_the_team, 5)
        with pytest.raises(PermissionDenied):
            actions.save_result(
                actor=outside_the_team, project=project, kind="final", description="x"
            )
    assert indicator.measurements.count() == 4
    # Named referent of the line, Ana joins the team.
    actions.save_project(
        actor=world.coordinator,
        network=world.network,
        project=project,
        objective=project.objective,
        title=project.title,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        line_referent=_person(world, world.other_member),
    )
    project.refresh_from_db()
    indicator.refresh_from_db()
    measure(world.other_member, 5)
    assert indicator.measurements.count() == 5


def test_measuring_a_day_again_replaces_that_days_value(world, project):
    indicator = actions.save_indicator(
        actor=world.coordinator,
        project=project,
        name="Incidentes",
        baseline=Decimal(40),
        target=Decimal(10),
    )
    for value in (Decimal(30), Decimal("25.004")):
        actions.record_measurement(
            actor=world.member, indicator=indicator, measured_on=date(2026, 4, 1), value=value
        )
    (only,) = indicator.measurements.all()
    assert only.value == Decimal("25.00")
    assert queries.project_row(project).general[0].progress == pytest.approx(50)
    with pytest.raises(ValidationError):
        actions.record_measurement(
            actor=world.member,
            indicator=indicator,
            measured_on=date(2026, 4, 2),
            value=Decimal("1e20"),
        )


def test_progress_rolls_up_through_the_plan(world, project, objectives, pillar):
    result = actions.save_result(
        actor=world.member, project=project, kind="intermediate", description="R1", weight=3
    )
    actions.save_result(
        actor=world.member,
        project=project,
        kind="final",
        description="R2",
        progress=Decimal(20),
    )
    indicator = actions.save_indicator(
        actor=world.member,
        project=project,
        result=result,
        name="Talleres",
        baseline=Decimal(0),
        target=Decimal(10),
    )
    actions.record_measurement(
        actor=world.member, indicator=indicator, measured_on=date(2026, 5, 1), value=Decimal(6)
    )
    # R1 from its indicator (60 %), weight 3; R2 as recorded (20 %), weight 1.
    assert queries.project_row(project).progress == pytest.approx((60 * 3 + 20) / 4)
    (pillar_row,) = queries.plan_tree(world.network)
    assert pillar_row.progress == pytest.approx(50)
    with pytest.raises(ValidationError):
        actions.save_result(
            actor=world.member,
            project=project,
            kind="final",
            description="R3",
            progress=Decimal(101),
        )


# Who may do what -------------------------------------------------------------------------------

OK, DENIED, INVALID = "ok", "denied", "invalid"
PERSONAS = ["outsider", "member", "treasurer", "protocol_officer", "coordinator", "admin"]


@pytest.fixture
def stage(world, objectives, project) -> dict[str, Any]:
    round_ = _round(world)
    item = actions.add_swot_item(
        actor=world.coordinator, network=world.network, quadrant="strength", text="Nota"
    )
    factor = actions.save_trend(
        actor=world.coordinator, network=world.network, category="social", trend="Tendencia"
    )
    indicator = actions.save_indicator(
        actor=world.coordinator,
        project=project,
        name="Indicador",
        baseline=Decimal(0),
        target=Decimal(1),
    )
    return {
        "round": round_,
        "item": item,
        "factor": factor,
        "indicator": indicator,
        "objectives": objectives,
        "project": project,
    }


ACTIONS: dict[str, Callable[[Any, Any, dict[str, Any]], Any]] = {
    "add trend": lambda w, u, s: actions.save_trend(
        actor=u, network=w.network, category="legal", trend="Nueva ley"
    ),
    "rate trend": lambda w, u, s: actions.rate_trend(
        actor=u, factor=s["factor"], probability=3, impact="medium"
    ),
    "edit another's trend": lambda w, u, s: actions.save_trend(
        actor=u, network=w.network, factor=s["factor"], category="legal", trend="Cambiada"
    ),
    "add SWOT note": lambda w, u, s: actions.add_swot_item(
        actor=u, network=w.network, quadrant="threat", text="Amenaza"
    ),
    "edit SWOT note": lambda w, u, s: actions.edit_swot_item(
        actor=u, item=s["item"], version=s["item"].version, text="Editada"
    ),
    "weigh SWOT note": lambda w, u, s: actions.weigh_swot_item(actor=u, item=s["item"], weight=3),
    "delete another's SWOT note": lambda w, u, s: actions.delete_swot_item(actor=u, item=s["item"]),
    "save basis": lambda w, u, s: actions.save_basis(actor=u, network=w.network, mission="M"),
    "add pillar": lambda w, u, s: actions.save_pillar(
        actor=u, network=w.network, name="Nuevo pilar", stakeholder="funders"
    ),
    "apply template": lambda w, u, s: actions.apply_basis_template(actor=u, network=w.network),
    "add objective": lambda w, u, s: actions.save_objective(
        actor=u, network=w.network, pillar=s["objectives"][0].pillar_id, title="Nuevo"
    ),
    "open prioritization": lambda w, u, s: actions.open_prioritization(
        actor=u,
        network=w.network,
        title="Otra",
        closes_at=timezone.now() + timedelta(days=1),
        adopt=3,
    ),
    "cast ballot": lambda w, u, s: actions.cast_ballot(
        actor=u, prioritization=s["round"], marks={s["objectives"][0].pk: 1}
    ),
    "close prioritization": lambda w, u, s: actions.close_prioritization(
        actor=u, prioritization=s["round"]
    ),
    "save project": lambda w, u, s: actions.save_project(
        actor=u,
        network=w.network,
        objective=s["objectives"][1],
        title="Proyecto",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 6, 30),
    ),
    "record measurement": lambda w, u, s: actions.record_measurement(
        actor=u, indicator=s["indicator"], measured_on=date(2026, 2, 1), value=Decimal(1)
    ),
    "add result": lambda w, u, s: actions.save_result(
        actor=u, project=s["project"], kind="final", description="Resultado"
    ),
}

# Mateo is the project's responsible and Paula its referent of the axis; Carolina represents
# no organization; the administrator is no person of the network.
EXPECTED: dict[str, dict[str, str]] = {
    "add trend": dict.fromkeys(PERSONAS[1:], OK),
    "rate trend": {**dict.fromkeys(PERSONAS[1:5], OK), "admin": INVALID},
    "edit another's trend": {
        **dict.fromkeys(PERSONAS[1:4], DENIED),
        "coordinator": OK,
        "admin": OK,
    },
    "add SWOT note": dict.fromkeys(PERSONAS[1:], OK),
    "edit SWOT note": dict.fromkeys(PERSONAS[1:], OK),
    "weigh SWOT note": {**dict.fromkeys(PERSONAS[1:5], OK), "admin": INVALID},
    "delete another's SWOT note": {
        **dict.fromkeys(PERSONAS[1:4], DENIED),
        "coordinator": OK,
        "admin": OK,
    },
    "save basis": {**dict.fromkeys(PERSONAS[1:4], DENIED), "coordinator": OK, "admin": OK},
    "add pillar": {**dict.fromkeys(PERSONAS[1:4], DENIED), "coordinator": OK, "admin": OK},
    "apply template": {**dict.fromkeys(PERSONAS[1:4], DENIED), "coordinator": OK, "admin": OK},
    "add objective": dict.fromkeys(PERSONAS[1:], OK),
    "open prioritization": {
        **dict.fromkeys(PERSONAS[1:4], DENIED),
        "coordinator": OK,
        "admin": OK,
    },
    "cast ballot": {**dict.fromkeys(PERSONAS[1:4], OK), "coordinator": INVALID, "admin": INVALID},
    "close prioritization": {
        **dict.fromkeys(PERSONAS[1:4], DENIED),
        "coordinator": OK,
        "admin": OK,
    },
    "save project": {**dict.fromkeys(PERSONAS[1:4], DENIED), "coordinator": OK, "admin": OK},
    "record measurement": {
        "member": OK,
        "treasurer": DENIED,
        "protocol_officer": OK,
        "coordinator": OK,
        "admin": OK,
    },
    "add result": {
        "member": OK,
        "treasurer": DENIED,
        "protocol_officer": OK,
        "coordinator": OK,
        "admin": OK,
    },
}
for _expected in EXPECTED.values():
    _expected.setdefault("outsider", DENIED)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(ACTIONS))
def test_planning_role_action_matrix(world, stage, name, persona):
    user = getattr(world, persona)
    entries = AuditEntry.objects.count()
    try:
        with transaction.atomic():
            ACTIONS[name](world, user, stage)
    except PermissionDenied:
        found = DENIED
    except ValidationError:
        found = INVALID
    else:
        found = OK
    assert found == EXPECTED[name][persona]
    # Whatever is refused leaves no trace; whatever is done is audited.
    assert (AuditEntry.objects.count() > entries) == (found == OK)
