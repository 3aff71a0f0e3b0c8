"""Time a survey import and its systematization against pandas reading and counting the same
Kobo-style export (10 questions), on a fresh SQLite database (or MINGA_BENCH_DATABASE_URL).

    .venv/bin/python bench/mapping_import.py [ROWS ...]      (default: 20000 200000)

Each size runs in its own process, so the peak memory (ru_maxrss) is that of one import.
Goals: 20,000 rows imported and systematized in at most 5× pandas; 200,000 in under 30 s
and 1 GiB; systematizing an imported survey in under 1× pandas.
"""

from __future__ import annotations

import json
import os
import resource
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


def one(rows: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="minga-bench-"))
    os.environ["MINGA_DATABASE_URL"] = os.environ.get(
        "MINGA_BENCH_DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minga.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from mapping_export import QUESTIONS, write_export

    from minga.core.actions import create_network
    from minga.mapping import actions, reports
    from minga.mapping.models import Survey
    from minga.mapping.template import template_form

    data = folder / "export.csv"
    columns = write_export(rows, data)
    call_command("migrate", verbosity=0)
    network = create_network(actor=None, slug=f"bench-{rows}", name="Bench")
    form = template_form()
    multiple = {
        q.path for q in form.questions if q.name in QUESTIONS and q.type == "select_multiple"
    }

    started = time.perf_counter()
    actions.import_responses(actor=None, network=network, name="bench", form=form, data=data)
    imported = time.perf_counter() - started
    started = time.perf_counter()
    survey = Survey.objects.get(network=network, name="bench")
    figures = reports.systematize(survey)
    systematized = time.perf_counter() - started
    assert figures["respondents"] == rows
    started = time.perf_counter()
    reports.systematize(survey, ("country", "co"))
    filtered = time.perf_counter() - started
    started = time.perf_counter()
    reports.crosstab(survey, "country", "populations")
    crossed = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pandas_seconds = min(pandas_read_and_count(data, columns, multiple) for _ in range(3))
    return {
        "rows": rows,
        "import_s": imported,
        "systematize_s": systematized,
        "filtered_systematize_s": filtered,
        "crosstab_s": crossed,
        "peak_mib": peak_mib,
        "pandas_s": pandas_seconds,
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(one(int(sys.argv[2]))))
        return
    sizes = [int(arg) for arg in sys.argv[1:]] or [20_000, 200_000]
    print(
        f"{'rows':>8} {'import+syst s':>13} {'syst s':>8} {'filtered s':>10} "
        f"{'crosstab s':>10} {'pandas s':>8} {'×pandas':>8} {'syst×pandas':>11} {'peak MiB':>8}"
    )
    for rows in sizes:
        output = subprocess.run(  # noqa: S603 (this very script, with a number)
            [sys.executable, __file__, "--one", str(rows)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
        r = json.loads(output.strip().splitlines()[-1])
        total = r["import_s"] + r["systematize_s"]
        print(
            f"{rows:>8} {total:>13.2f} {r['systematize_s']:>8.4f} "
            f"{r['filtered_systematize_s']:>10.2f} {r['crosstab_s']:>10.2f} "
            f"{r['pandas_s']:>8.3f} {total / r['pandas_s']:>8.1f} "
            f"{r['systematize_s'] / r['pandas_s']:>11.3f} {r['peak_mib']:>8.0f}"
        )


if __name__ == "__main__":
    main()
