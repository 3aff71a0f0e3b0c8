"""Authorization across networks (#19): every API operation and every page of the demo
network, asked by people whose roles are in another network, answers no 2xx.

The data is the shared `world` (network "red": coordinator, member, treasurer, protocol
officer; an outsider who coordinates "otra"; a platform administrator) and the demo network,
loaded once for the module. Everything is generated, so a new endpoint or page is covered
with no extra work (and a test fails until it is):

- API: every operation of the OpenAPI schema, its path parameters filled with real keys of
  the demo's objects (read from the API's own lists and details as the demo's coordinator;
  kinds the demo lacks are made once through the API) and its body one that the demo's own
  people got accepted (built from the request schema, tried as the coordinator, the
  treasurer, the protocol officer and a member representative). Each foreign persona sends
  it to the demo (`{slug}` = demo) and, where the path names objects, to its own network
  with the demo's keys, which an access helper that forgets the object's network would
  answer; a coordinator and a treasurer also send to their own network the bodies that
  name the demo's objects by id. The platform administrator gets what
  `core/permissions.py` says: everything except the protocol's confidential contents.
- Pages: every route of a network's pages from the URL resolver, each with a URL the demo's
  coordinator (or protocol officer) reached by crawling, a URL a page names (downloads,
  forms' targets), or one filled in with keys the crawl saw; and every POST form found
  (the protocol officer's key unlocked, so a case's forms too), sent with the values it
  shows. The coordinator and the protocol officer also send the pages and forms that name
  the demo's objects to their own network. Signed in, the answer must be 403, 404 or 405 (a
  302 is how a form says it succeeded); without credentials, also a redirect to the login
  page. The administrator opens every page but the protocol's set-up and cases.

On the demo as loaded in December 2026: 216 operations x 7 personas, 2,006 requests;
191 routes (97 crawled, 168 form targets) x 7 personas, 2,749 requests; no unexpected
2xx. Each test prints its line of counts (`pytest -s`).

A control keeps the matrix from passing on 404s of wrong keys: every GET operation (but two
listed) answers 2xx to the demo's own people, and so do at least 3/4 of the writes; the
administrator opens every crawled page.

Every request runs in a savepoint rolled back after it, so all meet the same data.
"""

from __future__ import annotations

import base64
import copy
import datetime
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from minga.api import api
from minga.conftest import build_world
from minga.core import actions
from minga.core.demo import DEMO_PASSWORD
from minga.core.models import User
from minga.core.tests.crawl import reachable_pages

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

PREFIX = "/api/v1"
PARAMETER = re.compile(r"\{(\w+)\}")
METHODS = ("get", "post", "put", "patch", "delete")

# The demo's own people, tried in this order until one gets a request accepted.
OWNERS = ("coordinadora", "tesoreria", "protocolo", "rep01")
# People whose roles are all in another network than the demo ("red", and "otra" for
# the outsider), and nobody signed in.
FOREIGN = {
    "anonymous": None,
    "outsider": "olga",
    "member": "mateo",
    "treasurer": "tiago",
    "coordinator": "carolina",
    "protocol officer": "paula",
}
SUPERUSER = "root"
# Each foreign persona's own network, where it holds its roles.
OWN_NETWORK = {"olga": "otra", "mateo": "red", "tiago": "red", "carolina": "red", "paula": "red"}

# Operations that answer 2xx by design to some of the personas above; each says why.
SIGNED_IN = frozenset(FOREIGN) - {"anonymous"} | {SUPERUSER}
EVERYONE = frozenset(FOREIGN) | {SUPERUSER}
PUBLIC: dict[tuple[str, str], tuple[frozenset[str], str]] = {
    ("post", "/auth/token"): (EVERYONE, "exchanges a username and password for a token"),
    ("get", "/networks"): (EVERYONE, "the caller's own networks only (checked below)"),
    ("post", "/networks"): (SIGNED_IN, "anyone signed in may start a network of their own"),
    ("post", "/networks/{slug}/protocol/reports"): (
        frozenset({"anonymous"}),
        "the violence-prevention channel takes anonymous reports where the coordinators "
        "opened it to the public (the demo does); signed in, only the network's people report",
    ),
    ("post", "/protocol/receipts/case"): (EVERYONE, "the reporter's receipt is the credential"),
    ("post", "/protocol/receipts/messages"): (EVERYONE, "the reporter's receipt is the credential"),
}

# What only the protocol team may do, administrators included (NOT_FOR_ADMINISTRATORS):
# reading a case and the protocol's set-up.
CONFIDENTIAL = re.compile(r"^/protocol/reports/\{pk\}|^/networks/\{slug\}/protocol/grants$")


def _operations() -> list[tuple[str, str]]:
    paths = api.get_openapi_schema()["paths"]
    return [
        (method, path.removeprefix(PREFIX))
        for path, methods in paths.items()
        for method in methods
        if method in METHODS
    ]


