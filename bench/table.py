"""Run the benchmarks and print one table of their figures (`make bench`, `make bench-full`).

Usage: .venv/bin/python bench/table.py [--full] [--only NAME,...] [--list]

Each benchmark runs alone, in its own process, one after the other (so they do not compete
for the cores), and its own output is shown as it ends. Those that give figures against a
simple baseline (tally, systematize, digest, invoices) print, with `--json`, a last line
`{"rows": [...]}`; each of those rows becomes a row of the table: what was measured, on what
size, its seconds, the baseline's name and seconds, and the ratio. The others print their
own tables (pages, sizes, goals); the table shows their wall time and points to it.

Without `--full`: the short form of every benchmark but the two slowest. With `--full`: the
issue's full sizes, plus `sortition_compare.py` (Minga against the Sortition Foundation's
reference, from the `bench` extra: `.venv/bin/pip install -c constraints.txt -e ".[bench]"`;
minutes to an hour) and `load.py --production` (locust against the documented deployment:
nginx, two web processes, two workers). A script whose
module is missing (the reference, locust) is skipped and said so.

The same module holds what the benchmark scripts share: `configure` (a throwaway database),
`Row`, `best_of` and `report`.
"""

from __future__ import annotations

import argparse
import atexit
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JSON_PREFIX = '{"rows": '


@dataclass(frozen=True)
class Row:
    """One line of the table: `seconds` of what is measured against `baseline_seconds` of
    the simple baseline named `baseline`, on data of `size`."""

    benchmark: str
    size: str
    seconds: float
    baseline: str
    baseline_seconds: float | None

    @property
    def ratio(self) -> float | None:
        if not self.baseline_seconds:
            return None
        return self.seconds / self.baseline_seconds


# A migrated SQLite file to start from instead of an empty one (the test of the scripts
# migrates once for all of them: migrating takes seconds, their tiny runs less).
TEMPLATE_VARIABLE = "MINGA_BENCH_TEMPLATE"


def configure(database: str, prefix: str = "minga-bench-") -> Path:
    """Environment for Django, before `django.setup()`: a temporary folder for var/, and a
    fresh SQLite file there (a copy of MINGA_BENCH_TEMPLATE's when set), or the (empty,
    throwaway) PostgreSQL server MINGA_DATABASE_URL names (`scripts/with-postgres.sh`
    starts one). The caller migrates; the folder goes when the process ends."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    os.environ["MINGA_VAR_DIR"] = str(workdir)
    template = os.environ.get(TEMPLATE_VARIABLE)
    if template and database == "sqlite":
        for suffix in ("", "-wal"):  # the log too, should the template still have one
            if Path(template + suffix).exists():
                shutil.copyfile(template + suffix, workdir / f"bench.sqlite3{suffix}")
    if database == "postgres":
        url = os.environ.get("MINGA_DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            sys.exit(
                "--database postgres needs MINGA_DATABASE_URL=postgres://...; run it through "
                "scripts/with-postgres.sh"
            )
    else:
        os.environ["MINGA_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "minga.settings"
    os.environ["MINGA_DEBUG"] = "false"
    os.environ.setdefault("MINGA_LOG_LEVEL", "ERROR")
    return workdir


def start(
    doc: str | None, size: str, default: int, repeats: int
) -> tuple[argparse.Namespace, Path]:
    """The opening the row-giving benchmarks share: their arguments (SIZE, --repeats,
    --database, --json), the environment (`configure`), Django, and a migrated database."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0] if doc else None)
    parser.add_argument(size, type=int, nargs="?", default=default)
    parser.add_argument("--repeats", type=int, default=repeats)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--json", action="store_true", help="a last line for bench/table.py")
    args = parser.parse_args()
    workdir = configure(args.database)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return args, workdir


def best_of(run: Callable[[], object], repeats: int) -> float:
    """The fastest of `repeats` runs, in seconds: the least disturbed by the rest of the
    machine."""
    found = []
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        run()
        found.append(time.perf_counter() - started)
    return min(found)


def fmt_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "-"
    return f"{ratio:.3f}x" if ratio < 0.1 else f"{ratio:.1f}x"


def report(rows: list[Row], as_json: bool) -> None:
    """Print the rows for a reader, then, with `as_json`, the line the runner reads."""
    for row in rows:
        print(
            f"{row.benchmark} ({row.size}): {fmt_seconds(row.seconds)}; "
            f"{row.baseline}: {fmt_seconds(row.baseline_seconds)}; ratio {fmt_ratio(row.ratio)}"
        )
    if as_json:
        print(json.dumps({"rows": [asdict(row) for row in rows]}), flush=True)


# ---------------------------------------------------------------------------- the runner


@dataclass(frozen=True)
class Bench:
    """A script of bench/ with its arguments: `short` for `make bench`, `full` (None: the
    same) for `make bench-full`; `rows`: it prints the table's rows with `--json`;
    `full_only`: slow, so with `--full` only; `needs`: a module it cannot run without (it
    is skipped, and says so, where that is not installed)."""

    script: str
    short: tuple[str, ...] = ()
    full: tuple[str, ...] | None = None
    rows: bool = False
    full_only: bool = False
    needs: str = ""

    @property
    def name(self) -> str:
        return self.script.removesuffix(".py")

    def arguments(self, full: bool) -> tuple[str, ...]:
        return self.full if full and self.full is not None else self.short


