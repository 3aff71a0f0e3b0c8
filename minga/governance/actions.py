"""The governance app's write path: circles, mandates, proposals, positions, elections.

Each function takes a keyword-only `actor`, runs in one transaction, appends to the
audit log and schedules mail after the commit.
"""

from __future__ import annotations

import calendar
import secrets
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.core.audit import record
from minga.core.models import Network, Organization, Person, User
from minga.core.permissions import Action, can
from minga.governance import decision_rules as rules
from minga.governance.linkage import Seat, broken_by
from minga.governance.models import (
    Amendment,
    Ballot,
    Circle,
    CircleKind,
    Comment,
    Election,
    ElectionState,
    Mandate,
    MandateRole,
    MemberKind,
    Nomination,
    Objection,
    ObjectionStatus,
    Participation,
    Position,
    Proposal,
    ProposalState,
    VotingUnit,
    current_seats,
    linked_parents,
    voter_fields,
    voter_q,
)

CIRCLE_FIELDS = (
    "name",
    "parent",
    "objectives",
    "activities",
    "can_decide",
    "can_execute",
    "can_evaluate",
    "member_kind",
    "mandate_months",
    "renewable",
    "max_renewals",
    "filled_by",
)


class ProposalClosed(Exception):
    """The proposal is closed: nothing about it can change any more."""


class LinkWouldBreak(ValidationError):
    """A change would break a circle's double link; repeat it with confirmation."""

    def __init__(self, circles: list[Circle]) -> None:
        self.circles = circles
        names = ", ".join(circle.name for circle in circles)
        super().__init__(
            _("This change breaks the double link of: %(circles)s. Confirm to go ahead.")
            % {"circles": names},
            code="link_would_break",
        )


def _require(actor: Any, action: Action, network: Network) -> None:
    if not can(actor, action, network):
        raise PermissionDenied


def _in_circle(user: Any, circle: Circle) -> bool:
    return circle.mandates.current().filter(person__user=user).exists()


# Circles and the coordination body ---------------------------------------------------------


def _check_parent(
    network: Network, kind: str, parent: Circle | None, circle: Circle | None
) -> None:
    if parent is None:
        if kind == CircleKind.WORKING_GROUP:
            raise ValidationError(
                {"parent": _("A working group reports to the coordination body or another group.")}
            )
        return
    if parent.network_id != network.pk:
        raise ValidationError({"parent": _("That circle belongs to another network.")})
    if kind == CircleKind.COORDINATION_BODY:
        raise ValidationError({"parent": _("The coordination body reports to nobody.")})
    ancestor: Circle | None = parent
    while ancestor is not None:
        if circle is not None and ancestor.pk == circle.pk:
            raise ValidationError({"parent": _("A circle cannot sit inside itself.")})
        ancestor = ancestor.parent


@transaction.atomic
def create_circle(*, actor: User, network: Network, kind: str, name: str, **fields: Any) -> Circle:
    _require(actor, Action.MANAGE_GOVERNANCE, network)
    unknown = set(fields) - set(CIRCLE_FIELDS)
    if unknown:
        raise ValueError(f"not circle fields: {sorted(unknown)}")
    if kind not in CircleKind.values:
        raise ValidationError({"kind": _("%(value)s is not a kind of circle.") % {"value": kind}})
    if not name.strip():
        raise ValidationError({"name": _("Give the circle a name.")})
    if network.circles.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": _("This network already has a circle of that name.")})
    if kind == CircleKind.COORDINATION_BODY and network.circles.filter(kind=kind).exists():
        raise ValidationError({"kind": _("The network already has a coordination body.")})
    _check_parent(network, kind, fields.get("parent"), None)
    circle = Circle(network=network, kind=kind, name=name.strip(), **fields)
    circle.full_clean(exclude=["network", "parent"], validate_constraints=False)
    circle.save()
    record(actor=actor, action="circle.create", target=circle, network=network)
    return circle


