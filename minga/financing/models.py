"""Financing: what members draw on and lack, what the network needs, the funders and their
calls, joint applications to them, and the sustainability and financing plan."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minga.core.models import Network, Organization, Person, Theme
from minga.financing.matching import SOURCE_TYPES

SHARE = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class SourceType(models.TextChoices):
    """The method's three kinds of source (the import's `source_type`)."""

    NATIONAL_PUBLIC = "national_public", _("National public sector")
    INTERNATIONAL_COOPERATION = "international_cooperation", _("International cooperation")
    PRIVATE = "private", _("Private sector")


assert tuple(SourceType.values) == SOURCE_TYPES  # the pure matcher speaks the same values


class FunderKind(models.TextChoices):
    GOVERNMENT = "government", _("Government agency")
    EMBASSY = "embassy", _("Embassy")
    INTERNATIONAL_ORGANIZATION = "international_organization", _("International organization")
    CORPORATE_FOUNDATION = "corporate_foundation", _("Corporate foundation")
    FOUNDATION = "foundation", _("Private foundation")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other")


class Funder(models.Model):
    """Who funds: for a company, its values, mission and pillars, to find synergies."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="funders")
    name = models.CharField(_("funder"), max_length=200)
    source_type = models.CharField(_("source type"), max_length=32, choices=SourceType.choices)
    kind = models.CharField(
        _("kind of funder"), max_length=32, choices=FunderKind.choices, default=FunderKind.OTHER
    )
    website = models.URLField(_("website"), blank=True)
    mission = models.TextField(_("mission"), blank=True)
    values = models.TextField(_("values"), blank=True)
    pillars = models.TextField(_("pillars"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="funder_name_per_network")
        ]

    def __str__(self) -> str:
        return self.name


