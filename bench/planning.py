"""Time the strategic plan: progress rolled up over a large plan, and the whole plan as PDF
and Markdown, against simple baselines.

Usage: .venv/bin/python bench/planning.py [PROJECTS]   (default: 200)
A plan of PROJECTS projects (each with 3 results and 4 indicators of 12 monthly
measurements) over 3 pillars and 8 objectives. Prints:
- `queries.plan_tree` (every progress figure, in a fixed number of queries) against a naive
  roll-up that reads each project's results, indicators and latest measurements one query at
  a time, and their ratio;
- the demo network's plan as Markdown and as a tagged PDF (WeasyPrint), against rendering
  its HTML alone, and their ratio.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any


def _timed(call: Any, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def main(count: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="minga-bench-"))
    os.environ.setdefault("MINGA_VAR_DIR", str(workdir))
    os.environ["MINGA_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "minga.settings"
    os.environ["MINGA_DEBUG"] = "false"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from minga.core.models import Network, User
    from minga.planning import export, queries, rollup
    from minga.planning.models import (
        Indicator,
        Measurement,
        Objective,
        ProgrammaticProject,
        Result,
    )

    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    network = Network.objects.get(slug="demo")
    coordinator = User.objects.get(username="coordinadora")
    objectives = list(Objective.objects.filter(network=network))
    start = date(2026, 1, 1)
    projects = ProgrammaticProject.objects.bulk_create(
        ProgrammaticProject(
            network=network,
            objective=objectives[n % len(objectives)],
            title=f"Proyecto {n}",
            starts_on=start + timedelta(days=n % 90),
            ends_on=start + timedelta(days=365 + n % 90),
        )
        for n in range(count)
    )
    results = Result.objects.bulk_create(
        Result(project=p, kind="intermediate", description=f"Resultado {k}", weight=k + 1)
        for p in projects
        for k in range(3)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            project=results[n // 4 * 3 + n % 3].project if n % 4 < 3 else projects[n // 4],
            result=results[n // 4 * 3 + n % 3] if n % 4 < 3 else None,
            name=f"Indicador {n}",
            baseline=Decimal(0),
            target=Decimal(100),
        )
        for n in range(count * 4)
    )
    Measurement.objects.bulk_create(
        Measurement(
            indicator=i,
            measured_on=date(2026, month, 1),
            value=Decimal(month * 7),
            recorded_by=coordinator,
        )
        for i in indicators
        for month in range(1, 13)
    )

    def naive() -> float | None:
        """Each project, result and indicator read on its own: what a page would do
        without `queries`."""
        values = []
        for project in ProgrammaticProject.objects.filter(network=network):
            children = []
            for result in project.results.all():
                shown = [
                    (
                        i.progress(
                            i.measurements.order_by("-measured_on")
                            .values_list("value", flat=True)[:1]
                            .first()
                        ),
                        i.weight,
                    )
                    for i in result.indicators.all()
                ]
                children.append((rollup.weighted(shown) or 0.0, result.weight))
            if (value := rollup.weighted(children)) is not None:
                values.append((value, project.weight))
        return rollup.weighted(values)

    with CaptureQueriesContext(connection) as tree_queries:
        queries.plan_tree(network)
    tree = _timed(lambda: queries.plan_tree(network))
    baseline = _timed(naive, repeat=1)
    print(
        f"plan of {count + 3} projects, {len(indicators)} indicators, "
        f"{len(indicators) * 12} measurements"
    )
    print(f"plan_tree:      {tree * 1000:8.1f} ms in {len(tree_queries.captured_queries)} queries")
    print(f"naive roll-up:  {baseline * 1000:8.1f} ms  (ratio {baseline / tree:.1f}x)")

    # The document: the demo's own plan (the large plan's extra projects removed).
    ProgrammaticProject.objects.filter(pk__in=[p.pk for p in projects]).delete()
    with translation.override("es"):
        html = _timed(lambda: export.html(network), repeat=2)
        markdown = _timed(lambda: export.markdown(network), repeat=2)
        pdf = _timed(lambda: export.pdf(network), repeat=2)
        size = len(export.pdf(network))
    print(f"demo plan HTML: {html * 1000:8.1f} ms")
    print(f"demo plan MD:   {markdown * 1000:8.1f} ms")
    print(
        f"demo plan PDF:  {pdf * 1000:8.1f} ms, {size / 1024:.0f} KiB  "
        f"(ratio to its HTML {pdf / html:.1f}x)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