@transaction.atomic
def update_circle(*, actor: User, circle: Circle, **changes: Any) -> Circle:
    _require(actor, Action.MANAGE_GOVERNANCE, circle.network)
    unknown = set(changes) - set(CIRCLE_FIELDS)
    if unknown:
        raise ValueError(f"not circle fields: {sorted(unknown)}")
    if "parent" in changes:
        _check_parent(circle.network, circle.kind, changes["parent"], circle)
    for field, value in changes.items():
        setattr(circle, field, value)
    circle.full_clean(exclude=["network", "parent"], validate_constraints=False)
    circle.save()
    record(
        actor=actor,
        action="circle.update",
        target=circle,
        network=circle.network,
        data={k: getattr(v, "pk", v) for k, v in changes.items()},
    )
    return circle


# Mandates -----------------------------------------------------------------------------------


def _seats(network: Network) -> tuple[dict[int, int | None], list[Seat]]:
    return linked_parents(network), current_seats(network)


def _guard_links(
    network: Network,
    before: tuple[dict[int, int | None], list[Seat]],
    confirm_break: bool,
) -> list[int]:
    """Refuse (unless confirmed) a change that broke a link that held before it."""
    parents, seats_before = before
    _parents, seats_after = _seats(network)
    broken = broken_by(parents, seats_before, seats_after)
    if broken and not confirm_break:
        raise LinkWouldBreak(list(network.circles.filter(pk__in=broken)))
    return broken


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day if it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _default_end(circle: Circle, starts_on: date) -> date | None:
    if circle.mandate_months:
        return add_months(starts_on, circle.mandate_months)
    return None


@transaction.atomic
def appoint(
    *,
    actor: User | None,
    circle: Circle,
    role: str,
    person: Person | None = None,
    organization: Organization | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    source: str = "appointment",
    confirm_break: bool = False,
) -> Mandate:
    """Give someone a seat. A new leader replaces the current one."""
    network = circle.network
    if actor is not None:
        _require(actor, Action.MANAGE_GOVERNANCE, network)
    if role not in MandateRole.values:
        raise ValidationError({"role": _("%(value)s is not a role in a circle.") % {"value": role}})
    if (person is None) == (organization is None):
        raise ValidationError({"person": _("Name either a person or an organization.")})
    if person is not None and person.network_id != network.pk:
        raise ValidationError({"person": _("That person is not in this network.")})
    if organization is not None:
        if organization.network_id != network.pk:
            raise ValidationError(
                {"organization": _("The organization belongs to another network.")}
            )
        if circle.member_kind != MemberKind.ORGANIZATIONS:
            raise ValidationError({"organization": _("This circle's members are people.")})
    holder = Q(person=person) if person is not None else Q(organization=organization)
    if circle.mandates.current().filter(holder).filter(role=role).exists():
        raise ValidationError({"role": _("They already hold this seat.")})
    starts_on = starts_on or timezone.localdate()
    ends_on = ends_on or _default_end(circle, starts_on)
    if ends_on is not None and ends_on <= starts_on:
        raise ValidationError({"ends_on": _("A mandate must end after it starts.")})
    before = _seats(network)
    if role == MandateRole.LEADER:
        circle.mandates.current().filter(role=MandateRole.LEADER).update(ended_on=starts_on)
    mandate = Mandate.objects.create(
        circle=circle,
        person=person,
        organization=organization,
        role=role,
        starts_on=starts_on,
        ends_on=ends_on,
        source=source,
    )
    _guard_links(network, before, confirm_break)
    record(
        actor=actor,
        action="mandate.appoint",
        target=mandate,
        network=network,
        data={"circle": circle.pk, "role": role, "source": source},
    )
    return mandate


