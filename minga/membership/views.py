"""Membership pages: plans, applications, the member directory, commitments and
contributions, the code of ethics, and the dues ledger."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_countries import countries

from minga.core.access import acting_user as _user
from minga.core.access import get_network_for
from minga.core.exports import csv_response, xlsx_response
from minga.core.l10n import number
from minga.core.models import (
    Network,
    Organization,
    OrganizationSize,
    OrganizationType,
    StepState,
)
from minga.core.permissions import Action, can
from minga.core.queries import step_state
from minga.core.steps import STEPS_BY_KEY
from minga.core.web import needs_confirmation, run_action
from minga.membership import actions
from minga.membership.access import (
    dues_scope_for,
    get_application_for,
    get_contribution_for,
    get_invoice_for,
    get_membership_for,
    get_network_open_to_applications,
    may_keep_commitments,
)
from minga.membership.charts import income_chart
from minga.membership.forms import (
    ApplyForm,
    CodeForm,
    ContributionForm,
    DirectoryFilterForm,
    DuesFilterForm,
    InvoiceRunForm,
    JoinForm,
    PaymentForm,
    PlanForm,
    RejectForm,
)
from minga.membership.models import (
    Application,
    ApplicationStatus,
    ParticipationLevel,
    Plan,
    PlanKind,
    Signature,
)
from minga.membership.queries import (
    active_memberships,
    balance_organizations,
    balance_rows,
    balances,
    current_membership,
    dues_invoices,
    dues_totals,
    member_directory,
    own_organization,
    pending_applications,
    unsigned_organizations,
    with_arrears,
    with_payments_of,
    yearly_income,
)
from minga.membership.reasons import explain
from minga.reach.models import AUDIENCE_KIND_CHOICES


def _errors_to_messages(request: HttpRequest, form: Any) -> None:
    """A form's errors as messages, each after the label of its field."""
    for name, errors in form.errors.items():
        text = " ".join(str(e) for e in errors)
        field = form.fields.get(name)
        messages.error(request, f"{field.label}: {text}" if field and field.label else text)


PENDING_PER_PAGE = 20


@login_required
def membership_home(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug)
    manage = can(request.user, Action.MANAGE_MEMBERSHIP, network)
    organization = own_organization(request.user, network)
    own_membership = current_membership(organization) if organization else None
    if own_membership is not None and organization is not None:
        # Read already: the page names the organization and links by the network's slug.
        own_membership.organization, own_membership.network = organization, network
    # A page of the applications waiting, without the columns this page does not show.
    pending = (
        pending_applications(network).only(
            "pk", "network_id", "name", "level", "eligible", "unmet", "plan__name", "created_at"
        )
        if manage
        else Application.objects.none()
    )
    pending_page = Paginator(pending.order_by("-created_at", "-pk"), PENDING_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "membership/step.html",
        {
            "network": network,
            "step": STEPS_BY_KEY["membership"],
            "state": step_state(network, "membership"),
            "states": StepState.choices,
            "can_set_state": can(request.user, Action.SET_STEP_STATE, network),
            "can_manage": manage,
            "can_view_dues": can(request.user, Action.VIEW_DUES, network),
            "plans": network.plans.all(),
            "plan_form": PlanForm() if manage else None,
            "page": pending_page,
            "pending": [(a, [explain(u) for u in a.unmet]) for a in pending_page],
            "organization": organization,
            "own_membership": own_membership,
            "member_count": active_memberships(network).count(),
        },
    )


@login_required
@require_POST
def create_plan(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_MEMBERSHIP)
    form = PlanForm(request.POST)
    if form.is_valid():
        plan = run_action(
            form,
            lambda: actions.create_plan(actor=_user(request), network=network, **form.plan_data()),
        )
        if plan is not None:
            messages.success(request, _("Plan created."))
    _errors_to_messages(request, form)
    return redirect("membership", slug=slug)


@login_required
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    """A person of the network applies for the organization they represent."""
    network = get_network_for(request.user, slug, Action.APPLY)
    organization = own_organization(request.user, network)
    form = ApplyForm(request.POST or None, network=network)
    if request.method == "POST" and organization is not None and form.is_valid():
        data = form.cleaned_data
        application = run_action(
            form,
            lambda: actions.apply_for_organization(
                actor=_user(request),
                network=network,
                organization=organization,
                plan=data["plan"],
                level=data["level"],
                accepted_statements=[int(i) for i in data.get("statements", [])],
                pledges=data["pledges"],
            ),
        )
        if application is not None:
            return redirect("application_detail", slug=slug, pk=application.pk)
    return render(
        request,
        "membership/apply.html",
        {"network": network, "form": form, "organization": organization},
    )


