"""API of financing: the catalogue of calls (and its import), matches, joint applications
with partners and documents, the gap analysis, needs, members' funding, the survey link
and the sustainability and financing plan. Amounts are decimal strings; a deadline is ISO
8601, and a date alone ends at the end of that day in the network's time zone."""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

import base64
import binascii
import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from minga.core.access import acting_user as _user
from minga.core.access import get_network_for, get_organization_for, named_in_body
from minga.core.exports import attachment
from minga.core.models import Network
from minga.core.pagination import PageNumberPagination, SerializedPage
from minga.core.permissions import Action, can
from minga.core.schemas import Omittable
from minga.financing import actions, queries
from minga.financing.access import (
    get_application_for,
    get_call_for,
    get_document_for,
    get_funder_for,
    get_need_for,
    get_partner_for,
    get_plan_line_for,
    may_work_on,
    sees_amounts_of,
)
from minga.financing.calls_file import deadline_of
from minga.financing.models import (
    Call,
    Funder,
    JointApplication,
    Need,
    PlanLine,
    SurveyLink,
    SustainabilityPlan,
)
from minga.mapping.queries import surveys_with_forms

router = Router(tags=["financing"])

SourceTypeName = Literal["national_public", "international_cooperation", "private"]
StageName = Literal["prospect", "preparing", "submitted", "awarded", "rejected"]


