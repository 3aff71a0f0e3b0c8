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
    draw.seated_before_draw = {}
    stay_json: dict[str, Any] = {"base": stay.base, "factors": stay.factors, "history": history}
    draw.stay_model = stay_json
    draw.save(
        update_fields=[
            "alternates",
            "alternates_shortfall",
            "alternates_optimal",
            "seated_chances",
            "seated_before_draw",
            "stay_model",
        ]
    )
    if draw.distribution is not None:
        # Dozens of panels' alternates, simulated: seconds to a minute, so in the background.
        from minga.sortition.tasks import estimate_seated_before_draw

        pk = draw.pk
        transaction.on_commit(lambda: estimate_seated_before_draw.enqueue(pk, budget))
    record(
        actor=actor,
        action=AuditEvent.DRAW_ALTERNATES,
        target=draw,
        network=draw.network,
        data={"alternates": draw.alternates, "history": history},
    )
    return draw


def run_seated_before_draw(draw_id: int, budget: int) -> bool:
    """The background task's work (Minga's own, not a person's): everyone's chance of being
    seated before the draw, with the alternates budget asked for and the draw's stay model.
    Idempotent: does nothing unless the draw has alternates, a distribution and no estimate
    yet, and stores nothing if the alternates were chosen again meanwhile. Returns whether it
    estimated."""
    from minga.sortition.engine.alternates import StayModel, seated_before_draw
    from minga.sortition.engine.lottery import read_table
    from minga.sortition.engine.replacement import distribution_from_json

    draw = Draw.objects.filter(pk=draw_id).first()
    if draw is None or not draw.alternates or draw.distribution is None:
        return False
    if draw.seated_before_draw:
        return False
    stay = StayModel(base=draw.stay_model["base"], factors=draw.stay_model["factors"])
    lottery = (
        [ids for _n, ids in read_table(draw.lottery_table.encode())] if draw.number_label else []
    )
    chances = seated_before_draw(
        distribution_from_json(draw.distribution),
        draw.instance(),
        budget,
        stay,
        seed=draw.replacement_seed,
        lottery=lottery,
        lottery_probabilities=draw.drawn_chances if lottery else None,
    )
    with transaction.atomic():
        current = locked(draw)
        chosen_again = (current.alternates, current.stay_model) != (
            draw.alternates,
            draw.stay_model,
        )
        if chosen_again or current.seated_before_draw:
            return False
        current.seated_before_draw = chances
        current.save(update_fields=["seated_before_draw"])
    return True
