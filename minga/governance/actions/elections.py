"""Open elections by consent: nominations with reasons, then a consent round on one
nominee (a proposal whose adoption gives the seat)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.models import Person, User
from minga.core.permissions import Action, can, require
from minga.governance import decision_rules as rules
from minga.governance.actions._common import in_circle
from minga.governance.actions.proposals import open_proposal
from minga.governance.models import (
    Circle,
    Election,
    ElectionState,
    MandateRole,
    Nomination,
    Proposal,
    VotingUnit,
)


def _may_run_election(actor: User, circle: Circle) -> bool:
    """Coordinators, or anyone seated in the circle."""
    return can(actor, Action.MANAGE_GOVERNANCE, circle.network) or in_circle(actor, circle)


@transaction.atomic
def open_election(*, actor: User, circle: Circle, role: str = MandateRole.LEADER) -> Election:
    require(actor, Action.VIEW_GOVERNANCE, circle.network)
    if not _may_run_election(actor, circle):
        raise PermissionDenied
    if role not in (MandateRole.LEADER, MandateRole.DELEGATE):
        raise ValidationError({"role": _("Elections are for a leader or a delegate.")})
    if circle.elections.exclude(state=ElectionState.ELECTED).filter(role=role).exists():
        raise ValidationError({"role": _("An election for this seat is already under way.")})
    election = Election.objects.create(circle=circle, role=role, opened_by=actor)
    record(actor=actor, action=AuditEvent.ELECTION_OPEN, target=election, network=circle.network)
    return election


@transaction.atomic
def nominate(*, actor: User, election: Election, nominee: Person, reason: str) -> Nomination:
    circle = election.circle
    require(actor, Action.VIEW_GOVERNANCE, circle.network)
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
    record(
        actor=actor, action=AuditEvent.ELECTION_NOMINATE, target=nomination, network=circle.network
    )
    return nomination


@transaction.atomic
def start_consent_round(
    *, actor: User, nomination: Nomination, closes_at: datetime | None = None
) -> Proposal:
    """Put one nominee to the circle: adopted unless an objection (with its reason) stands."""
    election = nomination.election
    circle = election.circle
    require(actor, Action.VIEW_GOVERNANCE, circle.network)
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