def join(request: HttpRequest, slug: str) -> HttpResponse:
    """Public page (when the coordinators open it): a newcomer applies with its profile."""
    network = get_network_open_to_applications(slug)
    form = JoinForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        profile = form.profile()
        plan = profile.pop("plan")
        # An anonymous visitor acts as themselves: the action lets anyone apply while
        # applications are open.
        application = run_action(
            form,
            lambda: actions.apply_with_profile(
                actor=request.user, network=network, plan=plan, **profile
            ),
        )
        if application is not None:
            return render(
                request,
                "membership/joined.html",
                {
                    "public_network": network,
                    "application": application,
                    "reasons": [explain(u) for u in application.unmet],
                },
            )
    return render(request, "membership/join.html", {"public_network": network, "form": form})


def _income_band(plan: Plan, size: str) -> str:
    """The annual income a size stands for in a plan with income bands ("" without)."""
    small, medium = plan.small_income_max, plan.medium_income_max
    if plan.kind != PlanKind.VARIABLE or small is None:
        return ""
    currency = plan.currency
    if size == OrganizationSize.SMALL:
        return _("annual income up to %(amount)s %(currency)s") % {
            "amount": number(small, 2),
            "currency": currency,
        }
    if medium is None:
        return _("annual income above %(amount)s %(currency)s") % {
            "amount": number(small, 2),
            "currency": currency,
        }
    if size == OrganizationSize.MEDIUM:
        return _("annual income from %(low)s to %(high)s %(currency)s") % {
            "low": number(small, 2),
            "high": number(medium, 2),
            "currency": currency,
        }
    return _("annual income above %(amount)s %(currency)s") % {
        "amount": number(medium, 2),
        "currency": currency,
    }


def _label(choices: Any, value: str) -> str:
    return str(dict(choices).get(value, value))


def _application_page(
    request: HttpRequest, network: Network, application: Application, **extra: Any
) -> HttpResponse:
    plan = application.plan
    context = {
        "network": network,
        "application": application,
        "reasons": [explain(u) for u in application.unmet],
        "can_manage": can(request.user, Action.MANAGE_MEMBERSHIP, network),
        "applicant_kind": _label(AUDIENCE_KIND_CHOICES, application.applicant_kind),
        "type": _label(OrganizationType.choices, application.type),
        "size": _label(OrganizationSize.choices, application.size),
        "income_band": _income_band(plan, application.size),
        "country": countries.name(application.country) or application.country,
        "fee": plan.fee_for(application.size),
        "reject_form": RejectForm(),
        **extra,
    }
    return render(request, "membership/application.html", context)


@login_required
def application_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug)
    application = get_application_for(request.user, network, pk)
    return _application_page(request, network, application)


