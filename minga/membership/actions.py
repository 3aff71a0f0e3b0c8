"""The membership app's write path: plans, applications, members and their
commitments, the code of ethics, invoices, payments and corrections."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from minga.core import actions as core_actions
from minga.core.audit import record
from minga.core.models import LANGUAGE_CODES, Network, Organization, OrganizationSize, User
from minga.core.permissions import Action, can
from minga.membership.ledger import EntryKind, Period
from minga.membership.models import (
    Application,
    ApplicationStatus,
    Contribution,
    ContributionKind,
    EthicsCode,
    Invoice,
    LedgerEntry,
    Membership,
    ParticipationLevel,
    Plan,
    PlanKind,
    PlanPeriod,
    Signature,
    cents,
)
from minga.reach.eligibility import Applicant, Criteria, check

PAYMENT_TERM = timedelta(days=30)


def _require(actor: Any, action: Action, network: Network) -> None:
    if actor is not None and not can(actor, action, network):
        raise PermissionDenied


def money(value: Any, field: str) -> Decimal:
    """A positive amount with at most two decimals, from a string or a Decimal."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("%(value)s is not an amount.") % {"value": value}}) from exc
    if not amount.is_finite() or amount <= 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError(
            {
                field: _("%(value)s: use a positive amount with at most two decimals.")
                % {"value": value}
            }
        )
    return amount


# Plans ----------------------------------------------------------------------------------


@transaction.atomic
def create_plan(
    *,
    actor: User,
    network: Network,
    name: str,
    kind: str,
    period: str = PlanPeriod.ANNUAL,
    currency: str = "USD",
    fee: Any = None,
    fees: dict[str, Any] | None = None,
    small_income_max: Any = None,
    medium_income_max: Any = None,
) -> Plan:
    _require(actor, Action.MANAGE_MEMBERSHIP, network)
    if not name.strip():
        raise ValidationError({"name": _("Give the plan a name.")})
    if network.plans.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": _("This network already has a plan of that name.")})
    if kind not in PlanKind.values:
        raise ValidationError(
            {"kind": _("%(value)s is not one of: open, fixed, variable.") % {"value": kind}}
        )
    if period not in PlanPeriod.values:
        raise ValidationError(
            {"period": _("%(value)s is not one of: monthly, annual.") % {"value": period}}
        )
    currency = currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError({"currency": _("Use a three-letter currency code, e.g. USD.")})
    plan = Plan(network=network, name=name.strip(), kind=kind, period=period, currency=currency)
    if kind == PlanKind.FIXED:
        plan.fee = money(fee, "fee")
    elif kind == PlanKind.VARIABLE:
        given = fees or {}
        missing = [size for size in OrganizationSize.values if size not in given]
        if missing:
            raise ValidationError(
                {"fees": _("Give a fee for: %(sizes)s.") % {"sizes": ", ".join(missing)}}
            )
        plan.fee_small = money(given["small"], "fees")
        plan.fee_medium = money(given["medium"], "fees")
        plan.fee_large = money(given["large"], "fees")
        if small_income_max not in (None, ""):
            plan.small_income_max = money(small_income_max, "small_income_max")
        if medium_income_max not in (None, ""):
            plan.medium_income_max = money(medium_income_max, "medium_income_max")
    elif fee not in (None, "") or fees:
        raise ValidationError({"fee": _("An open plan has no fee.")})
    plan.save()
    record(actor=actor, action="plan.create", target=plan, network=network, data={"kind": kind})
    return plan


# Applications ------------------------------------------------------------------------------


def _criteria(network: Network) -> Criteria | None:
    from minga.reach.models import AudienceCriteria

    audience = AudienceCriteria.objects.filter(network=network).first()
    return audience.criteria() if audience else None


def _evaluate(application: Application) -> None:
    criteria = _criteria(application.network)
    if criteria is None:  # no audience set yet: nothing to fail
        application.eligible, application.unmet = True, []
        return
    unmet = check(
        criteria,
        Applicant(
            kind=application.applicant_kind,
            country=application.country,
            themes=frozenset(slugify(theme) for theme in application.themes),
            accepted_statements=frozenset(application.accepted_statements),
        ),
    )
    application.eligible = not unmet
    application.unmet = [{"criterion": u.criterion, "value": u.value} for u in unmet]


def _check_plan(network: Network, plan: Plan) -> None:
    if plan.network_id != network.pk or not plan.active:
        raise ValidationError({"plan": _("This plan is not open to new members.")})


