"""Networks, organizations, people, their roles, API tokens, invitations and the audit log."""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from collections.abc import Iterable
from datetime import date, datetime, time
from functools import partialmethod
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

# Defined beside the permission matrix, and imported from here too.
from minga.core.permissions import RoleName as RoleName

# Every get_FOO_display of Minga's models. Django's builds a dictionary of the field's
# choices at each call, hashing every label, which translates them all (a lazy label hashes
# its translation): pages that show a label per row spent up to a fifth of their time there
# (bench/load.py). This looks the value up in a dictionary built once per field and
# translates only the label it returns: the same answer, in the reader's language.
_labels_by_field: dict[models.Field[Any, Any], dict[Any, Any]] = {}


def _choice_label(instance: models.Model, field: models.Field[Any, Any]) -> Any:
    labels = _labels_by_field.get(field)
    if labels is None:
        labels = {make_hashable(value): label for value, label in field.flatchoices}
        _labels_by_field[field] = labels
    value = getattr(instance, field.attname)
    return force_str(labels.get(make_hashable(value), value), strings_only=True)


def use_quick_choice_labels(models_: Iterable[type[models.Model]]) -> None:
    """Give each model's fixed choices `_choice_label` (called by the core app's `ready`,
    for Minga's models). A method a model writes itself is kept; Django's (a partialmethod
    of `Model._get_FIELD_display`) is replaced. Choices made at each reading (a country's
    names, in the reader's language) stay with Django's."""
    for model in models_:
        for field in model._meta.local_fields:
            if not isinstance(field.choices, (list, tuple)):
                continue
            name = f"get_{field.name}_display"
            if isinstance(model.__dict__.get(name), partialmethod):
                setattr(model, name, partialmethod(_choice_label, field=field))


def choice_labels(choices: Iterable[tuple[Any, Any]]) -> dict[Any, str]:
    """Each value's label, translated now: for rows read as values, which have no
    get_FOO_display."""
    return {value: str(label) for value, label in choices}


LANGUAGE_CHOICES = [("es", "Español"), ("pt-br", "Português (Brasil)"), ("en", "English")]
LANGUAGE_CODES = [code for code, _name in LANGUAGE_CHOICES]


def default_languages() -> list[str]:
    return ["es", "pt-br"]


class User(AbstractUser):
    """An account. Its language is remembered across devices and used for mail."""

    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, blank=True)

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if self.pk is not None and (fields is None or "username" in fields):
            # Each network lists its people by this copy of the name (Person.username).
            Person.objects.filter(user=self).exclude(username=self.username).update(
                username=self.username
            )


def default_time_zone() -> str:
    return str(settings.TIME_ZONE)


def validate_time_zone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a time zone (for example America/Bogota)."),
            params={"value": name},
            code="time_zone",
        )


def check_choice(field: str, value: str, allowed: Iterable[str]) -> None:
    """A stored value among the allowed ones, else a ValidationError on `field` naming them
    (every app's actions check their choices with it)."""
    allowed = list(allowed)
    if value not in allowed:
        raise ValidationError(
            {
                field: _("%(value)s is not one of: %(allowed)s.")
                % {"value": value, "allowed": ", ".join(allowed)}
            }
        )


class GovernanceModel(models.TextChoices):
    HORIZONTAL = "horizontal", _("Horizontal (circles)")
    VERTICAL = "vertical", _("Vertical (coordination body)")


class Network(models.Model):
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    languages = models.JSONField(_("working languages"), default=default_languages)
    model = models.CharField(
        _("governance model"),
        max_length=16,
        choices=GovernanceModel.choices,
        default=GovernanceModel.VERTICAL,
    )
    # In the vertical model, the organization in charge of general coordination: its
    # position breaks ties on operational matters decided by majority.
    coordinating_organization = models.ForeignKey(
        "Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization in charge of general coordination"),
    )
    # Where the network's dates fall: a deadline given as a date alone ends at midnight
    # here, and its times are shown in it.
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network_home", args=[self.slug])

    @property
    def language(self) -> str:
        """The language the network's own documents are written in: its first working one."""
        return self.languages[0] if self.languages else settings.LANGUAGE_CODE

    def zone(self) -> zoneinfo.ZoneInfo:
        """Where the network is: what its "today" and "the end of that day" mean."""
        return zoneinfo.ZoneInfo(self.time_zone)

    def end_of_day(self, day: date) -> datetime:
        """A deadline given as a date alone: the last instant of that day where the network is."""
        return datetime.combine(day, time.max, tzinfo=self.zone())

    def clean(self) -> None:
        unknown = [code for code in self.languages if code not in LANGUAGE_CODES]
        if not self.languages or unknown:
            raise ValidationError(
                {"languages": _("Choose one or more of: es, pt-br, en.")}, code="languages"
            )


