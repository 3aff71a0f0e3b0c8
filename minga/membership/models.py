"""Step 3, membership: plans (open, or with a fixed or size-based fee), applications
checked against the audience, members and their participation commitment, pledged
contributions, the code of ethics and its signatures, and the dues ledger."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minga.core.models import LANGUAGE_CHOICES, Network, Organization, OrganizationSize, Person
from minga.membership.ledger import EntryKind, InvoiceStatus, status_of


def cents(value: Any) -> Decimal:
    """An amount as exact cents, whatever the database's arithmetic made of it.

    Never -0.00: what was paid is minus the sum of the payments, and on SQLite minus a
    zero sum is the float -0.0, which every format would print as "-0.00"."""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    return amount.copy_abs() if amount.is_zero() else amount


class PlanKind(models.TextChoices):
    OPEN = "open", _("Open: no fee, non-financial contributions")
    FIXED = "fixed", _("Fixed fee: the same for all")
    VARIABLE = "variable", _("Variable fee: by organization size")


class PlanPeriod(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    ANNUAL = "annual", _("Annual")


class Plan(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=PlanKind.choices)
    period = models.CharField(
        _("period"), max_length=10, choices=PlanPeriod.choices, default=PlanPeriod.ANNUAL
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    fee = models.DecimalField(_("fee"), null=True, blank=True, max_digits=12, decimal_places=2)
    fee_small = models.DecimalField(
        _("fee, small organizations"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    fee_medium = models.DecimalField(
        _("fee, medium organizations"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    fee_large = models.DecimalField(
        _("fee, large organizations"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    # The income bands that define sizes, in the plan's currency: small up to the first,
    # medium up to the second, large above it.
    small_income_max = models.DecimalField(
        _("small: annual income up to"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    medium_income_max = models.DecimalField(
        _("medium: annual income up to"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    active = models.BooleanField(_("open to new members"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="plan_name_per_network")
        ]

    def __str__(self) -> str:
        return self.name

    def fees(self) -> dict[str, Decimal] | None:
        if self.kind != PlanKind.VARIABLE:
            return None
        return {
            "small": self.fee_small or Decimal("0"),
            "medium": self.fee_medium or Decimal("0"),
            "large": self.fee_large or Decimal("0"),
        }

    def fee_for(self, size: str) -> Decimal | None:
        """What an organization of this size pays per period; None for an open plan."""
        if self.kind == PlanKind.FIXED:
            return self.fee
        if self.kind == PlanKind.VARIABLE:
            return (self.fees() or {}).get(size)
        return None


class ParticipationLevel(models.TextChoices):
    CORE = "core", _("Core: takes part in most spaces and leads work")
    ACTIVE = "active", _("Active: joins working groups and meetings")
    OCCASIONAL = "occasional", _("Occasional: light, when time allows")


class Membership(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    plan = models.ForeignKey(Plan, on_delete=models.RESTRICT, related_name="memberships")
    level = models.CharField(
        _("participation commitment"),
        max_length=12,
        choices=ParticipationLevel.choices,
        default=ParticipationLevel.ACTIVE,
    )
    joined_on = models.DateField(_("member since"))
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(ended_on__isnull=True),
                name="one_active_membership_per_organization",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.plan})"

    def get_absolute_url(self) -> str:
        return reverse("member_detail", args=[self.network.slug, self.pk])

    def represented_by(self, user: Any) -> bool:
        """Whether `user` is one of the member organization's people in the network."""
        if not getattr(user, "is_authenticated", False):
            return False
        return Person.objects.filter(
            network_id=self.network_id, organization_id=self.organization_id, user=user
        ).exists()


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Application(models.Model):
    """An application to join, with its profile and the automatic eligibility check."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="applications")
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications"
    )
    applicant_kind = models.CharField(_("applying as"), max_length=12, default="organization")
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    city = models.CharField(_("city"), max_length=100, blank=True)
    type = models.CharField(_("type"), max_length=16, default="ngo")
    size = models.CharField(
        _("size"), max_length=8, choices=OrganizationSize.choices, default=OrganizationSize.SMALL
    )
    themes = models.JSONField(default=list)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, default="es")
    plan = models.ForeignKey(Plan, on_delete=models.RESTRICT, related_name="applications")
    level = models.CharField(
        max_length=12, choices=ParticipationLevel.choices, default=ParticipationLevel.ACTIVE
    )
    accepted_statements = models.JSONField(default=list)
    pledges = models.TextField(_("what you can contribute"), blank=True)
    eligible = models.BooleanField(default=False)
    unmet = models.JSONField(default=list)  # [{"criterion", "value"}]
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} → {self.network}"


class ContributionKind(models.TextChoices):
    EXPERTS = "experts", _("Experts for workshops")
    VOLUNTEERS = "volunteers", _("Volunteers")
    EXPERTISE = "expertise", _("Expertise in an area")
    DISSEMINATION = "dissemination", _("Dissemination")
    OTHER = "other", _("Other")


class Contribution(models.Model):
    """A non-financial contribution a member pledged, and whether it was delivered."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="contributions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ContributionKind.choices)
    description = models.TextField(_("description"))
    due_on = models.DateField(_("due by"), null=True, blank=True)
    delivered = models.BooleanField(_("delivered"), default=False)
    delivered_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivered", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.membership.organization}: {self.get_kind_display()}"