def _decimal(value: str | None, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        found = Decimal(value.strip())
    except (InvalidOperation, AttributeError) as exc:
        raise ValidationError({field: f"{value!r} is not a decimal number."}) from exc
    if not found.is_finite():
        raise ValidationError({field: f"{value!r} is not a decimal number."})
    return found


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _deadline(network: Network, text: str, field: str = "deadline") -> datetime.datetime:
    found = deadline_of(text, network.zone()) if text.strip() else None
    if found is None:
        raise ValidationError({field: "Not an ISO 8601 date or date and time."})
    return found


# Calls --------------------------------------------------------------------------------


class CallIn(Schema):
    title: str = Field(max_length=300)
    funder: str = Field(max_length=200)
    source_type: SourceTypeName
    themes: list[str] = Field(default_factory=list, max_length=100)
    countries: list[str] = Field(default_factory=list, max_length=300)
    org_types: list[str] = Field(default_factory=list, max_length=20)
    amount_min: str | None = None
    amount_max: str | None = None
    currency: str = Field("USD", max_length=3)
    cofinancing: str | None = Field(None, description="Percentage, 0 to 100.")
    deadline: str = Field(max_length=40, examples=["2027-03-31", "2027-03-31T17:00:00-05:00"])
    url: str = Field("", max_length=500)
    criteria: str = Field("", max_length=20_000)
    joint_allowed: bool = False


class CallPatch(Schema):
    title: Omittable[str] = Field(None, max_length=300)
    funder: Omittable[str] = Field(None, max_length=200)
    source_type: Omittable[SourceTypeName] = None
    themes: Omittable[list[str]] = Field(None, max_length=100)
    countries: Omittable[list[str]] = Field(None, max_length=300)
    org_types: Omittable[list[str]] = Field(None, max_length=20)
    amount_min: str | None = None
    amount_max: str | None = None
    currency: Omittable[str] = Field(None, max_length=3)
    cofinancing: str | None = None
    deadline: Omittable[str] = Field(None, max_length=40)
    url: Omittable[str] = Field(None, max_length=500)
    criteria: Omittable[str] = Field(None, max_length=20_000)
    joint_allowed: Omittable[bool] = None


class CallOut(Schema):
    id: int
    title: str
    funder: str
    source_type: str
    themes: list[str]
    countries: list[str]
    org_types: list[str]
    amount_min: str | None
    amount_max: str | None
    currency: str
    cofinancing: str | None
    deadline: datetime.datetime
    open: bool
    url: str
    criteria: str
    joint_allowed: bool


def call_out(call: Call) -> dict[str, Any]:
    return {
        "id": call.pk,
        "title": call.title,
        "funder": call.funder.name,
        "source_type": call.source_type,
        "themes": [theme.slug for theme in call.themes.all()],
        "countries": list(call.countries),
        "org_types": list(call.org_types),
        "amount_min": _money(call.amount_min),
        "amount_max": _money(call.amount_max),
        "currency": call.currency,
        "cofinancing": _money(call.cofinancing),
        "deadline": call.deadline,
        "open": call.is_open(),
        "url": call.url,
        "criteria": call.criteria,
        "joint_allowed": call.joint_allowed,
    }


def _call_values(network: Network, data: dict[str, Any]) -> dict[str, Any]:
    for field in ("amount_min", "amount_max", "cofinancing"):
        if field in data:
            data[field] = _decimal(data[field], field)
    if "deadline" in data:
        data["deadline"] = _deadline(network, data["deadline"])
    return data


@router.get("/networks/{slug}/funding/calls", response=list[CallOut])
@paginate(PageNumberPagination, page_size=50)
def list_calls(
    request: HttpRequest,
    slug: str,
    q: str = "",
    source_type: SourceTypeName | None = None,
    theme: str = "",
    past: bool = False,
) -> Any:
    """Open calls, soonest deadline first (`past=true` adds those past their deadline)."""
    network = get_network_for(request.user, slug, Action.VIEW_FUNDING)
    rows = queries.calls(
        network, {"q": q, "source_type": source_type, "theme": theme, "past": past}
    ).prefetch_related("themes")
    return SerializedPage(rows, call_out)


@router.post("/networks/{slug}/funding/calls", response={201: CallOut})
def add_call(request: HttpRequest, slug: str, payload: CallIn) -> Status[dict[str, Any]]:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    call = actions.save_call(
        actor=_user(request), network=network, **_call_values(network, payload.dict())
    )
    return Status(201, call_out(call))


@router.get("/networks/{slug}/funding/calls/{pk}", response=CallOut)
def get_call(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.VIEW_FUNDING)
    return call_out(get_call_for(request.user, network, pk))


@router.patch("/networks/{slug}/funding/calls/{pk}", response=CallOut)
def change_call(request: HttpRequest, slug: str, pk: int, payload: CallPatch) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    call = get_call_for(request.user, network, pk, Action.MANAGE_FUNDING)
    data = _call_values(network, payload.dict(exclude_unset=True))
    funder = data.pop("funder", call.funder.name)
    saved = actions.save_call(
        actor=_user(request), network=network, call=call, funder=funder, **data
    )
    return call_out(saved)


@router.delete("/networks/{slug}/funding/calls/{pk}", response={204: None})
def delete_call(request: HttpRequest, slug: str, pk: int) -> Status[None]:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    actions.delete_call(actor=_user(request), call=get_call_for(request.user, network, pk))
    return Status(204, None)


class ImportIn(Schema):
    name: str = Field(max_length=200, examples=["calls.csv"])
    content_base64: str = Field(description="The CSV or XLSX file, base64-encoded.")


class ImportOut(Schema):
    added: int
    updated: int


@router.post("/networks/{slug}/funding/calls/import", response=ImportOut)
def import_calls(request: HttpRequest, slug: str, payload: ImportIn) -> dict[str, int]:
    """All or nothing: a 422 lists every bad cell as `row N, column C: value V: why`."""
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    try:
        data = base64.b64decode(payload.content_base64, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise ValidationError({"content_base64": "Not base64."}) from exc
    added, updated = actions.import_calls(
        actor=_user(request), network=network, data=data, name=payload.name or "calls"
    )
    return {"added": added, "updated": updated}


class FunderIn(Schema):
    name: Omittable[str] = Field(None, max_length=200)
    source_type: Omittable[SourceTypeName] = None
    kind: Omittable[
        Literal[
            "government",
            "embassy",
            "international_organization",
            "corporate_foundation",
            "foundation",
            "company",
            "other",
        ]
    ] = None
    website: Omittable[str] = Field(None, max_length=200)
    mission: Omittable[str] = Field(None, max_length=5000)
    values: Omittable[str] = Field(None, max_length=5000)
    pillars: Omittable[str] = Field(None, max_length=5000)


class FunderOut(Schema):
    id: int
    name: str
    source_type: str
    kind: str
    website: str
    mission: str
    values: str
    pillars: str


@router.get("/networks/{slug}/funding/funders", response=list[FunderOut])
@paginate(PageNumberPagination, page_size=100)
def list_funders(request: HttpRequest, slug: str) -> Any:
    network = get_network_for(request.user, slug, Action.VIEW_FUNDING)
    return Funder.objects.filter(network=network).order_by("name", "pk")


@router.patch("/networks/{slug}/funding/funders/{pk}", response=FunderOut)
def change_funder(request: HttpRequest, slug: str, pk: int, payload: FunderIn) -> Funder:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    funder = get_funder_for(request.user, network, pk)
    return actions.save_funder(
        actor=_user(request), network=network, funder=funder, **payload.dict(exclude_unset=True)
    )


# Matches --------------------------------------------------------------------------------


class MatchOut(Schema):
    call: int
    title: str
    score: float
    reasons: list[str]


@router.get("/networks/{slug}/funding/matches", response=list[MatchOut])
def list_matches(request: HttpRequest, slug: str, organization: int | None = None) -> Any:
    """Open calls ranked by fit for the network, or for one member (`organization`: one's
    own, or any for coordinators and the treasurer), best first, with why each scored as
    it did: the same shape as `minga funding match --json`."""
    network = get_network_for(request.user, slug, Action.VIEW_FUNDING)
    member = get_organization_for(request.user, network, organization) if organization else None
    # Another organization's matches show what it looks for: its people's, and managers'.
    if member is not None and not sees_amounts_of(request.user, member):
        raise PermissionDenied
    return queries.match_rows(queries.matches(network, member)[:])


# The gap analysis -------------------------------------------------------------------------


class CoverageOut(Schema):
    source_type: str
    with_access: int
    without: int
    amounts: dict[str, str] | None = Field(
        description="Annual amounts reported, by currency (for who manages funding)."
    )


class YearOut(Schema):
    year: int
    currency: str
    need: str
    dues: str
    grants: str
    income: str
    gap: str


class GapSurveyOut(Schema):
    survey: str
    organizations: int
    wanting_funding_access: list[int]
    sources: dict[str, int]
    offers: dict[str, list[int]]


class GapOut(Schema):
    organizations: int
    recorded: int
    coverage: list[CoverageOut]
    years: list[YearOut]
    survey: GapSurveyOut | None


@router.get("/networks/{slug}/funding/gap", response=GapOut)
def get_gap(request: HttpRequest, slug: str) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.VIEW_FUNDING)
    manage = can(request.user, Action.MANAGE_FUNDING, network)
    total, recorded, sources = queries.coverage(network)
    figures = queries.survey_figures(network)
    return {
        "organizations": total,
        "recorded": recorded,
        "coverage": [
            {
                "source_type": s.source_type,
                "with_access": s.with_access,
                "without": s.without,
                "amounts": {c: f"{a:.2f}" for c, a in s.amounts.items()} if manage else None,
            }
            for s in sources
        ],
        "years": [
            {
                "year": r.year,
                "currency": r.currency,
                "need": f"{r.need:.2f}",
                "dues": f"{r.dues:.2f}",
                "grants": f"{r.grants:.2f}",
                "income": f"{r.income:.2f}",
                "gap": f"{r.gap:.2f}",
            }
            for r in queries.gap_rows(network)
        ],
        "survey": {
            "survey": figures.survey,
            "organizations": figures.organizations,
            "wanting_funding_access": figures.wanting or [],
            "sources": figures.sources or {},
            "offers": figures.offers or {},
        }
        if figures
        else None,
    }


class NeedIn(Schema):
    title: str = Field(max_length=200)
    kind: Literal["project", "area", "institutional"]
    year: int = Field(ge=2000, le=2100)
    amount: str
    currency: str = Field("USD", max_length=3)
    themes: list[str] = Field(default_factory=list, max_length=100)


class NeedOut(Schema):
    id: int
    title: str
    kind: str
    year: int
    amount: str
    currency: str
    themes: list[str]


def need_out(need: Need) -> dict[str, Any]:
    return {
        "id": need.pk,
        "title": need.title,
        "kind": need.kind,
        "year": need.year,
        "amount": f"{need.amount:.2f}",
        "currency": need.currency,
        "themes": [t.slug for t in need.themes.all()],
    }


@router.get("/networks/{slug}/funding/needs", response=list[NeedOut])
@paginate(PageNumberPagination, page_size=100)
def list_needs(request: HttpRequest, slug: str) -> Any:
    network = get_network_for(request.user, slug, Action.VIEW_FUNDING)
    rows = Need.objects.filter(network=network).prefetch_related("themes").order_by("year", "pk")
    return SerializedPage(rows, need_out)


@router.post("/networks/{slug}/funding/needs", response={201: NeedOut})
def add_need(request: HttpRequest, slug: str, payload: NeedIn) -> Status[dict[str, Any]]:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    data = payload.dict()
    amount = _decimal(data.pop("amount"), "amount")
    if amount is None:
        raise ValidationError({"amount": "Give the amount."})
    need = actions.save_need(actor=_user(request), network=network, amount=amount, **data)
    return Status(201, need_out(need))


@router.delete("/networks/{slug}/funding/needs/{pk}", response={204: None})
def delete_need(request: HttpRequest, slug: str, pk: int) -> Status[None]:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    actions.delete_need(actor=_user(request), need=get_need_for(request.user, network, pk))
    return Status(204, None)


class SourceIn(Schema):
    source_type: SourceTypeName
    annual_amount: str | None = None
    currency: str = Field("USD", max_length=3)


class AccessIn(Schema):
    sources: list[SourceIn] = Field(default_factory=list, max_length=3)
    lacks: str = Field("", max_length=5000)
    needed_amount: str | None = None
    currency: str = Field("USD", max_length=3)


class AccessOut(Schema):
    organization: int
    sources: list[SourceIn]
    lacks: str
    needed_amount: str | None
    currency: str


def access_out(organization: Any) -> dict[str, Any]:
    profile, sources = queries.funding_of(organization)
    return {
        "organization": organization.pk,
        "sources": [
            {
                "source_type": s.source_type,
                "annual_amount": _money(s.annual_amount),
                "currency": s.currency,
            }
            for s in sources
        ],
        "lacks": profile.lacks if profile else "",
        "needed_amount": _money(profile.needed_amount) if profile else None,
        "currency": profile.currency if profile else "USD",
    }


def _own_funding(request: HttpRequest, slug: str, pk: int) -> Any:
    network = get_network_for(request.user, slug, Action.RECORD_FUNDING_ACCESS)
    organization = get_organization_for(request.user, network, pk)
    if not sees_amounts_of(request.user, organization):
        raise PermissionDenied
    return organization


@router.get("/networks/{slug}/funding/organizations/{pk}", response=AccessOut)
def get_access(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    """An organization's funding today: its own people, and who manages the network's."""
    return access_out(_own_funding(request, slug, pk))


@router.put("/networks/{slug}/funding/organizations/{pk}", response=AccessOut)
def set_access(request: HttpRequest, slug: str, pk: int, payload: AccessIn) -> dict[str, Any]:
    organization = _own_funding(request, slug, pk)
    actions.record_access(
        actor=_user(request),
        organization=organization,
        sources={
            s.source_type: (_decimal(s.annual_amount, "sources"), s.currency)
            for s in payload.sources
        },
        lacks=payload.lacks,
        needed_amount=_decimal(payload.needed_amount, "needed_amount"),
        currency=payload.currency,
    )
    return access_out(organization)


class SurveyLinkIn(Schema):
    survey: int
    needs_question: str = Field("", max_length=200)
    funding_choice: str = Field("", max_length=200)
    sources_question: str = Field("", max_length=200)
    source_choices: dict[str, SourceTypeName] = Field(default_factory=dict)
    offers_question: str = Field("", max_length=200)


class SurveyLinkOut(Schema):
    survey: int
    needs_question: str
    funding_choice: str
    sources_question: str
    source_choices: dict[str, str]
    offers_question: str


@router.get("/networks/{slug}/funding/survey-link", response={200: SurveyLinkOut, 204: None})
def get_survey_link(request: HttpRequest, slug: str) -> Any:
    network = get_network_for(request.user, slug, Action.VIEW_FUNDING)
    link = SurveyLink.objects.filter(network=network).first()
    if link is None:
        return Status(204, None)
    return Status(200, {**vars(link), "survey": link.survey_id})


@router.put("/networks/{slug}/funding/survey-link", response=SurveyLinkOut)
def set_survey_link(request: HttpRequest, slug: str, payload: SurveyLinkIn) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    survey = next((s for s in surveys_with_forms(network) if s.pk == payload.survey), None)
    if survey is None:
        raise ValidationError({"survey": f"No survey {payload.survey} in this network."})
    data = payload.dict()
    data.pop("survey")
    link = actions.link_survey(actor=_user(request), network=network, survey=survey, **data)
    return {**vars(link), "survey": link.survey_id}


# Joint applications ---------------------------------------------------------------------


class JointApplicationIn(Schema):
    title: str = Field("", max_length=300)
    lead: int = Field(description="The lead organization's id.")
    call: int | None = None
    deadline: str = Field("", max_length=40, description="Empty: the call's deadline.")
    budget: str | None = None
    currency: str = Field("", max_length=3)
    notes: str = Field("", max_length=20_000)


class JointApplicationPatch(Schema):
    title: Omittable[str] = Field(None, max_length=300)
    deadline: Omittable[str] = Field(None, max_length=40)
    budget: str | None = None
    currency: Omittable[str] = Field(None, max_length=3)
    notes: Omittable[str] = Field(None, max_length=20_000)


class PartnerOut(Schema):
    id: int
    organization: int
    name: str
    role: str
    budget_share: str | None


class DocumentOut(Schema):
    id: int
    name: str
    size: int
    uploaded_at: datetime.datetime


class JointApplicationOut(Schema):
    id: int
    title: str
    call: int | None
    lead: int | None
    stage: str
    deadline: datetime.datetime
    budget: str | None
    currency: str
    awarded_amount: str | None
    awarded_on: datetime.date | None
    notes: str
    partners: list[PartnerOut]
    documents: list[DocumentOut] | None = Field(description="For the application's team.")


def application_out(application: JointApplication, user: Any) -> dict[str, Any]:
    team = may_work_on(user, application)
    return {
        "id": application.pk,
        "title": application.title,
        "call": application.call_id,
        "lead": application.lead_id,
        "stage": application.stage,
        "deadline": application.deadline,
        "budget": _money(application.budget),
        "currency": application.currency,
        "awarded_amount": _money(application.awarded_amount),
        "awarded_on": application.awarded_on,
        "notes": application.notes,
        "partners": [
            {
                "id": p.pk,
                "organization": p.organization_id,
                "name": p.organization.name,
                "role": p.role,
                "budget_share": _money(p.budget_share),
            }
            for p in application.partners.select_related("organization")
        ],
        "documents": [
            {"id": d.pk, "name": d.name, "size": d.size, "uploaded_at": d.uploaded_at}
            for d in application.documents.defer("content")[:200]
        ]
        if team
        else None,
    }


class JointApplicationRow(Schema):
    id: int
    title: str
    call: int | None = Field(alias="call_id")
    lead: int | None = Field(alias="lead_id")
    stage: str
    deadline: datetime.datetime
    budget: str | None
    currency: str
    awarded_amount: str | None

    @staticmethod
    def resolve_budget(obj: JointApplication) -> str | None:
        return _money(obj.budget)

    @staticmethod
    def resolve_awarded_amount(obj: JointApplication) -> str | None:
        return _money(obj.awarded_amount)


@router.get("/networks/{slug}/funding/applications", response=list[JointApplicationRow])
@paginate(PageNumberPagination, page_size=50)
def list_applications(request: HttpRequest, slug: str, stage: StageName | None = None) -> Any:
    network = get_network_for(request.user, slug, Action.VIEW_FUNDING)
    return queries.applications(network, stage)


@router.post("/networks/{slug}/funding/applications", response={201: JointApplicationOut})
def start_application(
    request: HttpRequest, slug: str, payload: JointApplicationIn
) -> Status[dict[str, Any]]:
    network = get_network_for(request.user, slug, Action.APPLY_FOR_FUNDING)
    lead = named_in_body(network.organizations.all(), payload.lead, "lead")
    call = (
        named_in_body(Call.objects.filter(network=network), payload.call, "call")
        if payload.call
        else None
    )
    application = actions.start_application(
        actor=_user(request),
        network=network,
        title=payload.title,
        lead=lead,
        call=call,
        deadline=_deadline(network, payload.deadline) if payload.deadline else None,
        budget=_decimal(payload.budget, "budget"),
        currency=payload.currency,
        notes=payload.notes,
    )
    return Status(201, application_out(application, request.user))


@router.get("/networks/{slug}/funding/applications/{pk}", response=JointApplicationOut)
def get_application(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.VIEW_FUNDING)
    return application_out(get_application_for(request.user, network, pk), request.user)


@router.patch("/networks/{slug}/funding/applications/{pk}", response=JointApplicationOut)
def change_application(
    request: HttpRequest, slug: str, pk: int, payload: JointApplicationPatch
) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.APPLY_FOR_FUNDING)
    application = get_application_for(request.user, network, pk, Action.APPLY_FOR_FUNDING)
    data = payload.dict(exclude_unset=True)
    if "budget" in data:
        data["budget"] = _decimal(data["budget"], "budget")
    if "deadline" in data:
        data["deadline"] = _deadline(network, data["deadline"])
    actions.update_application(actor=_user(request), application=application, **data)
    return application_out(application, request.user)


class ApplicationStageIn(Schema):
    stage: StageName
    awarded_amount: str | None = None
    awarded_on: datetime.date | None = None


@router.post("/networks/{slug}/funding/applications/{pk}/stage", response=JointApplicationOut)
def move_application(
    request: HttpRequest, slug: str, pk: int, payload: ApplicationStageIn
) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.APPLY_FOR_FUNDING)
    application = get_application_for(request.user, network, pk, Action.APPLY_FOR_FUNDING)
    actions.set_stage(
        actor=_user(request),
        application=application,
        stage=payload.stage,
        awarded_amount=_decimal(payload.awarded_amount, "awarded_amount"),
        awarded_on=payload.awarded_on,
    )
    return application_out(application, request.user)