class OrganizationType(models.TextChoices):
    NGO = "ngo", _("Non-governmental organization")
    FOUNDATION = "foundation", _("Foundation")
    COLLECTIVE = "collective", _("Collective or grassroots group")
    ACADEMIC = "academic", _("University or research centre")
    NETWORK = "network", _("Network or coalition")
    COMPANY = "company", _("Company")
    PUBLIC = "public", _("Public institution")
    OTHER = "other", _("Other")


class OrganizationSize(models.TextChoices):
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class Theme(models.Model):
    """A theme an organization works on (citizen participation, environment, ...)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="organizations")
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    type = models.CharField(
        _("type"), max_length=16, choices=OrganizationType.choices, default=OrganizationType.NGO
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="organizations")
    size = models.CharField(
        _("size"), max_length=8, choices=OrganizationSize.choices, default=OrganizationSize.SMALL
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "name"], name="organization_name_per_network"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organization_detail", args=[self.network.slug, self.pk])


class Person(models.Model):
    """A user's place in one network: the organization they represent and their roles."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="people"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    # The user's name, copied (by save() here and User.save()) so that a page of a
    # network's people is read in order from an index, not sorted from all of them.
    username = models.CharField(max_length=150, editable=False, default="")

    class Meta:
        ordering = ["username", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(fields=["network", "user"], name="one_person_per_user_network")
        ]
        # Organizations with a representative (who votes when the unit is the
        # organization) are counted on this index, not by reading every person.
        indexes = [
            models.Index(fields=["network", "organization"], name="person_organization"),
            models.Index(fields=["network", "username"], name="person_username"),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.username = self.user.username
        super().save(*args, **kwargs)

    @property
    def language(self) -> str:
        return self.user.language

    def role_names(self) -> list[str]:
        """Role names in a stable order; uses prefetched roles when present."""
        names = {role.name for role in self.roles.all()}
        return [name for name in RoleName.values if name in names]

    def clean(self) -> None:
        if self.organization is not None and self.organization.network_id != self.network_id:
            raise ValidationError(
                {"organization": _("The organization belongs to another network.")}
            )


class Role(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(_("role"), max_length=16, choices=RoleName.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="one_role_name_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_name_display()}"


class StepState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class StepProgress(models.Model):
    """How far a network has got with one step of the method, as its coordinators judge."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="step_progress")
    step = models.CharField(max_length=20)
    state = models.CharField(max_length=16, choices=StepState.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "step"], name="one_progress_per_step")
        ]

    def __str__(self) -> str:
        from minga.core.steps import STEPS_BY_KEY

        step = STEPS_BY_KEY.get(self.step)
        return f"{self.network}: {step.title if step else self.step} · {self.get_state_display()}"


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token. Only its hash is stored; the raw token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @staticmethod
    def generate() -> str:
        return "minga_" + secrets.token_urlsafe(32)


INVITATION_SALT = "minga.core.invitation"


class Invitation(models.Model):
    """An emailed link that lets someone join a network with the given roles."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    roles = models.JSONField(default=list)
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, default="es")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.network}"

    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()

    # The link carries a signature of the invitation's id instead of a stored secret,
    # so neither the database nor the task queue ever holds a usable token.
    def token(self) -> str:
        return signing.TimestampSigner(salt=INVITATION_SALT).sign(str(self.pk))

    def get_accept_url(self) -> str:
        return reverse("accept_invitation", args=[self.token()])

    @classmethod
    def from_token(cls, token: str) -> Invitation | None:
        try:
            pk = signing.TimestampSigner(salt=INVITATION_SALT).unsign(token)
        except signing.BadSignature:
            return None
        return cls.objects.select_related("network", "organization").filter(pk=int(pk)).first()


class AuditEntry(models.Model):
    """One write action: who did what, when, to which object. Append-only."""

    network = models.ForeignKey(
        Network, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Minga itself acted (a command without --as, a periodic job), not a person.
    by_system = models.BooleanField(default=False)
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=200)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        # The log reads newest first within one network, a page at a time (keyset on
        # `at`, `id`): this index serves the order without sorting the whole log.
        indexes = [models.Index(fields=["network", "at", "id"], name="core_audit_network_at_id")]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.sentence()}"

    def who(self) -> str:
        if self.by_system:
            return str(_("Minga (automatically)"))
        if self.actor is not None:
            return self.actor.get_username()
        return str(_("Someone not signed in"))

    def sentence(self) -> str:
        """The entry as a sentence in the active language: who did what, on what."""
        from minga.core.events import AuditEvent, readable_target

        try:
            template = AuditEvent(self.action).label
        except ValueError:  # an event retired since it was recorded
            return f"{self.who()}: {self.action} {self.target_repr}"
        target = readable_target(self.action, self.data, self.target_repr)
        return str(template) % {"actor": self.who(), "target": target}


class ScheduledRun(models.Model):
    """One firing of a periodic job. The unique slot stops two workers enqueuing it twice."""

    job = models.CharField(max_length=100)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_slot")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}"
