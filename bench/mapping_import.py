"""Time a survey import and its systematization against pandas reading and counting the same
Kobo-style export (10 questions), on a fresh SQLite database (or MINGA_BENCH_DATABASE_URL).

    .venv/bin/python bench/mapping_import.py [--repeats N] [ROWS ...]   (default: 20000 200000)

Each size runs in its own process, so the peak memory (ru_maxrss, read after the first
import, before pandas ever runs) is that of one import. Both sides are timed the same way:
N rounds (default 5 up to 50,000 rows, else 1), each importing the file into a new survey
and then pandas reading and counting it, interleaved so that other load on the machine
weighs on both; the best round of each is compared (the first import is shown too).
Goals: 20,000 rows imported and systematized in at most 5× pandas; 200,000 in under 30 s
and 1 GiB; systematizing an imported survey in under 1× pandas.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def pandas_read_and_count(path: Path, columns: list[str], multiple: set[str]) -> float:
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(path, sep=";", usecols=columns, dtype=str)
    counts: dict[str, Any] = {}
    for column in columns:
        series = frame[column].dropna()
        if column in multiple:
            counts[column] = series.str.split().explode().value_counts()
        else:
            counts[column] = series.value_counts()
    return time.perf_counter() - started


def one(rows: int, repeats: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="minga-bench-"))
    try:
        return measure(folder, rows, repeats)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(folder, ignore_errors=True)


def measure(folder: Path, rows: int, repeats: int) -> dict[str, Any]:
    os.environ["MINGA_DATABASE_URL"] = os.environ.get(
        "MINGA_BENCH_DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minga.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from mapping_export import QUESTIONS, write_export

    from minga.core.actions import create_network
    from minga.core.permissions import SYSTEM
    from minga.mapping import actions, queries
    from minga.mapping.models import Survey
    from minga.mapping.template import template_form

    data = folder / "export.csv"
    columns = write_export(rows, data)
    call_command("migrate", verbosity=0)
    network = create_network(actor=SYSTEM, slug=f"bench-{rows}", name="Bench")
    form = template_form()
    multiple = {
        q.path for q in form.questions if q.name in QUESTIONS and q.type == "select_multiple"
    }

    imports: list[float] = []
    systematizes: list[float] = []
    pandas_runs: list[float] = []
    peak_mib = 0.0
    for attempt in range(repeats):
        name = f"bench-{attempt}"
        started = time.perf_counter()
        # Each round a new survey, and two surveys of a network never share a title.
        actions.import_responses(
            actor=SYSTEM, network=network, name=name, form=form, data=data, title=name
        )
        imports.append(time.perf_counter() - started)
        started = time.perf_counter()
        survey = Survey.objects.get(network=network, name=name)
        figures = queries.systematize(survey)
        systematizes.append(time.perf_counter() - started)
        assert figures["respondents"] == rows
        if attempt == 0:
            peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        pandas_runs.append(pandas_read_and_count(data, columns, multiple))
    started = time.perf_counter()
    queries.systematize(survey, ("country", "co"))
    filtered = time.perf_counter() - started
    started = time.perf_counter()
    queries.crosstab(survey, "country", "populations")
    crossed = time.perf_counter() - started
    best = min(range(repeats), key=lambda i: imports[i] + systematizes[i])
    return {
        "rows": rows,
        "repeats": repeats,
        "import_s": imports[best],
        "systematize_s": systematizes[best],
        "first_s": imports[0] + systematizes[0],
        "filtered_systematize_s": filtered,
        "crosstab_s": crossed,
        "peak_mib": peak_mib,
        "pandas_s": min(pandas_runs),
    }


def main() -> None:
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "--one":
        print(json.dumps(one(int(args[1]), int(args[2]))))
        return
    repeats: int | None = None
    if len(args) >= 2 and args[0] == "--repeats":
        repeats = int(args[1])
        args = args[2:]
    sizes = [int(arg) for arg in args] or [20_000, 200_000]
    print(
        f"{'rows':>8} {'rounds':>6} {'import+syst s':>13} {'first s':>8} {'syst s':>8} "
        f"{'filtered s':>10} {'crosstab s':>10} {'pandas s':>8} {'×pandas':>8} "
        f"{'syst×pandas':>11} {'peak MiB':>8}"
    )
    for rows in sizes:
        rounds = repeats or (5 if rows <= 50_000 else 1)
        output = subprocess.run(  # noqa: S603 (this very script, with numbers)
            [sys.executable, __file__, "--one", str(rows), str(rounds)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
        r = json.loads(output.strip().splitlines()[-1])
        total = r["import_s"] + r["systematize_s"]
        print(
            f"{rows:>8} {rounds:>6} {total:>13.2f} {r['first_s']:>8.2f} "
            f"{r['systematize_s']:>8.4f} {r['filtered_systematize_s']:>10.2f} "
            f"{r['crosstab_s']:>10.2f} {r['pandas_s']:>8.3f} {total / r['pandas_s']:>8.1f} "
            f"{r['systematize_s'] / r['pandas_s']:>11.3f} {r['peak_mib']:>8.0f}"
        )


if __name__ == "__main__":
    main()