@transaction.atomic
def end_mandate(
    *, actor: User, mandate: Mandate, on: date | None = None, confirm_break: bool = False
) -> Mandate:
    network = mandate.circle.network
    _require(actor, Action.MANAGE_GOVERNANCE, network)
    if mandate.ended_on is not None:
        raise ValidationError({"mandate": _("This mandate has ended already.")})
    before = _seats(network)
    mandate.ended_on = on or timezone.localdate()
    mandate.save(update_fields=["ended_on"])
    broken = _guard_links(network, before, confirm_break)
    record(
        actor=actor,
        action="mandate.end",
        target=mandate,
        network=network,
        data={"broke_links_of": broken},
    )
    return mandate


@transaction.atomic
def renew_mandate(*, actor: User, mandate: Mandate) -> Mandate:
    """A new mandate continuing the old one, if the circle's renewal rule allows it."""
    circle = mandate.circle
    _require(actor, Action.MANAGE_GOVERNANCE, circle.network)
    if mandate.ended_on is not None:
        raise ValidationError({"mandate": _("This mandate has ended already.")})
    if not circle.renewable:
        raise ValidationError(
            {"mandate": _("Mandates of %(circle)s cannot be renewed.") % {"circle": circle}}
        )
    if circle.max_renewals is not None and mandate.renewals >= circle.max_renewals:
        raise ValidationError(
            {
                "mandate": _("This mandate was renewed %(count)s times, the most allowed.")
                % {"count": mandate.renewals}
            }
        )
    starts_on = mandate.ends_on or timezone.localdate()
    mandate.ended_on = starts_on
    mandate.save(update_fields=["ended_on"])
    renewed = Mandate.objects.create(
        circle=circle,
        person=mandate.person,
        organization=mandate.organization,
        role=mandate.role,
        starts_on=starts_on,
        ends_on=_default_end(circle, starts_on),
        renewals=mandate.renewals + 1,
        source="renewal",
    )
    record(actor=actor, action="mandate.renew", target=renewed, network=circle.network)
    return renewed


# Proposals ---------------------------------------------------------------------------------


@transaction.atomic
def open_proposal(
    *,
    actor: User,
    network: Network,
    title: str,
    text: str,
    rule: str,
    matter: str = "strategic",
    circle: Circle | None = None,
    voting_unit: str = VotingUnit.ORGANIZATION,
    secret: bool = False,
    closes_at: datetime | None = None,
    quorum: float | None = None,
    nomination: Nomination | None = None,
) -> Proposal:
    from minga.governance.tasks import notify_proposal_opened

    _require(actor, Action.PROPOSE, network)
    if circle is not None:
        if circle.network_id != network.pk:
            raise ValidationError({"circle": _("That circle belongs to another network.")})
        if not (_in_circle(actor, circle) or can(actor, Action.MANAGE_GOVERNANCE, network)):
            raise PermissionDenied
    if not title.strip():
        raise ValidationError({"title": _("Give the proposal a title.")})
    if not text.strip():
        raise ValidationError({"body": _("Write what is proposed.")})
    if rule not in rules.Rule.__members__.values():
        raise ValidationError({"rule": _("%(value)s is not a decision rule.") % {"value": rule}})
    if matter not in ("strategic", "operational"):
        raise ValidationError({"matter": _("%(value)s is not a matter.") % {"value": matter}})
    if voting_unit not in VotingUnit.values:
        raise ValidationError(
            {"voting_unit": _("%(value)s is not a voting unit.") % {"value": voting_unit}}
        )
    if closes_at is not None and closes_at <= timezone.now():
        raise ValidationError({"closes_at": _("The closing time must be in the future.")})
    if quorum is not None and not 0 <= quorum <= 1:
        raise ValidationError({"quorum": _("A quorum is a share between 0 and 1, e.g. 0.5.")})
    proposal = Proposal.objects.create(
        network=network,
        circle=circle,
        title=title.strip(),
        text=text,
        rule=rule,
        matter=matter,
        voting_unit=voting_unit,
        secret=secret,
        closes_at=closes_at,
        quorum=quorum,
        proposer=actor,
        nomination=nomination,
    )
    record(
        actor=actor,
        action="proposal.open",
        target=proposal,
        network=network,
        data={"rule": rule, "secret": secret, "circle": circle.pk if circle else None},
    )
    transaction.on_commit(lambda: notify_proposal_opened.enqueue(proposal.pk))
    return proposal


