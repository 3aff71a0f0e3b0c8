"""Role × action matrix of the protocol app: its principles are for the network's people."""

from __future__ import annotations


def test_protocol_principles_role_matrix(world, client_as):
    for persona in ("coordinator", "member", "protocol_officer", "admin"):
        response = client_as(getattr(world, persona)).get("/n/red/protocol/")
        assert response.status_code == 200, persona
        assert "No re-victimization." in response.content.decode()
    assert client_as(world.outsider).get("/n/red/protocol/").status_code == 404
    assert client_as(None).get("/n/red/protocol/").status_code == 302
