"""A network with its protocol set up: the recovery key printed once, the officer Paula's
key locked under her password, and a client of hers holding a token issued against it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from minga.core import actions as core_actions
from minga.protocol import actions

PAULA = "Long-pass-paula-42"


@dataclass
class Protocol:
    recovery: str
    officer_api: Any  # Paula's API client, with a token issued against her password


class PasswordApi:
    """Calls /api/v1 with a token from POST /auth/token (the password unlocks the key)."""

    def __init__(self, username: str, password: str) -> None:
        self.client = Client()
        answer = self.client.post(
            "/api/v1/auth/token",
            json.dumps({"username": username, "password": password}),
            content_type="application/json",
        )
        assert answer.status_code == 200, answer.content
        self.headers = {"Authorization": f"Bearer {answer.json()['token']}"}

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            f"/api/v1{path}",
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=self.headers,
        )

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(
            f"/api/v1{path}",
            json.dumps(body),
            content_type="application/json",
            headers=self.headers,
        )


def anonymous_post(path: str, body: Any) -> Any:
    return Client().post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


@pytest.fixture
def protocol(world: Any) -> Protocol:
    recovery = actions.set_up(actor=world.coordinator, network=world.network)
    actions.change_settings(
        actor=world.coordinator,
        network=world.network,
        anonymous_channel=True,
        retention_days=90,
        outside_help="Línea 155",
    )
    actions.create_officer_key(actor=world.protocol_officer, network=world.network, password=PAULA)
    return Protocol(recovery=recovery, officer_api=PasswordApi("paula", PAULA))


def second_officer(world: Any, username: str = "rosa") -> Any:
    """Another protocol officer with a key of her own (and no case shared yet)."""
    person = core_actions.add_person(
        actor=world.coordinator,
        network=world.network,
        username=username,
        email=f"{username}@example.org",
        password=f"Long-pass-{username}-42",
        organization=world.org_b,
        roles=["protocol"],
    )
    actions.create_officer_key(
        actor=person.user, network=world.network, password=f"Long-pass-{username}-42"
    )
    return person