SCHEMA: dict[str, Any] = api.get_openapi_schema()
OPERATIONS = _operations()


# Building requests from the schema -----------------------------------------------------------


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return {**_resolve(options[0]), **{k: v for k, v in schema.items() if k != "anyOf"}}
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return {**_resolve(schema["allOf"][0]), **{k: v for k, v in schema.items() if k != "allOf"}}
    return schema


def _noun(name: str) -> str:
    """`organization_ids`, `organizations` and `organization` all name organizations."""
    name = re.sub(r"_ids?$", "", name)
    return NOUNS.get(name, name)


# Field and segment names for objects whose list has another name.
NOUNS = {
    "people": "person",
    "partner": "organization",
    "partners": "organization",
    "reports": "case",
    "objection_id": "objection",
    "responsible": "person",
    "referents": "person",
    "owner": "person",
    "leads": "person",
    "member": "person",
}


# Text fields that hold a decimal number, and the names of a file sent in a body.
DECIMALS = {"amount", "baseline", "target", "value", "budget", "budget_share"}
FILE_NAMES = ("name", "filename", "file_name")


def _singular(name: str) -> str:
    name = _noun(name)
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


class Values:
    """Plausible values for a request: ids of the demo's objects by their field's name,
    dates in the near future, the first of an enumeration."""

    def __init__(self, ids: dict[str, list[Any]]) -> None:
        self.ids = ids

    def value(self, name: str, schema: dict[str, Any]) -> Any:
        schema = _resolve(schema)
        if "default" in schema and schema["default"] is not None:
            return schema["default"]
        if "enum" in schema:
            return schema["enum"][0]
        if "const" in schema:
            return schema["const"]
        kind = schema.get("type")
        if kind == "object":
            return self.body(schema, complete=False)
        if kind == "array":
            item = self.value(name, schema.get("items", {}))
            if isinstance(item, str) and "enum" not in _resolve(schema.get("items", {})):
                return [f"{item} 1", f"{item} 2"]  # some lists want two different items
            return [item] if item is not None else []
        if kind == "integer" or kind == "number":
            known = self.ids.get(_singular(name))
            if kind == "integer" and known:
                return known[0]
            if name == "year":
                return datetime.datetime.now(datetime.UTC).year
            low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
            high = schema.get("maximum", low + 10)
            return max(low, min(high, 1)) if kind == "integer" else (low + high) / 2
        if kind == "boolean":
            return True
        if kind == "string":
            return self.text(name, schema)
        return None

    def text(self, name: str, schema: dict[str, Any]) -> str:
        now = datetime.datetime.now(datetime.UTC)
        formats = {
            "date": (now + datetime.timedelta(days=30)).date().isoformat(),
            "date-time": (now + datetime.timedelta(days=7)).isoformat(),
            "email": "matriz@example.org",
            "uri": "https://example.org/matriz",
            "time": "10:00:00",
        }
        if schema.get("format") in formats:
            return formats[schema["format"]]
        if name in DECIMALS:
            return "10"
        if name.endswith("_at"):
            return formats["date-time"]
        if name.endswith(("_on", "deadline", "date")):
            return formats["date"]
        if name == "content_base64":
            return base64.b64encode(b"Matriz\n").decode()
        hints = {
            "email": "matriz@example.org",
            "country": "CO",
            "currency": "USD",
            "language": "es",
            "username": "matriz",
            "slug": "matriz",
            "password": "Long-pass-matriz-42",
            "url": "https://example.org/matriz",
            "website": "https://example.org/matriz",
            "link": "https://example.org/matriz",
        }
        for hint, text in hints.items():
            if hint in name:
                return text
        text = "Matriz de autorización"
        if "maxLength" in schema:
            text = text[: schema["maxLength"]]
        return text.ljust(schema.get("minLength", 0), "x")

    def body(self, schema: dict[str, Any], *, complete: bool) -> dict[str, Any]:
        schema = _resolve(schema)
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        names = list(properties) if complete else [n for n in properties if n in required]
        if not names and properties:  # a PATCH: one field is a change
            names = list(properties)[:1]
        if "content_base64" in properties:  # a file: its content and a name to go with it
            names += [n for n in ("content_base64", *FILE_NAMES) if n in properties]
        body = {name: self.value(name, properties[name]) for name in dict.fromkeys(names)}
        for name in FILE_NAMES:
            if "content_base64" in body and name in body:
                body[name] = "matriz.txt"
        return {k: v for k, v in body.items() if v is not None}


def _operation(method: str, path: str) -> dict[str, Any]:
    return dict(SCHEMA["paths"][PREFIX + path][method])


