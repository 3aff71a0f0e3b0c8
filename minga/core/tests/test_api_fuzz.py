"""Every operation of /api/v1/openapi.json fuzzed through WSGI with schemathesis, as a
coordinator and without credentials: no server error, every answer matches its schema, no
operation ignores authentication. New endpoints are fuzzed with no extra work.

The data is the shared `world` plus the demo network (each app's own demo data), loaded once
for the module; the world's coordinator coordinates the demo network too. Each test runs in
its own savepoint, so an operation starts from the same data whatever ran before it. Path
parameters mostly take keys that the API's own lists answer, so requests reach past the 404.

MINGA_FUZZ_EXAMPLES sets the generated examples per operation (default 20); MINGA_FUZZ_COVERAGE=1
adds schemathesis's coverage phase (boundary values, missing fields, unexpected methods).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import BaseSchema
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import ignored_auth, response_schema_conformance

from minga.conftest import build_world
from minga.core import actions
from minga.core.models import Network, User
from minga.core.pagination import MAX_PAGE

EXAMPLES = int(os.environ.get("MINGA_FUZZ_EXAMPLES", "20"))
PHASES = ["examples", "fuzzing"] + (["coverage"] if os.environ.get("MINGA_FUZZ_COVERAGE") else [])
CHECKS = [not_a_server_error, response_schema_conformance, ignored_auth]
SLUGS = ["demo", "demo", "red", "otra"]
PARAMETER = re.compile(r"/\{(\w+)\}")
# (path template, parameter) -> keys that exist; filled once per module by `fuzz_data`.
KNOWN: dict[tuple[str, str], list[Any]] = {}


def _load_schema() -> BaseSchema:
    from minga.wsgi import application

    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    # Credentials are the test's own (a coordinator's token, or none), never generated ones.
    loaded.config.generation.update(with_security_parameters=False)
    loaded.config.phases.update(phases=PHASES)
    return loaded


schema = _load_schema()


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    """Mostly keys that exist; the generated value otherwise."""
    if not path_parameters:
        return st.just(path_parameters)
    choices = {}
    for name, generated in path_parameters.items():
        known = SLUGS if name == "slug" else KNOWN.get((context.operation.path, name), [])
        choices[name] = st.sampled_from([*known, generated])
    return st.fixed_dictionaries(choices)


def _keys_in(body: Any, name: str) -> Iterator[Any]:
    """Every value of `name` (`id` for `pk` and `*_id`) in a JSON answer."""
    key = "id" if name == "pk" or name.endswith("_id") else name
    if isinstance(body, dict):
        if isinstance(body.get(key), int | str):
            yield body[key]
        for value in body.values():
            yield from _keys_in(value, name)
    elif isinstance(body, list):
        for value in body:
            yield from _keys_in(value, name)


def _known_keys(headers: dict[str, str]) -> dict[tuple[str, str], list[Any]]:
    """Keys for each path parameter, read from the list at the path before it: `/circles/{pk}`
    from `/networks/{slug}/circles`, `/proposals/{pk}` from `/networks/{slug}/proposals`."""
    paths = schema.raw_schema["paths"]
    client = Client(headers=headers)
    lists = {}
    for path, methods in paths.items():
        if "get" in methods and set(PARAMETER.findall(path)) <= {"slug"}:
            answer = client.get(path.replace("{slug}", "demo"))
            if answer.status_code == 200 and answer["Content-Type"] == "application/json":
                lists[path] = answer.json()
    known = {}
    for path in paths:
        for match in PARAMETER.finditer(path):
            prefix = path[: match.start()]
            under_network = prefix.replace("/api/v1", "/api/v1/networks/{slug}", 1)
            listed = lists.get(prefix, lists.get(under_network))
            keys = sorted(set(_keys_in(listed, match.group(1))), key=str)[:5]
            if keys:
                known[(path, match.group(1))] = keys
    return known


@pytest.fixture(scope="module")
def fuzz_data(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    """The world and the demo, once for the module, rolled back at its end; answers the
    coordinator's credentials."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        call_command("demo", verbosity=0)
        demo = Network.objects.get(slug="demo")
        actions.add_person(
            actor=User.objects.get(username="coordinadora"),
            network=demo,
            username=world.coordinator.username,
            organization=demo.organizations.order_by("pk").first(),
            roles=["coordinator"],
        )
        token = actions.issue_token(actor=world.coordinator, user=world.coordinator)
        headers = {"Authorization": f"Bearer {token}"}
        KNOWN.update(_known_keys(headers))
        yield headers
        KNOWN.clear()
        transaction.set_rollback(True)


