"""Synthetic pools with correlated features, for benchmarks, demos and tests (deterministic)."""

from __future__ import annotations

import math
import random

from minga.sortition.engine.model import Instance, Person, Quota

# feature -> (values, share of each value in the population the panel should mirror)
FEATURES: dict[str, tuple[list[str], list[float]]] = {
    "gender": (["woman", "man", "other"], [0.49, 0.48, 0.03]),
    "age": (["16-29", "30-44", "45-59", "60-74", "75+"], [0.22, 0.25, 0.24, 0.20, 0.09]),
    "region": (["north", "south", "east", "west", "centre"], [0.18, 0.22, 0.2, 0.15, 0.25]),
    "education": (["basic", "secondary", "university"], [0.35, 0.40, 0.25]),
    "area": (["urban", "rural"], [0.7, 0.3]),
}


def correlated_pool(size: int, seats: int, seed: int = 0, *, slack: int | None = None) -> Instance:
    """A pool skewed like real volunteer pools (older, more educated, more urban), correlated
    through a hidden 'engagement' score, with quotas mirroring the population shares.

    `slack=None` gives loose quotas (10% either side of each share: easy, nearly every type can
    get close to seats/size). An integer gives the quotas organizers usually set: each value's
    proportional share of the seats rounded down for the minimum and up for the maximum, widened
    by `slack` seats either way; with 0 or 1 the quotas bind and LEXIMIN has real work to do."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    people = []
    for index in range(size):
        engagement = rng.random()
        features: dict[str, str] = {}
        for feature, (values, shares) in FEATURES.items():
            tilt = [
                share * math.exp(1.6 * (engagement - 0.5) * (i / max(len(values) - 1, 1) - 0.4))
                for i, share in enumerate(shares)
            ]
            if feature == "area":
                tilt = [tilt[0] * 1.3, tilt[1]]
            features[feature] = rng.choices(values, weights=tilt)[0]
        people.append(Person(f"p{index:05d}", features))
    return Instance(tuple(people), proportional_quotas(seats, slack), seats)


def proportional_quotas(seats: int, slack: int | None = None) -> dict[str, dict[str, Quota]]:
    """Quotas around each value's population share of the seats (see `correlated_pool`)."""
    quotas: dict[str, dict[str, Quota]] = {}
    for feature, (values, shares) in FEATURES.items():
        if slack is None:
            quotas[feature] = {
                value: Quota(math.floor(0.9 * share * seats), math.ceil(1.1 * share * seats))
                for value, share in zip(values, shares, strict=True)
            }
        else:
            exact = [round(share * seats, 6) for share in shares]  # 0.49 * 100 is 49, not 49.0..1
            quotas[feature] = {
                value: Quota(max(math.floor(x) - slack, 0), math.ceil(x) + slack)
                for value, x in zip(values, exact, strict=True)
            }
    return quotas


def minority_pool(
    size: int, seats: int, seed: int = 0, *, share: float = 0.15, floor: float = 0.30
) -> Instance:
    """A pool where quotas force a group's over-representation: `correlated_pool` (slack 1)
    plus a feature "group", "minority" for about `share` of the pool (leaning young and rural,
    so its floor collides with the other quotas), with at least `floor` of the seats. The
    majority then gets less than seats/size, and LEXIMIN's minimum falls below k/n."""
    base = correlated_pool(size, seats, seed, slack=1)
    rng = random.Random(f"minority {seed}")  # noqa: S311 - reproducible test data
    people = []
    for person in base.people:
        lean = (1.6 if person.features["age"] == "16-29" else 1.0) * (
            1.5 if person.features["area"] == "rural" else 0.8
        )
        group = "minority" if rng.random() < share * lean else "majority"
        people.append(Person(person.id, {**person.features, "group": group}))
    low = math.ceil(floor * seats)
    quotas = {
        **base.quotas,
        "group": {"minority": Quota(low, seats), "majority": Quota(0, seats - low)},
    }
    return Instance(tuple(people), quotas, seats)