def bodies(method: str, path: str, values: Values) -> list[Any]:
    """Bodies to try for an operation, the smallest first; [None] if it takes none."""
    request = _operation(method, path).get("requestBody")
    if not request:
        return [None]
    schema = request["content"]["application/json"]["schema"]
    found = []
    for complete in (False, True):
        body = values.body(schema, complete=complete)
        if body not in found:
            found.append(body)
    return found


def query_of(method: str, path: str, values: Values) -> str:
    """The required query parameters, with plausible values."""
    parameters = [
        p
        for p in _operation(method, path).get("parameters", [])
        if p["in"] == "query" and p.get("required")
    ]
    pairs = [(p["name"], values.value(p["name"], p["schema"])) for p in parameters]
    return "?" + urlencode(pairs) if pairs else ""


# Finding the demo's objects ------------------------------------------------------------------


def _items(answer: Any) -> list[Any]:
    if isinstance(answer, dict) and isinstance(answer.get("items"), list):
        return list(answer["items"])
    return answer if isinstance(answer, list) else []


def _fields(answer: Any, name: str) -> Iterator[Any]:
    """The values of every field called `name`, however deep."""
    if isinstance(answer, dict):
        for key, value in answer.items():
            if key == name:
                yield value
            yield from _fields(value, name)
    elif isinstance(answer, list):
        for value in answer:
            yield from _fields(value, name)


def _ids(value: Any, key: str) -> list[Any]:
    """Keys of the objects in a list (or one object): their `key`, or the items themselves."""
    found = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and isinstance(item.get(key), int | str):
            found.append(item[key])
        elif isinstance(item, int | str) and not isinstance(item, bool):
            found.append(item)
    return found


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


@dataclass
class Discovery:
    """The demo's keys for each path parameter, from the answers of the API's GETs."""

    answers: dict[str, list[Any]] = field(default_factory=dict)
    keys: dict[tuple[str, str], list[Any]] = field(default_factory=dict)

    def candidates(self, path: str, name: str, position: int) -> list[Any]:
        """Keys for the parameter at `position`, looked for in order: the list at the path
        before it (`/circles/{pk}` in `/networks/{slug}/circles`), any list or made object
        named as the segment before it, a field of that name in a parent's answer
        (`/applications/{pk}/partners/{partner}` in the application's `partners`)."""
        key = "id" if name in ("pk", "partner", "document", "member", "measurement") else name
        key = "id" if name.endswith("_id") else key
        before = path[:position].rstrip("/")
        segment = before.rsplit("/", 1)[-1]
        wanted = {segment, _noun(segment), _noun(segment) + "s"}
        listed = self.answers.get(before, []) + self.answers.get(
            before.replace("/", "/networks/{slug}/", 1), []
        )
        found = [i for a in listed for k in (key, "key") for i in _ids(_items(a), k)]
        if not found:
            for template, answers in self.answers.items():
                if template.rsplit("/", 1)[-1] in wanted:
                    found += [i for a in answers for i in _ids(_items(a), key)]
        if not found:
            parents = [t for t in self.answers if before.startswith(t)] or list(self.answers)
            for template in parents:
                for answer in self.answers[template]:
                    for name_ in wanted:
                        for value in _fields(answer, name_):
                            found += _ids(value, key)
        return _unique(found)[:3]

    def resolve(self) -> None:
        for _method, path in OPERATIONS:
            for match in PARAMETER.finditer(path):
                name = match.group(1)
                if name == "slug" or (path, name) in self.keys:
                    continue
                found = self.candidates(path, name, match.start())
                if found:
                    self.keys[(path, name)] = found

    def urls(self, path: str, slug: str = "demo") -> list[str]:
        """The path with real keys, a few ways when there are several to choose from."""
        names = [n for n in PARAMETER.findall(path) if n != "slug"]
        if any((path, n) not in self.keys for n in names):
            return []
        choices = [self.keys[(path, n)] for n in names]
        urls = []
        for index in range(max((len(c) for c in choices), default=1)):
            url = path.replace("{slug}", slug)
            for name, keys in zip(names, choices, strict=True):
                url = url.replace("{" + name + "}", str(keys[min(index, len(keys) - 1)]), 1)
            urls.append(url)
        return urls


def discover(client: Client) -> Discovery:
    """GET every operation that can be filled in, as the demo's coordinator, until no new
    answer names new keys."""
    found = Discovery()
    fetched: set[str] = set()
    for _round in range(4):
        new = False
        for method, path in OPERATIONS:
            if method != "get" or path in fetched:
                continue
            urls = found.urls(path)
            if not urls:
                continue
            fetched.add(path)
            for url in urls[:2]:
                answer = client.get(PREFIX + url)
                if answer.status_code == 200 and answer["Content-Type"].startswith(
                    "application/json"
                ):
                    found.answers.setdefault(path, []).append(answer.json())
                    new = True
        found.resolve()
        if not new:
            break
    return found


