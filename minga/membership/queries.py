"""Read-side queries of membership: balances, arrears, the member directory, income."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from minga.core.models import Network, Organization
from minga.membership.ledger import EntryKind, months_between
from minga.membership.models import Invoice, LedgerEntry, Membership, Signature, cents


def own_organization(user: Any, network: Network) -> Organization | None:
    if not user.is_authenticated:
        return None
    person = network.people.select_related("organization").filter(user=user).first()
    return person.organization if person else None


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
    overdue = (
        Invoice.objects.filter(network=network, due_on__lt=today)
        .with_payments()
        .filter(Q(paid_amount__lt=F("due_amount")))
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
        Membership.objects.active()
        .filter(network=network)
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
