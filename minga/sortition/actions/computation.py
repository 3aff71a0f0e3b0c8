"""Computing a draw's probabilities: the action that starts it, and the background
task's work, which Minga itself does (the audit log records it as the system)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.permissions import SYSTEM, Action, require
from minga.sortition.actions._common import clear_results, in_state, locked
from minga.sortition.engine.draw import input_sha256
from minga.sortition.engine.model import SortitionInputError
from minga.sortition.inputs import translated
from minga.sortition.models import DISTRIBUTION_ALGORITHMS, Algorithm, Draw, DrawState

if TYPE_CHECKING:
    from minga.core.permissions import Actor


@transaction.atomic
def compute(*, actor: Actor, draw: Draw, background: bool = True) -> Draw:
    """Start computing the probabilities (a background task; `background=False` runs it
    now, as the demo does). Asking again while it computes changes nothing."""
    require(actor, Action.MANAGE_DRAWS, draw.network)
    draw = locked(draw)
    if draw.state == DrawState.COMPUTING:
        return draw
    in_state(draw, DrawState.DRAFT)
    try:
        draw.instance()
    except SortitionInputError as exc:
        raise ValidationError({"quotas": translated(exc)}) from exc
    clear_results(draw)
    draw.state = DrawState.COMPUTING
    draw.computing_since = timezone.now()
    draw.progress_total = len(draw.pool)
    draw.save()
    record(actor=actor, action=AuditEvent.DRAW_COMPUTE, target=draw, network=draw.network)
    if background:
        from minga.sortition.tasks import compute_draw

        pk = draw.pk
        transaction.on_commit(lambda: compute_draw.enqueue(pk))
    else:
        run_computation(draw.pk)
        draw.refresh_from_db()
    return draw


def _progress(draw_id: int) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        # Outside any transaction, so the page polling the draw sees it at once.
        Draw.objects.filter(pk=draw_id).update(progress_done=done, progress_total=total)

    return report


def run_computation(draw_id: int) -> bool:
    """The task's work: compute the chosen algorithm's probabilities and, for comparison,
    the legacy draw's and LEXIMIN's and Goldilocks' fairness figures, and count the panels.
    Idempotent: does nothing unless the draw is computing and has no result yet. Returns
    whether it computed."""
    # numpy and highspy load here, not when a web process starts.
    from minga.sortition.engine.counting import count_panels, support_lower_bound
    from minga.sortition.engine.diagnosis import InfeasibleQuotas
    from minga.sortition.engine.goldilocks import comparison
    from minga.sortition.engine.legacy import SIMULATION_RUNS, legacy_draw
    from minga.sortition.engine.service import compute_distribution

    draw = Draw.objects.filter(pk=draw_id, state=DrawState.COMPUTING).first()
    if draw is None or draw.distribution_sha256:
        return False
    results: dict[str, Any] = {}
    error, diagnosis = "", None
    started = timezone.now()
    try:
        instance = draw.instance()
        if draw.algorithm in DISTRIBUTION_ALGORITHMS:
            distribution = compute_distribution(instance, draw.algorithm, _progress(draw.pk))
            results["distribution"] = distribution.as_json()
            results["distribution_sha256"] = distribution.sha256()
            results["probabilities"] = distribution.probabilities()
            results["support"] = len(distribution.panels)
            # The other one too, so the page shows what each choice costs.
            by_algorithm = {draw.algorithm: results["probabilities"]}
            for other in DISTRIBUTION_ALGORITHMS:
                if other not in by_algorithm:
                    by_algorithm[other] = compute_distribution(instance, other).probabilities()
            results["fairness"] = comparison(instance, by_algorithm)
            support = support_lower_bound(
                [t.size for t in distribution.types], [c for c, _w in distribution.panels]
            )
        else:
            support = None
        results["panel_count"] = count_panels(instance, lower_bound=support).as_json()
        _panel, legacy = legacy_draw(instance, "comparison")
        if draw.algorithm == Algorithm.LEGACY:
            results["distribution_sha256"] = input_sha256(instance, "legacy", runs=SIMULATION_RUNS)
            results["probabilities"] = legacy
        results["legacy_probabilities"] = legacy
    except InfeasibleQuotas as exc:
        diagnosis = exc.diagnosis.as_json()
        error = exc.diagnosis.message()
    except (SortitionInputError, RuntimeError) as exc:
        error = str(exc)
    with transaction.atomic():
        current = Draw.objects.select_for_update().filter(pk=draw_id).first()
        if current is None or current.state != DrawState.COMPUTING or current.distribution_sha256:
            return False
        current.seconds = (timezone.now() - started).total_seconds()
        if error:
            current.state = DrawState.DRAFT
            current.error = error
            current.diagnosis = diagnosis
        else:
            for key, value in results.items():
                setattr(current, key, value)
            current.min_probability = min(results["probabilities"].values())
            current.legacy_min_probability = min(results["legacy_probabilities"].values())
            current.state = DrawState.COMPUTED
            current.progress_done = current.progress_total
            current.computed_at = timezone.now()
        current.save()
        record(
            actor=SYSTEM,
            action=AuditEvent.DRAW_COMPUTED if not error else AuditEvent.DRAW_COMPUTE_FAILED,
            target=current,
            network=current.network,
            data={"sha256": current.distribution_sha256, "error": error[:500]},
        )
    return not error