def ids_by_noun(found: Discovery) -> dict[str, list[Any]]:
    ids: dict[str, list[Any]] = {}
    for template, answers in found.answers.items():
        if set(PARAMETER.findall(template)) <= {"slug"}:
            noun = _singular(template.rsplit("/", 1)[-1])
            ids.setdefault(noun, [])
            ids[noun] += [i for a in answers for i in _ids(_items(a), "id")]
    return {noun: _unique(keys) for noun, keys in ids.items() if keys}


# Sending ---------------------------------------------------------------------------------------


def send(client: Client, method: str, url: str, body: Any = None) -> Response:
    """One request in a savepoint rolled back after it: every request meets the same data."""
    with transaction.atomic():
        if body is None:
            response = client.generic(method.upper(), url)
        else:
            response = client.generic(
                method.upper(), url, json.dumps(body), content_type="application/json"
            )
        transaction.set_rollback(True)
    return response


def ok(response: Response) -> bool:
    return 200 <= response.status_code < 300


@dataclass
class Request:
    method: str
    path: str  # the template, without /api/v1
    url: str  # filled in, with /api/v1
    body: Any


Operation = tuple[str, str]  # (method, path template without /api/v1)


@dataclass
class Requests:
    """Each operation's request as the demo's own people got it accepted (or as well as it
    could be built), who got it accepted, and their answer's status."""

    requests: dict[Operation, Request] = field(default_factory=dict)
    accepted_by: dict[Operation, str] = field(default_factory=dict)
    owner_status: dict[Operation, int] = field(default_factory=dict)
    unresolved: list[Operation] = field(default_factory=list)
    ids: dict[str, list[Any]] = field(default_factory=dict)  # the demo's objects by noun

    def add(self, method: str, path: str, request: Request, owner: str | None, status: int) -> None:
        self.requests[(method, path)] = request
        self.owner_status[(method, path)] = status
        if owner:
            self.accepted_by[(method, path)] = owner


@dataclass
class Matrix:
    """The module's data: clients per persona (API and pages) and the requests."""

    api: dict[str, Client]
    pages: dict[str, Client]
    built: Requests


def _accept(
    clients: dict[str, Client], found: Discovery, values: Values, method: str, path: str
) -> tuple[Request, str | None, int]:
    """The operation's request as one of the demo's own people got it accepted, trying each
    way to fill in its keys and each body; the first one tried if none was."""
    query = query_of(method, path, values)
    first = None
    status = 0
    for url in found.urls(path):
        for body in bodies(method, path, values):
            request = Request(method, path, PREFIX + url + query, body)
            first = first or request
            for owner in OWNERS:
                response = send(clients[owner], method, request.url, body)
                if ok(response):
                    return request, owner, response.status_code
                status = status or response.status_code
                if response.status_code != 403:
                    break  # the role was enough: another person's would not fix the request
    assert first is not None
    return first, None, status


def _segment(path: str, name: str) -> str:
    return path[: path.index("{" + name + "}")].rstrip("/").rsplit("/", 1)[-1]


def build_requests(clients: dict[str, Client], found: Discovery) -> Requests:
    values = Values(ids_by_noun(found))
    built = Requests(ids=values.ids)
    for method, path in OPERATIONS:
        if found.urls(path):
            built.add(method, path, *_accept(clients, found, values, method, path))
    # Objects the demo has none of: one made by the operation that creates them (kept until
    # the module's end), so the operations on them have a key too.
    missing = {
        _noun(_segment(path, name))
        for method, path in OPERATIONS
        if not found.urls(path)
        for name in PARAMETER.findall(path)
        if name != "slug" and (path, name) not in found.keys
    }
    for (method, path), request in list(built.requests.items()):
        owner = built.accepted_by.get((method, path))
        if method == "post" and owner and _noun(path.rsplit("/", 1)[-1]) in missing:
            answer = clients[owner].post(
                request.url, json.dumps(request.body or {}), content_type="application/json"
            )
            if ok(answer):
                found.answers.setdefault(path, []).append([answer.json()])
    found.resolve()
    for method, path in OPERATIONS:
        if (method, path) not in built.requests:
            if found.urls(path):
                built.add(method, path, *_accept(clients, found, values, method, path))
            else:
                built.unresolved.append((method, path))
    return built


