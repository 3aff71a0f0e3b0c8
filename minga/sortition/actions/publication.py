"""Publishing the distribution, fixing the public seed, drawing the panel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.permissions import Action, require
from minga.sortition.actions._common import in_state, locked
from minga.sortition.engine.replacement import distribution_from_json
from minga.sortition.models import Algorithm, Draw, DrawState

if TYPE_CHECKING:
    from minga.core.permissions import Actor


@transaction.atomic
def publish(*, actor: Actor, draw: Draw) -> Draw:
    """Make the pool, the quotas, the probabilities and the SHA-256 public, before any seed."""
    require(actor, Action.MANAGE_DRAWS, draw.network)
    draw = locked(draw)
    in_state(draw, DrawState.COMPUTED)
    draw.state = DrawState.PUBLISHED
    draw.published_at = timezone.now()
    draw.save(update_fields=["state", "published_at"])
    record(
        actor=actor,
        action=AuditEvent.DRAW_PUBLISH,
        target=draw,
        network=draw.network,
        data={"sha256": draw.distribution_sha256},
    )
    return draw


@transaction.atomic
def fix_seed(*, actor: Actor, draw: Draw, seed: str, note: str = "") -> Draw:
    """Enter the public seed, announced after publication (a number called out in a meeting,
    a public lottery's result). Never taken from the clock."""
    require(actor, Action.MANAGE_DRAWS, draw.network)
    draw = locked(draw)
    in_state(draw, DrawState.PUBLISHED, field="seed")
    seed = seed.strip()
    if not seed:
        raise ValidationError({"seed": _("Enter the public seed.")})
    if len(seed) > 200:
        raise ValidationError({"seed": _("The seed is at most 200 characters long.")})
    draw.seed = seed
    draw.seed_note = note.strip()[:300]
    draw.seed_fixed_at = timezone.now()
    draw.state = DrawState.SEED_FIXED
    draw.save(update_fields=["seed", "seed_note", "seed_fixed_at", "state"])
    record(
        actor=actor,
        action=AuditEvent.DRAW_SEED,
        target=draw,
        network=draw.network,
        data={"seed": seed},
    )
    return draw


@transaction.atomic
def draw_panel(*, actor: Actor, draw: Draw) -> Draw:
    """Draw the panel from the published distribution with procedure
    minga-sortition-draw-v1 (see `minga.sortition.engine.draw`), the same one
    `minga sortition verify` runs."""
    require(actor, Action.MANAGE_DRAWS, draw.network)
    draw = locked(draw)
    in_state(draw, DrawState.SEED_FIXED)
    if draw.algorithm == Algorithm.LEXIMIN:
        assert draw.distribution is not None
        distribution = distribution_from_json(draw.distribution)
        if distribution.sha256() != draw.distribution_sha256:
            raise ValidationError({"state": _("The stored distribution does not match its hash.")})
        panel = distribution.draw(draw.seed)
    else:
        from minga.sortition.engine.legacy import legacy_draw  # numpy, when needed

        panel, _probabilities = legacy_draw(draw.instance(), draw.seed, runs=1)
    draw.panel = panel
    draw.current_panel = panel
    draw.drawn_at = timezone.now()
    draw.state = DrawState.DRAWN
    draw.save(update_fields=["panel", "current_panel", "drawn_at", "state"])
    record(
        actor=actor,
        action=AuditEvent.DRAW_DRAW,
        target=draw,
        network=draw.network,
        data={"panel": panel},
    )
    return draw
