"""Members: the participation commitment each one chooses, and the non-financial
contributions it pledges."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.permissions import Action, can, require
from minga.membership.models import Contribution, ContributionKind, Membership, ParticipationLevel

if TYPE_CHECKING:
    from minga.core.permissions import Actor


def _require_representative(actor: Actor, membership: Membership) -> None:
    """A member's own people keep its commitments; coordinators may record them too."""
    require(actor, Action.VIEW_NETWORK, membership.network)
    if not (
        can(actor, Action.MANAGE_MEMBERSHIP, membership.network) or membership.represented_by(actor)
    ):
        raise PermissionDenied


@transaction.atomic
def set_level(*, actor: Actor, membership: Membership, level: str) -> Membership:
    """Each member chooses its commitment; coordinators may record it for them."""
    _require_representative(actor, membership)
    if level not in ParticipationLevel.values:
        raise ValidationError(
            {"level": _("%(value)s is not one of: core, active, occasional.") % {"value": level}}
        )
    membership.level = level
    membership.save(update_fields=["level"])
    record(
        actor=actor,
        action=AuditEvent.MEMBERSHIP_LEVEL,
        target=membership,
        network=membership.network,
        data={"level": level},
    )
    return membership


@transaction.atomic
def pledge(
    *, actor: Actor, membership: Membership, kind: str, description: str, due_on: date | None = None
) -> Contribution:
    _require_representative(actor, membership)
    if kind not in ContributionKind.values:
        raise ValidationError(
            {"kind": _("%(value)s is not a kind of contribution.") % {"value": kind}}
        )
    if not description.strip():
        raise ValidationError({"description": _("Describe the contribution.")})
    contribution = Contribution.objects.create(
        membership=membership, kind=kind, description=description.strip(), due_on=due_on
    )
    record(
        actor=actor,
        action=AuditEvent.CONTRIBUTION_PLEDGE,
        target=contribution,
        network=membership.network,
    )
    return contribution


@transaction.atomic
def mark_delivered(
    *, actor: Actor, contribution: Contribution, delivered: bool = True
) -> Contribution:
    require(actor, Action.MANAGE_MEMBERSHIP, contribution.membership.network)
    contribution.delivered = delivered
    contribution.delivered_on = timezone.localdate() if delivered else None
    contribution.save(update_fields=["delivered", "delivered_on"])
    record(
        actor=actor,
        action=AuditEvent.CONTRIBUTION_DELIVERED,
        target=contribution,
        network=contribution.membership.network,
        data={"delivered": delivered},
    )
    return contribution