@pytest.fixture(scope="module")
def matrix(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Matrix]:
    """The world and the demo, once for the module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        build_world()
        call_command("demo", verbosity=0)
        api_clients: dict[str, Client] = {"anonymous": Client()}
        page_clients: dict[str, Client] = {"anonymous": Client()}
        for username in [*OWNERS, *[u for u in FOREIGN.values() if u], SUPERUSER]:
            user = User.objects.get(username=username)
            if username in OWNERS:
                # A token from the password keeps the protocol officer's key with it.
                answer = Client().post(
                    f"{PREFIX}/auth/token",
                    {"username": username, "password": DEMO_PASSWORD},
                    content_type="application/json",
                )
                token = answer.json()["token"]
            else:
                token = actions.issue_token(actor=user, user=user)
            api_clients[username] = Client(headers={"Authorization": f"Bearer {token}"})
            page_clients[username] = Client(headers={"accept-language": "en"})
            page_clients[username].force_login(user)
        # The protocol officer opens the cases' key, so the crawl sees what a case offers.
        unlocked = page_clients["protocolo"].post(
            "/n/demo/protocol/unlock/", {"password": DEMO_PASSWORD}
        )
        assert unlocked.status_code == 302
        found = discover(api_clients["coordinadora"])
        yield Matrix(api_clients, page_clients, build_requests(api_clients, found))
        transaction.set_rollback(True)


# The API -----------------------------------------------------------------------------------

# Operations with no object of their kind in the demo, nor one the API can make on its own.
NO_KEYS: dict[Operation, str] = {}
# GET operations that do not answer 2xx to the demo's own people, and why.
NOT_2XX_TO_OWNERS: dict[Operation, str] = {
    ("get", "/networks/{slug}/surveys/{name}/crosstab"): "needs two select questions by name",
    ("get", "/networks/{slug}/surveys/{name}/top"): "needs a text question by name",
}
# At least this share of the writes is accepted from the demo's own people.
WRITES_ACCEPTED = 0.75


@dataclass
class Answer:
    persona: str
    operation: Operation
    url: str
    status: int
    note: str = ""

    def __str__(self) -> str:
        request = f"{self.operation[0].upper()} {self.url}{self.note}"
        return f"{self.persona}: {request} -> {self.status}"


def _variants(request: Request, persona: str) -> list[str]:
    """The request's URL in the demo network, and in the persona's own network with the
    demo's keys where the path names objects."""
    urls = [request.url]
    username = FOREIGN.get(persona, persona)
    own = OWN_NETWORK.get(username or "")
    named = [n for n in PARAMETER.findall(request.path) if n != "slug"]
    if own and named and "{slug}" in request.path:
        urls.append(request.url.replace("/networks/demo", f"/networks/{own}", 1))
    return urls


def names_demo_objects(body: Any, ids: dict[str, list[Any]]) -> bool:
    """Whether a body names one of the demo's objects by id (`"circle": 12`)."""
    if not isinstance(body, dict):
        return False
    for name, value in body.items():
        known = ids.get(_singular(name), [])
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, int) and v in known for v in values):
            return True
        if isinstance(value, dict) and names_demo_objects(value, ids):
            return True
    return False


# Roles in their own network that pass the role check of most writes there.
NAMING_PERSONAS = ("coordinator", "treasurer")


def _naming_bodies(request: Request, ids: dict[str, list[Any]]) -> list[Any]:
    """For a write to a network as a whole (no other key in its path): the bodies that name
    the demo's objects, which the persona then sends to its own network."""
    if request.method == "get" or set(PARAMETER.findall(request.path)) != {"slug"}:
        return []
    candidates = [request.body, *bodies(request.method, request.path, Values(ids))]
    found = [b for b in candidates if names_demo_objects(b, ids)]
    return [b for i, b in enumerate(found) if b not in found[:i]]


@pytest.fixture(scope="module")
def api_answers(matrix: Matrix, django_db_blocker: Any) -> list[Answer]:
    """Every operation, as every persona of another network and the administrator."""
    answers = []
    ids = matrix.built.ids
    with django_db_blocker.unblock():
        for operation, request in matrix.built.requests.items():
            for persona in [*FOREIGN, SUPERUSER]:
                client = matrix.api[FOREIGN.get(persona) or persona]
                for url in _variants(request, persona):
                    response = send(client, request.method, url, request.body)
                    answers.append(Answer(persona, operation, url, response.status_code))
            for persona in NAMING_PERSONAS:
                username = FOREIGN[persona] or ""
                own = request.url.replace("/networks/demo", f"/networks/{OWN_NETWORK[username]}")
                for body in _naming_bodies(request, ids):
                    response = send(matrix.api[username], request.method, own, body)
                    note = f" with {json.dumps(body)}"
                    answers.append(Answer(persona, operation, own, response.status_code, note))
    return answers


def _allowed(answer: Answer) -> bool:
    """Whether a 2xx is what permissions say for this persona."""
    personas, _reason = PUBLIC.get(answer.operation, (frozenset(), ""))
    if answer.persona in personas:
        return True
    if answer.persona == SUPERUSER:
        return not CONFIDENTIAL.search(answer.operation[1])
    return False


def test_no_operation_answers_2xx_to_another_networks_people(
    matrix: Matrix, api_answers: list[Answer], db: Any
) -> None:
    wrong = [str(a) for a in api_answers if 200 <= a.status < 300 and not _allowed(a)]
    operations = len(matrix.built.requests)
    personas = len(FOREIGN) + 1
    summary = (
        f"authorization matrix (API): {operations} operations x {personas} personas, "
        f"{len(api_answers)} requests, {len(wrong)} unexpected 2xx"
    )
    print(summary)
    assert not wrong, summary + "\n" + "\n".join(wrong)


