"""Background work of sortition: computing a draw's probabilities."""

from __future__ import annotations

from django_tasks import task

from minga.sortition.actions import run_computation


@task()
def compute_draw(draw_id: int) -> bool:
    """Idempotent: a draw that is not computing, or already has a result, is left alone."""
    return run_computation(draw_id)