class PartnerIn(Schema):
    organization: int
    role: str = Field("", max_length=200)
    budget_share: str | None = Field(None, description="Percentage, 0 to 100.")


@router.post("/networks/{slug}/funding/applications/{pk}/partners", response=JointApplicationOut)
def set_partner(request: HttpRequest, slug: str, pk: int, payload: PartnerIn) -> dict[str, Any]:
    """Add a partner, or change its role and share of the budget."""
    network = get_network_for(request.user, slug, Action.APPLY_FOR_FUNDING)
    application = get_application_for(request.user, network, pk, Action.APPLY_FOR_FUNDING)
    organization = named_in_body(network.organizations.all(), payload.organization, "organization")
    actions.set_partner(
        actor=_user(request),
        application=application,
        organization=organization,
        role=payload.role,
        budget_share=_decimal(payload.budget_share, "budget_share"),
    )
    return application_out(application, request.user)


@router.delete(
    "/networks/{slug}/funding/applications/{pk}/partners/{partner}", response={204: None}
)
def remove_partner(request: HttpRequest, slug: str, pk: int, partner: int) -> Status[None]:
    network = get_network_for(request.user, slug, Action.APPLY_FOR_FUNDING)
    actions.remove_partner(
        actor=_user(request), partner=get_partner_for(request.user, network, pk, partner)
    )
    return Status(204, None)


