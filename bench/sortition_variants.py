"""Minga's LEXIMIN on varied pools: which method ran (the relaxation's decomposition or the staged
fallback) and how long it took.

Usage: .venv/bin/python bench/sortition_variants.py

Pools 200/20, 500/30 and 1000/40 from `minga.sortition.engine.synthetic` with seeds 2 and 3
and quota slack 0, 1 and loose (10%), then a 400-person pool where 40% of the people come in
households (at most one per household on the panel). About half a minute.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from minga.sortition.engine.leximin import leximin
from minga.sortition.engine.model import Instance
from minga.sortition.engine.synthetic import correlated_pool


def measure(label: str, instance: Instance) -> None:
    stats: dict[str, int | str] = {}
    started = time.perf_counter()
    distribution = leximin(instance, stats=stats)
    seconds = time.perf_counter() - started
    smallest = min(distribution.probabilities().values())
    print(
        f"{label:<28} {seconds:6.2f} s  method={stats['method']:<10} "
        f"types={stats['types']:<4} panels={stats['panels']:<4} min p={smallest:.6f}",
        flush=True,
    )


def main() -> None:
    for size, seats in ((200, 20), (500, 30), (1000, 40)):
        for slack in (0, 1, None):
            for seed in (2, 3):
                quotas = "loose" if slack is None else f"slack {slack}"
                label = f"{size}/{seats} {quotas} seed {seed}"
                measure(label, correlated_pool(size, seats, seed=seed, slack=slack))
    pool = correlated_pool(400, 30, seed=5, slack=1)
    people = tuple(
        dataclasses.replace(person, group=f"h{i // 2}") if i % 5 < 2 else person
        for i, person in enumerate(pool.people)
    )
    measure("400/30 households", dataclasses.replace(pool, people=people))


if __name__ == "__main__":
    main()
