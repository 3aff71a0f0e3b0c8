"""Secret proposals: nothing shown until close; afterwards nothing links a position to
its voter, in any response, log or database column."""

from __future__ import annotations

import pytest
from django.db import connection

from minga.core.models import AuditEntry
from minga.governance.models import Ballot, Participation, Position


def vote(api_as, user, proposal, value, reason=""):
    response = api_as(user).put(
        f"/proposals/{proposal.pk}/position", {"position": value, "reason": reason}
    )
    assert response.status_code == 200, response.content


def test_results_are_hidden_from_everyone_until_close(world, api_as, client_as, open_proposal):
    proposal = open_proposal(secret=True, rule="majority")
    vote(api_as, world.member, proposal, "agree")
    vote(api_as, world.other_member, proposal, "object", "Es muy caro.")
    for persona in (world.member, world.coordinator, world.admin):
        shown = api_as(persona).get(f"/proposals/{proposal.pk}").json()
        assert shown["tally"] is None
        assert shown["positions"] is None
        assert shown["objections"] == []
        page = (
            client_as(persona).get(f"/n/red/governance/proposals/{proposal.pk}/").content.decode()
        )
        assert "Es muy caro." not in page


def test_after_close_no_response_or_column_links_a_position_to_its_voter(
    world, api_as, client_as, open_proposal
):
    proposal = open_proposal(secret=True, rule="majority", voting_unit="person")
    vote(api_as, world.member, proposal, "agree")
    vote(api_as, world.other_member, proposal, "disagree")
    vote(api_as, world.treasurer, proposal, "object", "Razón secreta")
    vote(api_as, world.member, proposal, "disagree")  # a change: only the latest counts
    result = api_as(world.coordinator).post(f"/proposals/{proposal.pk}/close").json()
    assert result["tally"] == {"agree": 0, "disagree": 2, "abstain": 0, "object": 1}

    shown = api_as(world.admin).get(f"/proposals/{proposal.pk}").json()
    assert shown["tally"] == result["tally"]
    assert shown["positions"] is None
    assert all(o["voter"] is None for o in shown["objections"])
    assert shown["objections"][0]["reason"] == "Razón secreta"

    # The database: no position rows remain; ballots have no voter; participations no position.
    assert not Position.objects.filter(proposal=proposal).exists()
    assert Ballot.objects.filter(proposal=proposal).count() == 3
    assert Participation.objects.filter(proposal=proposal).count() == 3
    ballot_columns = {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), Ballot._meta.db_table
        )
    }
    assert ballot_columns == {"id", "proposal_id", "position", "reason"}
    participation_columns = {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), Participation._meta.db_table
        )
    }
    assert "position" not in participation_columns and "reason" not in participation_columns
    assert proposal.objections.exclude(voter_person=None, voter_organization=None).count() == 0

    # The audit log says who took part, never what they said.
    for entry in AuditEntry.objects.filter(action="proposal.position"):
        assert entry.data == {}

    page = (
        client_as(world.admin).get(f"/n/red/governance/proposals/{proposal.pk}/").content.decode()
    )
    assert "Razón secreta" in page  # the reason is shown, anonymously
    for name in ("mateo", "ana", "tiago"):
        assert f"{name}</td>" not in page


def test_the_database_still_allows_one_participation_per_voter(world, open_proposal):
    import pytest
    from django.db import IntegrityError, transaction

    proposal = open_proposal(secret=True, voting_unit="person")
    person = world.network.people.get(user=world.member)
    Participation.objects.create(proposal=proposal, voter_person=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(proposal=proposal, voter_person=person)


@pytest.mark.django_db(transaction=True)
def test_after_close_the_positions_are_not_in_the_sqlite_files_either(world, open_proposal):
    """SQLite keeps earlier versions of changed pages in its write-ahead log until a
    checkpoint: closing a secret proposal checkpoints it, so the deleted positions (found
    here by their own change times, which no other row holds) are in neither file."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's files")
    from pathlib import Path

    from minga.governance import actions

    proposal = open_proposal(rule="majority", voting_unit="person", secret=True)
    for user in (world.member, world.other_member, world.treasurer):
        actions.take_position(actor=user, proposal=proposal, position="agree", reason="")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT updated_at FROM governance_position WHERE proposal_id = %s", [proposal.pk]
        )
        stamps = [str(row[0]).encode() for row in cursor.fetchall()]
    name = Path(connection.settings_dict["NAME"])
    assert any(stamp in Path(f"{name}-wal").read_bytes() for stamp in stamps)  # before close
    actions.close_proposal(actor=world.coordinator, proposal=proposal)
    for path in (name, Path(f"{name}-wal")):
        content = path.read_bytes() if path.exists() else b""
        assert not any(stamp in content for stamp in stamps), path