class Call(models.Model):
    """A funding call. The same funder, title and deadline name the same call, so
    importing it again updates it."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="funding_calls")
    funder = models.ForeignKey(Funder, on_delete=models.CASCADE, related_name="calls")
    title = models.CharField(_("title"), max_length=300)
    source_type = models.CharField(_("source type"), max_length=32, choices=SourceType.choices)
    themes = models.ManyToManyField(Theme, blank=True, related_name="+", verbose_name=_("themes"))
    # ISO 3166 codes and organization types; empty means any.
    countries = models.JSONField(_("eligible countries"), default=list, blank=True)
    org_types = models.JSONField(_("eligible kinds of organization"), default=list, blank=True)
    amount_min = models.DecimalField(
        _("smallest amount"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    amount_max = models.DecimalField(
        _("largest amount"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    cofinancing = models.DecimalField(
        _("co-financing required (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SHARE,
    )
    deadline = models.DateTimeField(_("deadline"))
    url = models.URLField(_("link"), max_length=500, blank=True)
    criteria = models.TextField(_("criteria"), blank=True)
    joint_allowed = models.BooleanField(_("joint applications allowed"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("funding call")
        verbose_name_plural = _("funding calls")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "funder", "title", "deadline"], name="call_identity"
            )
        ]
        indexes = [models.Index(fields=["network", "deadline"], name="call_deadline")]

    def __str__(self) -> str:
        return f"{self.title} ({self.funder.name})"

    def get_absolute_url(self) -> str:
        return reverse("funding_call", args=[self.network.slug, self.pk])

    def is_open(self) -> bool:
        return self.deadline >= timezone.now()


class FundingAccess(models.Model):
    """One source type an organization draws on today, with its approximate annual amount."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="funding_access"
    )
    source_type = models.CharField(_("source type"), max_length=32, choices=SourceType.choices)
    annual_amount = models.DecimalField(
        _("approximate annual amount"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")

    class Meta:
        ordering = ["source_type"]
        verbose_name = _("access to funding")
        verbose_name_plural = _("access to funding")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source_type"], name="funding_access_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.get_source_type_display()}"


class FundingProfile(models.Model):
    """What an organization lacks, and what funding it looks for (the matches' amount)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="funding_profile"
    )
    lacks = models.TextField(_("what it lacks"), blank=True)
    needed_amount = models.DecimalField(
        _("amount it looks for"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("funding profile")
        verbose_name_plural = _("funding profiles")

    def __str__(self) -> str:
        return str(self.organization)


class NeedKind(models.TextChoices):
    PROJECT = "project", _("A project")
    AREA = "area", _("An area of work")
    INSTITUTIONAL = "institutional", _("The network's institutional strengthening")


class Need(models.Model):
    """What the network needs funding for, in a year."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="funding_needs")
    title = models.CharField(_("what for"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=NeedKind.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    themes = models.ManyToManyField(Theme, blank=True, related_name="+", verbose_name=_("themes"))

    class Meta:
        ordering = ["year", "title", "pk"]
        verbose_name = _("funding need")
        verbose_name_plural = _("funding needs")

    def __str__(self) -> str:
        return f"{self.title} {self.year}: {self.amount} {self.currency}"


class Stage(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    PREPARING = "preparing", _("Preparing")
    SUBMITTED = "submitted", _("Submitted")
    AWARDED = "awarded", _("Awarded")
    REJECTED = "rejected", _("Rejected")


# Stages in which the team still works towards the deadline: reminders go out.
WORKING_STAGES = (Stage.PROSPECT, Stage.PREPARING)


class JointApplication(models.Model):
    """A joint application to a call, led by one organization with partners."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="joint_applications"
    )
    call = models.ForeignKey(
        Call,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("call"),
    )
    title = models.CharField(_("title"), max_length=300)
    # An organization leaving the network leaves its applications (and an awarded
    # amount in the income) without a lead, not deleted.
    lead = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        related_name="led_applications",
        verbose_name=_("lead organization"),
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.PROSPECT
    )
    deadline = models.DateTimeField(_("deadline"))
    budget = models.DecimalField(
        _("budget"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    awarded_amount = models.DecimalField(
        _("amount awarded"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("joint application")
        verbose_name_plural = _("joint applications")
        indexes = [
            models.Index(fields=["network", "stage", "deadline"], name="application_stage"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funding_application", args=[self.network.slug, self.pk])

    def organization_ids(self) -> set[int]:
        """The lead and the partners: the application's team are their people."""
        ids = set(self.partners.values_list("organization_id", flat=True))
        return ids | {self.lead_id} if self.lead_id is not None else ids

    def on_team(self, user: Any) -> bool:
        """A person of the lead or of a partner organization."""
        if not getattr(user, "is_authenticated", False):
            return False
        return Person.objects.filter(
            network_id=self.network_id, user=user, organization_id__in=self.organization_ids()
        ).exists()

    def team(self) -> models.QuerySet[Person]:
        return Person.objects.filter(
            network_id=self.network_id, organization_id__in=self.organization_ids()
        ).select_related("user")


class Partner(models.Model):
    application = models.ForeignKey(
        JointApplication, on_delete=models.CASCADE, related_name="partners"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="application_partnerships"
    )
    role = models.CharField(_("role"), max_length=200, blank=True)
    budget_share = models.DecimalField(
        _("share of the budget (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SHARE,
    )

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "organization"], name="partner_once_per_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.organization}"


class Document(models.Model):
    """A file of an application, kept in the database so every web process and backup
    has it."""

    application = models.ForeignKey(
        JointApplication, on_delete=models.CASCADE, related_name="documents"
    )
    name = models.CharField(_("name"), max_length=200)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.name


class Reminder(models.Model):
    """A deadline reminder sent: one per application, deadline and days before it, so the
    task may run twice (or on two workers) and the team hears once."""

    application = models.ForeignKey(
        JointApplication, on_delete=models.CASCADE, related_name="reminders"
    )
    deadline = models.DateTimeField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "deadline", "days_before"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.days_before}"


class SurveyLink(models.Model):
    """Which questions of a mapping survey feed the gap analysis, chosen once by the
    coordinators: who asks for access to funding, which source types members name (by
    choice), and what members offer."""

    network = models.OneToOneField(Network, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey("mapping.Survey", on_delete=models.CASCADE, related_name="+")
    needs_question = models.CharField(max_length=200, blank=True)
    funding_choice = models.CharField(max_length=200, blank=True)
    sources_question = models.CharField(max_length=200, blank=True)
    # {choice name: source type}
    source_choices = models.JSONField(default=dict, blank=True)
    offers_question = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.survey)


class Mechanism(models.TextChoices):
    """The funding mechanisms the method names."""

    JOINT_CALLS = "joint_calls", _("Joint applications to calls")
    JOINT_FUNDRAISING = "joint_fundraising", _("Fundraising for joint projects")
    PRODUCTIVE_PROJECTS = "productive_projects", _("Productive projects")
    MEMBERSHIP_FEES = "membership_fees", _("Membership fees")
    DONATIONS = "donations", _("Donations")
    OTHER = "other", _("Other")


class LineStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDERWAY = "underway", _("Underway")
    DONE = "done", _("Done")


class SustainabilityPlan(models.Model):
    """The method's technical document: its conditions and follow-up; the lines of action
    are `PlanLine` rows."""

    network = models.OneToOneField(
        Network, on_delete=models.CASCADE, related_name="sustainability_plan"
    )
    mechanisms = models.JSONField(_("funding mechanisms chosen"), default=list, blank=True)
    legal_conditions = models.TextField(_("legal conditions"), blank=True)
    institutional_conditions = models.TextField(_("institutional conditions"), blank=True)
    follow_up = models.TextField(_("follow-up of progress"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.network)


class PlanLine(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="plan_lines")
    title = models.CharField(_("line of action"), max_length=300)
    mechanism = models.CharField(
        _("mechanism"), max_length=32, choices=Mechanism.choices, default=Mechanism.OTHER
    )
    owner = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=LineStatus.choices, default=LineStatus.PLANNED
    )
    progress = models.DecimalField(
        _("progress (%)"), max_digits=5, decimal_places=2, default=Decimal(0), validators=SHARE
    )

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("line of action")
        verbose_name_plural = _("lines of action")

    def __str__(self) -> str:
        return self.title