class DocumentIn(Schema):
    name: str = Field(max_length=200)
    content_base64: str


@router.post("/networks/{slug}/funding/applications/{pk}/documents", response={201: DocumentOut})
def attach_document(
    request: HttpRequest, slug: str, pk: int, payload: DocumentIn
) -> Status[dict[str, Any]]:
    network = get_network_for(request.user, slug, Action.APPLY_FOR_FUNDING)
    application = get_application_for(request.user, network, pk, Action.APPLY_FOR_FUNDING)
    try:
        data = base64.b64decode(payload.content_base64, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise ValidationError({"content_base64": "Not base64."}) from exc
    document = actions.attach_document(
        actor=_user(request), application=application, name=payload.name, content=data
    )
    return Status(
        201,
        {
            "id": document.pk,
            "name": document.name,
            "size": document.size,
            "uploaded_at": document.uploaded_at,
        },
    )


@router.get(
    "/networks/{slug}/funding/applications/{pk}/documents/{document}",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_document(request: HttpRequest, slug: str, pk: int, document: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_FUNDING)
    found = get_document_for(request.user, network, pk, document)
    response = attachment(bytes(found.content), "application/octet-stream", found.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# The sustainability and financing plan ----------------------------------------------------


MechanismName = Literal[
    "joint_calls",
    "joint_fundraising",
    "productive_projects",
    "membership_fees",
    "donations",
    "other",
]


class LineIn(Schema):
    title: str = Field(max_length=300)
    mechanism: MechanismName = "other"
    owner: int | None = Field(None, description="A person's id.")
    deadline: datetime.date
    status: Literal["planned", "underway", "done"] = "planned"
    progress: str = Field("0", description="Percentage, 0 to 100.")


class LineOut(Schema):
    id: int
    title: str
    mechanism: str
    owner: int | None = Field(alias="owner_id")
    deadline: datetime.date
    status: str
    progress: str

    @staticmethod
    def resolve_progress(obj: PlanLine) -> str:
        return f"{obj.progress:.2f}"


class FinancingPlanIn(Schema):
    mechanisms: list[MechanismName] = Field(default_factory=list, max_length=10)
    legal_conditions: str = Field("", max_length=20_000)
    institutional_conditions: str = Field("", max_length=20_000)
    follow_up: str = Field("", max_length=20_000)


class FinancingPlanOut(FinancingPlanIn):
    lines: list[LineOut]


def plan_out(network: Network) -> dict[str, Any]:
    plan = SustainabilityPlan.objects.filter(network=network).first()
    return {
        "mechanisms": plan.mechanisms if plan else [],
        "legal_conditions": plan.legal_conditions if plan else "",
        "institutional_conditions": plan.institutional_conditions if plan else "",
        "follow_up": plan.follow_up if plan else "",
        "lines": list(PlanLine.objects.filter(network=network)[:500]),
    }


@router.get("/networks/{slug}/funding/plan", response=FinancingPlanOut)
def get_plan(request: HttpRequest, slug: str) -> dict[str, Any]:
    return plan_out(get_network_for(request.user, slug, Action.VIEW_FUNDING))


@router.put("/networks/{slug}/funding/plan", response=FinancingPlanOut)
def set_plan(request: HttpRequest, slug: str, payload: FinancingPlanIn) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    actions.save_plan(actor=_user(request), network=network, **payload.dict())
    return plan_out(network)


def _line_values(network: Network, payload: LineIn) -> dict[str, Any]:
    data = payload.dict()
    data["owner"] = (
        named_in_body(network.people.all(), data["owner"], "owner") if data["owner"] else None
    )
    data["progress"] = _decimal(data["progress"], "progress") or Decimal(0)
    return data


@router.post("/networks/{slug}/funding/plan/lines", response={201: LineOut})
def add_line(request: HttpRequest, slug: str, payload: LineIn) -> Status[PlanLine]:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    line = actions.save_plan_line(
        actor=_user(request), network=network, **_line_values(network, payload)
    )
    return Status(201, line)


@router.put("/networks/{slug}/funding/plan/lines/{pk}", response=LineOut)
def change_line(request: HttpRequest, slug: str, pk: int, payload: LineIn) -> PlanLine:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    line = get_plan_line_for(request.user, network, pk)
    return actions.save_plan_line(
        actor=_user(request), network=network, line=line, **_line_values(network, payload)
    )


@router.delete("/networks/{slug}/funding/plan/lines/{pk}", response={204: None})
def delete_line(request: HttpRequest, slug: str, pk: int) -> Status[None]:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    actions.delete_plan_line(
        actor=_user(request), line=get_plan_line_for(request.user, network, pk)
    )
    return Status(204, None)
