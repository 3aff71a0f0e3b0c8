"""Read-side queries of membership: who is a member, balances, arrears, the member
directory, invoices with what was paid on them, income. The one home of membership's
derived reads: models answer only about themselves."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
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
    filters: DuesFilters | None = None,
    today: date | None = None,
    payments: bool = True,
) -> QuerySet[Invoice]:
    """The network's invoices (or one organization's) with what was paid on them,
    filtered by period, organization and state, and by the dues page's `filters` (its
    plan is the invoice's); unordered. Without `payments` (and without a state, which
    needs them), not annotated: a page of them is cheaper, then `with_payments` it."""
    invoices = Invoice.objects.filter(network=network).select_related("organization")
    if only is not None:
        invoices = invoices.filter(organization=only)
    if filters is not None:
        today = today or timezone.localdate()
        invoices = invoices.filter(
            _organization_filter(network, replace(filters, plan=None), today)
        )
        if filters.plan is not None:
            invoices = invoices.filter(plan_id=filters.plan)
        period = period or filters.period
        status = status or filters.status or None
    if period:
        invoices = invoices.filter(period=period)
    if organization is not None:
        invoices = invoices.filter(organization_id=organization)
    if status:
        return with_status(invoices, status)
    return with_payments(invoices) if payments else invoices


def with_payments_of(invoices: Iterable[Invoice]) -> list[Invoice]:
    """These invoices (a page of them, in their order) with what was paid on them: one
    query for them all. Those annotated already stay as they are."""
    invoices = list(invoices)
    missing = [i.pk for i in invoices if "paid_amount" not in i.__dict__]
    if missing:
        sums = with_payments(Invoice.objects.filter(pk__in=missing)).order_by()
        found = {i.pk: i.__dict__ for i in sums.only("pk")}
        for invoice in invoices:
            if invoice.pk in found:
                invoice.__dict__["due_amount"] = found[invoice.pk]["due_amount"]
                invoice.__dict__["paid_amount"] = found[invoice.pk]["paid_amount"]
    return invoices


@dataclass(frozen=True)
class DuesFilters:
    """What the dues page narrows its balances and invoices to (every field optional)."""

    name: str = ""
    country: str = ""
    plan: int | None = None
    status: str = ""
    period: str = ""
    arrears: bool = False


def _overdue(network: Network, today: date) -> QuerySet[Invoice]:
    """Invoices past their due date and not fully paid: read on an index of the stored
    `settled` flag, not by summing the ledger."""
    return Invoice.objects.filter(network=network, settled=False, due_on__lt=today)


def _in_arrears(network: Network, today: date) -> Q:
    """Rows (ledger entries, invoices) of an organization with an overdue invoice not fully
    paid: one subquery, not one per row."""
    return Q(organization_id__in=_overdue(network, today).values("organization_id"))


def _organization_filter(
    network: Network, filters: DuesFilters, today: date, to: str = "organization__"
) -> Q:
    """The organizations `filters` keep (but its invoice state), as a condition on an
    invoice or a ledger entry (or, with `to=""`, on an organization); each subquery runs
    once, not once per row."""
    key = f"{to}pk"
    condition = Q()
    if filters.name:
        condition &= Q(**{f"{to}name__icontains": filters.name})
    if filters.country:
        condition &= Q(**{f"{to}country": filters.country})
    if filters.plan is not None:
        members = active_memberships(network).filter(plan_id=filters.plan)
        condition &= Q(**{f"{key}__in": members.values("organization_id")})
    if filters.arrears:
        condition &= Q(**{f"{key}__in": _overdue(network, today).values("organization_id")})
    return condition


def _in_state(network: Network, filters: DuesFilters, to: str = "organization__") -> Q:
    """Organizations with an invoice in the state `filters` asks for (any without)."""
    if filters.status not in {s.value for s in InvoiceStatus}:
        return Q()
    in_state = with_status(Invoice.objects.filter(network=network), filters.status)
    return Q(**{f"{to}pk__in": in_state.values("organization_id")})


def _kept_entries(
    network: Network, only: Organization | None, filters: DuesFilters, today: date
) -> QuerySet[LedgerEntry]:
    """The ledger entries of the organizations `filters` keep: an invoice state keeps
    those with an invoice in that state, `arrears` those with an overdue invoice not
    fully paid."""
    entries = LedgerEntry.objects.filter(network=network).filter(
        _organization_filter(network, filters, today), _in_state(network, filters)
    )
    if only is not None:
        entries = entries.filter(organization=only)
    return entries


def balance_organizations(
    network: Network,
    only: Organization | None = None,
    filters: DuesFilters | None = None,
    today: date | None = None,
) -> QuerySet[Organization]:
    """The organizations with dues (an entry in the ledger) that `filters` keep, by name:
    page these, then read `balance_rows` for the page's organizations only."""
    filters = filters or DuesFilters()
    today = today or timezone.localdate()
    organizations = network.organizations.filter(
        Exists(LedgerEntry.objects.filter(network=network, organization=OuterRef("pk"))),
        _organization_filter(network, filters, today, to=""),
        _in_state(network, filters, to=""),
    )
    if only is not None:
        organizations = organizations.filter(pk=only.pk)
    return organizations.order_by("name", "pk").only("pk", "network_id", "name")