def _locked_open(proposal: Proposal, shared: bool = False) -> Proposal:
    """The proposal, locked against closing while we write, and still open.

    Positions take a shared lock on PostgreSQL, so voters do not queue behind each
    other (the unique constraints keep one position per voter) while closing, which
    takes the exclusive lock, waits for them. SQLite serializes writers anyway."""
    if shared and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {Proposal._meta.db_table} WHERE id = %s FOR SHARE",  # noqa: S608
                [proposal.pk],
            )
        locked = Proposal.objects.select_related("network", "circle").get(pk=proposal.pk)
        if not locked.is_open:
            raise ProposalClosed
        return locked
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("network", "circle")
        .get(pk=proposal.pk)
    )
    if not locked.is_open:
        raise ProposalClosed
    return locked


def take_position(*, actor: User, proposal: Proposal, position: str, reason: str = "") -> Position:
    """The actor's position (for their organization when it votes as one); it replaces
    their previous one. Safe under bursts: the database allows one position per voter,
    and a lost race retries as an update."""
    if position not in rules.Position.__members__.values():
        raise ValidationError({"position": _("%(value)s is not a position.") % {"value": position}})
    reason = reason.strip()
    if position == rules.Position.OBJECT and not reason:
        raise ValidationError({"reason": _("An objection needs a reason.")})
    for _attempt in range(5):
        try:
            return _take_position(actor, proposal, position, reason)
        except IntegrityError:
            # Another request created this voter's position first: update it instead.
            continue
    raise RuntimeError("could not record the position")


@transaction.atomic
def _take_position(actor: User, proposal: Proposal, position: str, reason: str) -> Position:
    proposal = _locked_open(proposal, shared=True)
    voter = proposal.voter_for(actor)
    if voter is None:
        raise PermissionDenied
    who = voter_q(voter)
    current = proposal.positions.select_for_update().filter(who).first()
    if current is None:
        current = Position(proposal=proposal, **voter_fields(voter))
    previous = current.position if current.pk else None
    current.position = position
    current.reason = reason
    current.cast_by = actor
    with transaction.atomic():  # a savepoint, so a lost race can be retried
        current.save()
    _follow_objection(proposal, voter, previous, position, reason)
    record(
        actor=actor,
        action="proposal.position",
        target=proposal,
        network=proposal.network,
        # A secret proposal's audit trail says who took part, never what they said.
        data={} if proposal.secret else {"position": position},
    )
    return current


def _follow_objection(
    proposal: Proposal,
    voter: Person | Organization,
    previous: str | None,
    position: str,
    reason: str,
) -> None:
    standing = proposal.objections.filter(voter_q(voter), status=ObjectionStatus.STANDING)
    now = timezone.now()
    if position == rules.Position.OBJECT:
        if standing.filter(reason=reason).exists():
            return
        standing.update(
            status=ObjectionStatus.WITHDRAWN,
            resolved_at=now,
            resolution=_("Replaced by a new objection."),
        )
        Objection.objects.create(proposal=proposal, reason=reason, **voter_fields(voter))
    elif previous == rules.Position.OBJECT:
        amended = proposal.amendments.filter(at__gte=standing.values("raised_at")[:1]).exists()
        resolution = (
            _("Withdrawn after the text was amended.")
            if amended
            else _("Withdrawn by the objector.")
        )
        standing.update(status=ObjectionStatus.WITHDRAWN, resolved_at=now, resolution=resolution)


def withdraw_objection(
    *, actor: User, objection: Objection, position: str = rules.Position.AGREE
) -> Position:
    """The objector withdraws: they can now live with the proposal."""
    if position == rules.Position.OBJECT:
        raise ValidationError({"position": _("Withdrawing an objection needs another position.")})
    voter = objection.proposal.voter_for(actor)
    if voter is None or voter != (objection.voter_person or objection.voter_organization):
        raise PermissionDenied
    if objection.status != ObjectionStatus.STANDING:
        raise ValidationError({"objection": _("This objection is no longer standing.")})
    return take_position(actor=actor, proposal=objection.proposal, position=position)