@login_required
@require_POST
def decide(request: HttpRequest, slug: str, pk: int, decision: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_MEMBERSHIP)
    application = get_application_for(request.user, network, pk)
    if decision not in ("approve", "reject"):
        raise Http404("No such decision")
    page_url = reverse("application_detail", args=[slug, pk])
    if application.status != ApplicationStatus.PENDING:
        messages.error(request, _("This application was decided already."))
        return redirect(page_url)
    if decision == "approve" and not application.eligible:
        messages.error(
            request, _("It does not meet the audience's criteria; reject it with a reason.")
        )
        return redirect(page_url)
    form = RejectForm(request.POST)
    if decision == "reject" and not form.is_valid():
        # Said before asking for confirmation: the reason is what the applicant reads.
        return _application_page(request, network, application, reject_form=form)
    told = {"name": application.name, "email": application.contact_email}
    if decision == "approve":
        question = _("Approve the application of %(name)s?") % told
        consequence = _('%(name)s becomes a member of %(network)s with the plan "%(plan)s".') % {
            **told,
            "network": network.name,
            "plan": application.plan.name,
        }
        button = _("Yes, approve it")
    else:
        question = _("Reject the application of %(name)s?") % told
        consequence = (
            _("The application of %(name)s is closed and cannot be approved later.") % told
        )
        button = _("Yes, reject it")
    if application.contact_email:
        consequence += " " + _("%(email)s is told by email at once.") % told
    if (
        page := needs_confirmation(
            request, question=question, consequence=consequence, cancel_url=page_url, button=button
        )
    ) is not None:
        return page
    try:
        if decision == "approve":
            actions.approve(actor=_user(request), application=application)
            messages.success(request, _("Approved: the organization is a member now."))
        else:
            actions.reject(
                actor=_user(request), application=application, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Rejected; the applicant is told why."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(page_url)
    return redirect("membership", slug=slug)


@login_required
def directory(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_ORGANIZATIONS)
    filters = DirectoryFilterForm(request.GET or None, network=network)
    chosen: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    if chosen.get("plan"):
        chosen["plan"] = chosen["plan"].pk
    page = Paginator(member_directory(network, chosen), 50).get_page(request.GET.get("page"))
    template = (
        "membership/_directory_rows.html"
        if request.headers.get("HX-Request")
        else "membership/directory.html"
    )
    return render(request, template, {"network": network, "filters": filters, "page": page})


@login_required
def member_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_ORGANIZATIONS)
    membership = get_membership_for(request.user, network, pk)
    keeps = may_keep_commitments(request.user, membership)
    sees_dues = can(request.user, Action.VIEW_DUES, network) or membership.represented_by(
        request.user
    )
    return render(
        request,
        "membership/member.html",
        {
            "network": network,
            "membership": membership,
            "can_edit": keeps,
            "can_manage": can(request.user, Action.MANAGE_MEMBERSHIP, network),
            "levels": ParticipationLevel.choices,
            "contributions": membership.contributions.all() if keeps else [],
            "contribution_form": ContributionForm(),
            "balance": balances(network, only=membership.organization) if sees_dues else None,
        },
    )


