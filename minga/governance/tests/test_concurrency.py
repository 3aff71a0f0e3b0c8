"""A burst of simultaneous position changes leaves exactly one position per voter."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from minga.core import actions as core_actions
from minga.governance import actions
from minga.governance.models import Position


def test_the_database_refuses_a_second_position_for_the_same_voter(world, open_proposal):
    proposal = open_proposal(voting_unit="person")
    person = world.network.people.get(user=world.member)
    Position.objects.create(proposal=proposal, voter_person=person, position="agree")
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(proposal=proposal, voter_person=person, position="disagree")
    Position.objects.create(proposal=proposal, voter_organization=world.org_a, position="agree")
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(
            proposal=proposal, voter_organization=world.org_a, position="abstain"
        )


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_position_changes_leaves_one_position_each(world):
    voters = [world.member, world.other_member, world.treasurer] + [
        core_actions.add_person(
            actor=world.coordinator, network=world.network, username=f"b{i}"
        ).user
        for i in range(3)
    ]
    proposal = actions.open_proposal(
        actor=world.coordinator,
        network=world.network,
        title="Ráfaga",
        text="T",
        rule="majority",
        voting_unit="person",
    )
    errors: list[str] = []
    start = threading.Barrier(len(voters) * 2)

    def hammer(user, values):
        try:
            start.wait(timeout=30)
            for value in values:
                actions.take_position(actor=user, proposal=proposal, position=value)
        except Exception as exc:  # any server error fails the test
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=hammer, args=(user, ["agree", "disagree", "abstain"] * 4))
        for user in voters
    ] + [threading.Thread(target=hammer, args=(user, ["disagree", "agree"] * 6)) for user in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    counted = list(
        Position.objects.filter(proposal=proposal).values_list("voter_person", flat=True)
    )
    assert sorted(counted) == sorted(set(counted))
    assert len(counted) == len(voters)
