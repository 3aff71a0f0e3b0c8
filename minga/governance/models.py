"""Bodies (circles, the coordination body, working groups), mandates, proposals and
positions, elections by consent."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minga.core.models import Network, Organization, Person
from minga.governance import decision_rules as rules


class CircleKind(models.TextChoices):
    CIRCLE = "circle", _("Circle")
    COORDINATION_BODY = "coordination_body", _("Network Coordination Body")
    WORKING_GROUP = "working_group", _("Working group or commission")


class MemberKind(models.TextChoices):
    PEOPLE = "people", _("People")
    ORGANIZATIONS = "organizations", _("Organizations")


class FilledBy(models.TextChoices):
    ELECTION = "election", _("Election")
    LOT = "lot", _("Drawing of lots")


class Circle(models.Model):
    """A circle of the horizontal model, or, in the vertical model, the Network
    Coordination Body and its working groups (its concentric circles). Circles nest
    through `parent`."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="circles")
    kind = models.CharField(_("kind"), max_length=20, choices=CircleKind.choices)
    name = models.CharField(_("name"), max_length=150)
    parent = models.ForeignKey(
        "self",
        # Restrict, not protect: deleting a whole network still removes its circles.
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("reports to"),
    )
    objectives = models.TextField(_("objectives"), blank=True)
    activities = models.TextField(_("activities"), blank=True)
    can_decide = models.BooleanField(_("decides"), default=True)
    can_execute = models.BooleanField(_("executes"), default=True)
    can_evaluate = models.BooleanField(_("evaluates"), default=True)
    # The coordination body's terms.
    member_kind = models.CharField(
        _("members are"), max_length=16, choices=MemberKind.choices, default=MemberKind.PEOPLE
    )
    mandate_months = models.PositiveIntegerField(
        _("mandate length (months)"), null=True, blank=True
    )
    renewable = models.BooleanField(_("mandates can be renewed"), default=True)
    max_renewals = models.PositiveIntegerField(
        _("how many times a mandate can be renewed"), null=True, blank=True
    )
    filled_by = models.CharField(
        _("filled by"), max_length=10, choices=FilledBy.choices, default=FilledBy.ELECTION
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("circle")
        verbose_name_plural = _("circles")
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="circle_name_per_network"),
            models.UniqueConstraint(
                fields=["network"],
                condition=Q(kind="coordination_body"),
                name="one_coordination_body_per_network",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("circle_detail", args=[self.network.slug, self.pk])

    def current_mandates(self) -> MandateQuerySet:
        return self.mandates.current()


class MandateRole(models.TextChoices):
    LEADER = "leader", _("Leader")
    DELEGATE = "delegate", _("Delegate")
    MEMBER = "member", _("Member")


class MandateQuerySet(models.QuerySet["Mandate"]):
    def current(self, on: date | None = None) -> MandateQuerySet:
        on = on or timezone.localdate()
        return self.filter(ended_on__isnull=True, starts_on__lte=on)

    def past(self) -> MandateQuerySet:
        return self.filter(ended_on__isnull=False)


class Mandate(models.Model):
    """Who holds which seat of a body, from and until when. Ended mandates stay as the
    history of past holders."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="mandates")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="mandates"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="mandates"
    )
    role = models.CharField(_("role"), max_length=10, choices=MandateRole.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    renewals = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=20, default="appointment")
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = MandateQuerySet.as_manager()

    class Meta:
        ordering = ["circle", "role", "starts_on"]
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organization__isnull=True)
                | Q(person__isnull=True, organization__isnull=False),
                name="mandate_held_by_person_or_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder} · {self.get_role_display()} · {self.circle}"

    @property
    def holder(self) -> Person | Organization:
        holder = self.person or self.organization
        assert holder is not None
        return holder

    def is_current(self) -> bool:
        return self.ended_on is None and self.starts_on <= timezone.localdate()


class ProposalState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Matter(models.TextChoices):
    STRATEGIC = "strategic", _("Strategic")
    OPERATIONAL = "operational", _("Operational")


class VotingUnit(models.TextChoices):
    ORGANIZATION = "organization", _("One position per member organization")
    PERSON = "person", _("One position per person")


RULE_CHOICES = [
    (rules.Rule.CONSENT.value, _("Consent: adopted unless an objection stands")),
    (
        rules.Rule.CONSENSUS_THEN_SUPERMAJORITY.value,
        _("Consensus, then a 3/4 majority"),
    ),
    (rules.Rule.MAJORITY.value, _("Majority, with the coordination's tie-break")),
]
POSITION_CHOICES = [
    (rules.Position.AGREE.value, _("Agree")),
    (rules.Position.DISAGREE.value, _("Disagree")),
    (rules.Position.ABSTAIN.value, _("Abstain")),
    (rules.Position.OBJECT.value, _("Object")),
]
RESULT_CHOICES = [
    (rules.Result.ADOPTED.value, _("Adopted")),
    (rules.Result.REJECTED.value, _("Rejected")),
    (rules.Result.TIED.value, _("Tied: goes to the coordination body")),
    (rules.Result.NO_QUORUM.value, _("No quorum")),
]
DECIDED_BY_CHOICES = [
    (rules.DecidedBy.CONSENT.value, _("by consent")),
    (rules.DecidedBy.CONSENSUS.value, _("by consensus")),
    (rules.DecidedBy.SUPERMAJORITY.value, _("by a 3/4 majority")),
    (rules.DecidedBy.MAJORITY.value, _("by majority")),
    (rules.DecidedBy.TIE_BREAK.value, _("by the coordination's tie-break")),
]


class Proposal(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="proposals")
    circle = models.ForeignKey(
        Circle, on_delete=models.CASCADE, null=True, blank=True, related_name="proposals"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    rule = models.CharField(_("decision rule"), max_length=32, choices=RULE_CHOICES)
    matter = models.CharField(
        _("matter"), max_length=12, choices=Matter.choices, default=Matter.STRATEGIC
    )
    voting_unit = models.CharField(
        _("who takes a position"),
        max_length=12,
        choices=VotingUnit.choices,
        default=VotingUnit.ORGANIZATION,
    )
    secret = models.BooleanField(_("secret positions"), default=False)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    quorum = models.FloatField(_("quorum (share of voters)"), null=True, blank=True)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(
        max_length=8, choices=ProposalState.choices, default=ProposalState.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    eligible_count = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=RESULT_CHOICES, blank=True)
    decided_by = models.CharField(max_length=16, choices=DECIDED_BY_CHOICES, blank=True)
    tally = models.JSONField(null=True, blank=True)
    opening_notice_sent_at = models.DateTimeField(null=True, blank=True)
    closing_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # An open election's consent round: adopting the proposal gives the nominee the seat.
    nomination = models.ForeignKey(
        "Nomination", on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum__isnull=True) | Q(quorum__gte=0, quorum__lte=1),
                name="quorum_is_a_share",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposal_detail", args=[self.network.slug, self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == ProposalState.OPEN

    def results_visible(self) -> bool:
        """A secret proposal shows nothing of its positions until it closes."""
        return not (self.secret and self.is_open)

    def voters_visible(self) -> bool:
        """Who took which position: never for a secret proposal."""
        return not self.secret

    def eligible_people(self) -> models.QuerySet[Person]:
        """Who may take a position when the voting unit is the person."""
        people = self.network.people.all()
        if self.circle_id is not None:
            seated = Mandate.objects.current().filter(circle_id=self.circle_id)
            people = people.filter(pk__in=seated.values("person"))
        return people

    def eligible_organizations(self) -> models.QuerySet[Organization]:
        """Organizations that take one position each: those with a representative in
        the network, or, for a circle's proposal, those seated in it or whose people are."""
        organizations = self.network.organizations.all()
        if self.circle_id is None:
            return organizations.filter(pk__in=self.network.people.values("organization"))
        seated = Mandate.objects.current().filter(circle_id=self.circle_id)
        return organizations.filter(
            Q(pk__in=seated.values("organization"))
            | Q(pk__in=seated.values("person__organization"))
        )

    def eligible_total(self) -> int:
        if self.voting_unit == VotingUnit.PERSON:
            return self.eligible_people().count()
        if self.circle_id is None:
            # The distinct organizations of the network's people, read on the index of
            # (network, organization) rather than matching every organization.
            return (
                self.network.people.exclude(organization=None)
                .order_by()
                .values("organization")
                .distinct()
                .count()
            )
        return self.eligible_organizations().count()

    def voter_for(self, user: Any) -> Person | Organization | None:
        """Whom the user takes a position for: themself, or the organization they
        represent; None if they may not take one on this proposal."""
        person = self.network.people.select_related("organization").filter(user=user).first()
        if person is None:
            return None
        if self.voting_unit == VotingUnit.PERSON:
            return person if self.eligible_people().filter(pk=person.pk).exists() else None
        organization = person.organization
        if organization is None:
            return None
        if self.circle_id is None:  # the network's: every represented organization
            return organization
        return (
            organization
            if self.eligible_organizations().filter(pk=organization.pk).exists()
            else None
        )

    def led_by(self, user: Any) -> bool:
        """Whether the user leads the circle this proposal belongs to."""
        if self.circle_id is None:
            return False
        return (
            Mandate.objects.current()
            .filter(circle_id=self.circle_id, role=MandateRole.LEADER, person__user=user)
            .exists()
        )

    def current_tally(self) -> rules.Tally:
        """The closed proposal's stored count, or, while open, the positions counted by
        the database (one grouped query, however many there are)."""
        if not self.is_open and self.tally is not None:
            return rules.Tally(**self.tally)
        counts: dict[str, int] = dict(
            self.positions.order_by()
            .values_list("position")
            .annotate(n=Count("pk"))
            .values_list("position", "n")
        )
        return rules.Tally(**{str(p): counts.get(p, 0) for p in rules.Position})


def voter_q(voter: Person | Organization) -> Q:
    """Rows of this voter, whichever the voting unit."""
    if isinstance(voter, Person):
        return Q(voter_person=voter)
    return Q(voter_organization=voter)


def voter_fields(voter: Person | Organization) -> dict[str, Person | Organization]:
    if isinstance(voter, Person):
        return {"voter_person": voter}
    return {"voter_organization": voter}


class Position(models.Model):
    """A voter's current position. One per voter is a database guarantee: the partial
    unique constraints below, one for each voting unit."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="positions")
    voter_person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    voter_organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Who spoke for the organization (the person themself for the person unit).
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    position = models.CharField(max_length=10, choices=POSITION_CHOICES)
    reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["updated_at", "pk"]
        # A page of a proposal's positions reads this index in order and stops there.
        indexes = [models.Index(fields=["proposal", "updated_at", "id"], name="position_page")]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "voter_person"],
                condition=Q(voter_person__isnull=False),
                name="one_position_per_person",
            ),
            models.UniqueConstraint(
                fields=["proposal", "voter_organization"],
                condition=Q(voter_organization__isnull=False),
                name="one_position_per_organization",
            ),
            models.CheckConstraint(
                condition=Q(voter_person__isnull=False, voter_organization__isnull=True)
                | Q(voter_person__isnull=True, voter_organization__isnull=False),
                name="position_has_one_voter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.position}"

    @property
    def voter(self) -> Person | Organization:
        voter = self.voter_person or self.voter_organization
        assert voter is not None
        return voter


class Participation(models.Model):
    """After a secret proposal closes: that a voter took part, with no position.
    Still one per voter, so the count of ballots equals the count of voters."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="participations")
    voter_person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    voter_organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "voter_person"],
                condition=Q(voter_person__isnull=False),
                name="one_participation_per_person",
            ),
            models.UniqueConstraint(
                fields=["proposal", "voter_organization"],
                condition=Q(voter_organization__isnull=False),
                name="one_participation_per_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: participation"


class Ballot(models.Model):
    """After a secret proposal closes: a position with no voter, stored in random order."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="ballots")
    position = models.CharField(max_length=10, choices=POSITION_CHOICES)
    reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.proposal}: {self.position}"


class ObjectionStatus(models.TextChoices):
    STANDING = "standing", _("Standing")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Objection(models.Model):
    """Every objection raised, kept with how it was resolved."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="objections")
    # Cleared when a secret proposal closes.
    voter_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    voter_organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.STANDING
    )
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("how it was resolved"), blank=True)

    class Meta:
        ordering = ["raised_at", "pk"]
        indexes = [models.Index(fields=["proposal", "raised_at", "id"], name="objection_page")]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.reason[:40]}"


class Amendment(models.Model):
    """The proposer's change of the text after objections; the previous text is kept."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="amendments")
    previous_text = models.TextField()
    new_text = models.TextField()
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal}: amendment {self.at:%Y-%m-%d}"


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    text = models.TextField(_("comment"))
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"


class ElectionState(models.TextChoices):
    NOMINATING = "nominating", _("Nominations open")
    CONSENT_ROUND = "consent_round", _("Consent round")
    ELECTED = "elected", _("Elected")


class Election(models.Model):
    """Open election of a circle's leader by consent: nominations with reasons, then a
    consent round on one nominee, where objections need reasons."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="elections")
    role = models.CharField(max_length=10, choices=MandateRole.choices, default=MandateRole.LEADER)
    state = models.CharField(
        max_length=16, choices=ElectionState.choices, default=ElectionState.NOMINATING
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.circle}: {self.get_role_display()}"


class Nomination(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="nominations")
    nominee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("why this person"))
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["election", "nominee"], name="one_nomination_each")
        ]

    def __str__(self) -> str:
        return f"{self.nominee} ({self.election})"
