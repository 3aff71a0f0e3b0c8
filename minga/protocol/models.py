"""The violence-prevention protocol's confidential channel (issue 13). Everything a report
says is sealed with its case's own key (`keys.py`) before it reaches the database: the
server stores who may open a case (wrapped keys), never what it says. In clear: that a
case exists, its type, its state and its dates, which coordinators may see and the
anonymous statistics count."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minga.core.models import ApiToken, Network, Person


class CaseState(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("protocol case", "Received")
    CONTAINMENT = "containment", pgettext_lazy("protocol case", "Containment and guidance")
    MEASURES = "measures", pgettext_lazy("protocol case", "Measures agreed")
    CLOSED = "closed", pgettext_lazy("protocol case", "Closed")


class CaseKind(models.TextChoices):
    HARASSMENT = "harassment", _("Harassment")
    SEXUAL = "sexual", _("Sexual harassment or violence")
    DISCRIMINATION = "discrimination", _("Gender-based or other discrimination")
    PHYSICAL = "physical", _("Physical violence")
    PSYCHOLOGICAL = "psychological", _("Psychological violence")
    OTHER = "other", _("Other")


# The method's five principles, a checklist on each case (its answers are sealed).
PRINCIPLES = [
    ("listening", _("Active and empathetic listening")),
    ("confidentiality", _("Confidentiality and respect")),
    ("no_revictimization", _("No re-victimization")),
    ("containment", _("Containment and guidance")),
    ("information", _("Access to information")),
]


class Setup(models.Model):
    """A network's protocol, once set up: the recovery key's public half (its private half
    was printed once), and what coordinators decide."""

    network = models.OneToOneField(Network, on_delete=models.CASCADE, related_name="protocol")
    recovery_public = models.BinaryField()
    anonymous_channel = models.BooleanField(
        _("anonymous reports from a public page"), default=False
    )
    retention_days = models.PositiveIntegerField(_("days a closed case is kept"), default=90)
    outside_help = models.TextField(_("where to turn outside the network"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("protocol set-up")
        verbose_name_plural = _("protocol set-ups")

    def __str__(self) -> str:
        return str(self.network)


class OfficerKey(models.Model):
    """A protocol officer's key pair: the private half locked under their password."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="protocol_key")
    public = models.BinaryField()
    locked = models.BinaryField()
    salt = models.BinaryField()
    # Receives new cases: the network's first officer, then whoever an admitted officer
    # shares their cases with (or a coordinator, with the recovery key).
    admitted = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("protocol officer's key")
        verbose_name_plural = _("protocol officers' keys")

    def __str__(self) -> str:
        return str(self.person)


class TokenKey(models.Model):
    """An officer's private key locked under a key derived from an API token's secret,
    which the server stores only hashed: the token opens cases while its holder keeps it."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    officer = models.ForeignKey(OfficerKey, on_delete=models.CASCADE, related_name="tokens")
    locked = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "officer"], name="one_token_key_per_officer")
        ]

    def __str__(self) -> str:
        return f"{self.officer} {self.token_id}"


class Case(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="protocol_cases")
    kind = models.CharField(_("type"), max_length=20, choices=CaseKind.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=CaseState.choices, default=CaseState.RECEIVED
    )
    anonymous = models.BooleanField(default=False)
    # The receipt's look-up tag (a slow hash of it, `keys.receipt_secrets`): finds the case.
    receipt_tag = models.BinaryField(null=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("protocol case")
        verbose_name_plural = _("protocol cases")
        indexes = [models.Index(fields=["network", "state", "closed_at"], name="case_state")]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.state == CaseState.CLOSED


class Holder(models.TextChoices):
    OFFICER = "officer"
    RECOVERY = "recovery"
    RECEIPT = "receipt"


class CaseKey(models.Model):
    """The case's key wrapped for one holder: an officer, the recovery key, the receipt."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="keys")
    holder = models.CharField(max_length=10, choices=Holder.choices)
    officer = models.ForeignKey(
        OfficerKey, on_delete=models.CASCADE, null=True, blank=True, related_name="case_keys"
    )
    wrapped = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "officer"], name="one_key_per_officer"),
            models.UniqueConstraint(
                fields=["case", "holder"],
                condition=~models.Q(holder="officer"),
                name="one_recovery_and_receipt_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.holder}"


class EntryKind(models.TextChoices):
    ACCOUNT = "account"
    IDENTITY = "identity"  # who reported, and whether and where to email them
    FROM_REPORTER = "from_reporter"
    FROM_TEAM = "from_team"
    MEASURE = "measure"
    STATE = "state"  # the note of a change of state
    CHECKLIST = "checklist"
    ATTACHMENT = "attachment"


class Entry(models.Model):
    """One sealed part of a case. Only its kind, author (an officer; none for the reporter)
    and time are in clear."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    sealed = models.BinaryField()
    # An attachment's bytes, sealed apart from its name and type (in `sealed`).
    sealed_file = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "kind", "at"], name="entry_case_kind")]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


class StepAside(models.Model):
    """An officer who noted a conflict of interest and no longer handles the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps_aside")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="one_step_aside_per_officer")
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.person}"


class Read(models.Model):
    """Every time a case was read: by which officer (none: by the reporter, with the
    receipt), when. Never what was read."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.at}"


class PurgedCount(models.Model):
    """What remains of purged cases: how many of each type were reported each month."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month the case was reported
    kind = models.CharField(max_length=20, choices=CaseKind.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "month", "kind"], name="one_count_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.network} {self.month} {self.kind}: {self.count}"


class Attempt(models.Model):
    """Receipt look-ups per window, to limit guessing: per address (a keyed hash of it,
    kept only for the window) and overall (`scope` "all")."""

    scope = models.CharField(max_length=64)
    window = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "window"], name="one_attempt_row_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.window}: {self.count}"


class TextKind(models.TextChoices):
    PROTOCOL = "protocol", _("Protocol")
    POLICY = "policy", _("Policy against violence and harassment")


class PublishedText(models.Model):
    """A version of the protocol's text or of the policy, in the network's three
    languages; the newest of each kind is the one shown."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=TextKind.choices)
    version = models.PositiveIntegerField()
    body_es = models.TextField(_("Spanish"), blank=True)
    body_pt_br = models.TextField(_("Portuguese"), blank=True)
    body_en = models.TextField(_("English"), blank=True)
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "kind", "version"], name="one_text_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    def body(self, language: str) -> str:
        """In the reader's language, or the first written."""
        preferred = {"es": self.body_es, "pt-br": self.body_pt_br, "en": self.body_en}
        return preferred.get(language) or self.body_es or self.body_pt_br or self.body_en
