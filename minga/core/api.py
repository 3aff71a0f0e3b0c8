"""API of the core app: auth tokens, networks, steps, organizations, people, invitations."""

# No `from __future__ import annotations` here: django-ninja builds its request
# models from the annotations at runtime and cannot resolve them as strings.

from datetime import date, datetime
from typing import Any

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import slugify
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from minga.core import actions, queries, signals
from minga.core.access import acting_user as _user
from minga.core.access import (
    get_network_for,
    get_organization_for,
    get_person_for,
    organization_named_in,
)
from minga.core.models import (
    AuditEntry,
    GovernanceModel,
    Invitation,
    Network,
    Organization,
    Person,
    User,
)
from minga.core.pagination import PageNumberPagination, SerializedPage
from minga.core.permissions import Action, can
from minga.core.steps import STEPS, STEPS_BY_KEY

router = Router(tags=["core"])


# Auth --------------------------------------------------------------------------------------


class Credentials(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@router.post(
    "/auth/token", auth=None, response={200: TokenOut, 401: dict[str, str], 429: dict[str, str]}
)
def create_token(request: HttpRequest, payload: Credentials) -> Any:
    """Exchange a username and password for a new API token (failures are rate-limited)."""
    try:
        user = authenticate(request, username=payload.username, password=payload.password)
    except AxesBackendPermissionDenied:
        return Status(429, {"detail": "Too many failed attempts; try again later."})
    if user is None or not isinstance(user, User):
        # axes may have just locked this username/address pair.
        if getattr(request, "axes_locked_out", False):
            return Status(429, {"detail": "Too many failed attempts; try again later."})
        return Status(401, {"detail": "Wrong username or password."})
    token = actions.issue_token(actor=user, user=user)
    # With the password at hand: apps may keep something unlocked for this token.
    signals.token_issued.send(sender=User, user=user, token=token, password=payload.password)
    return Status(200, {"token": token})


# Networks -------------------------------------------------------------------------------------


class NetworkIn(Schema):
    slug: str = Field(max_length=50)
    name: str = Field(max_length=200)
    model: GovernanceModel = GovernanceModel.VERTICAL
    languages: list[str] = Field(default_factory=lambda: ["es", "pt-br"])
    description: str = ""


class NetworkPatch(Schema):
    name: str | None = Field(default=None, max_length=200)
    model: GovernanceModel | None = None
    languages: list[str] | None = None
    description: str | None = None
    coordinating_organization: int | None = Field(
        default=None, description="Organization id; null clears it."
    )
    time_zone: str | None = Field(default=None, max_length=64, examples=["America/Bogota"])


class NetworkOut(Schema):
    slug: str
    name: str
    model: str
    languages: list[str]
    description: str
    coordinating_organization: int | None = Field(None, alias="coordinating_organization_id")
    time_zone: str
    created_at: datetime


@router.get("/networks", response=list[NetworkOut])
@paginate(PageNumberPagination, page_size=50)
def list_networks(request: HttpRequest) -> QuerySet[Network]:
    return queries.networks_visible_to(request.user)


@router.post("/networks", response={201: NetworkOut})
def create_network(request: HttpRequest, payload: NetworkIn) -> Status[Network]:
    network = actions.create_network(actor=_user(request), **payload.dict())
    return Status(201, network)


@router.get("/networks/{slug}", response=NetworkOut)
def get_network(request: HttpRequest, slug: str) -> Network:
    return get_network_for(request.user, slug)


@router.patch("/networks/{slug}", response=NetworkOut)
def update_network(request: HttpRequest, slug: str, payload: NetworkPatch) -> Network:
    network = get_network_for(request.user, slug, Action.CHANGE_NETWORK)
    changes = payload.dict(exclude_unset=True)
    for field, value in changes.items():
        if value is None and field != "coordinating_organization":
            raise ValidationError({field: "May not be null."})
    if "coordinating_organization" in changes:
        changes["coordinating_organization"] = organization_named_in(
            network, changes["coordinating_organization"], "coordinating_organization"
        )
    return actions.update_network(actor=_user(request), network=network, **changes)


# Steps ----------------------------------------------------------------------------------------


class StepOut(Schema):
    key: str
    number: str
    title: str
    state: str


class StepStateIn(Schema):
    state: str


@router.get("/networks/{slug}/steps", response=list[StepOut])
def list_steps(request: HttpRequest, slug: str) -> list[dict[str, str]]:
    network = get_network_for(request.user, slug)
    states = queries.step_states(network)
    return [
        {"key": s.key, "number": s.number, "title": str(s.title), "state": states[s.key]}
        for s in STEPS
    ]


@router.put("/networks/{slug}/steps/{step}", response=StepOut)
def set_step_state(request: HttpRequest, slug: str, step: str, payload: StepStateIn) -> Any:
    network = get_network_for(request.user, slug, Action.SET_STEP_STATE)
    if step not in STEPS_BY_KEY:
        raise HttpError(404, "No such step")
    actions.set_step_state(actor=_user(request), network=network, step=step, state=payload.state)
    s = STEPS_BY_KEY[step]
    return {"key": s.key, "number": s.number, "title": str(s.title), "state": payload.state}


# Organizations ----------------------------------------------------------------------------------


class OrganizationIn(Schema):
    name: str = Field(max_length=200)
    country: str = Field(description="ISO 3166-1 alpha-2 code, e.g. CO")
    city: str = ""
    type: str = "ngo"
    size: str = "small"
    themes: list[str] = Field(default_factory=list)
    website: str = ""
    contact_email: str = ""
    contact_phone: str = ""


class OrganizationPatch(Schema):
    name: str | None = None
    country: str | None = None
    city: str | None = None
    type: str | None = None
    size: str | None = None
    themes: list[str] | None = None
    website: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None


class OrganizationOut(Schema):
    id: int
    name: str
    country: str
    city: str
    type: str
    size: str
    themes: list[str]
    website: str
    contact_email: str
    contact_phone: str

    @staticmethod
    def resolve_country(obj: Organization) -> str:
        return str(obj.country.code)

    @staticmethod
    def resolve_themes(obj: Organization) -> list[str]:
        return [theme.name for theme in obj.themes.all()]


class OrganizationFilters(Schema):
    q: str | None = None
    country: str | None = None
    size: str | None = None
    type: str | None = None
    theme: str | None = None


def _upper_country(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("country"):
        data["country"] = data["country"].upper()
    return data


@router.get("/networks/{slug}/organizations", response=list[OrganizationOut])
@paginate(PageNumberPagination, page_size=50)
def list_organizations(
    request: HttpRequest, slug: str, filters: Query[OrganizationFilters]
) -> QuerySet[Organization]:
    network = get_network_for(request.user, slug, Action.VIEW_ORGANIZATIONS)
    wanted = _upper_country(filters.dict(exclude_none=True))
    if "theme" in wanted:
        wanted["theme"] = slugify(wanted["theme"])
    return queries.organizations_of(network, **wanted)


@router.post("/networks/{slug}/organizations", response={201: OrganizationOut})
def create_organization(
    request: HttpRequest, slug: str, payload: OrganizationIn
) -> Status[Organization]:
    network = get_network_for(request.user, slug, Action.MANAGE_ORGANIZATIONS)
    data = _upper_country(payload.dict())
    themes = data.pop("themes")
    organization = actions.create_organization(
        actor=_user(request), network=network, themes=themes, **data
    )
    return Status(201, organization)


@router.get("/networks/{slug}/organizations/{pk}", response=OrganizationOut)
def get_organization(request: HttpRequest, slug: str, pk: int) -> Organization:
    network = get_network_for(request.user, slug, Action.VIEW_ORGANIZATIONS)
    return get_organization_for(request.user, network, pk)


@router.patch("/networks/{slug}/organizations/{pk}", response=OrganizationOut)
def update_organization(
    request: HttpRequest, slug: str, pk: int, payload: OrganizationPatch
) -> Organization:
    network = get_network_for(request.user, slug, Action.MANAGE_ORGANIZATIONS)
    organization = get_organization_for(request.user, network, pk, Action.MANAGE_ORGANIZATIONS)
    changes = _upper_country(payload.dict(exclude_unset=True))
    for field, value in changes.items():
        if value is None:
            raise ValidationError({field: "May not be null."})
    themes = changes.pop("themes", None)
    return actions.update_organization(
        actor=_user(request), organization=organization, themes=themes, **changes
    )


# People -------------------------------------------------------------------------------------


class PersonIn(Schema):
    username: str = Field(max_length=150)
    email: str = ""
    password: str | None = None
    organization: int | None = None
    roles: list[str] = Field(default_factory=lambda: ["member"])
    first_name: str = ""
    last_name: str = ""
    language: str = ""


class PersonPatch(Schema):
    organization: int | None = None
    roles: list[str] | None = None


class PersonOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    language: str
    organization: int | None
    roles: list[str]


class PeopleFilters(Schema):
    role: str | None = None
    organization: int | None = None
    q: str | None = None


def _person_out(person: Person, show_email: bool) -> dict[str, Any]:
    user = person.user
    return {
        "id": person.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        # Addresses are for coordinators; other people see names and roles.
        "email": user.email if show_email else "",
        "language": user.language,
        "organization": person.organization_id,
        "roles": person.role_names(),
    }


@router.get("/networks/{slug}/people", response=list[PersonOut])
@paginate(PageNumberPagination, page_size=50)
def list_people(
    request: HttpRequest, slug: str, filters: Query[PeopleFilters]
) -> list[dict[str, Any]]:
    network = get_network_for(request.user, slug, Action.VIEW_PEOPLE)
    people = queries.people_of(network, **filters.dict())
    show_email = can(request.user, Action.MANAGE_PEOPLE, network)
    return SerializedPage(people, lambda person: _person_out(person, show_email))  # type: ignore[return-value]


@router.post("/networks/{slug}/people", response={201: PersonOut})
def add_person(request: HttpRequest, slug: str, payload: PersonIn) -> Status[dict[str, Any]]:
    network = get_network_for(request.user, slug, Action.MANAGE_PEOPLE)
    data = payload.dict()
    data["organization"] = organization_named_in(network, data["organization"])
    person = actions.add_person(actor=_user(request), network=network, **data)
    return Status(201, _person_out(person, show_email=True))


@router.get("/networks/{slug}/people/{pk}", response=PersonOut)
def get_person(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.VIEW_PEOPLE)
    person = get_person_for(request.user, network, pk)
    show_email = can(request.user, Action.MANAGE_PEOPLE, network) or person.user == request.user
    return _person_out(person, show_email)


@router.patch("/networks/{slug}/people/{pk}", response=PersonOut)
def update_person(request: HttpRequest, slug: str, pk: int, payload: PersonPatch) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.MANAGE_PEOPLE)
    person = get_person_for(request.user, network, pk, Action.MANAGE_PEOPLE)
    changes = payload.dict(exclude_unset=True)
    kwargs: dict[str, Any] = {}
    if "organization" in changes:
        kwargs["organization"] = organization_named_in(network, changes["organization"])
    if "roles" in changes:
        if changes["roles"] is None:
            raise ValidationError({"roles": "May not be null."})
        kwargs["roles"] = changes["roles"]
    person = actions.update_person(actor=_user(request), person=person, **kwargs)
    person = get_person_for(request.user, network, pk, Action.MANAGE_PEOPLE)
    return _person_out(person, show_email=True)


# Invitations and audit ---------------------------------------------------------------------------


class InvitationIn(Schema):
    email: str
    organization: int | None = None
    roles: list[str] = Field(default_factory=lambda: ["member"])
    language: str = "es"


class InvitationOut(Schema):
    id: int
    email: str
    organization: int | None = Field(None, alias="organization_id")
    roles: list[str]
    language: str
    expires_at: datetime
    accepted_at: datetime | None


@router.get("/networks/{slug}/invitations", response=list[InvitationOut])
@paginate(PageNumberPagination, page_size=50)
def list_invitations(request: HttpRequest, slug: str) -> QuerySet[Invitation]:
    network = get_network_for(request.user, slug, Action.MANAGE_PEOPLE)
    return network.invitations.all()


@router.post("/networks/{slug}/invitations", response={201: InvitationOut})
def invite(request: HttpRequest, slug: str, payload: InvitationIn) -> Status[Invitation]:
    network = get_network_for(request.user, slug, Action.MANAGE_PEOPLE)
    data = payload.dict()
    data["organization"] = organization_named_in(network, data["organization"])
    return Status(201, actions.invite_person(actor=_user(request), network=network, **data))


class AuditOut(Schema):
    id: int
    at: datetime
    actor: str | None
    by_system: bool
    action: str
    sentence: str
    target_type: str
    target_id: str
    target_repr: str
    data: dict[str, Any]

    @staticmethod
    def resolve_actor(obj: AuditEntry) -> str | None:
        return obj.actor.username if obj.actor else None

    @staticmethod
    def resolve_sentence(obj: AuditEntry) -> str:
        return obj.sentence()


@router.get("/networks/{slug}/audit", response=list[AuditOut])
@paginate(PageNumberPagination, page_size=100)
def audit_log(
    request: HttpRequest,
    slug: str,
    actor: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEntry]:
    """The network's audit log, newest first; optionally only one person's entries
    (`actor`, a username), one event (`action`, e.g. `step.set_state`), and those from
    `since` through `until` (dates, in the network's time zone)."""
    network = get_network_for(request.user, slug, Action.VIEW_AUDIT)
    return queries.audit_entries(network, actor=actor, action=action, since=since, until=until)
