"""Publishing the distribution, fixing the public seed, drawing the panel."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.permissions import Action, require
from minga.sortition.actions._common import in_state, locked
from minga.sortition.engine.replacement import distribution_from_json
from minga.sortition.models import DISTRIBUTION_ALGORITHMS, Draw, DrawState

if TYPE_CHECKING:
    from minga.core.permissions import Actor

DEFAULT_PANELS = 1000
MIN_PANELS = 10
# Four ten-sided dice at most: the table stays a page one can print and check.
MAX_LOTTERY_PANELS = 10_000


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
def make_lottery(*, actor: Actor, draw: Draw, panels: int = DEFAULT_PANELS) -> Draw:
    """Round the computed distribution (LEXIMIN's or Goldilocks') to `panels` numbered
    panels (000 to 999 for 1,000), to publish with it: the number then comes from dice, a
    drum or the seed."""
    from minga.sortition.engine.lottery import round_distribution

    require(actor, Action.MANAGE_DRAWS, draw.network)
    draw = locked(draw)
    in_state(draw, DrawState.COMPUTED)
    if draw.algorithm not in DISTRIBUTION_ALGORITHMS or draw.distribution is None:
        raise ValidationError(
            {"panels": _("A lottery rounds LEXIMIN's or Goldilocks' probabilities.")}
        )
    if not MIN_PANELS <= panels <= MAX_LOTTERY_PANELS:
        raise ValidationError(
            {
                "panels": _("From %(least)s to %(most)s numbered panels.")
                % {"least": MIN_PANELS, "most": MAX_LOTTERY_PANELS}
            }
        )
    distribution = _stored_distribution(draw)
    lottery = round_distribution(distribution, panels)
    draw.lottery_panels = panels
    draw.lottery_table = lottery.csv_bytes().decode()
    draw.lottery_sha256 = lottery.sha256()
    draw.lottery_max_change = lottery.max_change
    draw.lottery_probabilities = lottery.probabilities
    draw.save(
        update_fields=[
            "lottery_panels",
            "lottery_table",
            "lottery_sha256",
            "lottery_max_change",
            "lottery_probabilities",
        ]
    )
    record(
        actor=actor,
        action=AuditEvent.DRAW_LOTTERY,
        target=draw,
        network=draw.network,
        data={"panels": panels, "sha256": draw.lottery_sha256},
    )
    return draw


def _stored_distribution(draw: Draw) -> Any:
    assert draw.distribution is not None
    distribution = distribution_from_json(draw.distribution)
    if distribution.sha256() != draw.distribution_sha256:
        raise ValidationError({"state": _("The stored distribution does not match its hash.")})
    return distribution


@transaction.atomic
def enter_number(*, actor: Actor, draw: Draw, number: int, note: str = "") -> Draw:
    """The number a physical draw gave (three ten-sided dice, a drum), after publication."""
    require(actor, Action.MANAGE_DRAWS, draw.network)
    draw = locked(draw)
    in_state(draw, DrawState.PUBLISHED, field="number")
    if not draw.lottery_panels:
        raise ValidationError({"number": _("This draw has no lottery of numbered panels.")})
    if not 0 <= number < draw.lottery_panels:
        raise ValidationError(
            {
                "number": _("The panels are numbered from 0 to %(last)s.")
                % {"last": draw.lottery_panels - 1}
            }
        )
    draw.number = number
    draw.number_from = "physical"
    draw.seed_note = note.strip()[:300]
    draw.seed_fixed_at = timezone.now()
    draw.state = DrawState.SEED_FIXED
    draw.save(update_fields=["number", "number_from", "seed_note", "seed_fixed_at", "state"])
    record(
        actor=actor,
        action=AuditEvent.DRAW_NUMBER,
        target=draw,
        network=draw.network,
        data={"number": number},
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
    if draw.lottery_panels:
        from minga.sortition.engine.lottery import number_from_seed

        # The documented mapping: the seed's number, bound to the published table's hash.
        draw.number = number_from_seed(draw.lottery_sha256, seed, draw.lottery_panels)
        draw.number_from = "seed"
    draw.save(
        update_fields=["seed", "seed_note", "seed_fixed_at", "state", "number", "number_from"]
    )
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
    if draw.lottery_panels and draw.number is not None:
        from minga.sortition.engine.lottery import read_table, row_of

        table = draw.lottery_table.encode()
        if hashlib.sha256(table).hexdigest() != draw.lottery_sha256:
            raise ValidationError({"state": _("The stored table does not match its hash.")})
        panel = list(row_of(read_table(table), str(draw.number)))
    elif draw.algorithm in DISTRIBUTION_ALGORITHMS:
        panel = _stored_distribution(draw).draw(draw.seed)
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