def test_the_administrator_reads_everything_but_the_protocols_confidences(
    matrix: Matrix, api_answers: list[Answer], db: Any
) -> None:
    by_operation = {a.operation: a for a in api_answers if a.persona == SUPERUSER}
    refused = [
        str(by_operation[op])
        for op in matrix.built.accepted_by
        if op[0] == "get" and not CONFIDENTIAL.search(op[1]) and not ok_status(by_operation[op])
    ]
    assert not refused, "\n".join(refused)
    confidential = [op for op in OPERATIONS if CONFIDENTIAL.search(op[1])]
    assert len(confidential) >= 8  # the case's reads and writes, and the grants
    assert all(not ok_status(by_operation[op]) for op in confidential if op in by_operation)


def ok_status(answer: Answer) -> bool:
    return 200 <= answer.status < 300


def test_the_demos_own_people_are_answered(matrix: Matrix, db: Any) -> None:
    """The control: the same requests, from the demo's own people, mostly succeed, so the
    matrix above is not only a list of 404s for keys that exist nowhere."""
    built = matrix.built
    gets = [op for op in built.requests if op[0] == "get" and op not in NOT_2XX_TO_OWNERS]
    unanswered = [f"{op} -> {built.owner_status[op]}" for op in gets if op not in built.accepted_by]
    assert not unanswered, "\n".join(unanswered)
    assert not [op for op in NOT_2XX_TO_OWNERS if op in built.accepted_by], "stale exception"
    writes = [op for op in built.requests if op[0] != "get"]
    accepted = [op for op in writes if op in built.accepted_by]
    refused = "\n".join(f"{op} -> {built.owner_status[op]}" for op in writes if op not in accepted)
    print(f"owners' control: {len(gets)} GET all 2xx, {len(accepted)}/{len(writes)} writes 2xx")
    assert len(accepted) >= WRITES_ACCEPTED * len(writes), refused


def test_every_operation_is_in_the_matrix(matrix: Matrix, db: Any) -> None:
    """A new operation is covered with no extra work, or fails here: its keys must be found
    (or the reason they cannot be, listed), and its being public must be listed with why."""
    built = matrix.built
    assert set(built.requests) | set(built.unresolved) == set(OPERATIONS)
    assert set(built.unresolved) == set(NO_KEYS)
    assert set(PUBLIC) <= set(OPERATIONS)
    assert len(OPERATIONS) == sum(len(m) for m in SCHEMA["paths"].values())


def test_network_lists_show_only_ones_own(matrix: Matrix, db: Any) -> None:
    for persona, username in [*FOREIGN.items(), (SUPERUSER, SUPERUSER)]:
        answer = matrix.api[username or persona].get(f"{PREFIX}/networks")
        if username is None:
            assert answer.status_code == 401
            continue
        slugs = {n["slug"] for n in answer.json()["items"]}
        assert ("demo" in slugs) is (persona == SUPERUSER), (persona, slugs)


# Pages -------------------------------------------------------------------------------------


