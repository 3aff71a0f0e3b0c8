"""API of membership and dues (a stable contract): plans, applications, invoices,
payments, balances; plus members, contributions and the code of ethics."""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from minga.core.access import acting_user as _user
from minga.core.access import get_network_for, get_organization_for
from minga.core.models import Network
from minga.core.pagination import PageNumberPagination, SerializedPage
from minga.core.permissions import Action
from minga.membership import actions
from minga.membership.access import (
    dues_scope_for,
    get_application_for,
    get_contribution_for,
    get_contributions_for,
    get_invoice_for,
    get_membership_for,
    get_plan_for,
    visible_applications,
)
from minga.membership.models import Application, EthicsCode, Invoice, Membership, Plan
from minga.membership.queries import (
    DuesFilters,
    active_memberships,
    balances,
    dues_invoices,
    unsigned_organizations,
)
from minga.membership.reasons import explain

router = Router(tags=["membership"])

T = TypeVar("T")


def _in_body(field: str, pk: int, get: Callable[[], T]) -> T:
    """An id in the request body that points nowhere is a bad value (422), not a
    missing page (404)."""
    try:
        return get()
    except Http404:
        raise ValidationError({field: f"No {field} {pk} in this network."}) from None


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


# Plans -------------------------------------------------------------------------------------------


class Fees(Schema):
    small: str
    medium: str
    large: str


class PlanIn(Schema):
    name: str = Field(max_length=100)
    kind: Literal["open", "fixed", "variable"]
    period: Literal["monthly", "annual"] = "annual"
    currency: str = "USD"
    fee: str | None = None
    fees: Fees | None = None
    small_income_max: str | None = None
    medium_income_max: str | None = None


class PlanOut(Schema):
    id: int
    name: str
    kind: str
    period: str
    currency: str
    fee: str | None
    fees: dict[str, str] | None
    small_income_max: str | None
    medium_income_max: str | None
    active: bool


def plan_out(plan: Plan) -> dict[str, Any]:
    fees = plan.fees()
    return {
        "id": plan.pk,
        "name": plan.name,
        "kind": plan.kind,
        "period": plan.period,
        "currency": plan.currency,
        "fee": _amount(plan.fee),
        "fees": {size: f"{amount:.2f}" for size, amount in fees.items()} if fees else None,
        "small_income_max": _amount(plan.small_income_max),
        "medium_income_max": _amount(plan.medium_income_max),
        "active": plan.active,
    }