class EthicsCode(models.Model):
    """A published version of the network's code of ethics."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="ethics_codes")
    version = models.PositiveIntegerField()
    text = models.TextField(_("text"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["network", "version"], name="one_code_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.network}: code of ethics v{self.version}"


class Signature(models.Model):
    code = models.ForeignKey(EthicsCode, on_delete=models.CASCADE, related_name="signatures")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    signer_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "organization"], name="one_signature_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} signed v{self.code.version}"


class Invoice(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="invoices")
    organization = models.ForeignKey(
        Organization, on_delete=models.RESTRICT, related_name="invoices"
    )
    plan = models.ForeignKey(Plan, on_delete=models.RESTRICT, related_name="invoices")
    period = models.CharField(max_length=7)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    issued_on = models.DateField()
    due_on = models.DateField()
    # Paid in full: kept by every ledger entry against it (LedgerEntry.save), so the dues
    # page finds who is in arrears on an index instead of summing the whole ledger.
    settled = models.BooleanField(default=False)

    class Meta:
        ordering = ["-issued_on", "organization__name"]
        indexes = [
            models.Index(fields=["network", "settled", "due_on"], name="invoice_unsettled"),
        ]
        constraints = [
            # Invoicing a period twice creates nothing new: the database says so.
            models.UniqueConstraint(
                fields=["organization", "plan", "period"], name="one_invoice_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.period}: {self.amount} {self.currency}"

    @property
    def due(self) -> Decimal:
        """What is owed on it, with corrections (annotated by `queries.with_payments`)."""
        return cents(self.__dict__.get("due_amount", self.amount))

    @property
    def paid(self) -> Decimal:
        """What was paid on it (annotated by `queries.with_payments`)."""
        return cents(self.__dict__.get("paid_amount", Decimal("0")))

    def status(self) -> str:
        return status_of(self.due, self.paid)

    def get_status_display(self) -> str:
        return invoice_status_label(self.status())


def refresh_settled(invoices: models.QuerySet[Any]) -> None:
    """Store whether each of these invoices is paid in full: one grouped sum, then one
    update per state. Also run by the migration that added the column, on its models."""
    rows = (
        invoices.order_by()
        .values("pk")
        .annotate(
            paid=models.Sum("entries__amount", filter=Q(entries__kind=EntryKind.PAYMENT)),
            due=models.Sum("entries__amount", filter=~Q(entries__kind=EntryKind.PAYMENT)),
        )
    )
    settled: dict[bool, list[int]] = {True: [], False: []}
    for row in rows:
        paid, due = -cents(row["paid"] or 0), cents(row["due"] or 0)
        settled[status_of(due, paid) == InvoiceStatus.PAID].append(row["pk"])
    for state, keys in settled.items():
        for start in range(0, len(keys), 500):  # under SQLite's limit on parameters
            invoices.model.objects.filter(pk__in=keys[start : start + 500]).update(settled=state)


# What a person reads for each invoice state (the ledger's arithmetic stays Django-free).
INVOICE_STATUS_CHOICES = [
    (InvoiceStatus.OPEN.value, pgettext_lazy("invoice", "Unpaid")),
    (InvoiceStatus.PARTIAL.value, pgettext_lazy("invoice", "Partly paid")),
    (InvoiceStatus.PAID.value, pgettext_lazy("invoice", "Paid")),
]


def invoice_status_label(status: str) -> str:
    return str(dict(INVOICE_STATUS_CHOICES).get(status, status))


class LedgerEntry(models.Model):
    """Append-only: a correction is a new entry, never an edit."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="ledger_entries")
    organization = models.ForeignKey(
        Organization, on_delete=models.RESTRICT, related_name="ledger_entries"
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.RESTRICT, null=True, blank=True, related_name="entries"
    )
    kind = models.CharField(max_length=12, choices=[(k.value, k.value) for k in EntryKind])
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"{self.organization} {self.kind} {self.amount} {self.currency}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("the ledger is append-only: add a correction instead")
        super().save(*args, **kwargs)
        if self.invoice_id is not None:
            refresh_settled(Invoice.objects.filter(pk=self.invoice_id))