@transaction.atomic
def amend_proposal(*, actor: User, proposal: Proposal, text: str, note: str = "") -> Amendment:
    proposal = _locked_open(proposal)
    if proposal.proposer_id != actor.pk:
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"body": _("Write what is proposed.")})
    amendment = Amendment.objects.create(
        proposal=proposal, previous_text=proposal.text, new_text=text, note=note, by=actor
    )
    proposal.text = text
    proposal.save(update_fields=["text"])
    record(actor=actor, action="proposal.amend", target=proposal, network=proposal.network)
    return amendment


@transaction.atomic
def comment(*, actor: User, proposal: Proposal, text: str) -> Comment:
    _require(actor, Action.VIEW_GOVERNANCE, proposal.network)
    if not text.strip():
        raise ValidationError({"text": _("Write a comment.")})
    note = Comment.objects.create(proposal=proposal, author=actor, text=text.strip())
    record(actor=actor, action="proposal.comment", target=proposal, network=proposal.network)
    return note


def _tie_break(proposal: Proposal, positions: list[Position]) -> rules.Position | None:
    coordinating = proposal.network.coordinating_organization_id
    if coordinating is None:
        return None
    if proposal.voting_unit == VotingUnit.ORGANIZATION:
        sides = {p.position for p in positions if p.voter_organization_id == coordinating}
    else:
        sides = {
            p.position
            for p in positions
            if p.voter_person is not None and p.voter_person.organization_id == coordinating
        }
    # A divided delegation, or none at all, took no side.
    return rules.Position(sides.pop()) if len(sides) == 1 else None


@transaction.atomic
def close_proposal(*, actor: User | None, proposal: Proposal) -> rules.Outcome:
    """Decide the proposal by its rule. `actor` None is the scheduler at closing time."""
    proposal = _locked_open(proposal)
    if actor is not None and not (
        can(actor, Action.CLOSE_PROPOSALS, proposal.network) or proposal.led_by(actor)
    ):
        raise PermissionDenied
    positions = list(proposal.positions.select_related("voter_person"))
    tally = rules.Tally.of([p.position for p in positions])
    eligible = proposal.eligible_total()
    outcome = rules.decide(
        rules.Rule(proposal.rule),
        tally,
        eligible=eligible,
        quorum=proposal.quorum,
        tie_break=_tie_break(proposal, positions) if proposal.rule == rules.Rule.MAJORITY else None,
    )
    proposal.state = ProposalState.CLOSED
    proposal.closed_at = timezone.now()
    proposal.eligible_count = eligible
    proposal.outcome = outcome.result.value
    proposal.decided_by = outcome.decided_by.value if outcome.decided_by else ""
    proposal.tally = tally.as_dict()
    proposal.save()
    if proposal.secret:
        _unlink_secret_positions(proposal, positions)
    record(
        actor=actor,
        action="proposal.close",
        target=proposal,
        network=proposal.network,
        data={
            "rule": proposal.rule,
            "outcome": proposal.outcome,
            "decided_by": proposal.decided_by,
            "tally": proposal.tally,
            "eligible": eligible,
        },
    )
    if proposal.nomination_id is not None:
        if outcome.result is rules.Result.ADOPTED:
            _seat_the_elected(proposal)
        else:
            # The nominee was not accepted: nominations open again.
            Election.objects.filter(
                nominations=proposal.nomination_id, state=ElectionState.CONSENT_ROUND
            ).update(state=ElectionState.NOMINATING)
    return outcome


