"""Background work of sortition: computing a draw's probabilities, and everyone's chance of
being seated before the draw once alternates are chosen."""

from __future__ import annotations

from django_tasks import task

from minga.sortition.actions import run_computation, run_seated_before_draw


@task()
def compute_draw(draw_id: int) -> bool:
    """Idempotent: a draw that is not computing, or already has a result, is left alone."""
    return run_computation(draw_id)


@task()
def estimate_seated_before_draw(draw_id: int, budget: int) -> bool:
    """Idempotent: a draw without alternates, or already estimated, is left alone."""
    return run_seated_before_draw(draw_id, budget)
