"""Quotas and feasibility: replacing a draw's quotas, checking that some panel meets them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.l10n import number
from minga.core.permissions import Action, require
from minga.sortition.actions._common import clear_results, in_state, locked
from minga.sortition.engine.model import Instance, Quota, SortitionInputError
from minga.sortition.inputs import translated
from minga.sortition.labels import DrawLabels
from minga.sortition.models import Draw, DrawQuota, DrawState

if TYPE_CHECKING:
    from minga.core.permissions import Actor
    from minga.sortition.engine.diagnosis import Diagnosis


@dataclass(frozen=True)
class QuotaRow:
    feature: str
    value: str
    min: int
    max: int


def validate_quotas(draw: Draw, rows: Iterable[QuotaRow]) -> dict[str, dict[str, Quota]]:
    """The quotas as the engine wants them; every value of each feature is needed."""
    values = draw.feature_values()
    labels = DrawLabels(draw)
    quotas: dict[str, dict[str, Quota]] = {}
    for row in rows:
        if row.feature not in values:
            raise ValidationError(
                {
                    "quotas": _("%(label)s: not a feature of this pool.")
                    % {"label": f"{row.feature}={row.value}"}
                }
            )
        label = labels.pair(row.feature, row.value)
        if row.min < 0 or row.max < row.min:
            raise ValidationError(
                {
                    "quotas": _("%(label)s: need 0 <= min <= max, got %(min)s and %(max)s.")
                    % {"label": label, "min": number(row.min), "max": number(row.max)}
                }
            )
        if row.value in quotas.setdefault(row.feature, {}):
            raise ValidationError({"quotas": _("%(label)s is listed twice.") % {"label": label}})
        quotas[row.feature][row.value] = Quota(row.min, row.max)
    for feature, given in quotas.items():
        missing = [labels.value(feature, v) for v in values[feature] if v not in given]
        if missing:
            raise ValidationError(
                {
                    "quotas": _("%(feature)s: no quota for %(values)s.")
                    % {"feature": labels.feature(feature), "values": ", ".join(missing)}
                }
            )
    return {f: quotas[f] for f in sorted(quotas)}


@transaction.atomic
def set_quotas(*, actor: Actor, draw: Draw, quotas: Sequence[QuotaRow]) -> Draw:
    """Replace the quotas. A computed draw that is not published yet goes back to draft."""
    require(actor, Action.MANAGE_DRAWS, draw.network)
    draw = locked(draw)
    in_state(draw, DrawState.DRAFT, DrawState.COMPUTED, field="quotas")
    checked = validate_quotas(draw, quotas)
    draw.quotas.all().delete()
    DrawQuota.objects.bulk_create(
        DrawQuota(draw=draw, feature=f, value=v, min=q.min, max=q.max)
        for f, values in checked.items()
        for v, q in values.items()
    )
    clear_results(draw)
    draw.state = DrawState.DRAFT
    draw.save()
    record(
        actor=actor,
        action=AuditEvent.DRAW_QUOTAS,
        target=draw,
        network=draw.network,
        data={f"{q.feature}={q.value}": [q.min, q.max] for q in quotas},
    )
    return draw


def check_feasibility(
    *, actor: Actor, draw: Draw, quotas: Sequence[QuotaRow] | None = None
) -> Diagnosis | None:
    """None when some panel meets the quotas (the given ones, or the stored ones);
    otherwise the conflicting quotas and the smallest relaxation. Writes nothing."""
    require(actor, Action.VIEW_DRAWS, draw.network)
    from minga.sortition.engine.diagnosis import diagnose  # numpy and highspy, when needed

    return diagnose(_checked_instance(draw, quotas))


def count_panels(
    *, actor: Actor, draw: Draw, quotas: Sequence[QuotaRow] | None = None
) -> dict[str, int | None]:
    """How many panels meet the quotas (the given ones, or the stored ones), as
    `engine.counting.PanelCount.as_json`: an exact count, or none past its limit. Writes
    nothing."""
    require(actor, Action.VIEW_DRAWS, draw.network)
    from minga.sortition.engine import counting  # numpy, when needed

    return counting.count_panels(_checked_instance(draw, quotas)).as_json()


def _checked_instance(draw: Draw, quotas: Sequence[QuotaRow] | None) -> Instance:
    """The draw's problem with these quotas (validated), or with its stored ones."""
    checked = validate_quotas(draw, quotas) if quotas is not None else draw.quota_map()
    try:
        return draw.instance(checked)
    except SortitionInputError as exc:
        raise ValidationError({"quotas": translated(exc)}) from exc
