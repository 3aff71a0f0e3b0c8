"""Derived reads of sortition: the lists and figures pages show about a draw, computed
from its pool, its quotas and its declines."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import QuerySet

from minga.sortition.models import Draw

# A draw's large columns: its pool (the whole directory, megabytes at scale) and what the
# computation made of it. Lists of draws never read them (`Draw.pool_size` counts the pool).
LARGE_COLUMNS = (
    "pool",
    "distribution",
    "probabilities",
    "legacy_probabilities",
    "diagnosis",
    "panel",
    "current_panel",
)


def draw_summaries(draws: QuerySet[Draw]) -> QuerySet[Draw]:
    """`draws` as a list shows them: title, body, seats, pool size, state; no large column."""
    return draws.select_related("circle").defer(*LARGE_COLUMNS)


def quota_rows(draw: Draw) -> list[dict[str, Any]]:
    """One row per value of each feature, numbered: how many in the pool have it, and the
    stored min and max (0 and the seats where no quota is stored yet)."""
    stored = {(q.feature, q.value): q for q in draw.quotas.all()}
    available = Counter(
        (feature, row["features"][feature]) for row in draw.pool for feature in draw.features
    )
    rows: list[dict[str, Any]] = []
    for feature, values in draw.feature_values().items():
        for value in values:
            quota = stored.get((feature, value))
            rows.append(
                {
                    "index": len(rows),
                    "feature": feature,
                    "value": value,
                    "available": available[(feature, value)],
                    "min": quota.min if quota else 0,
                    "max": quota.max if quota else draw.seats,
                }
            )
    return rows


def results(draw: Draw) -> dict[str, Any]:
    """The results page's lists and figures: the current panel (each member's label,
    probability, features and the round that brought them in), the panel first drawn
    with who declined, the declines by round, the highest probability and the even
    share (seats / pool)."""
    labels = draw.labels()
    features = {row["id"]: row["features"] for row in draw.pool}
    declines = list(draw.declines.all())
    declined = {d.member_id for d in declines}
    replaced_in = {d.replacement_id: d.round for d in declines if d.replacement_id}
    probabilities = sorted(draw.probabilities.values())
    return {
        "panel": [
            {
                "id": member_id,
                "label": labels.get(member_id, member_id),
                "probability": draw.probabilities.get(member_id),
                "features": features.get(member_id, {}),
                "replaced_in": replaced_in.get(member_id),
            }
            for member_id in draw.current_panel
        ],
        "original_panel": [
            {"id": m, "label": labels.get(m, m), "declined": m in declined} for m in draw.panel
        ],
        "declines": [
            {
                "round": d.round,
                "member": labels.get(d.member_id, d.member_id),
                "member_id": d.member_id,
                "replacement": labels.get(d.replacement_id, d.replacement_id),
                "replacement_id": d.replacement_id,
                "method": d.method,
            }
            for d in declines
        ],
        "max_probability": probabilities[-1] if probabilities else None,
        "even_share": draw.seats / len(draw.pool) if draw.pool else None,
        "pool_size": len(draw.pool),
    }
