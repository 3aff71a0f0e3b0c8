"""The greedy draw many organizers used before LEXIMIN, and its probabilities by simulation.

Seat by seat: take the feature value whose unmet minimum is largest relative to the people still
available with it, pick one of them uniformly at random, then drop everyone whose group is taken
or whose feature value reached its maximum. A run that strands a minimum starts over. Randomness
comes from the SHA-256 stream of `draw.RandomStream`, so a seed gives the same panel anywhere.
"""

from __future__ import annotations

import numpy as np

from minga.sortition.engine.diagnosis import InfeasibleQuotas, diagnose
from minga.sortition.engine.draw import RandomStream
from minga.sortition.engine.model import Instance, TypedInstance, build_types

SIMULATION_RUNS = 1000
ATTEMPTS = 100


class Greedy:
    def __init__(self, typed: TypedInstance) -> None:
        instance = typed.instance
        self.typed = typed
        self.features = instance.features
        types = typed.types
        self.sizes = np.array([t.size for t in types], dtype=np.int64)
        # category index per (feature, value); each type has one category per feature
        self.categories: list[tuple[str, str]] = [
            (f, v) for f in self.features for v in sorted(instance.quotas[f])
        ]
        index = {c: i for i, c in enumerate(self.categories)}
        self.member = np.zeros((len(self.categories), len(types)), dtype=bool)
        for t, person_type in enumerate(types):
            for f, value in zip(self.features, person_type.profile, strict=True):
                self.member[index[(f, value)], t] = True
        self.low = np.array([instance.quotas[f][v].min for f, v in self.categories])
        self.high = np.array([instance.quotas[f][v].max for f, v in self.categories])
        self.group_of = {t: members for members in typed.groups.values() for t in members}
        self.seats = instance.seats

    def run(self, stream: RandomStream) -> np.ndarray | None:
        """Counts per type of one greedy panel, or None when this run got stuck."""
        remaining = self.sizes.copy()
        selected = np.zeros(len(self.categories), dtype=np.int64)
        counts = np.zeros(len(self.sizes), dtype=np.int64)
        member = self.member
        for _ in range(self.seats):
            available = member.astype(np.int64) @ remaining
            need = self.low - selected
            if np.any(available < need) or available.sum() == 0:
                return None
            ratio = np.where(available > 0, need / np.maximum(available, 1), -np.inf)
            category = int(np.argmax(ratio))
            pool = np.where(member[category], remaining, 0)
            r = stream.below(int(pool.sum()))
            t = int(np.searchsorted(np.cumsum(pool), r, side="right"))
            counts[t] += 1
            remaining[t] -= 1
            selected += member[:, t]
            for other in self.group_of.get(t, []):
                remaining[other] = 0
            full = selected >= self.high
            if full.any():
                remaining[member[full].any(axis=0)] = 0
        if np.any(selected < self.low):
            return None
        return counts

    def panel(self, stream: RandomStream) -> list[str] | None:
        for _ in range(ATTEMPTS):
            counts = self.run(stream)
            if counts is not None:
                chosen: list[str] = []
                for person_type, c in zip(self.typed.types, counts.tolist(), strict=True):
                    members = list(person_type.members)
                    for i in range(c):
                        j = i + stream.below(len(members) - i)
                        members[i], members[j] = members[j], members[i]
                    chosen.extend(members[:c])
                return sorted(chosen)
        return None


def legacy_draw(
    instance: Instance, seed: str, *, runs: int = SIMULATION_RUNS
) -> tuple[list[str], dict[str, float]]:
    """The greedy panel for this seed and everyone's probability estimated from `runs` runs."""
    typed = build_types(instance)
    greedy = Greedy(typed)
    panel = greedy.panel(RandomStream(f"minga-sortition-legacy-v1\n{seed}"))
    if panel is None:
        diagnosis = diagnose(instance)
        if diagnosis is not None:
            raise InfeasibleQuotas(diagnosis)
        raise RuntimeError(f"the greedy draw got stuck {ATTEMPTS} times in a row")
    return panel, simulate(greedy, runs)


def simulate(greedy: Greedy, runs: int) -> dict[str, float]:
    stream = RandomStream("minga-sortition-legacy-simulation-v1")
    total = np.zeros(len(greedy.sizes), dtype=np.int64)
    done = 0
    for _ in range(runs * 5):
        counts = greedy.run(stream)
        if counts is not None:
            total += counts
            done += 1
            if done == runs:
                break
    result: dict[str, float] = {}
    for t, person_type in enumerate(greedy.typed.types):
        share = float(total[t]) / max(done, 1) / person_type.size
        for member in person_type.members:
            result[member] = share
    return dict(sorted(result.items()))