def balance_rows(
    network: Network,
    only: Organization | None = None,
    filters: DuesFilters | None = None,
    today: date | None = None,
    organizations: Iterable[int] | None = None,
) -> QuerySet[Any]:
    """Per organization and currency, by name: invoiced, paid and balance (sums of its
    ledger entries), computed by the database, for the organizations `filters` keep
    (and, given, only these `organizations`: a page of `balance_organizations`)."""
    entries = _kept_entries(network, only, filters or DuesFilters(), today or timezone.localdate())
    if organizations is not None:
        entries = entries.filter(organization_id__in=list(organizations))
    return (
        entries.values("organization_id", "organization__name", "currency")
        .annotate(
            invoiced=Sum("amount", filter=~Q(kind=EntryKind.PAYMENT)),
            paid=Sum("amount", filter=Q(kind=EntryKind.PAYMENT)),
            balance=Sum("amount"),
        )
        .order_by("organization__name", "organization_id", "currency")
    )


def with_arrears(
    network: Network,
    rows: Iterable[dict[str, Any]],
    today: date | None = None,
    *,
    page: bool = True,
) -> list[dict[str, Any]]:
    """`balance_rows` (a page of them) as the pages and the API show them: exact cents,
    and since when each organization is in arrears (its oldest overdue invoice not fully
    paid). One query for the arrears of all the rows."""
    today = today or timezone.localdate()
    rows = list(rows)
    since: dict[int, date] = {}
    overdue = _overdue(network, today)
    if page:  # a page of rows: the overdue invoices of their organizations only
        overdue = overdue.filter(organization_id__in={row["organization_id"] for row in rows})
    for organization, due_on in overdue.order_by().values_list("organization_id", "due_on"):
        since[organization] = min(due_on, since.get(organization, due_on))
    shown = []
    for row in rows:
        first_overdue = since.get(row["organization_id"])
        shown.append(
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
    return shown


def balances(
    network: Network,
    only: Organization | None = None,
    today: date | None = None,
    filters: DuesFilters | None = None,
) -> list[dict[str, Any]]:
    """Per organization: invoiced, paid, balance (the sum of its entries), and arrears
    (the oldest overdue invoice not fully paid); every organization (the API's list, a
    member's page). Two queries whatever the size."""
    today = today or timezone.localdate()
    rows = balance_rows(network, only, filters, today)
    # Every row: the overdue invoices are read whole (one organization's when `only`).
    return with_arrears(network, rows, today, page=only is not None)


T = TypeVar("T")


def per_ledger(network: Network, name: str, today: date, compute: Callable[[], T]) -> T:
    """What is read from the whole ledger, computed once per state of it: the ledger is
    append-only, so its newest entry (its id and the moment it was written, which a
    rolled-back id cannot repeat) names its state, and every entry keeps each invoice's
    `settled` flag; arrears also change with the day. So the dues page sums the ledger
    after each write, not on each visit."""
    newest = (
        LedgerEntry.objects.filter(network=network)
        .order_by("-pk")
        .values_list("pk", "created_at")
        .first()
    )
    version = f"{newest[0]}@{newest[1].timestamp()}" if newest else "0"
    key = f"minga:ledger:{network.pk}:{name}:{version}:{today.isoformat()}"
    found: T | None = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=24 * 3600)
    return found


def dues_totals(
    network: Network,
    only: Organization | None = None,
    filters: DuesFilters | None = None,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Per currency, over the organizations `balance_rows` keeps: how many there are, how
    many are in arrears, and what was invoiced, paid and is owed; summed by the database.
    The whole network's (no organization, no filter) once per state of the ledger."""
    today = today or timezone.localdate()
    if only is None and (filters is None or filters == DuesFilters()):
        return per_ledger(
            network, "totals", today, lambda: _dues_totals(network, None, DuesFilters(), today)
        )
    return _dues_totals(network, only, filters or DuesFilters(), today)


def _dues_totals(
    network: Network, only: Organization | None, filters: DuesFilters, today: date
) -> list[dict[str, Any]]:
    totals = (
        _kept_entries(network, only, filters, today)
        .values("currency")
        .annotate(
            organizations=Count("organization", distinct=True),
            in_arrears=Count(
                "organization",
                distinct=True,
                filter=_in_arrears(network, today),
            ),
            invoiced=Sum("amount", filter=~Q(kind=EntryKind.PAYMENT)),
            paid=Sum("amount", filter=Q(kind=EntryKind.PAYMENT)),
            balance=Sum("amount"),
        )
        .order_by("currency")
    )
    return [
        {
            "currency": row["currency"],
            "organizations": row["organizations"],
            "in_arrears": row["in_arrears"],
            "invoiced": cents(row["invoiced"] or 0),
            "paid": -cents(row["paid"] or 0),
            "balance": cents(row["balance"] or 0),
        }
        for row in totals
    ]


def yearly_income(network: Network) -> dict[int, dict[str, Decimal]]:
    """Payments received per year and currency, once per state of the ledger."""
    return per_ledger(network, "income", timezone.localdate(), lambda: _yearly_income(network))


def _yearly_income(network: Network) -> dict[int, dict[str, Decimal]]:
    """Summed per day by the database (grouping on a plain column; a year would call a
    function on every row on SQLite) and per year here: a few hundred rows a year."""
    income: dict[int, dict[str, Decimal]] = defaultdict(dict)
    rows = (
        LedgerEntry.objects.filter(network=network, kind=EntryKind.PAYMENT)
        .order_by()
        .values_list("on", "currency")
        .annotate(total=Sum("amount"))
    )
    for on, currency, total in rows:
        year = income[on.year]
        year[currency] = year.get(currency, Decimal("0")) + Decimal(str(total))
    return {
        year: {currency: -cents(total) for currency, total in by_currency.items()}
        for year, by_currency in sorted(income.items())
    }


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
