"""Step 1, the reach: the network's charter (versioned), its audience as eligibility
criteria, and the action plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minga.core.models import Network, Person
from minga.reach.eligibility import AudienceKind, Criteria


class Charter(models.Model):
    """Whether the charter is public; its text lives in versions, newest first."""

    network = models.OneToOneField(Network, on_delete=models.CASCADE, related_name="charter")
    public = models.BooleanField(_("public on the network's page"), default=False)
    applications_open = models.BooleanField(
        _("anyone may apply to join from the public page"), default=False
    )

    def __str__(self) -> str:
        return f"{self.network}: charter"

    def current(self) -> CharterVersion | None:
        return self.network.charter_versions.first()


class CharterVersion(models.Model):
    """One saved state of the charter. Never edited: a change is a new version."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="charter_versions")
    number = models.PositiveIntegerField()
    context = models.TextField(
        _("context"),
        blank=True,
        help_text=_(
            "The socio-political and economic situation; the main actors and how they are affected."
        ),
    )
    purpose = models.TextField(_("purpose"), blank=True, help_text=_("Why we do what we do."))
    objective = models.TextField(
        _("general objective"), blank=True, help_text=_("The result we want to reach.")
    )
    audience = models.TextField(
        _("audience"),
        blank=True,
        help_text=_("Whom we speak to and advocate for, where and on what."),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["network", "number"], name="one_charter_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.network}: charter v{self.number}"


AUDIENCE_KIND_CHOICES = [
    (AudienceKind.ORGANIZATION.value, _("Organizations")),
    (AudienceKind.INDIVIDUAL.value, _("Individuals")),
    (AudienceKind.COMPANY.value, _("Companies")),
]


class AudienceCriteria(models.Model):
    """The audience as rules an application is checked against."""

    network = models.OneToOneField(Network, on_delete=models.CASCADE, related_name="audience")
    member_kinds = models.JSONField(default=list)  # AudienceKind values
    countries = models.JSONField(default=list)  # ISO 3166 codes; empty means any
    themes = models.JSONField(default=list)  # theme slugs; empty means any
    statements = models.JSONField(default=list)  # texts an applicant must accept

    def __str__(self) -> str:
        return f"{self.network}: audience"

    def criteria(self) -> Criteria:
        return Criteria(
            member_kinds=frozenset(self.member_kinds),
            countries=frozenset(self.countries),
            themes=frozenset(self.themes),
            statements=tuple(self.statements),
        )


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")


class ActionItem(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )

    class Meta:
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return self.title
