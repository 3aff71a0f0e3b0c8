"""Strategic planning (step 6): the PESTEL trends and the SWOT board, the network's basis
(mission, vision, purpose, values and pillars, versioned), objectives prioritized by the
member organizations, and programmatic projects with results, indicators and measurements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minga.core.models import Network, Organization, Person
from minga.planning import priority, rollup

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
WEIGHT = [MinValueValidator(1), MaxValueValidator(100)]


# Analysis --------------------------------------------------------------------------------


class PestelCategory(models.TextChoices):
    POLITICAL = "political", _("Political")
    ECONOMIC = "economic", _("Economic")
    SOCIAL = "social", _("Social")
    TECHNOLOGICAL = "technological", _("Technological")
    ENVIRONMENTAL = "environmental", _("Environmental")
    LEGAL = "legal", _("Legal")


class Impact(models.TextChoices):
    """The method's three levels; `priority.IMPACT_WEIGHTS` gives each its weight."""

    # A context of their own: "Medium" is also an organization's size elsewhere ("Mediana").
    HIGH = "high", pgettext_lazy("impact", "High")
    MEDIUM = "medium", pgettext_lazy("impact", "Medium")
    LOW = "low", pgettext_lazy("impact", "Low")


assert tuple(Impact.values) == tuple(priority.IMPACT_WEIGHTS)  # the pure ranking speaks them


class PestelFactor(models.Model):
    """A trend in the network's environment. Its probability (1–5) and impact are the mean
    of the members' ratings, kept here so that the ranking is one ordered query."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="pestel_factors")
    category = models.CharField(_("factor"), max_length=16, choices=PestelCategory.choices)
    trend = models.CharField(_("trend"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    probability = models.FloatField(_("probability"), default=0)
    impact_weight = models.FloatField(_("impact"), default=0)
    priority = models.FloatField(_("priority"), default=0)
    ratings_count = models.PositiveIntegerField(_("ratings"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-priority", "-ratings_count", "pk"]
        verbose_name = _("PESTEL factor")
        verbose_name_plural = _("PESTEL factors")
        indexes = [models.Index(fields=["network", "-priority"], name="pestel_rank")]

    def __str__(self) -> str:
        return self.trend

    def get_absolute_url(self) -> str:
        return reverse("planning_pestel_factor", args=[self.network.slug, self.pk])

    def impact_label(self) -> str:
        """The level nearest the mean impact, as the method names it."""
        return str(Impact(priority.impact_level(self.impact_weight)).label)


class PestelRating(models.Model):
    """One person's rating of a trend: each member rates once, and may change it."""

    factor = models.ForeignKey(PestelFactor, on_delete=models.CASCADE, related_name="ratings")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.PositiveSmallIntegerField(
        _("probability"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    impact = models.CharField(_("impact"), max_length=8, choices=Impact.choices)
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["factor", "person"], name="pestel_rating_once")
        ]

    def __str__(self) -> str:
        return f"{self.factor_id}: {self.person_id}"


class SwotQuadrant(models.TextChoices):
    STRENGTH = "strength", _("Strengths")
    WEAKNESS = "weakness", _("Weaknesses")
    OPPORTUNITY = "opportunity", _("Opportunities")
    THREAT = "threat", _("Threats")


# Inside the network (members' perceptions) or outside it (the PESTEL trends).
EXTERNAL_QUADRANTS = (SwotQuadrant.OPPORTUNITY, SwotQuadrant.THREAT)


