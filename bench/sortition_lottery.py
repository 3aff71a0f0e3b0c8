"""The transparent lottery: LEXIMIN rounded to m numbered panels, on the pools of
bench/sortition_compare.py.

Usage: .venv/bin/python bench/sortition_lottery.py [--pools 200:20,1000:40,3000:100]
           [--families tight,easy] [--seed 1]
For each pool and each m in (1000, 100), prints the seconds of LEXIMIN and of the rounding
(Beck–Fiala over type panels, `minga.sortition.engine.lottery`), the largest change of anyone's
probability, in units of 1/m, and the method's bound k/m in the same units, with their ratio
(how much of the guarantee the rounding used).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pools", default="200:20,1000:40,3000:100")
    parser.add_argument("--families", default="tight,easy")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    from sortition_compare import write_pool

    from minga.sortition.engine.csvio import load_instance
    from minga.sortition.engine.leximin import leximin
    from minga.sortition.engine.lottery import round_distribution

    print(
        f"{'pool':>12} {'family':>6} {'leximin s':>9} {'m':>5} {'round s':>8} "
        f"{'max change·m':>12} {'bound k':>7} {'used':>6}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for pool in options.pools.split(","):
            size, seats = (int(part) for part in pool.split(":"))
            for family in options.families.split(","):
                people, features = write_pool(Path(folder), size, seats, options.seed, family)
                instance = load_instance(people, features, seats)
                started = time.perf_counter()
                distribution = leximin(instance)
                solved = time.perf_counter() - started
                for panels in (1000, 100):
                    started = time.perf_counter()
                    lottery = round_distribution(distribution, panels)
                    rounded = time.perf_counter() - started
                    change = lottery.max_change * panels
                    print(
                        f"{size:>7}/{seats:<4} {family:>6} {solved:>9.2f} {panels:>5} "
                        f"{rounded:>8.2f} {change:>12.2f} {seats:>7} {change / seats:>6.0%}"
                    )


if __name__ == "__main__":
    main()