# mapping_export.py is left out: it writes a file for the others, it times nothing.
BENCHES = [
    Bench("tally.py", ("10000",), rows=True),
    Bench("systematize.py", ("10000",), ("100000",), rows=True),
    # 5 to 13 ms a person (two commits each, SMTP on loopback): 1 to 2 minutes in all.
    Bench("digest.py", ("10000",), rows=True),
    Bench("invoices.py", ("10000",), rows=True),
    Bench("startup.py"),
    Bench("directory.py"),
    Bench("funding_match.py"),
    Bench("planning.py"),
    Bench("hostile_files.py"),
    Bench("mapping_import.py", ("20000",), ("20000", "200000")),
    Bench("scale.py", ("--scale", "0.2"), ("--scale", "1")),
    Bench("sortition_variants.py"),
    Bench(
        "sortition_lottery.py",
        ("--pools", "200:20,1000:40"),
        ("--pools", "200:20,1000:40,3000:100"),
    ),
    # The held-out dropout scenarios take minutes a pool on a busy machine.
    Bench("sortition_alternates.py", ("--pools", "200:20"), ("--pools", "200:20,1000:40")),
    # The reference comes with the `bench` extra: .venv/bin/pip install -e ".[bench]".
    Bench(
        "sortition_compare.py",
        full=("--reference-timeout", "600"),
        full_only=True,
        needs="sortition_algorithms",
    ),
    Bench("load.py", full=("--production", "--seconds", "30"), full_only=True, needs="locust"),
]


def installed(module: str) -> bool:
    return not module or importlib.util.find_spec(module) is not None


@dataclass(frozen=True)
class Outcome:
    bench: Bench
    arguments: tuple[str, ...]
    wall: float
    code: int
    rows: list[Row]


def run(bench: Bench, arguments: tuple[str, ...]) -> Outcome:
    command = [sys.executable, str(ROOT / "bench" / bench.script), *arguments]
    if bench.rows:
        command.append("--json")
    print(f"== bench/{bench.script} {' '.join(arguments)}".rstrip(), flush=True)
    # Mail the scripts send by the way (the demo's) stays in memory, out of the output;
    # digest.py sends its own to an SMTP sink. Unbuffered: each line shows when printed.
    environment = {"MINGA_EMAIL_URL": "locmem://", **os.environ, "PYTHONUNBUFFERED": "1"}
    started = time.perf_counter()
    rows: list[Row] = []
    # Its output shown as it comes (some run for minutes), but for the rows' JSON line.
    with subprocess.Popen(  # noqa: S603 (our own scripts, our own arguments)
        command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith(JSON_PREFIX):
                rows.extend(Row(**found) for found in json.loads(line)["rows"])
            else:
                print(f"   {line.rstrip()}", flush=True)
    wall = time.perf_counter() - started
    if process.returncode:
        print(f"   ** exited with {process.returncode}")
    print(f"   ({wall:.1f} s)", flush=True)
    return Outcome(bench, arguments, wall, process.returncode, rows)


def table(outcomes: list[Outcome]) -> list[str]:
    header = ("benchmark", "size", "time", "baseline", "baseline time", "ratio")
    lines: list[tuple[str, ...]] = []
    for outcome in outcomes:
        if outcome.code:
            failed = f"FAILED (exit {outcome.code})"
            lines.append((outcome.bench.name, " ".join(outcome.arguments), failed, "", "", ""))
        elif outcome.rows:
            lines.extend(
                (
                    row.benchmark,
                    row.size,
                    fmt_seconds(row.seconds),
                    row.baseline,
                    fmt_seconds(row.baseline_seconds),
                    fmt_ratio(row.ratio),
                )
                for row in outcome.rows
            )
        else:
            size = " ".join(outcome.arguments) or "(defaults)"
            own = "its own table, above"
            lines.append((outcome.bench.name, size, fmt_seconds(outcome.wall), own, "", ""))
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(len(header))]
    right = {2, 4, 5}

    def fmt(cells: tuple[str, ...]) -> str:
        return " | ".join(
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [fmt(header), "-+-".join("-" * width for width in widths), *map(fmt, lines)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--full", action="store_true", help="full sizes and the reference")
    parser.add_argument("--only", default="", help="comma-separated names, e.g. tally,digest")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    args = parser.parse_args()
    only = {name.removesuffix(".py") for name in args.only.split(",") if name}
    unknown = only - {bench.name for bench in BENCHES}
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    chosen = [b for b in BENCHES if (not only or b.name in only) and (args.full or not b.full_only)]
    if args.list:
        for bench in chosen:
            print(f"bench/{bench.script} {' '.join(bench.arguments(args.full))}".rstrip())
        return
    outcomes = []
    started = time.perf_counter()
    for bench in chosen:
        if not installed(bench.needs):
            print(f"== bench/{bench.script}: skipped, {bench.needs} is not installed")
            continue
        outcomes.append(run(bench, bench.arguments(args.full)))
    total = time.perf_counter() - started
    print()
    for line in table(outcomes):
        print(line)
    print(
        f"\n{len(outcomes)} script(s) in {total / 60:.1f} min on SQLite; ratio = time / baseline"
        f" time (Python {sys.version.split()[0]}, {os.cpu_count()} cores)"
    )
    if any(outcome.code for outcome in outcomes):
        sys.exit(1)


if __name__ == "__main__":
    main()
