"""Shared personas for the whole suite: a network with a coordinator, two member
organizations' representatives, a treasurer, a protocol officer, an outsider who
belongs to another network, and a platform administrator."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from minga.core import actions
from minga.core.models import Network, Organization, User

# Property tests repeat exactly under `make test` and in CI ("ci": derandomized, no example
# database); elsewhere each run explores new examples ("dev").
hypothesis_settings.register_profile("ci", derandomize=True, database=None, deadline=None)
hypothesis_settings.register_profile("dev")
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Django drops the SQLite test database; its WAL and shared-memory files stay behind."""
    from django.conf import settings

    name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if name and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        for suffix in ("-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)


@dataclass
class World:
    network: Network
    other_network: Network
    org_a: Organization
    org_b: Organization
    coordinator: User
    member: User
    other_member: User
    treasurer: User
    protocol_officer: User
    outsider: User
    admin: User


def _account(username: str, **extra: Any) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", "pw-" + username, **extra)
    return user


def build_world() -> World:
    """The personas, for fixtures of any scope (`world` is the per-test one)."""
    coordinator = _account("carolina")
    network = actions.create_network(
        actor=coordinator, slug="red", name="Red de prueba", model="vertical"
    )
    org_a = actions.create_organization(
        actor=coordinator,
        network=network,
        name="Fundación A",
        country="CO",
        city="Bogotá",
        size="small",
        themes=["Citizen participation"],
    )
    org_b = actions.create_organization(
        actor=coordinator,
        network=network,
        name="Instituto B",
        country="BR",
        city="Recife",
        size="large",
        themes=["Environment"],
    )
    people = {}
    for username, organization, roles in [
        ("mateo", org_a, ["member"]),
        ("ana", org_b, ["member"]),
        ("tiago", org_b, ["treasurer", "member"]),
        ("paula", org_a, ["protocol"]),
    ]:
        people[username] = actions.add_person(
            actor=coordinator,
            network=network,
            username=username,
            email=f"{username}@example.org",
            password=f"Long-pass-{username}-42",
            organization=organization,
            roles=roles,
        )
    outsider = _account("olga")
    other_network = actions.create_network(actor=outsider, slug="otra", name="Otra red")
    admin = User.objects.create_superuser("root", "root@example.org", "pw-root")
    return World(
        network=network,
        other_network=other_network,
        org_a=org_a,
        org_b=org_b,
        coordinator=coordinator,
        member=people["mateo"].user,
        other_member=people["ana"].user,
        treasurer=people["tiago"].user,
        protocol_officer=people["paula"].user,
        outsider=outsider,
        admin=admin,
    )


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """Each test starts with nothing kept: a page kept by one test (the survey report, by
    its survey's id and last change) would be another test's page of the same ids."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Each test starts in the default language: the language a request activates stays
    active in its thread after the response, and would leak into the next test."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


class ApiClient:
    """Calls /api/v1 with a bearer token, sending and reading JSON."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers = {}
        if user is not None:
            self.headers["Authorization"] = f"Bearer {actions.issue_token(actor=user, user=user)}"

    def _call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        kwargs: dict[str, Any] = {"headers": self.headers}
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        elif params:
            kwargs["data"] = params
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs)

    def get(self, path: str, **params: Any) -> Any:
        return self._call("get", path, **params)

    def post(self, path: str, body: Any = None) -> Any:
        return self._call("post", path, body if body is not None else {})

    def patch(self, path: str, body: Any) -> Any:
        return self._call("patch", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self._call("put", path, body)


@pytest.fixture
def api_as(db: Any) -> Any:
    return ApiClient


@pytest.fixture
def api_client(db: Any) -> Any:
    """A plain test client that sends the user's bearer token: for checks that read the
    response themselves, such as the query-count pins."""

    def make(user: User | None) -> Client:
        return Client(headers=ApiClient(user).headers)

    return make


@pytest.fixture
def client_as(db: Any) -> Any:
    def make(user: User | None, language: str = "en") -> Client:
        client = Client(headers={"accept-language": language})
        if user is not None:
            client.force_login(user)
        return client

    return make


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser(monkeypatch: Any) -> Any:
    """Debian's Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test
    # makes around it are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
