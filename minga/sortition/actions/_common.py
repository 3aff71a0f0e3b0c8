"""What the sortition actions share: state checks, row locks, clearing a result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from minga.core.models import User
from minga.sortition.models import Draw

if TYPE_CHECKING:
    from minga.core.permissions import Actor


def in_state(draw: Draw, *states: str, field: str = "state") -> None:
    if draw.state not in states:
        raise ValidationError(
            {
                field: _("Not possible while the draw is %(state)s.")
                % {"state": draw.get_state_display()}
            }
        )


def locked(draw: Draw) -> Draw:
    return Draw.objects.select_for_update().select_related("network").get(pk=draw.pk)


def person_of(actor: Actor) -> User | None:
    """The account to store as creator or recorder; None when Minga itself acts."""
    return actor if isinstance(actor, User) else None


def clear_results(draw: Draw) -> None:
    draw.distribution = None
    draw.distribution_sha256 = ""
    draw.probabilities = {}
    draw.min_probability = None
    draw.legacy_probabilities = {}
    draw.legacy_min_probability = None
    draw.support = None
    draw.fairness = {}
    draw.panel_count = None
    draw.seconds = None
    draw.computed_at = None
    draw.diagnosis = None
    draw.error = ""
    draw.progress_done = 0
    draw.lottery_panels = None
    draw.lottery_table = ""
    draw.lottery_sha256 = ""
    draw.lottery_max_change = None
    draw.lottery_probabilities = {}