@transaction.atomic
def apply_for_organization(
    *,
    actor: User,
    network: Network,
    organization: Organization,
    plan: Plan,
    level: str = ParticipationLevel.ACTIVE,
    accepted_statements: Iterable[int] = (),
    pledges: str = "",
) -> Application:
    """An organization already in the network's directory applies for membership."""
    _require(actor, Action.APPLY, network)
    if organization.network_id != network.pk:
        raise ValidationError({"organization": _("The organization belongs to another network.")})
    _check_plan(network, plan)
    if Membership.objects.active().filter(organization=organization).exists():
        raise ValidationError({"organization": _("This organization is a member already.")})
    if network.applications.filter(
        organization=organization, status=ApplicationStatus.PENDING
    ).exists():
        raise ValidationError({"organization": _("This organization has an application pending.")})
    application = Application(
        network=network,
        organization=organization,
        applicant_kind="company" if organization.type == "company" else "organization",
        name=organization.name,
        country=str(organization.country.code),
        city=organization.city,
        type=organization.type,
        size=organization.size,
        themes=[theme.name for theme in organization.themes.all()],
        website=organization.website,
        contact_email=organization.contact_email,
        language=actor.language or "es",
        plan=plan,
        level=level,
        accepted_statements=sorted(set(accepted_statements)),
        pledges=pledges,
        submitted_by=actor,
    )
    return _submit(application, actor)


@transaction.atomic
def apply_with_profile(
    *, actor: User | None, network: Network, plan: Plan, **profile: Any
) -> Application:
    """A newcomer applies from the public page with its profile."""
    _check_plan(network, plan)
    language = profile.get("language") or "es"
    if language not in LANGUAGE_CODES:
        raise ValidationError({"language": _("Choose es, pt-br or en.")})
    application = Application(network=network, plan=plan, submitted_by=actor, **profile)
    application.full_clean(
        exclude=[
            "network",
            "plan",
            "organization",
            "submitted_by",
            "decided_by",
            "unmet",
            "themes",
            "accepted_statements",
        ]
    )
    return _submit(application, actor)


def _submit(application: Application, actor: User | None) -> Application:
    if application.level not in ParticipationLevel.values:
        raise ValidationError(
            {
                "level": _("%(value)s is not one of: core, active, occasional.")
                % {"value": application.level}
            }
        )
    _evaluate(application)
    application.save()
    record(
        actor=actor,
        action="application.submit",
        target=application,
        network=application.network,
        data={"eligible": application.eligible, "unmet": application.unmet},
    )
    return application


def _tell_applicant(application: Application) -> None:
    from minga.membership.tasks import send_application_decision

    if application.contact_email:
        transaction.on_commit(lambda: send_application_decision.enqueue(application.pk))


@transaction.atomic
def approve(*, actor: User, application: Application) -> Membership:
    """Set up the organization, its representative and the chosen plan."""
    network = application.network
    _require(actor, Action.MANAGE_MEMBERSHIP, network)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.PENDING:
        raise ValidationError({"application": _("This application was decided already.")})
    _evaluate(application)
    if not application.eligible:
        raise ValidationError(
            {"application": _("It does not meet the audience's criteria; reject it with a reason.")}
        )
    organization = application.organization
    if organization is None:
        organization = network.organizations.filter(name__iexact=application.name).first()
    if organization is None:
        organization = core_actions.create_organization(
            actor=actor,
            network=network,
            name=application.name,
            country=application.country,
            city=application.city,
            type=application.type if application.type else "ngo",
            size=application.size,
            website=application.website,
            contact_email=application.contact_email,
            themes=application.themes,
        )
        if application.contact_email:
            core_actions.invite_person(
                actor=actor,
                network=network,
                email=application.contact_email,
                organization=organization,
                roles=["member"],
                language=application.language,
            )
    membership = Membership.objects.create(
        network=network,
        organization=organization,
        plan=application.plan,
        level=application.level,
        joined_on=timezone.localdate(),
    )
    application.organization = organization
    application.status = ApplicationStatus.APPROVED
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save()
    record(actor=actor, action="application.approve", target=application, network=network)
    _tell_applicant(application)
    return membership


@transaction.atomic
def reject(*, actor: User, application: Application, reason: str) -> Application:
    _require(actor, Action.MANAGE_MEMBERSHIP, application.network)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.PENDING:
        raise ValidationError({"application": _("This application was decided already.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the application is rejected.")})
    application.status = ApplicationStatus.REJECTED
    application.decision_reason = reason.strip()
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save()
    record(
        actor=actor, action="application.reject", target=application, network=application.network
    )
    _tell_applicant(application)
    return application


