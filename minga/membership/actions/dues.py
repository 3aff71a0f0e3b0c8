"""The dues ledger: invoices for each period, payments against them, and corrections.
The ledger is append-only: every change is a new entry."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.l10n import number
from minga.core.models import Network, Organization
from minga.core.permissions import Action, require
from minga.membership.actions._common import money, user_of
from minga.membership.ledger import EntryKind, Period
from minga.membership.models import Invoice, LedgerEntry, PlanKind, PlanPeriod
from minga.membership.queries import active_memberships, current_membership, with_payments

if TYPE_CHECKING:
    from minga.core.permissions import Actor

PAYMENT_TERM = timedelta(days=30)


def _entry(
    invoice: Invoice | None,
    organization: Organization,
    kind: EntryKind,
    amount: Decimal,
    currency: str,
    on: date,
    actor: Actor,
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
        recorded_by=user_of(actor),
    )


@transaction.atomic
def invoice_period(*, actor: Actor, network: Network, period: str) -> int:
    """Invoice every paying member whose plan runs on this period. Running it again
    creates nothing new. Returns how many invoices it created."""
    require(actor, Action.MANAGE_DUES, network)
    try:
        parsed = Period.parse(period)
    except ValueError as exc:
        raise ValidationError(
            {
                "period": _("%(value)s is not a period: use YYYY (annual) or YYYY-MM (monthly).")
                % {"value": period}
            }
        ) from exc
    plan_period = PlanPeriod.MONTHLY if parsed.is_monthly else PlanPeriod.ANNUAL
    memberships = (
        active_memberships(network)
        .filter(plan__period=plan_period, joined_on__lte=_period_end(parsed))
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
            action=AuditEvent.DUES_INVOICE,
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
    *, actor: Actor, invoice: Invoice, amount: Any, on: date | None = None, note: str = ""
) -> LedgerEntry:
    """A payment against an invoice; partial payments are fine, overpaying is not."""
    require(actor, Action.MANAGE_DUES, invoice.network)
    value = money(amount, "amount")
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    state = with_payments(Invoice.objects.filter(pk=locked.pk)).get()
    remaining = state.due - state.paid
    if value > remaining:
        raise ValidationError(
            {
                "amount": _(
                    "%(amount)s is more than the %(remaining)s %(currency)s still owed "
                    "on this invoice."
                )
                % {
                    "amount": number(value, 2),
                    "remaining": number(remaining, 2),
                    "currency": invoice.currency,
                }
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
        action=AuditEvent.DUES_PAYMENT,
        target=invoice,
        network=invoice.network,
        data={"amount": str(value)},
    )
    return entry


@transaction.atomic
def record_correction(
    *,
    actor: Actor,
    organization: Organization,
    amount: Any,
    note: str,
    invoice: Invoice | None = None,
    on: date | None = None,
) -> LedgerEntry:
    """A correction: a new entry (positive owes more, negative credits), never an edit."""
    require(actor, Action.MANAGE_DUES, organization.network)
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
    membership = current_membership(organization)
    currency = invoice.currency if invoice else membership.plan.currency if membership else "USD"
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
        action=AuditEvent.DUES_CORRECTION,
        target=organization,
        network=organization.network,
        data={"amount": str(value), "note": note},
    )
    return entry
