"""API of the reach: the charter and its versions, the audience's criteria, the action plan."""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from minga.core.access import acting_user as _user
from minga.core.access import get_network_for, named_in_body
from minga.core.models import Network
from minga.core.permissions import Action
from minga.core.schemas import Omittable
from minga.reach import actions
from minga.reach.access import get_action_item_for
from minga.reach.models import ActionItem, AudienceCriteria, Charter, CharterVersion

router = Router(tags=["reach"])


class CharterIn(Schema):
    context: str = ""
    purpose: str = ""
    objective: str = ""
    audience: str = ""


class CharterOut(Schema):
    version: int | None
    context: str
    purpose: str
    objective: str
    audience: str
    public: bool
    applications_open: bool
    author: str | None
    saved_at: datetime.datetime | None


def charter_out(network: Network) -> dict[str, Any]:
    charter = Charter.objects.filter(network=network).first()
    current = network.charter_versions.select_related("author").first()
    return {
        "version": current.number if current else None,
        "context": current.context if current else "",
        "purpose": current.purpose if current else "",
        "objective": current.objective if current else "",
        "audience": current.audience if current else "",
        "public": bool(charter and charter.public),
        "applications_open": bool(charter and charter.applications_open),
        "author": current.author.username if current and current.author else None,
        "saved_at": current.created_at if current else None,
    }


@router.get("/networks/{slug}/charter", response=CharterOut)
def get_charter(request: HttpRequest, slug: str) -> dict[str, Any]:
    return charter_out(get_network_for(request.user, slug))


@router.put("/networks/{slug}/charter", response=CharterOut)
def save_charter(request: HttpRequest, slug: str, payload: CharterIn) -> dict[str, Any]:
    """Saves a new version; the previous text stays in /charter/versions."""
    network = get_network_for(request.user, slug, Action.MANAGE_CHARTER)
    actions.save_charter(actor=_user(request), network=network, **payload.dict())
    return charter_out(network)


class VisibilityIn(Schema):
    public: bool | None = None
    applications_open: bool | None = None


@router.patch("/networks/{slug}/charter", response=CharterOut)
def set_visibility(request: HttpRequest, slug: str, payload: VisibilityIn) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.MANAGE_CHARTER)
    actions.set_charter_visibility(actor=_user(request), network=network, **payload.dict())
    return charter_out(network)


class VersionOut(Schema):
    number: int
    context: str
    purpose: str
    objective: str
    audience: str
    author: str | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_author(obj: CharterVersion) -> str | None:
        return obj.author.username if obj.author else None


@router.get("/networks/{slug}/charter/versions", response=list[VersionOut])
def charter_versions(request: HttpRequest, slug: str) -> Any:
    network = get_network_for(request.user, slug)
    return network.charter_versions.select_related("author")


class AudienceIn(Schema):
    member_kinds: list[Literal["organization", "individual", "company"]]
    countries: list[str] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list)
    statements: list[str] = Field(default_factory=list)


class AudienceOut(Schema):
    member_kinds: list[str]
    countries: list[str]
    themes: list[str]
    statements: list[str]


@router.get("/networks/{slug}/audience", response=AudienceOut)
def get_audience(request: HttpRequest, slug: str) -> Any:
    network = get_network_for(request.user, slug)
    audience = AudienceCriteria.objects.filter(network=network).first()
    if audience is None:
        raise Http404("No audience criteria yet")
    return audience


@router.put("/networks/{slug}/audience", response=AudienceOut)
def set_audience(request: HttpRequest, slug: str, payload: AudienceIn) -> Any:
    network = get_network_for(request.user, slug, Action.MANAGE_CHARTER)
    data = payload.dict()
    return actions.set_audience(
        actor=_user(request),
        network=network,
        member_kinds=data["member_kinds"],
        countries_=data["countries"],
        themes=data["themes"],
        statements=data["statements"],
    )


class ItemIn(Schema):
    title: str
    description: str = ""
    owner: int | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    status: Literal["planned", "in_progress", "done", "blocked"] = "planned"


class ItemPatch(Schema):
    title: Omittable[str] = None
    description: Omittable[str] = None
    owner: int | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    status: Omittable[Literal["planned", "in_progress", "done", "blocked"]] = None


class ItemOut(Schema):
    id: int
    title: str
    description: str
    owner: int | None = Field(None, alias="owner_id")
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    status: str


def _owner(network: Network, data: dict[str, Any]) -> dict[str, Any]:
    """The action item's owner named by id: a wrong id is a 422 on `owner`."""
    if data.get("owner") is not None:
        data["owner"] = named_in_body(network.people.all(), data["owner"], "owner")
    return data


@router.get("/networks/{slug}/action-plan", response=list[ItemOut])
def action_plan(request: HttpRequest, slug: str) -> Any:
    return get_network_for(request.user, slug).action_items.all()


@router.post("/networks/{slug}/action-plan", response={201: ItemOut})
def add_item(request: HttpRequest, slug: str, payload: ItemIn) -> Status[ActionItem]:
    network = get_network_for(request.user, slug, Action.MANAGE_CHARTER)
    data = _owner(network, payload.dict())
    return Status(201, actions.add_action_item(actor=_user(request), network=network, **data))


@router.patch("/networks/{slug}/action-plan/{pk}", response=ItemOut)
def update_item(request: HttpRequest, slug: str, pk: int, payload: ItemPatch) -> ActionItem:
    network = get_network_for(request.user, slug, Action.MANAGE_CHARTER)
    item = get_action_item_for(request.user, network, pk)
    data = _owner(network, payload.dict(exclude_unset=True))
    return actions.update_action_item(actor=_user(request), item=item, **data)
