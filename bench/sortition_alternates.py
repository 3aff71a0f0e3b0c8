"""Alternates that keep the quotas (EC 2025), and Goldilocks' price, on the pools of
bench/sortition_compare.py.

Usage: .venv/bin/python bench/sortition_alternates.py [--pools 200:20,1000:40]
           [--families tight,easy] [--alternates 6] [--stay 0.8] [--scenarios 60] [--seed 1]

Alternates: for each pool, a LEXIMIN panel is drawn; everyone stays with the same chance.
On 300 held-out dropout scenarios (not those the choice was made on) it prints the expected
quota shortfall (seats below a quota's minimum or above its maximum, plus empty seats) of:
- none: no alternates;
- procedure: Minga's replacement procedure (minga-sortition-replacement-v1), calling people
  from the pool in its order, at most as many calls as there are alternates, each called
  person staying with the same chance;
- greedy: alternates chosen one at a time;
- chosen: `choose_alternates` (the integer program, or greedy and swaps on large pools);
with the seconds of the two choices and the ratios to the procedure.

Goldilocks: the lowest and highest probabilities of LEXIMIN and Goldilocks, each over its best
possible value, the Gini coefficients, and the seconds of each.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from minga.sortition.engine import alternates as A  # noqa: E402
from minga.sortition.engine.draw import Distribution  # noqa: E402
from minga.sortition.engine.replacement import decline_round  # noqa: E402

HELD_OUT = 300


def procedure_shortfall(
    problem: A._Problem,
    distribution: Distribution,
    panel: Sequence[str],
    stay: A.StayModel,
    budget: int,
    seed: str,
) -> float:
    """The replacement procedure on held-out dropouts, with at most `budget` calls."""
    rng = random.Random(f"procedure {seed}")
    people = {p.id: p for p in problem.instance.people}
    total = 0.0
    for _ in range(HELD_OUT):
        current = list(panel)
        earlier: list[str] = []
        gone = [m for m in panel if rng.random() >= stay.chance(people[m].features)]
        calls = 0
        queue = list(gone)
        while queue:
            declined = queue.pop(0)
            found, current = decline_round(
                instance=problem.instance,
                distribution=distribution,
                distribution_sha256=distribution.sha256(),
                seed=seed,
                current=current,
                earlier=earlier,
                declined=declined,
            )
            earlier.append(declined)
            if found.member_id is None or calls >= budget:
                if found.member_id is not None:
                    current.remove(found.member_id)
                continue
            calls += 1
            if rng.random() >= stay.chance(people[found.member_id].features):
                queue.append(found.member_id)  # called, but did not come: their seat is free
        total += _loss(problem, current)
    return total / HELD_OUT


def _loss(problem: A._Problem, current: Sequence[str]) -> int:
    return A.panel_loss(problem.instance, current)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pools", default="200:20,1000:40")
    parser.add_argument("--families", default="tight,easy")
    parser.add_argument("--alternates", type=int, default=6)
    parser.add_argument("--stay", type=float, default=0.8)
    parser.add_argument("--scenarios", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    from sortition_compare import write_pool

    from minga.sortition.engine.csvio import load_instance
    from minga.sortition.engine.goldilocks import comparison, goldilocks
    from minga.sortition.engine.leximin import leximin

    budget, stay = options.alternates, A.StayModel.uniform(options.stay)
    rows = []
    print(
        f"{'pool':>10} {'family':>6} {'none':>6} {'procedure':>9} {'greedy':>6} {'chosen':>6} "
        f"{'greedy s':>8} {'chosen s':>8} {'exact':>5} {'chosen/proc':>11} {'greedy/proc':>11}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for pool in options.pools.split(","):
            size, seats = (int(part) for part in pool.split(":"))
            for family in options.families.split(","):
                people, features = write_pool(Path(folder), size, seats, options.seed, family)
                instance = load_instance(people, features, seats)
                started = time.perf_counter()
                distribution = leximin(instance)
                fair_seconds = time.perf_counter() - started
                started = time.perf_counter()
                robust = goldilocks(instance)
                robust_seconds = time.perf_counter() - started
                seed = f"bench {options.seed}"
                panel = distribution.draw(seed)
                problem = A._problem(instance, panel, budget, stay)
                held_out = A.sample_scenarios(problem, HELD_OUT, f"held out {seed}")

                def counts(ids: Sequence[str], problem: A._Problem = problem) -> list[int]:
                    return [sum(i in m for i in ids) for _, m, _ in problem.types]

                started = time.perf_counter()
                greedy = A.greedy_alternates(
                    instance, panel, budget, stay=stay, seed=seed, scenarios=options.scenarios
                )
                greedy_seconds = time.perf_counter() - started
                started = time.perf_counter()
                chosen = A.choose_alternates(
                    instance, panel, budget, stay=stay, seed=seed, scenarios=options.scenarios
                )
                chosen_seconds = time.perf_counter() - started
                none = A.shortfall(problem, held_out, [0] * len(problem.types))
                procedure = procedure_shortfall(problem, distribution, panel, stay, budget, seed)
                by_greedy = A.shortfall(problem, held_out, counts(greedy.ids))
                by_chosen = A.shortfall(problem, held_out, counts(chosen.ids))
                print(
                    f"{size:>6}/{seats:<3} {family:>6} {none:>6.2f} {procedure:>9.2f} "
                    f"{by_greedy:>6.2f} {by_chosen:>6.2f} {greedy_seconds:>8.2f} "
                    f"{chosen_seconds:>8.2f} {'yes' if chosen.optimal else 'no':>5} "
                    f"{by_chosen / procedure if procedure else 0:>11.2f} "
                    f"{by_greedy / procedure if procedure else 0:>11.2f}",
                    flush=True,
                )
                figures = comparison(
                    instance,
                    {
                        "leximin": distribution.probabilities(),
                        "goldilocks": robust.probabilities(),
                    },
                )
                rows.append((size, seats, family, figures, fair_seconds, robust_seconds))
    print()
    print(
        f"{'pool':>10} {'family':>6} {'algorithm':>10} {'lowest/best':>11} "
        f"{'highest/best':>12} {'gini':>6} {'seconds':>7}"
    )
    for size, seats, family, figures, fair_seconds, robust_seconds in rows:
        for name, seconds in (("leximin", fair_seconds), ("goldilocks", robust_seconds)):
            f = figures[name]
            print(
                f"{size:>6}/{seats:<3} {family:>6} {name:>10} {f['lowest_ratio']:>11.2f} "
                f"{f['highest_ratio']:>12.2f} {f['gini']:>6.3f} {seconds:>7.2f}"
            )


if __name__ == "__main__":
    main()