# Members -----------------------------------------------------------------------------------


def _represents(actor: Any, membership: Membership) -> bool:
    return membership.network.people.filter(
        user=actor, organization=membership.organization
    ).exists()


@transaction.atomic
def set_level(*, actor: User, membership: Membership, level: str) -> Membership:
    """Each member chooses its commitment; coordinators may record it for them."""
    if not (
        _represents(actor, membership) or can(actor, Action.MANAGE_MEMBERSHIP, membership.network)
    ):
        raise PermissionDenied
    if level not in ParticipationLevel.values:
        raise ValidationError(
            {"level": _("%(value)s is not one of: core, active, occasional.") % {"value": level}}
        )
    membership.level = level
    membership.save(update_fields=["level"])
    record(
        actor=actor,
        action="membership.level",
        target=membership,
        network=membership.network,
        data={"level": level},
    )
    return membership


@transaction.atomic
def pledge(
    *, actor: User, membership: Membership, kind: str, description: str, due_on: date | None = None
) -> Contribution:
    if not (
        _represents(actor, membership) or can(actor, Action.MANAGE_MEMBERSHIP, membership.network)
    ):
        raise PermissionDenied
    if kind not in ContributionKind.values:
        raise ValidationError(
            {"kind": _("%(value)s is not a kind of contribution.") % {"value": kind}}
        )
    if not description.strip():
        raise ValidationError({"description": _("Describe the contribution.")})
    contribution = Contribution.objects.create(
        membership=membership, kind=kind, description=description.strip(), due_on=due_on
    )
    record(
        actor=actor, action="contribution.pledge", target=contribution, network=membership.network
    )
    return contribution


@transaction.atomic
def mark_delivered(
    *, actor: User, contribution: Contribution, delivered: bool = True
) -> Contribution:
    _require(actor, Action.MANAGE_MEMBERSHIP, contribution.membership.network)
    contribution.delivered = delivered
    contribution.delivered_on = timezone.localdate() if delivered else None
    contribution.save(update_fields=["delivered", "delivered_on"])
    record(
        actor=actor,
        action="contribution.delivered",
        target=contribution,
        network=contribution.membership.network,
        data={"delivered": delivered},
    )
    return contribution


# Code of ethics ---------------------------------------------------------------------------


@transaction.atomic
def publish_code(*, actor: User, network: Network, text: str) -> EthicsCode:
    """A new version: everyone is asked to sign again."""
    _require(actor, Action.MANAGE_MEMBERSHIP, network)
    if not text.strip():
        raise ValidationError({"text": _("Write the code of ethics.")})
    latest = network.ethics_codes.select_for_update().first()
    code = EthicsCode.objects.create(
        network=network,
        version=(latest.version + 1) if latest else 1,
        text=text.strip(),
        published_by=actor,
    )
    record(
        actor=actor,
        action="ethics.publish",
        target=code,
        network=network,
        data={"version": code.version},
    )
    return code


@transaction.atomic
def sign_code(*, actor: User, code: EthicsCode) -> Signature:
    """The actor signs the current version for the organization they represent."""
    network = code.network
    _require(actor, Action.SIGN_CODE, network)
    if network.ethics_codes.first() != code:
        raise ValidationError({"code": _("Sign the current version of the code.")})
    person = network.people.select_related("organization", "user").filter(user=actor).first()
    if person is None or person.organization is None:
        raise ValidationError(
            {"organization": _("Only someone who represents an organization can sign.")}
        )
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                code=code,
                organization=person.organization,
                signer=actor,
                signer_name=actor.get_full_name() or actor.username,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"code": _("Your organization has signed this version already.")}
        ) from exc
    record(
        actor=actor,
        action="ethics.sign",
        target=signature,
        network=network,
        data={"version": code.version},
    )
    return signature


# Dues ledger ----------------------------------------------------------------------------------


def _entry(
    invoice: Invoice | None,
    organization: Organization,
    kind: EntryKind,
    amount: Decimal,
    currency: str,
    on: date,
    actor: User | None,
    note: str = "",
) -> LedgerEntry:
    return LedgerEntry.objects.create(
        network=organization.network,
        organization=organization,
        invoice=invoice,
        kind=kind.value,
        amount=amount,
        currency=currency,
        on=on,
        note=note,
        recorded_by=actor,
    )


