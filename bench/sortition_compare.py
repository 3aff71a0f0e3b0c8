"""Minga's LEXIMIN against the Sortition Foundation's `sortition-algorithms` MAXIMIN.

Usage: .venv/bin/python bench/sortition_compare.py [--pools 200:20,1000:40,3000:100]
           [--families tight,easy] [--backends mip[,highspy]] [--seed 1]
           [--reference-timeout SECONDS] [--skip-reference] [--repeat N]

Generates pools with 5 correlated features (minga.sortition.engine.synthetic, deterministic seed),
writes them in the Sortition Foundation's CSV format, and runs each method in its own process
(one after the other, so they do not compete for the 2 cores), recording seconds, the smallest
selection probability, the support size (panels with positive probability) and peak memory
(max RSS of that process). Families of quotas on the same pools:

- tight: each value's proportional share of the seats, rounded down for the minimum and up for
  the maximum (the quotas organizers set); they bind, so the least-favoured people get clearly
  less than seats/size and LEXIMIN needs many stages;
- easy: 10% either side of each share; nearly everyone can get close to seats/size;
- minority (not in the default run: `--families tight,easy,minority`): the tight quotas
  widened by one seat, plus a group of about 15% of the pool (leaning young and rural) that
  must hold at least 30% of the seats (`synthetic.minority_pool`); LEXIMIN's minimum then
  falls below seats/size.

The reference comes from the `bench` extra: `.venv/bin/pip install -e ".[bench]"` (it includes
python-mip, whose CBC backend `mip` is the reference's faster open backend here; pass
`--backends mip,highspy` to measure its HiGHS backend too: the speed-up is then taken against
the faster of the two). A reference run that exceeds `--reference-timeout` is stopped and shown
as ">T" (the speed-up is then a lower bound). Each side runs `--repeat` times (default: 3 on
pools under 3,000 people, where a fresh process's first run can be 20% slower, 1 on larger
ones) and the fastest run counts, for both. Prints a table with the ratios.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


FAMILIES = {"tight": 0, "easy": None, "minority": 1}  # family -> slack of correlated_pool


def write_pool(directory: Path, size: int, seats: int, seed: int, family: str) -> tuple[Path, Path]:
    from minga.sortition.engine.csvio import write_features, write_people
    from minga.sortition.engine.synthetic import correlated_pool, minority_pool

    if family == "minority":
        instance = minority_pool(size, seats, seed)
    else:
        instance = correlated_pool(size, seats, seed=seed, slack=FAMILIES[family])
    people = directory / f"people-{size}-{family}.csv"
    features = directory / f"features-{size}-{seats}-{family}.csv"
    people.write_text(write_people(instance), encoding="utf-8")
    features.write_text(write_features(instance), encoding="utf-8")
    return people, features


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_minga(people: Path, features: Path, seats: int) -> dict[str, Any]:
    from minga.sortition.engine.csvio import load_instance
    from minga.sortition.engine.leximin import leximin

    instance = load_instance(people, features, seats)
    started = time.perf_counter()
    stats: dict[str, int | str] = {}
    distribution = leximin(instance, stats=stats)
    seconds = time.perf_counter() - started
    probabilities = distribution.probabilities()
    return {
        "seconds": seconds,
        "min_probability": min(probabilities.values()),
        "support": len(distribution.panels),
        "peak_mib": peak_mib(),
        "detail": stats,
    }


def run_reference(people: Path, features: Path, seats: int, backend: str) -> dict[str, Any]:
    from sortition_algorithms.committee_generation import find_distribution_maximin
    from sortition_algorithms.features import read_in_features
    from sortition_algorithms.people import read_in_people
    from sortition_algorithms.settings import Settings

    with features.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        feature_rows = list(reader)
        feature_collection, _, _ = read_in_features(
            list(reader.fieldnames or []), feature_rows, seats
        )
    with people.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        people_rows = list(reader)
        settings = Settings(id_column="id", columns_to_keep=[], solver_backend=backend)
        pool, _ = read_in_people(
            list(reader.fieldnames or []), people_rows, feature_collection, settings
        )
    started = time.perf_counter()
    committees, weights, _ = find_distribution_maximin(
        feature_collection, pool, seats, [], solver_backend=backend
    )
    seconds = time.perf_counter() - started
    probability = {row["id"]: 0.0 for row in people_rows}
    for committee, weight in zip(committees, weights, strict=True):
        for person in committee:
            probability[person] += weight
    return {
        "seconds": seconds,
        "min_probability": min(probability.values()),
        "support": sum(1 for w in weights if w > 1e-9),
        "peak_mib": peak_mib(),
    }


def worker(args: argparse.Namespace) -> None:
    people, features = Path(args.people), Path(args.features)
    if args.worker == "minga":
        result = run_minga(people, features, args.seats)
    else:
        result = run_reference(people, features, args.seats, args.backend)
    print(json.dumps(result))


def best_of(
    runs: int,
    kind: str,
    people: Path,
    features: Path,
    seats: int,
    backend: str,
    timeout: float | None = None,
) -> dict[str, Any] | None:
    """The fastest of `runs` runs (each in a fresh process), or None if one timed out."""
    best: dict[str, Any] | None = None
    for _ in range(runs):
        result = measure(kind, people, features, seats, backend, timeout)
        if result is None:
            return None
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    return best


def measure(
    kind: str,
    people: Path,
    features: Path,
    seats: int,
    backend: str,
    timeout: float | None = None,
) -> dict[str, Any] | None:
    """The worker's figures, or None when it ran longer than `timeout` seconds."""
    command = [
        sys.executable,
        __file__,
        "--worker",
        kind,
        "--people",
        str(people),
        "--features",
        str(features),
        "--seats",
        str(seats),
        "--backend",
        backend,
    ]
    try:
        completed = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, check=False, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None
    if completed.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{completed.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def reference_available() -> bool:
    try:
        import sortition_algorithms  # noqa: F401
    except ImportError:
        return False
    return True


def fmt_seconds(result: dict[str, Any] | None, timeout: float | None) -> str:
    return f">{timeout:.0f}" if result is None else f"{result['seconds']:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pools", default="200:20,1000:40,3000:100")
    parser.add_argument("--families", default="tight,easy", help="tight, easy, minority")
    parser.add_argument(
        "--backends", default="mip", help="reference backends: mip (CBC), highspy, or both"
    )
    parser.add_argument("--backend", default="mip", help=argparse.SUPPRESS)  # worker's
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reference-timeout", type=float, default=None)
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--repeat", type=int, default=None, help="runs per side (best counts)")
    parser.add_argument("--worker", choices=["minga", "reference"])
    parser.add_argument("--people")
    parser.add_argument("--features")
    parser.add_argument("--seats", type=int)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    with_reference = not args.skip_reference and reference_available()
    if not with_reference and not args.skip_reference:
        print('sortition-algorithms is not installed (.venv/bin/pip install -e ".[bench]"):')
        print("measuring Minga only.")
    backends = [b for b in args.backends.split(",") if b]
    timeout = args.reference_timeout
    rows = []
    with tempfile.TemporaryDirectory(prefix="minga-sortition-bench-") as tmp:
        for family in args.families.split(","):
            for pool in args.pools.split(","):
                size, seats = (int(x) for x in pool.split(":"))
                people, features = write_pool(Path(tmp), size, seats, args.seed, family)
                label = f"{family} {size}/{seats}"
                runs = args.repeat or (3 if size < 3000 else 1)
                ours = best_of(runs, "minga", people, features, seats, "mip")
                assert ours is not None
                print(f"{label} minga: {json.dumps(ours)}", flush=True)
                theirs: dict[str, dict[str, Any] | None] = {}
                if with_reference:
                    for backend in backends:
                        result = best_of(
                            runs, "reference", people, features, seats, backend, timeout
                        )
                        theirs[backend] = result
                        shown = json.dumps(result) if result else f"stopped after {timeout} s"
                        print(f"{label} reference {backend}: {shown}", flush=True)
                rows.append((family, size, seats, ours, theirs))
    print()
    print(
        f"{'quotas':>6} | {'pool/k':>8} | {'Minga LEXIMIN s':>15} | "
        + "".join(f"{'ref ' + b + ' s':>12} | " for b in backends if with_reference)
        + f"{'speed-up':>8} | {'min p Minga':>11} | {'min p ref':>10} | {'|diff|':>8} | "
        f"{'support':>11} | {'peak MiB':>11}"
    )
    for family, size, seats, ours, theirs in rows:
        finished = {b: r for b, r in theirs.items() if r is not None}
        best = min(finished.values(), key=lambda r: r["seconds"]) if finished else None
        ref_cells = "".join(f"{fmt_seconds(theirs[b], timeout):>12} | " for b in theirs)
        if best is None:
            ref_p = diff = "-"
            speed = f">{timeout / ours['seconds']:.1f}x" if theirs and timeout else "-"
            support = f"{ours['support']}/-"
            memory = f"{ours['peak_mib']:.0f}/-"
        else:
            ref_p = f"{best['min_probability']:.6f}"
            diff = f"{abs(ours['min_probability'] - best['min_probability']):.1e}"
            speed = f"{best['seconds'] / ours['seconds']:.1f}x"
            support = f"{ours['support']}/{best['support']}"
            memory = f"{ours['peak_mib']:.0f}/{best['peak_mib']:.0f}"
        print(
            f"{family:>6} | {f'{size}/{seats}':>8} | {ours['seconds']:>15.2f} | {ref_cells}"
            f"{speed:>8} | {ours['min_probability']:>11.6f} | {ref_p:>10} | {diff:>8} | "
            f"{support:>11} | {memory:>11}"
        )
    print(
        "(speed-up against the reference's fastest backend; each side's fastest of "
        f"{args.repeat or '3 (1 at 3,000+)'} runs; support and peak MiB: "
        "Minga/reference; Minga's support counts panels over types)"
    )


if __name__ == "__main__":
    main()
