"""Proposals: opening one, positions and objections, amendments, comments, and closing by
the proposal's decision rule."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.core.audit import record
from minga.core.db import forget_wal_after_commit
from minga.core.events import AuditEvent
from minga.core.models import Network, Organization, Person, User
from minga.core.permissions import SYSTEM, Action, can, require
from minga.governance import decision_rules as rules
from minga.governance.actions._common import in_circle
from minga.governance.actions.structure import appoint
from minga.governance.models import (
    Amendment,
    Ballot,
    Circle,
    Comment,
    Election,
    ElectionState,
    Nomination,
    Objection,
    ObjectionStatus,
    Participation,
    Position,
    Proposal,
    ProposalState,
    VotingUnit,
    voter_fields,
    voter_q,
)

if TYPE_CHECKING:
    from minga.core.permissions import Actor


class ProposalClosed(Exception):
    """The proposal is closed: nothing about it can change any more."""


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

    require(actor, Action.PROPOSE, network)
    if circle is not None:
        if circle.network_id != network.pk:
            raise ValidationError({"circle": _("That circle belongs to another network.")})
        if not (in_circle(actor, circle) or can(actor, Action.MANAGE_GOVERNANCE, network)):
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
        action=AuditEvent.PROPOSAL_OPEN,
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
    # Any person of the network; whether they may vote here is the proposal's to say.
    require(actor, Action.VIEW_GOVERNANCE, proposal.network)
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
        action=AuditEvent.PROPOSAL_POSITION,
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
    require(actor, Action.VIEW_GOVERNANCE, objection.proposal.network)
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
    require(actor, Action.PROPOSE, proposal.network)
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
    record(actor=actor, action=AuditEvent.PROPOSAL_AMEND, target=proposal, network=proposal.network)
    return amendment


@transaction.atomic
def comment(*, actor: User, proposal: Proposal, text: str) -> Comment:
    require(actor, Action.VIEW_GOVERNANCE, proposal.network)
    if not text.strip():
        raise ValidationError({"text": _("Write a comment.")})
    note = Comment.objects.create(proposal=proposal, author=actor, text=text.strip())
    record(
        actor=actor, action=AuditEvent.PROPOSAL_COMMENT, target=proposal, network=proposal.network
    )
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
def close_proposal(*, actor: Actor, proposal: Proposal) -> rules.Outcome:
    """Decide the proposal by its rule: coordinators, the circle's leader, or the system
    at the closing time."""
    require(actor, Action.VIEW_GOVERNANCE, proposal.network)
    proposal = _locked_open(proposal)
    if not (can(actor, Action.CLOSE_PROPOSALS, proposal.network) or proposal.led_by(actor)):
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
        action=AuditEvent.PROPOSAL_CLOSE,
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
    forget_wal_after_commit()  # the deleted positions, in no earlier page of the WAL


def _seat_the_elected(proposal: Proposal) -> None:
    """The circle's consent gives the seat, whoever closed the round: Minga seats them."""
    nomination = proposal.nomination
    assert nomination is not None
    election = nomination.election
    appoint(
        actor=SYSTEM,
        circle=election.circle,
        role=election.role,
        person=nomination.nominee,
        source="election",
        confirm_break=True,
    )
    election.state = ElectionState.ELECTED
    election.save(update_fields=["state"])