@transaction.atomic
def invoice_period(*, actor: User | None, network: Network, period: str) -> int:
    """Invoice every paying member whose plan runs on this period. Running it again
    creates nothing new. Returns how many invoices it created."""
    _require(actor, Action.MANAGE_DUES, network)
    try:
        parsed = Period.parse(period)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    plan_period = PlanPeriod.MONTHLY if parsed.is_monthly else PlanPeriod.ANNUAL
    memberships = (
        Membership.objects.active()
        .filter(network=network, plan__period=plan_period, joined_on__lte=_period_end(parsed))
        .exclude(plan__kind=PlanKind.OPEN)
        .select_related("plan", "organization")
    )
    already = set(
        Invoice.objects.filter(network=network, period=str(parsed)).values_list(
            "organization_id", "plan_id"
        )
    )
    created = 0
    for membership in memberships:
        if (membership.organization_id, membership.plan_id) in already:
            continue
        amount = membership.plan.fee_for(membership.organization.size)
        if not amount:
            continue
        invoice = Invoice.objects.create(
            network=network,
            organization=membership.organization,
            plan=membership.plan,
            period=str(parsed),
            amount=amount,
            currency=membership.plan.currency,
            issued_on=parsed.start,
            due_on=parsed.start + PAYMENT_TERM,
        )
        _entry(
            invoice,
            membership.organization,
            EntryKind.INVOICE,
            amount,
            invoice.currency,
            parsed.start,
            actor,
        )
        created += 1
    if created:
        record(
            actor=actor,
            action="dues.invoice",
            target=network,
            network=network,
            data={"period": str(parsed), "created": created},
        )
    return created


def _period_end(period: Period) -> date:
    if period.month is None:
        return date(period.year, 12, 31)
    following = date(period.year + (period.month == 12), period.month % 12 + 1, 1)
    return following - timedelta(days=1)


@transaction.atomic
def record_payment(
    *, actor: User, invoice: Invoice, amount: Any, on: date | None = None, note: str = ""
) -> LedgerEntry:
    """A payment against an invoice; partial payments are fine, overpaying is not."""
    _require(actor, Action.MANAGE_DUES, invoice.network)
    value = money(amount, "amount")
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    state = Invoice.objects.with_payments().get(pk=locked.pk)
    remaining = state.due - state.paid
    if value > remaining:
        raise ValidationError(
            {
                "amount": _(
                    "%(amount)s is more than the %(remaining)s %(currency)s still owed "
                    "on this invoice."
                )
                % {"amount": value, "remaining": remaining, "currency": invoice.currency}
            }
        )
    entry = _entry(
        invoice,
        invoice.organization,
        EntryKind.PAYMENT,
        -value,
        invoice.currency,
        on or timezone.localdate(),
        actor,
        note,
    )
    record(
        actor=actor,
        action="dues.payment",
        target=invoice,
        network=invoice.network,
        data={"amount": str(value)},
    )
    return entry


@transaction.atomic
def record_correction(
    *,
    actor: User,
    organization: Organization,
    amount: Any,
    note: str,
    invoice: Invoice | None = None,
    on: date | None = None,
) -> LedgerEntry:
    """A correction: a new entry (positive owes more, negative credits), never an edit."""
    _require(actor, Action.MANAGE_DUES, organization.network)
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(
            {"amount": _("%(value)s is not an amount.") % {"value": amount}}
        ) from exc
    if value == 0 or not value.is_finite() or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError(
            {"amount": _("A correction is a non-zero amount with at most two decimals.")}
        )
    if not note.strip():
        raise ValidationError({"note": _("Say why the correction is made.")})
    if invoice is not None and invoice.organization_id != organization.pk:
        raise ValidationError({"invoice": _("That invoice belongs to another organization.")})
    currency = invoice.currency if invoice else _currency_of(organization)
    entry = _entry(
        invoice,
        organization,
        EntryKind.CORRECTION,
        value,
        currency,
        on or timezone.localdate(),
        actor,
        note,
    )
    record(
        actor=actor,
        action="dues.correction",
        target=organization,
        network=organization.network,
        data={"amount": str(value), "note": note},
    )
    return entry


def _currency_of(organization: Organization) -> str:
    membership = (
        Membership.objects.active().filter(organization=organization).select_related("plan").first()
    )
    return membership.plan.currency if membership else "USD"


def organization_balance(organization: Organization) -> Decimal:
    total = organization.ledger_entries.aggregate(total=Sum("amount"))["total"]
    return cents(total or 0)