class Recording:
    """A client for `reachable_pages` that keeps each page's HTML, each GET in a savepoint
    (opening a protocol case logs the read)."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.html: dict[str, str] = {}

    def get(self, url: str) -> Response:
        response = send(self.client, "get", url)
        if response.get("Content-Type", "").startswith("text/html"):
            self.html[url] = response.content.decode()
        return response


@dataclass
class Form:
    page: str
    action: str
    fields: list[tuple[str, str]]
    route: str = ""


class _FormParser(HTMLParser):
    """POST forms with what a person would send unchanged: inputs' values, checked boxes,
    each select's selected (or first) option, textareas' text."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            post = a.get("method", "get").lower() == "post"
            self._form = Form(self.page, a.get("action") or self.page, []) if post else None
            if self._form:
                self.forms.append(self._form)
        form = self._form
        if form is None or (not a.get("name") and tag != "option"):
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "reset", "file", "image"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                form.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._chosen = a["name"], False
        elif tag == "option" and self._select and not self._chosen:
            if "selected" in a or not [f for f in form.fields if f[0] == self._select]:
                form.fields[:] = [f for f in form.fields if f[0] != self._select]
                form.fields.append((self._select, a.get("value", "")))
                self._chosen = "selected" in a
        elif tag == "textarea":
            self._textarea = a["name"]
            form.fields.append((a["name"], ""))

    def handle_data(self, data: str) -> None:
        if self._form and self._textarea:
            name, text = self._form.fields[-1]
            self._form.fields[-1] = (name, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_in(page: str, html: str) -> list[Form]:
    parser = _FormParser(page)
    parser.feed(html)
    found = []
    for form in parser.forms:
        action = urlsplit(form.action)
        if action.scheme or action.netloc:
            continue
        path = action.path if action.path.startswith("/") else page.rsplit("/", 1)[0] + "/"
        form.action = path + (f"?{action.query}" if action.query else "")
        found.append(form)
    return found


# What a page names: links (downloads too), sources, forms' targets, htmx requests.
NAMED = re.compile(
    r'(?:href|src|action|hx-get|hx-post|hx-put|hx-patch|hx-delete)="(/n/demo[^"#]*)"'
)
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
PLACEHOLDER = {"int": "1", "path": "x", "slug": "x", "str": "x"}
KINDS = {"int": "[0-9]+", "path": ".+", "slug": "[-a-zA-Z0-9_]+", "str": "[^/]+"}


def route_of(url: str) -> str | None:
    try:
        return str(resolve(urlsplit(url).path).route)
    except Resolver404:
        return None


def network_routes() -> set[str]:
    """Every URL pattern of a network's pages, from the URL resolver."""

    def walk(patterns: Any, prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return {r for r in walk(get_resolver().url_patterns, "") if r.startswith("n/<slug:slug>/")}


def _regex(route: str) -> str:
    """A regular expression for a route's URLs: its text as it is, each parameter as any
    value of its kind."""
    parts = []
    for index, piece in enumerate(CONVERTER.split(route)):
        kind = index % 3
        if kind == 0:
            parts.append(re.escape(piece))
        elif kind == 1:
            parts.append(KINDS.get(piece or "str", "[^/]+"))
    return "".join(parts)


def fill(route: str, known: list[str]) -> str:
    """A URL for `route` with the demo's keys: each parameter's value taken from a URL the
    pages named that shares the route up to it; `demo` for the network."""
    url = route
    for match in CONVERTER.finditer(route):
        kind, name = match.group(1) or "str", match.group(2)
        value = "demo" if name == "slug" else PLACEHOLDER[kind]
        wanted = re.compile(f"/{_regex(route[: match.start()])}({_regex(match.group(0))})")
        for candidate in known if name != "slug" else []:
            found = wanted.match(candidate)
            if found:
                value = found.group(1)
                break
        url = url.replace(match.group(0), value, 1)
    return "/" + url


@dataclass
class Site:
    """One URL per route of a network's pages (the demo's), and how it was found: crawled as
    a page, named by a page (a download, a form's target), or filled in from the resolver;
    one POST form per target (`cases/N/state/` and `cases/N/measure/` are two)."""

    pages: dict[str, str] = field(default_factory=dict)
    named: dict[str, str] = field(default_factory=dict)
    filled: dict[str, str] = field(default_factory=dict)
    forms: dict[str, Form] = field(default_factory=dict)

    def routes_of_forms(self) -> set[str]:
        return {form.route for form in self.forms.values()}

    def routes(self) -> set[str]:
        return {*self.pages, *self.named, *self.filled, *self.routes_of_forms()}


# Where the demo's own people start: the network's home, and the protocol team's cases.
CRAWLS = {"coordinadora": "/n/demo/", "protocolo": "/n/demo/protocol/"}


@pytest.fixture(scope="module")
def site(matrix: Matrix, django_db_blocker: Any) -> Site:
    found = Site()
    named: list[str] = []
    with django_db_blocker.unblock():
        for username, start in CRAWLS.items():
            recording = Recording(matrix.pages[username])
            for page in reachable_pages(recording, start, alike=1):
                route = route_of(page.url)
                if page.url.startswith("/n/demo") and page.status == 200 and route:
                    found.pages.setdefault(route, page.url)
            for url, html in recording.html.items():
                named += NAMED.findall(html)
                for form in forms_in(url, html):
                    form.route = route_of(form.action) or ""
                    if form.action.startswith("/n/demo") and form.route:
                        target = re.sub(r"\d+", "N", form.action.split("?")[0])
                        found.forms.setdefault(target, form)
    for url in named:
        route = route_of(url)
        if route and route not in found.pages and route not in found.routes_of_forms():
            found.named.setdefault(route, url.replace("&amp;", "&"))
    known = [
        *found.pages.values(),
        *found.named.values(),
        *(f.action for f in found.forms.values()),
    ]
    for route in sorted(network_routes() - found.routes()):
        found.filled[route] = fill(route, known)
    return found


# Pages anyone may open, and why; their forms may succeed for anyone too.
PUBLIC_PAGES = {
    "n/<slug:slug>/reach/charter/public/": "the charter the coordinators published",
    "n/<slug:slug>/membership/join/": "an organization outside the network applies to join",
    "n/<slug:slug>/protocol/public/": "the protocol's public channel: anonymous reports",
    "n/<slug:slug>/protocol/follow/": "a reporter follows their case with the receipt",
    "n/<slug:slug>/events.ics": "the network's public calendar",
    "n/<slug:slug>/events/<str:token>.ics": "a person's calendar: the token is the credential",
    "n/<slug:slug>/communication/unsubscribe/<str:token>/": "the token in the mail",
}
# Pages only the protocol team may open, administrators included: the set-up (whose recovery
# key opens every case) and each case.
CONFIDENTIAL_PAGES = re.compile(r"^n/<slug:slug>/protocol/(setup|grant|cases/<int:pk>)")
REFUSED = (403, 404, 405)


@dataclass
class PageAnswer:
    persona: str
    route: str
    method: str
    url: str
    status: int
    location: str

    def __str__(self) -> str:
        where = f" -> {self.location}" if self.location else ""
        return f"{self.persona}: {self.method.upper()} {self.url} -> {self.status}{where}"

    def refused(self) -> bool:
        """Refused: 403, 404 or 405 when signed in; without credentials, also a redirect to
        the login page. Anything else (a 2xx, a 302 elsewhere, which is how a form says it
        succeeded) is not."""
        if self.status in REFUSED:
            return True
        return (
            self.persona == "anonymous"
            and self.status == 302
            and (self.location.startswith("/accounts/login/"))
        )


def _page_variants(url: str, persona: str) -> list[str]:
    """The page in the demo and, for the personas whose roles would pass the role check in
    their own network, with the demo's keys in their own network."""
    own = OWN_NETWORK.get(FOREIGN.get(persona) or "")
    if own and persona in ("coordinator", "protocol officer") and re.search(r"/\d+", url):
        return [url, re.sub(r"^/n/demo(-circulos)?/", f"/n/{own}/", url)]
    return [url]


def _ask(
    matrix: Matrix, persona: str, route: str, method: str, url: str, data: Any
) -> list[PageAnswer]:
    client = matrix.pages[FOREIGN.get(persona) or persona]
    answers = []
    for variant in _page_variants(url, persona):
        cookies = copy.deepcopy(client.cookies)  # the client changes its own in place
        with transaction.atomic():
            response = client.generic(
                method.upper(), variant, data or "", "application/x-www-form-urlencoded"
            )
            transaction.set_rollback(True)
        client.cookies = cookies  # a form may sign out, lock a key or change the language
        location = response.get("Location", "")
        answers.append(PageAnswer(persona, route, method, variant, response.status_code, location))
    return answers


@pytest.fixture(scope="module")
def page_answers(matrix: Matrix, site: Site, django_db_blocker: Any) -> list[PageAnswer]:
    answers = []
    with django_db_blocker.unblock():
        for persona in [*FOREIGN, SUPERUSER]:
            for route, url in [*site.pages.items(), *site.named.items(), *site.filled.items()]:
                answers += _ask(matrix, persona, route, "get", url, None)
            # Not seen as a form: an htmx target, or a route no page names.
            for route, url in [*site.named.items(), *site.filled.items()]:
                answers += _ask(matrix, persona, route, "post", url, None)
            for form in site.forms.values():
                data = urlencode(form.fields)
                answers += _ask(matrix, persona, form.route, "post", form.action, data)
    return answers


def test_no_page_opens_to_another_networks_people(
    site: Site, page_answers: list[PageAnswer], db: Any
) -> None:
    wrong = [
        str(a)
        for a in page_answers
        if a.persona != SUPERUSER and a.route not in PUBLIC_PAGES and not a.refused()
    ]
    routes = len(site.routes())
    summary = (
        f"authorization matrix (pages): {routes} routes ({len(site.pages)} crawled, "
        f"{len(site.named)} named by pages, {len(site.filled)} from the URL resolver, "
        f"{len(site.forms)} forms) x {len(FOREIGN) + 1} personas, {len(page_answers)} requests, "
        f"{len(wrong)} not refused"
    )
    print(summary)
    assert not wrong, summary + "\n" + "\n".join(wrong)


def test_the_administrator_opens_every_page_but_the_protocols_confidences(
    site: Site, page_answers: list[PageAnswer], db: Any
) -> None:
    mine = [a for a in page_answers if a.persona == SUPERUSER]
    crawled = set(site.pages.values())
    closed = [
        str(a)
        for a in mine
        if a.method == "get"
        and a.url in crawled
        and not CONFIDENTIAL_PAGES.search(a.route)
        and a.status != 200
    ]
    assert not closed, "\n".join(closed)
    opened = [str(a) for a in mine if CONFIDENTIAL_PAGES.search(a.route) and not a.refused()]
    assert not opened, "\n".join(opened)
    assert len([a for a in mine if CONFIDENTIAL_PAGES.search(a.route)]) >= 4


def test_every_page_is_in_the_matrix(site: Site, db: Any) -> None:
    """Every route of a network's pages is asked for, and the public ones exist."""
    assert network_routes() == site.routes()
    assert set(PUBLIC_PAGES) <= network_routes()