@pytest.fixture(params=["coordinator", "anonymous"])
def credentials(request: Any, fuzz_data: dict[str, str], db: Any) -> Iterator[dict[str, str]]:
    # As Django's test client does: the end of a request must not close the connection that
    # holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield fuzz_data if request.param == "coordinator" else {}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_operation(case: Any, credentials: dict[str, str]) -> None:
    case.call_and_validate(headers=credentials, checks=CHECKS)


def test_every_operation_is_fuzzed() -> None:
    results = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in results)
    assert len(results) == sum(len(methods) for methods in schema.raw_schema["paths"].values())


# The server errors the fuzzer found, one per class, pinned with their first input.


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/networks",
        "/api/v1/networks/demo/dues/invoices",
        "/api/v1/networks/demo/membership/members",
    ],
)
def test_page_numbers_are_bounded(fuzz_data, db, path):
    client = Client(headers=fuzz_data)
    assert client.get(path, {"page": MAX_PAGE}).status_code == 200
    for page in [MAX_PAGE + 1, 9223372036854775808]:
        answer = client.get(path, {"page": page})
        assert answer.status_code == 422, answer.content
        assert answer.json()["detail"][0]["loc"][-1] == "page"


def _patch(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.patch(path, json.dumps(body), content_type="application/json")


def test_null_for_a_field_that_holds_no_null_is_422(fuzz_data, db):
    client = Client(headers=fuzz_data)
    item = client.post(
        "/api/v1/networks/red/action-plan", {"title": "Map"}, content_type="application/json"
    ).json()
    circle = client.get("/api/v1/networks/demo/circles").json()[0]
    cases = [
        (f"/api/v1/networks/red/action-plan/{item['id']}", ["title", "description", "status"]),
        (f"/api/v1/networks/demo/circles/{circle['id']}", ["name", "objectives", "activities"]),
    ]
    for path, fields in cases:
        for field in fields:
            answer = _patch(client, path, {field: None})
            assert answer.status_code == 422, (path, field, answer.content)
            assert answer.json()["detail"][0]["msg"] == "May not be null."
    assert client.get("/api/v1/networks/red/action-plan").json()[0]["title"] == "Map"
    # Fields whose null means "none" still take it.
    assert _patch(client, cases[0][0], {"owner": None, "ends_on": None}).status_code == 200


def test_multipart_body_without_boundary_is_400(fuzz_data, db):
    answer = Client().generic(
        "POST",
        "/api/v1/auth/token",
        b'{"username": "carolina", "password": "x"}',
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400
    assert answer.json() == {"detail": "Cannot parse request body"}


def test_a_number_beyond_64_bits_is_not_a_server_error(fuzz_data, db):
    client = Client(headers=fuzz_data)
    answer = client.get("/api/v1/networks/demo/people", {"organization": 2**70})
    if connection.vendor == "sqlite":  # SQLite cannot bind it
        assert answer.status_code == 422, answer.content
    else:  # PostgreSQL compares it and finds nothing
        assert answer.json()["items"] == []
    # Written to a column, it is out of range on both.
    draw = {"title": "Panel", "seats": 2**70}
    answer = client.post("/api/v1/networks/red/draws", draw, content_type="application/json")
    assert answer.status_code == 422, answer.content
    assert answer.json()["detail"][0]["msg"] == "A value the database cannot hold."


def test_a_nul_character_is_not_a_server_error(fuzz_data, db):
    # PostgreSQL text holds no NUL; SQLite keeps it.
    code = {"text": "We act\x00 in good faith."}
    client = Client(headers=fuzz_data)
    answer = client.post(
        "/api/v1/networks/demo/membership/ethics", code, content_type="application/json"
    )
    assert answer.status_code == (201 if connection.vendor == "sqlite" else 422), answer.content
    answer = client.get("/api/v1/networks/demo/membership/applications", {"status": "x\x00"})
    assert answer.status_code in (200, 422), answer.content
