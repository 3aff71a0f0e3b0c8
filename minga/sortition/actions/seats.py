"""Seats and declines: the panel takes its seats in the body it fills, and someone drawn
who declines is replaced without disturbing the others."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.models import Organization, Person
from minga.core.permissions import Action, require
from minga.governance import actions as governance_actions
from minga.governance.models import MemberKind
from minga.sortition.actions._common import in_state, locked, person_of
from minga.sortition.engine.replacement import decline_round, distribution_from_json
from minga.sortition.models import Decline, Draw, DrawState

if TYPE_CHECKING:
    from minga.core.permissions import Actor


def _holder(draw: Draw, member_id: str) -> dict[str, Person | Organization]:
    """The directory entry behind a pool id (p<pk> for people, o<pk> for organizations)."""
    prefix = "o" if draw.pool_kind == MemberKind.ORGANIZATIONS else "p"
    holder: Person | Organization | None = None
    if member_id.startswith(prefix) and member_id[1:].isdigit():
        if prefix == "o":
            holder = draw.network.organizations.filter(pk=int(member_id[1:])).first()
        else:
            holder = draw.network.people.filter(pk=int(member_id[1:])).first()
    if holder is None:
        raise ValidationError(
            {
                "panel": _("%(id)s is not in the network's directory: it cannot take a seat.")
                % {"id": member_id}
            }
        )
    return {"organization": holder} if prefix == "o" else {"person": holder}


def _seat_one(actor: Actor, draw: Draw, member_id: str, confirm_break: bool) -> None:
    assert draw.circle is not None
    governance_actions.appoint(
        actor=actor,
        circle=draw.circle,
        role="member",
        source="lot",
        confirm_break=confirm_break,
        **_holder(draw, member_id),  # type: ignore[arg-type]
    )


@transaction.atomic
def seat(*, actor: Actor, draw: Draw, confirm_break: bool = False) -> Draw:
    """Give every member of the panel a seat in the target body (mandates from "lot")."""
    require(actor, Action.MANAGE_DRAWS, draw.network)
    draw = locked(draw)
    in_state(draw, DrawState.DRAWN)
    if draw.circle is None:
        raise ValidationError({"circle": _("This draw fills no body: there is nothing to seat.")})
    for member_id in draw.current_panel:
        _seat_one(actor, draw, member_id, confirm_break)
    draw.state = DrawState.SEATED
    draw.seated_at = timezone.now()
    draw.save(update_fields=["state", "seated_at"])
    record(
        actor=actor,
        action=AuditEvent.DRAW_SEAT,
        target=draw,
        network=draw.network,
        data={"circle": draw.circle.pk, "panel": draw.current_panel},
    )
    return draw


@transaction.atomic
def decline(*, actor: Actor, draw: Draw, member_id: str, confirm_break: bool = False) -> Decline:
    """Someone drawn declines: the replacement is the best alternate, when the draw has
    alternates, else comes by procedure minga-sortition-replacement-v1
    (`minga.sortition.engine.replacement`). Everyone else keeps their seat and the quotas
    keep holding. On a seated draw the decliner's mandate ends and the replacement is
    seated."""
    require(actor, Action.MANAGE_DRAWS, draw.network)
    draw = locked(draw)
    in_state(draw, DrawState.DRAWN, DrawState.SEATED, field="member")
    if member_id not in draw.current_panel:
        raise ValidationError({"member": _("%(id)s is not on the panel.") % {"id": member_id}})
    earlier = list(draw.declines.values_list("member_id", flat=True))
    found, panel = decline_round(
        instance=draw.instance(),
        distribution=(
            distribution_from_json(draw.distribution) if draw.distribution is not None else None
        ),
        distribution_sha256=draw.distribution_sha256,
        seed=draw.replacement_seed,
        current=draw.current_panel,
        earlier=earlier,
        declined=member_id,
        alternates=draw.alternates,
    )
    if draw.state == DrawState.SEATED and draw.circle is not None:
        holder = _holder(draw, member_id)
        mandate = (
            draw.circle.mandates.current().filter(source="lot", role="member", **holder).first()
        )
        if mandate is not None:
            governance_actions.end_mandate(
                actor=actor, mandate=mandate, confirm_break=confirm_break
            )
        if found.member_id is not None:
            _seat_one(actor, draw, found.member_id, confirm_break)
    draw.current_panel = panel
    draw.save(update_fields=["current_panel"])
    entry = Decline.objects.create(
        draw=draw,
        round=len(earlier) + 1,
        member_id=member_id,
        replacement_id=found.member_id or "",
        method=found.method,
        recorded_by=person_of(actor),
    )
    record(
        actor=actor,
        action=AuditEvent.DRAW_DECLINE,
        target=draw,
        network=draw.network,
        data={"declined": member_id, "replacement": found.member_id, "method": found.method},
    )
    return entry