@router.get("/networks/{slug}/membership/plans", response=list[PlanOut])
def list_plans(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    network = get_network_for(request.user, slug)
    return [plan_out(plan) for plan in network.plans.all()]


@router.post("/networks/{slug}/membership/plans", response={201: PlanOut})
def create_plan(request: HttpRequest, slug: str, payload: PlanIn) -> Status[dict[str, Any]]:
    network = get_network_for(request.user, slug, Action.MANAGE_MEMBERSHIP)
    data = payload.dict()
    plan = actions.create_plan(actor=_user(request), network=network, **data)
    return Status(201, plan_out(plan))


# Applications ------------------------------------------------------------------------------------


class ApplicationIn(Schema):
    organization: int
    plan: int
    level: Literal["core", "active", "occasional"] = "active"
    accepted_statements: list[int] = Field(default_factory=list)
    pledges: str = ""


class ApplicationOut(Schema):
    id: int
    organization: int | None
    name: str
    plan: int
    level: str
    status: str
    eligible: bool
    reasons: list[str]
    unmet: list[dict[str, str]]
    decision_reason: str


APPLICATION_COLUMNS = (
    "pk",
    "network_id",
    "organization_id",
    "name",
    "plan_id",
    "level",
    "status",
    "eligible",
    "unmet",
    "decision_reason",
    "created_at",
)


def application_out(application: Application) -> dict[str, Any]:
    return {
        "id": application.pk,
        "organization": application.organization_id,
        "name": application.name,
        "plan": application.plan_id,
        "level": application.level,
        "status": application.status,
        "eligible": application.eligible,
        "reasons": [explain(item) for item in application.unmet],
        "unmet": application.unmet,
        "decision_reason": application.decision_reason,
    }


@router.get("/networks/{slug}/membership/applications", response=list[ApplicationOut])
@paginate(PageNumberPagination, page_size=50)
def list_applications(request: HttpRequest, slug: str, status: str | None = None) -> Any:
    network = get_network_for(request.user, slug)
    applications = visible_applications(request.user, network)
    if status:
        applications = applications.filter(status=status)
    # Only the page is serialized, from the columns it shows.
    shown = applications.only(*APPLICATION_COLUMNS).order_by("-created_at", "-pk")
    return SerializedPage(shown, application_out)


@router.post("/networks/{slug}/membership/applications", response={201: ApplicationOut})
def apply(request: HttpRequest, slug: str, payload: ApplicationIn) -> Status[dict[str, Any]]:
    network = get_network_for(request.user, slug, Action.APPLY)
    organization = _in_body(
        "organization",
        payload.organization,
        lambda: get_organization_for(request.user, network, payload.organization),
    )
    plan = _in_body("plan", payload.plan, lambda: get_plan_for(request.user, network, payload.plan))
    application = actions.apply_for_organization(
        actor=_user(request),
        network=network,
        organization=organization,
        plan=plan,
        level=payload.level,
        accepted_statements=payload.accepted_statements,
        pledges=payload.pledges,
    )
    return Status(201, application_out(application))


@router.post("/networks/{slug}/membership/applications/{pk}/approve", response=ApplicationOut)
def approve(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.MANAGE_MEMBERSHIP)
    application = get_application_for(request.user, network, pk)
    actions.approve(actor=_user(request), application=application)
    return application_out(get_application_for(request.user, network, pk))


class RejectIn(Schema):
    reason: str


@router.post("/networks/{slug}/membership/applications/{pk}/reject", response=ApplicationOut)
def reject(request: HttpRequest, slug: str, pk: int, payload: RejectIn) -> dict[str, Any]:
    network = get_network_for(request.user, slug, Action.MANAGE_MEMBERSHIP)
    application = get_application_for(request.user, network, pk)
    return application_out(
        actions.reject(actor=_user(request), application=application, reason=payload.reason)
    )


# Members, commitments, contributions -------------------------------------------------------------


class MemberOut(Schema):
    id: int
    organization: int = Field(alias="organization_id")
    plan: int = Field(alias="plan_id")
    level: str
    joined_on: datetime.date


@router.get("/networks/{slug}/membership/members", response=list[MemberOut])
@paginate(PageNumberPagination, page_size=50)
def list_members(request: HttpRequest, slug: str) -> QuerySet[Membership]:
    network = get_network_for(request.user, slug, Action.VIEW_ORGANIZATIONS)
    return active_memberships(network).only(
        "pk", "organization_id", "plan_id", "level", "joined_on"
    )


class LevelIn(Schema):
    level: Literal["core", "active", "occasional"]


@router.patch("/networks/{slug}/membership/members/{pk}", response=MemberOut)
def set_level(request: HttpRequest, slug: str, pk: int, payload: LevelIn) -> Membership:
    network = get_network_for(request.user, slug)
    membership = get_membership_for(request.user, network, pk)
    return actions.set_level(actor=_user(request), membership=membership, level=payload.level)


class ContributionIn(Schema):
    kind: Literal["experts", "volunteers", "expertise", "dissemination", "other"]
    description: str
    due_on: datetime.date | None = None


class ContributionOut(Schema):
    id: int
    kind: str
    description: str
    due_on: datetime.date | None
    delivered: bool
    delivered_on: datetime.date | None


@router.get(
    "/networks/{slug}/membership/members/{pk}/contributions", response=list[ContributionOut]
)
def list_contributions(request: HttpRequest, slug: str, pk: int) -> Any:
    network = get_network_for(request.user, slug)
    return get_contributions_for(request.user, network, pk)


@router.post(
    "/networks/{slug}/membership/members/{pk}/contributions", response={201: ContributionOut}
)
def pledge(request: HttpRequest, slug: str, pk: int, payload: ContributionIn) -> Status[Any]:
    network = get_network_for(request.user, slug)
    membership = get_membership_for(request.user, network, pk)
    return Status(
        201, actions.pledge(actor=_user(request), membership=membership, **payload.dict())
    )


class DeliveredIn(Schema):
    delivered: bool = True


@router.post("/networks/{slug}/membership/contributions/{pk}/delivered", response=ContributionOut)
def delivered(request: HttpRequest, slug: str, pk: int, payload: DeliveredIn) -> Any:
    network = get_network_for(request.user, slug, Action.MANAGE_MEMBERSHIP)
    contribution = get_contribution_for(request.user, network, pk)
    return actions.mark_delivered(
        actor=_user(request), contribution=contribution, delivered=payload.delivered
    )


# Code of ethics ----------------------------------------------------------------------------------


class CodeIn(Schema):
    text: str


class CodeOut(Schema):
    version: int
    text: str
    signed: list[int]
    unsigned: list[int]


def code_out(network: Network, code: EthicsCode) -> dict[str, Any]:
    signed = code.signatures.values_list("organization_id", flat=True)
    unsigned = unsigned_organizations(network, code).values_list("pk", flat=True)
    return {
        "version": code.version,
        "text": code.text,
        "signed": sorted(signed),
        "unsigned": sorted(unsigned),
    }


@router.get("/networks/{slug}/membership/ethics", response=CodeOut)
def current_code(request: HttpRequest, slug: str) -> dict[str, Any]:
    network = get_network_for(request.user, slug)
    code = network.ethics_codes.first()
    if code is None:
        raise Http404("No code of ethics yet")
    return code_out(network, code)


@router.post("/networks/{slug}/membership/ethics", response={201: CodeOut})
def publish_code(request: HttpRequest, slug: str, payload: CodeIn) -> Status[dict[str, Any]]:
    network = get_network_for(request.user, slug, Action.MANAGE_MEMBERSHIP)
    code = actions.publish_code(actor=_user(request), network=network, text=payload.text)
    return Status(201, code_out(network, code))


@router.post("/networks/{slug}/membership/ethics/sign", response={201: CodeOut})
def sign_code(request: HttpRequest, slug: str) -> Status[dict[str, Any]]:
    network = get_network_for(request.user, slug, Action.SIGN_CODE)
    code = network.ethics_codes.first()
    if code is None:
        raise Http404("No code of ethics yet")
    actions.sign_code(actor=_user(request), code=code)
    return Status(201, code_out(network, code))


# Dues --------------------------------------------------------------------------------------------


class InvoiceOut(Schema):
    id: int
    organization: int
    period: str
    amount: str
    currency: str
    paid: str
    status: str
    due_on: datetime.date


class InvoiceFilters(Schema):
    period: str | None = None
    organization: int | None = None
    status: Literal["open", "paid", "partial"] | None = None


def invoice_out(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "organization": invoice.organization_id,
        "period": invoice.period,
        "amount": f"{invoice.due:.2f}",
        "currency": invoice.currency,
        "paid": f"{invoice.paid:.2f}",
        "status": invoice.status(),
        "due_on": invoice.due_on,
    }


@router.get("/networks/{slug}/dues/invoices", response=list[InvoiceOut])
@paginate(PageNumberPagination, page_size=100)
def list_invoices(request: HttpRequest, slug: str, filters: Query[InvoiceFilters]) -> Any:
    network = get_network_for(request.user, slug)
    invoices = dues_invoices(
        network,
        dues_scope_for(request.user, network),
        period=filters.period,
        organization=filters.organization,
        status=filters.status,
    )
    return SerializedPage(invoices.order_by("period", "organization__name", "pk"), invoice_out)


class PaymentIn(Schema):
    invoice: int
    amount: str
    date: datetime.date | None = None
    note: str = ""


class EntryOut(Schema):
    id: int
    organization: int = Field(alias="organization_id")
    invoice: int | None = Field(None, alias="invoice_id")
    kind: str
    amount: str
    currency: str
    date: datetime.date = Field(alias="on")
    note: str

    @staticmethod
    def resolve_amount(obj: Any) -> str:
        return f"{obj.amount:.2f}"


@router.post("/networks/{slug}/dues/payments", response={201: EntryOut})
def record_payment(request: HttpRequest, slug: str, payload: PaymentIn) -> Status[Any]:
    network = get_network_for(request.user, slug, Action.MANAGE_DUES)
    invoice = _in_body(
        "invoice", payload.invoice, lambda: get_invoice_for(request.user, network, payload.invoice)
    )
    entry = actions.record_payment(
        actor=_user(request),
        invoice=invoice,
        amount=payload.amount,
        on=payload.date,
        note=payload.note,
    )
    return Status(201, entry)


class CorrectionIn(Schema):
    organization: int
    amount: str
    note: str
    invoice: int | None = None
    date: datetime.date | None = None


@router.post("/networks/{slug}/dues/corrections", response={201: EntryOut})
def record_correction(request: HttpRequest, slug: str, payload: CorrectionIn) -> Status[Any]:
    network = get_network_for(request.user, slug, Action.MANAGE_DUES)
    organization = _in_body(
        "organization",
        payload.organization,
        lambda: get_organization_for(request.user, network, payload.organization),
    )
    invoice = None
    if payload.invoice is not None:
        pk = payload.invoice
        invoice = _in_body("invoice", pk, lambda: get_invoice_for(request.user, network, pk))
    entry = actions.record_correction(
        actor=_user(request),
        organization=organization,
        amount=payload.amount,
        note=payload.note,
        invoice=invoice,
        on=payload.date,
    )
    return Status(201, entry)


class BalanceOut(Schema):
    organization: int
    name: str
    currency: str
    invoiced: str
    paid: str
    balance: str
    in_arrears_since: datetime.date | None
    months_in_arrears: int


class BalanceFilters(Schema):
    organization: int | None = None
    q: str = ""
    country: str = ""
    plan: int | None = None
    status: Literal["open", "paid", "partial"] | None = None
    arrears: bool = False


@router.get("/networks/{slug}/dues/balances", response=list[BalanceOut])
def list_balances(
    request: HttpRequest, slug: str, filters: Query[BalanceFilters]
) -> list[dict[str, Any]]:
    """Every balance (a stable contract: a list, not pages), narrowed like the dues
    page: by name (`q`), country, plan, invoice state and arrears."""
    organization = filters.organization
    network = get_network_for(request.user, slug)
    only = dues_scope_for(request.user, network)
    if only is None:
        if organization is not None:
            only = get_organization_for(request.user, network, organization)
    elif organization is not None and organization != only.pk:
        raise PermissionDenied
    return [
        {
            **row,
            "invoiced": f"{row['invoiced']:.2f}",
            "paid": f"{row['paid']:.2f}",
            "balance": f"{row['balance']:.2f}",
        }
        for row in balances(
            network,
            only=only,
            filters=DuesFilters(
                name=filters.q.strip(),
                country=filters.country.upper(),
                plan=filters.plan,
                status=filters.status or "",
                arrears=filters.arrears,
            ),
        )
    ]