class SwotItem(models.Model):
    """A sticky note on the SWOT board. `version` grows with every edit: an edit made from
    an older version is refused, so two people never silently overwrite each other."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="swot_items")
    quadrant = models.CharField(_("quadrant"), max_length=12, choices=SwotQuadrant.choices)
    text = models.CharField(_("text"), max_length=500)
    trends = models.ManyToManyField(
        PestelFactor, blank=True, related_name="swot_items", verbose_name=_("PESTEL trends")
    )
    version = models.PositiveIntegerField(default=1)
    weight_total = models.PositiveIntegerField(_("weight"), default=0)
    weights_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-weight_total", "pk"]
        verbose_name = _("SWOT item")
        verbose_name_plural = _("SWOT items")
        indexes = [models.Index(fields=["network", "quadrant"], name="swot_quadrant")]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("planning_swot_item", args=[self.network.slug, self.pk])

    def is_external(self) -> bool:
        return self.quadrant in EXTERNAL_QUADRANTS


class SwotWeight(models.Model):
    """How much one person thinks an item weighs, from 1 to 5."""

    item = models.ForeignKey(SwotItem, on_delete=models.CASCADE, related_name="weights")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "person"], name="swot_weigh_once")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.weight}"


# Basis of the network ---------------------------------------------------------------------


class Stakeholder(models.TextChoices):
    """The key interest group a pillar is oriented to."""

    COMMUNITY = "community", _("The network's community")
    EXTERNAL = "external", _("External audiences")
    ALLIANCES = "alliances", _("Alliances")
    FUNDERS = "funders", _("Funders")
    PUBLIC_INSTITUTIONS = "public_institutions", _("Public institutions")
    OTHER = "other", _("Other")


class Basis(models.Model):
    """The network's basis as it stands; every change also writes a `BasisVersion`."""

    network = models.OneToOneField(Network, on_delete=models.CASCADE, related_name="basis")
    mission = models.TextField(
        _("mission"),
        blank=True,
        help_text=_("What needs to be done to achieve the network's purpose over a period."),
    )
    vision = models.TextField(
        _("vision"),
        blank=True,
        help_text=_("Where the network wants to go: its medium and long term goals."),
    )
    purpose = models.TextField(
        _("purpose"), blank=True, help_text=_("The main reason why the network exists.")
    )
    values = models.TextField(
        _("values"),
        blank=True,
        help_text=_("The principles on which actions and decisions are based."),
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("basis of the network")
        verbose_name_plural = _("bases of the network")

    def __str__(self) -> str:
        return str(self.network)


BASIS_TEXTS = ("mission", "vision", "purpose", "values")


class Pillar(models.Model):
    """A strategic pillar: a lasting perspective, oriented to one stakeholder group."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="pillars")
    name = models.CharField(_("pillar"), max_length=200)
    stakeholder = models.CharField(
        _("oriented to"), max_length=24, choices=Stakeholder.choices, default=Stakeholder.COMMUNITY
    )
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=WEIGHT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("strategic pillar")
        verbose_name_plural = _("strategic pillars")
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="pillar_name_per_network")
        ]

    def __str__(self) -> str:
        return self.name


class BasisVersion(models.Model):
    """One saved state of the basis, pillars included, and who changed what. Never edited."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="basis_versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField(default=dict)
    # The fields that changed: "mission", …, "pillars".
    changed = models.JSONField(default=list)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["network", "number"], name="one_basis_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.network}: basis v{self.number}"


# Programmatic strategy ---------------------------------------------------------------------


class ObjectiveStatus(models.TextChoices):
    LISTED = "listed", _("Listed")
    ADOPTED = "adopted", pgettext_lazy("objective", "Adopted")
    SET_ASIDE = "set_aside", _("Set aside")


class Objective(models.Model):
    """A general objective answering a pillar. The long list is prioritized, and the network
    adopts the 3 to 5 most relevant, in order (`rank`)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="objectives")
    pillar = models.ForeignKey(
        Pillar, on_delete=models.RESTRICT, related_name="objectives", verbose_name=_("pillar")
    )
    title = models.CharField(_("objective"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ObjectiveStatus.choices, default=ObjectiveStatus.LISTED
    )
    rank = models.PositiveSmallIntegerField(_("priority"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=WEIGHT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [models.F("rank").asc(nulls_last=True), "pk"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning_objective", args=[self.network.slug, self.pk])


class BallotMethod(models.TextChoices):
    DOTS = "dots", _("Dot voting")
    RANKING = "ranking", _("Ranking")


class Prioritization(models.Model):
    """A round in which each member organization casts one ballot over the listed
    objectives; closing it orders them, and the network adopts the first few."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="prioritizations")
    title = models.CharField(_("title"), max_length=200)
    method = models.CharField(
        _("method"), max_length=8, choices=BallotMethod.choices, default=BallotMethod.DOTS
    )
    dots = models.PositiveSmallIntegerField(
        _("dots per organization"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(priority.MAX_DOTS)],
    )
    adopt = models.PositiveSmallIntegerField(
        _("objectives to adopt"),
        default=4,
        validators=[
            MinValueValidator(priority.MIN_ADOPTED),
            MaxValueValidator(priority.MAX_ADOPTED),
        ],
    )
    objectives = models.ManyToManyField(Objective, related_name="prioritizations")
    opened_at = models.DateTimeField(auto_now_add=True)
    closes_at = models.DateTimeField(_("closes"))
    closed_at = models.DateTimeField(null=True, blank=True)
    # The order when it closed: [{"objective": id, "score": n, "ballots": n}, ...]
    result = models.JSONField(default=list, blank=True)
    # A governance proposal that adopts the result, where the network decides that way.
    proposal_id = models.PositiveIntegerField(null=True, blank=True)
    adopted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("prioritization")
        verbose_name_plural = _("prioritizations")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning_prioritization", args=[self.network.slug, self.pk])

    def is_open(self, now: Any = None) -> bool:
        from django.utils import timezone

        return self.closed_at is None and (now or timezone.now()) < self.closes_at


class Ballot(models.Model):
    """One member organization's ballot; the database refuses a second."""

    prioritization = models.ForeignKey(
        Prioritization, on_delete=models.CASCADE, related_name="ballots"
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    cast_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    cast_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prioritization", "organization"], name="one_ballot_per_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prioritization_id}: {self.organization_id}"


class BallotMark(models.Model):
    """Dots given to an objective, or its place in a ranking (1 is first)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="marks")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "objective"], name="one_mark_per_objective"),
            models.CheckConstraint(condition=Q(value__gte=1), name="mark_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.objective_id}: {self.value}"


class ProgrammaticProject(models.Model):
    """The method's project sheet, field for field, under an objective."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="programmatic_projects"
    )
    objective = models.ForeignKey(
        Objective, on_delete=models.RESTRICT, related_name="projects", verbose_name=_("objective")
    )
    title = models.CharField(_("project"), max_length=300)
    impact_objective = models.TextField(_("general objective of the impact"), blank=True)
    specific_objective = models.TextField(_("specific objective"), blank=True)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    axis_referent = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referent of the axis"),
    )
    line_referent = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referent of the programmatic line"),
    )
    responsible = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible for the project"),
    )
    staff = models.TextField(_("staff"), blank=True)
    extra_resources = models.TextField(_("resources (extra)"), blank=True)
    general_indicators = models.TextField(_("general indicators"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=WEIGHT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("programmatic project")
        verbose_name_plural = _("programmatic projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="project_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning_project", args=[self.network.slug, self.pk])

    def team_person_ids(self) -> set[int]:
        return {
            pk
            for pk in (self.responsible_id, self.axis_referent_id, self.line_referent_id)
            if pk is not None
        }


class ResultKind(models.TextChoices):
    INTERMEDIATE = "intermediate", _("Intermediate result")
    FINAL = "final", _("Final result")


class Result(models.Model):
    """An expected result. Its progress comes from its indicators where it has any, and
    otherwise is what the team records."""

    project = models.ForeignKey(
        ProgrammaticProject, on_delete=models.CASCADE, related_name="results"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ResultKind.choices)
    description = models.CharField(_("result"), max_length=500)
    due_on = models.DateField(_("due"), null=True, blank=True)
    progress = models.DecimalField(
        _("progress (%)"), max_digits=5, decimal_places=2, default=Decimal(0), validators=PERCENT
    )
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=WEIGHT)

    class Meta:
        ordering = ["-kind", "due_on", "pk"]  # intermediate results before final ones
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return self.description


class Indicator(models.Model):
    """A measure with its baseline and target; a project's general indicator, or a
    result's."""

    project = models.ForeignKey(
        ProgrammaticProject, on_delete=models.CASCADE, related_name="indicators"
    )
    result = models.ForeignKey(
        Result,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("result"),
    )
    name = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=WEIGHT)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("planning_indicator", args=[self.project.network.slug, self.pk])

    def progress(self, latest: Decimal | None) -> float:
        return rollup.indicator_progress(
            float(self.baseline), float(self.target), None if latest is None else float(latest)
        )


class Measurement(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["measured_on", "pk"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"], name="one_measurement_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.measured_on}: {self.value}"


def latest_on(measurements: list[Measurement], day: date | None = None) -> Measurement | None:
    """The last measurement on or before `day` (the plan shows progress at a date)."""
    kept = [m for m in measurements if day is None or m.measured_on <= day]
    return max(kept, key=lambda m: (m.measured_on, m.pk)) if kept else None
