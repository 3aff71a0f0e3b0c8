"""Read-side queries of membership: who is a member, balances, arrears, the member
directory, invoices with what was paid on them, income. The one home of membership's
derived reads: models answer only about themselves."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Round
from django.utils import timezone

from minga.core.models import Network, Organization
from minga.membership.ledger import EntryKind, InvoiceStatus, months_between
from minga.membership.models import (
    Application,
    ApplicationStatus,
    EthicsCode,
    Invoice,
    LedgerEntry,
    Membership,
    Signature,
    cents,
)


def active_memberships(network: Network | None = None) -> QuerySet[Membership]:
    """The members of today: memberships that have not ended."""
    memberships = Membership.objects.filter(ended_on__isnull=True)
    return memberships if network is None else memberships.filter(network=network)


def current_membership(organization: Organization) -> Membership | None:
    return active_memberships().filter(organization=organization).select_related("plan").first()


def own_organization(user: Any, network: Network) -> Organization | None:
    if not user.is_authenticated:
        return None
    person = network.people.select_related("organization").filter(user=user).first()
    return person.organization if person else None


def pending_applications(network: Network) -> QuerySet[Application]:
    return network.applications.filter(status=ApplicationStatus.PENDING).select_related("plan")


def unsigned_organizations(network: Network, code: EthicsCode) -> QuerySet[Organization]:
    """Member organizations that have not signed this version of the code."""
    return (
        Organization.objects.filter(memberships__in=active_memberships(network))
        .exclude(pk__in=Signature.objects.filter(code=code).values("organization_id"))
        .order_by("name")
    )


def with_payments(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Annotate `due_amount` and `paid_amount` from the ledger, in the same query
    (read through `Invoice.due` and `Invoice.paid`)."""
    zero = models.Value(
        Decimal("0"), output_field=models.DecimalField(max_digits=12, decimal_places=2)
    )
    # Rounded in SQL: SQLite sums decimals as floating point (126.9400000000001).
    return invoices.annotate(
        paid_amount=-Round(
            Coalesce(Sum("entries__amount", filter=Q(entries__kind=EntryKind.PAYMENT)), zero), 2
        ),
        due_amount=Round(
            Coalesce(Sum("entries__amount", filter=~Q(entries__kind=EntryKind.PAYMENT)), zero),
            2,
        ),
    )


def with_status(invoices: QuerySet[Invoice], status: str) -> QuerySet[Invoice]:
    """Invoices in one state (open, partial, paid), annotated like `with_payments`."""
    annotated = with_payments(invoices)
    if status == InvoiceStatus.PAID:
        return annotated.filter(Q(paid_amount__gte=F("due_amount")))
    if status == InvoiceStatus.PARTIAL:
        return annotated.filter(Q(paid_amount__gt=0) & Q(paid_amount__lt=F("due_amount")))
    if status == InvoiceStatus.OPEN:
        return annotated.filter(Q(paid_amount__lte=0) & Q(due_amount__gt=0))
    raise ValueError(status)


def dues_invoices(
    network: Network,
    only: Organization | None = None,
    *,
    period: str | None = None,
    organization: int | None = None,
    status: str | None = None,
) -> QuerySet[Invoice]:
    """The network's invoices (or one organization's) with what was paid on them,
    filtered by period, organization and state; unordered."""
    invoices = Invoice.objects.filter(network=network).select_related("organization")
    if only is not None:
        invoices = invoices.filter(organization=only)
    if period:
        invoices = invoices.filter(period=period)
    if organization is not None:
        invoices = invoices.filter(organization_id=organization)
    return with_status(invoices, status) if status else with_payments(invoices)


def balances(
    network: Network, only: Organization | None = None, today: date | None = None
) -> list[dict[str, Any]]:
    """Per organization: invoiced, paid, balance (the sum of its entries), and arrears
    (the oldest overdue invoice not fully paid). Three queries whatever the size."""
    today = today or timezone.localdate()
    entries = LedgerEntry.objects.filter(network=network)
    if only is not None:
        entries = entries.filter(organization=only)
    totals = (
        entries.values("organization_id", "organization__name", "currency")
        .annotate(
            invoiced=Sum("amount", filter=~Q(kind=EntryKind.PAYMENT)),
            paid=Sum("amount", filter=Q(kind=EntryKind.PAYMENT)),
            balance=Sum("amount"),
        )
        .order_by("organization__name")
    )
    overdue = with_payments(Invoice.objects.filter(network=network, due_on__lt=today)).filter(
        Q(paid_amount__lt=F("due_amount"))
    )
    if only is not None:
        overdue = overdue.filter(organization=only)
    since = dict(
        overdue.values("organization_id")
        .annotate(since=Min("due_on"))
        .values_list("organization_id", "since")
    )
    rows = []
    for row in totals:
        first_overdue = since.get(row["organization_id"])
        rows.append(
            {
                "organization": row["organization_id"],
                "name": row["organization__name"],
                "currency": row["currency"],
                "invoiced": cents(row["invoiced"] or 0),
                "paid": -cents(row["paid"] or 0),
                "balance": cents(row["balance"] or 0),
                "in_arrears_since": first_overdue,
                "months_in_arrears": months_between(first_overdue, today) if first_overdue else 0,
            }
        )
    return rows


def yearly_income(network: Network) -> dict[int, dict[str, Decimal]]:
    """Payments received per year and currency."""
    income: dict[int, dict[str, Decimal]] = defaultdict(dict)
    rows = (
        LedgerEntry.objects.filter(network=network, kind=EntryKind.PAYMENT)
        .values("on__year", "currency")
        .annotate(total=Sum("amount"))
    )
    for row in rows:
        income[row["on__year"]][row["currency"]] = -cents(row["total"])
    return dict(sorted(income.items()))


def member_directory(network: Network, filters: dict[str, Any]) -> QuerySet[Membership]:
    """Active members with everything the directory shows, in a constant number of queries."""
    current = network.ethics_codes.order_by("-version").values("pk")[:1]
    members = (
        active_memberships(network)
        .select_related("organization", "plan")
        .prefetch_related("organization__themes")
        .annotate(
            signed=Exists(
                Signature.objects.filter(code=current, organization=OuterRef("organization"))
            )
        )
    )
    if filters.get("q"):
        members = members.filter(organization__name__icontains=filters["q"])
    if filters.get("country"):
        members = members.filter(organization__country=filters["country"])
    if filters.get("city"):
        members = members.filter(organization__city__iexact=filters["city"])
    if filters.get("theme"):
        members = members.filter(organization__themes__slug=filters["theme"])
    if filters.get("size"):
        members = members.filter(organization__size=filters["size"])
    if filters.get("plan"):
        members = members.filter(plan_id=filters["plan"])
    if filters.get("level"):
        members = members.filter(level=filters["level"])
    if filters.get("signed") in ("yes", "no"):
        members = members.filter(signed=filters["signed"] == "yes")
    return members.order_by("organization__name")
