"""Progress, rolled up: an indicator's progress from its baseline towards its target, and a
parent's progress as its children's weighted mean (results → projects → objectives →
pillars). Plain data in and out, no Django."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


def clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


def indicator_progress(baseline: float, target: float, latest: float | None) -> float:
    """How far the latest measurement has come from the baseline towards the target, in
    percent; a target below the baseline (fewer incidents) counts downwards."""
    if latest is None:
        return 0.0
    if target == baseline:
        # Keeping a level: a positive one is kept at least, zero (no incidents) or a
        # negative one at most.
        reached = latest >= target if target > 0 else latest <= target
        return 100.0 if reached else 0.0
    return clamp(100.0 * (latest - baseline) / (target - baseline))


def weighted(children: Iterable[tuple[float, float]]) -> float | None:
    """The weighted mean of (progress, weight) pairs; None when there is nothing to weigh.
    A mean of values in 0–100 stays in 0–100 and between the smallest and largest child."""
    pairs = [(progress, weight) for progress, weight in children if weight > 0]
    total = sum(weight for _, weight in pairs)
    if not pairs or total <= 0:
        return None
    mean = sum(progress * weight for progress, weight in pairs) / total
    low = min(progress for progress, _ in pairs)
    high = max(progress for progress, _ in pairs)
    return clamp(min(high, max(low, mean)))  # no rounding error escapes the children's range


@dataclass
class Node:
    """One level of the plan: a leaf carries its own progress; a parent takes its
    children's, and keeps its own only when no child has any."""

    weight: float = 1.0
    own: float | None = None
    children: list[Node] = field(default_factory=list)


def progress_of(node: Node) -> float | None:
    found = weighted(
        (progress, child.weight)
        for child in node.children
        if (progress := progress_of(child)) is not None
    )
    if found is not None:
        return found
    return None if node.own is None else clamp(node.own)