@login_required
@require_POST
def set_level(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug)
    membership = get_membership_for(request.user, network, pk)
    try:
        actions.set_level(
            actor=_user(request), membership=membership, level=request.POST.get("level", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(membership)


@login_required
@require_POST
def pledge(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug)
    membership = get_membership_for(request.user, network, pk)
    form = ContributionForm(request.POST)
    if form.is_valid():
        run_action(
            form,
            lambda: actions.pledge(
                actor=_user(request), membership=membership, **form.cleaned_data
            ),
        )
    _errors_to_messages(request, form)
    return redirect(membership)


@login_required
@require_POST
def delivered(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_MEMBERSHIP)
    contribution = get_contribution_for(request.user, network, pk)
    actions.mark_delivered(
        actor=_user(request),
        contribution=contribution,
        delivered=request.POST.get("delivered") == "1",
    )
    return redirect(contribution.membership)


SIGNATURES_PER_PAGE = 50
UNSIGNED_SHOWN = 20


@login_required
def ethics(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug)
    manage = can(request.user, Action.MANAGE_MEMBERSHIP, network)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            code = run_action(
                form,
                lambda: actions.publish_code(
                    actor=_user(request), network=network, **form.cleaned_data
                ),
            )
            if code is not None:
                messages.success(
                    request,
                    _("Version %(version)s published: everyone is asked to sign again.")
                    % {"version": code.version},
                )
                return redirect("ethics", slug=slug)
    code = network.ethics_codes.first()
    signatures = (
        code.signatures.select_related("organization").only(
            "pk", "code_id", "signer_name", "signed_at", "organization__name"
        )
        if code
        else Signature.objects.none()
    )
    page = Paginator(signatures.order_by("signed_at", "pk"), SIGNATURES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    unsigned = (
        unsigned_organizations(network, code).only("pk", "name")
        if code and manage
        else Organization.objects.none()
    )
    organization = own_organization(request.user, network)
    return render(
        request,
        "membership/ethics.html",
        {
            "network": network,
            "code": code,
            "page": page,
            "signatures": page,
            # The first few, and how many: the directory lists them all, a page at a time.
            "unsigned": unsigned[:UNSIGNED_SHOWN],
            "unsigned_count": unsigned.count() if code and manage else 0,
            "can_manage": manage,
            "form": form,
            "organization": organization,
            "has_signed": organization is not None
            and code is not None
            and code.signatures.filter(organization=organization).exists(),
        },
    )


@login_required
@require_POST
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.SIGN_CODE)
    code = network.ethics_codes.first()
    if code is None:
        raise Http404("No code of ethics yet")
    try:
        actions.sign_code(actor=_user(request), code=code)
        messages.success(request, _("Signed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("ethics", slug=slug)


# Dues ---------------------------------------------------------------------------------------


BALANCES_PER_PAGE = 50
INVOICES_PER_PAGE = 25


def _filter_query(request: HttpRequest) -> str:
    """The request's filters, without its page numbers, for the download links."""
    query = request.GET.copy()
    for name in ("page", "invoices"):
        query.pop(name, None)
    return query.urlencode()


@login_required
def dues(request: HttpRequest, slug: str) -> HttpResponse:
    """Balances and invoices, a page of each, narrowed by one set of filters; totals
    summed by the database over everything the filters keep."""
    network = get_network_for(request.user, slug)
    only = dues_scope_for(request.user, network)
    form = DuesFilterForm(request.GET or None, network=network)
    filters = form.filters()
    # A page of organizations, then the sums of their entries only.
    organizations = balance_organizations(network, only, filters)
    balance_page = Paginator(organizations, BALANCES_PER_PAGE).get_page(request.GET.get("page"))
    rows = balance_rows(network, only, filters, organizations=[o.pk for o in balance_page])
    # Paged first, then what was paid on the page's invoices only (with a state to
    # filter by, the database needs the sums of them all).
    invoices = dues_invoices(network, only, filters=filters, payments=False).only(
        "pk", "period", "amount", "currency", "due_on", "organization__name"
    )
    invoice_page = Paginator(
        invoices.order_by("-period", "organization__name", "pk"), INVOICES_PER_PAGE
    ).get_page(request.GET.get("invoices"))
    manage = can(request.user, Action.MANAGE_DUES, network)
    income = yearly_income(network) if only is None else {}
    chart = mark_safe(income_chart(income, _("Dues received per year"))) if income else ""  # noqa: S308 - matplotlib's own SVG
    # The chart's figures as a list too: readable on any screen, and by a screen reader.
    income_rows = [
        (year, currency, amount)
        for year, by_currency in income.items()
        for currency, amount in sorted(by_currency.items())
    ]
    return render(
        request,
        "membership/dues.html",
        {
            "network": network,
            "filters": form,
            "page": balance_page,
            "balances": with_arrears(network, rows),
            "totals": dues_totals(network, only, filters),
            "invoice_page": invoice_page,
            "chart": chart,
            "income_rows": income_rows,
            "can_manage": manage,
            # One form per invoice, each with its own ids so every label names its field.
            "invoices": [
                (invoice, PaymentForm(auto_id=f"pay{invoice.pk}_%s") if manage else None)
                for invoice in with_payments_of(invoice_page)
            ],
            "run_form": InvoiceRunForm(),
            "export_query": _filter_query(request) if form.is_valid() else "",
        },
    )


@login_required
@require_POST
def run_invoices(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_DUES)
    form = InvoiceRunForm(request.POST)
    if form.is_valid():
        try:
            created = actions.invoice_period(
                actor=_user(request), network=network, period=form.cleaned_data["period"]
            )
            messages.success(request, _("%(count)s invoices created.") % {"count": number(created)})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    _errors_to_messages(request, form)
    return redirect("dues", slug=slug)


@login_required
@require_POST
def pay(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_DUES)
    invoice = get_invoice_for(request.user, network, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            actions.record_payment(
                actor=_user(request),
                invoice=invoice,
                amount=form.cleaned_data["amount"],
                on=form.cleaned_data["on"],
            )
            messages.success(request, _("Payment recorded."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    _errors_to_messages(request, form)
    return redirect("dues", slug=slug)


EXPORT_COLUMNS = ["organization", "period", "amount", "paid", "status", "currency", "due_on"]


def _export_rows(request: HttpRequest, network: Network) -> list[list[Any]]:
    """Every invoice the dues page's filters keep (a download is complete)."""
    filters = DuesFilterForm(request.GET or None, network=network).filters()
    invoices = dues_invoices(network, dues_scope_for(request.user, network), filters=filters)
    # Amounts stay Decimals (exact cents) and dates dates: numbers and dates in the
    # workbook, never text (which the export helper would neutralize).
    return [
        [
            i.organization.name,
            i.period,
            i.due,
            i.paid,
            i.status(),
            i.currency,
            i.due_on,
        ]
        for i in invoices.only(
            "pk", "period", "amount", "currency", "due_on", "organization__name"
        ).order_by("period", "organization__name")
    ]


@login_required
def export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    network = get_network_for(request.user, slug)
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    rows = _export_rows(request, network)
    filename = f"{network.slug}-dues"
    if fmt == "csv":
        return csv_response(filename, EXPORT_COLUMNS, rows)
    return xlsx_response(filename, EXPORT_COLUMNS, rows, "dues")
