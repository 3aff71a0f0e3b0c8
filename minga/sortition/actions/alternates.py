"""Alternates chosen with the panel, so that after dropouts the best replacements among them
keep the quotas (`engine.alternates`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.permissions import Action, require
from minga.sortition.actions._common import in_state, locked
from minga.sortition.engine.model import SortitionInputError
from minga.sortition.inputs import translated
from minga.sortition.models import Draw, DrawState

if TYPE_CHECKING:
    from minga.core.permissions import Actor
    from minga.sortition.engine.alternates import StayModel

# Past drawn members needed before the stay model is fitted on them rather than equal for all.
MIN_HISTORY = 30


def stay_history(draw: Draw) -> list[tuple[dict[str, str], bool]]:
    """Everyone first drawn in the network's other seated draws (their invitations settled)
    that have the same features, and whether they kept their seat (did not decline)."""
    others = (
        Draw.objects.filter(network=draw.network, state=DrawState.SEATED)
        .exclude(pk=draw.pk)
        .prefetch_related("declines")
        .only("pool", "panel", "features")
    )
    history: list[tuple[dict[str, str], bool]] = []
    for other in others:
        if not set(draw.features) <= set(other.features):
            continue
        declined = {d.member_id for d in other.declines.all()}
        rows = {row["id"]: row for row in other.pool}
        for member in other.panel:
            row = rows.get(member)
            if row is not None:
                features = {f: row["features"][f] for f in draw.features}
                history.append((features, member not in declined))
    return history


def _stay_model(draw: Draw) -> tuple[StayModel, int]:
    from minga.sortition.engine.alternates import StayModel, fit_stay_model

    history = stay_history(draw)
    if len(history) < MIN_HISTORY:
        return StayModel.uniform(), 0
    return fit_stay_model(history, draw.features), len(history)


@transaction.atomic
def choose_alternates(*, actor: Actor, draw: Draw, budget: int) -> Draw:
    """Choose `budget` alternates for the drawn panel, before anyone declines."""
    from minga.sortition.engine import alternates

    require(actor, Action.MANAGE_DRAWS, draw.network)
    draw = locked(draw)
    in_state(draw, DrawState.DRAWN, field="alternates")
    if draw.declines.exists():
        raise ValidationError({"alternates": _("Alternates are chosen before anyone declines.")})
    instance = draw.instance()
    stay, history = _stay_model(draw)
    try:
        chosen = alternates.choose_alternates(
            instance, draw.panel, budget, stay=stay, seed=draw.replacement_seed
        )
    except SortitionInputError as exc:
        raise ValidationError({"alternates": translated(exc)}) from exc
    draw.alternates = list(chosen.ids)
    draw.alternates_shortfall = chosen.expected_shortfall
    draw.alternates_optimal = chosen.optimal
    draw.seated_chances = alternates.seated_chances(
        instance, draw.panel, chosen.ids, stay, seed=draw.replacement_seed
    )
    stay_json: dict[str, Any] = {"base": stay.base, "factors": stay.factors, "history": history}
    draw.stay_model = stay_json
    draw.save(
        update_fields=[
            "alternates",
            "alternates_shortfall",
            "alternates_optimal",
            "seated_chances",
            "stay_model",
        ]
    )
    record(
        actor=actor,
        action=AuditEvent.DRAW_ALTERNATES,
        target=draw,
        network=draw.network,
        data={"alternates": draw.alternates, "history": history},
    )
    return draw
