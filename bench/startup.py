"""Start-up time of the `minga` command against a bare Django import.

Usage: .venv/bin/python bench/startup.py [RUNS]   (default: 7)
Prints the median wall time of `minga --help` and `minga survey --help`, and each as a ratio
to `python -c "import django.core.management"` (goal: at most 2x). Each run is a child
process in this script's process group; the three commands take turns, so a busy machine
slows them alike.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL = 2.0


def command_line() -> list[str]:
    script = Path(sys.executable).with_name("minga")
    return [str(script)] if script.exists() else [sys.executable, "-m", "minga.cli"]


def wall_time(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    return time.perf_counter() - started


def main(runs: int) -> None:
    minga = command_line()
    commands = {
        "bare django.core.management": [sys.executable, "-c", "import django.core.management"],
        "minga --help": [*minga, "--help"],
        "minga survey --help": [*minga, "survey", "--help"],
    }
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minga.settings")
    for args in commands.values():  # warm the disk cache and the bytecode
        wall_time(args)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, args in commands.items():
            times[name].append(wall_time(args))
    medians = {name: statistics.median(values) for name, values in times.items()}
    bare = medians["bare django.core.management"]
    print(f"median of {runs} runs (process group {os.getpgrp()})")
    for name, median in medians.items():
        print(f"  {name:28} {median * 1000:7.0f} ms  {median / bare:4.1f}x")
    worst = max(medians["minga --help"], medians["minga survey --help"]) / bare
    print(f"goal: at most {GOAL:.1f}x; worst: {worst:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