def _unlink_secret_positions(proposal: Proposal, positions: list[Position]) -> None:
    """Keep who took part and what was said, never together: participations in voter
    order, ballots in a random order, and no row or column that joins the two."""
    Participation.objects.bulk_create(
        sorted(
            (
                Participation(
                    proposal=proposal,
                    voter_person_id=p.voter_person_id,
                    voter_organization_id=p.voter_organization_id,
                )
                for p in positions
            ),
            key=lambda part: (part.voter_person_id or 0, part.voter_organization_id or 0),
        )
    )
    ballots = [Ballot(proposal=proposal, position=p.position, reason=p.reason) for p in positions]
    secrets.SystemRandom().shuffle(ballots)
    Ballot.objects.bulk_create(ballots)
    proposal.positions.all().delete()
    proposal.objections.update(voter_person=None, voter_organization=None)


def _seat_the_elected(proposal: Proposal) -> None:
    nomination = proposal.nomination
    assert nomination is not None
    election = nomination.election
    appoint(
        actor=None,
        circle=election.circle,
        role=election.role,
        person=nomination.nominee,
        source="election",
        confirm_break=True,
    )
    election.state = ElectionState.ELECTED
    election.save(update_fields=["state"])


# Open elections by consent -------------------------------------------------------------------


def _may_run_election(actor: User, circle: Circle) -> bool:
    return can(actor, Action.MANAGE_GOVERNANCE, circle.network) or _in_circle(actor, circle)


@transaction.atomic
def open_election(*, actor: User, circle: Circle, role: str = MandateRole.LEADER) -> Election:
    if not _may_run_election(actor, circle):
        raise PermissionDenied
    if role not in (MandateRole.LEADER, MandateRole.DELEGATE):
        raise ValidationError({"role": _("Elections are for a leader or a delegate.")})
    if circle.elections.exclude(state=ElectionState.ELECTED).filter(role=role).exists():
        raise ValidationError({"role": _("An election for this seat is already under way.")})
    election = Election.objects.create(circle=circle, role=role, opened_by=actor)
    record(actor=actor, action="election.open", target=election, network=circle.network)
    return election


@transaction.atomic
def nominate(*, actor: User, election: Election, nominee: Person, reason: str) -> Nomination:
    circle = election.circle
    if not _may_run_election(actor, circle):
        raise PermissionDenied
    if election.state != ElectionState.NOMINATING:
        raise ValidationError({"election": _("Nominations are closed.")})
    if nominee.network_id != circle.network_id:
        raise ValidationError({"nominee": _("That person is not in this network.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you nominate this person.")})
    if election.nominations.filter(nominee=nominee).exists():
        raise ValidationError({"nominee": _("This person is nominated already.")})
    nomination = Nomination.objects.create(
        election=election, nominee=nominee, nominated_by=actor, reason=reason.strip()
    )
    record(actor=actor, action="election.nominate", target=nomination, network=circle.network)
    return nomination


@transaction.atomic
def start_consent_round(
    *, actor: User, nomination: Nomination, closes_at: datetime | None = None
) -> Proposal:
    """Put one nominee to the circle: adopted unless an objection (with its reason) stands."""
    election = nomination.election
    circle = election.circle
    if not _may_run_election(actor, circle):
        raise PermissionDenied
    if election.state != ElectionState.NOMINATING:
        raise ValidationError({"election": _("A consent round is already under way.")})
    election.state = ElectionState.CONSENT_ROUND
    election.save(update_fields=["state"])
    title = _("Elect %(person)s as %(role)s of %(circle)s") % {
        "person": nomination.nominee,
        "role": election.get_role_display().lower(),
        "circle": circle.name,
    }
    nominations = "\n".join(
        f"- {n.nominee}: {n.reason}" for n in election.nominations.select_related("nominee__user")
    )
    return open_proposal(
        actor=actor,
        network=circle.network,
        title=title,
        text=_("Nominations:\n%(nominations)s") % {"nominations": nominations},
        rule=rules.Rule.CONSENT,
        matter="operational",
        circle=circle,
        voting_unit=VotingUnit.PERSON,
        closes_at=closes_at,
        nomination=nomination,
    )
