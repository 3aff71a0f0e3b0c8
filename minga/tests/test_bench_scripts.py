"""The benchmarks of `make bench` still run: each script that gives the table its rows runs
at a tiny size, in its own process, and prints its rows (no timing is checked here; the
figures are `make bench`'s). The scripts start from one SQLite file migrated once for all
of them (MINGA_BENCH_TEMPLATE), so each run takes seconds."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
TINY = "50"

# Each script with its tiny arguments, and what its rows' sizes must say.
SCRIPTS = [
    ("tally.py", [TINY, "--repeats", "1"], "50 positions"),
    ("systematize.py", [TINY, "--repeats", "1"], "50 responses"),
    ("invoices.py", [TINY], "50 members"),
    ("digest.py", [TINY], "50 people"),
]


def _runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_table", BENCH / "table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _environment(folder: Path) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MINGA_", "DJANGO_", "PYTEST_"))
    }
    environment["MINGA_VAR_DIR"] = str(folder)
    return environment


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied by each script instead of migrating again."""
    folder = tmp_path_factory.mktemp("bench-template")
    database = folder / "template.sqlite3"
    environment = {
        **_environment(folder),
        "MINGA_DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "minga.settings",
    }
    subprocess.run(
        [sys.executable, "-m", "minga.cli", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
        timeout=300,
    )
    return database


@pytest.fixture(scope="module")
def runs(
    template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, subprocess.Popen[str]]]:
    """Every script started at once: they wait on the disk as much as on the cores."""
    started = {}
    for script, arguments, _size in SCRIPTS:
        folder = tmp_path_factory.mktemp(script.removesuffix(".py"))
        started[script] = subprocess.Popen(
            [sys.executable, str(BENCH / script), *arguments, "--json"],
            cwd=ROOT,
            env={**_environment(folder), "MINGA_BENCH_TEMPLATE": str(template)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    yield started
    for process in started.values():
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize(
    ("script", "size"), [(s[0], s[2]) for s in SCRIPTS], ids=[s[0] for s in SCRIPTS]
)
def test_bench_script_prints_its_rows(
    runs: dict[str, subprocess.Popen[str]], script: str, size: str
) -> None:
    process = runs[script]
    stdout, stderr = process.communicate(timeout=300)
    completed = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    assert completed.returncode == 0, completed.stderr[-3000:]
    last = completed.stdout.strip().splitlines()[-1]
    rows = json.loads(last)["rows"]
    assert rows
    for row in rows:
        assert row["size"] == size
        assert row["seconds"] > 0
        assert row["baseline"]
        assert row["baseline_seconds"] > 0
        # The readable line for the same row, above the JSON one.
        assert f"{row['benchmark']} ({size}):" in completed.stdout


def test_every_bench_script_is_in_the_table_runner() -> None:
    runner = _runner()
    listed = {bench.script for bench in runner.BENCHES}
    # table.py is the runner; mapping_export.py writes the others' data and times nothing.
    scripts = {path.name for path in BENCH.glob("*.py")} - {"table.py", "mapping_export.py"}
    assert scripts == listed


def test_table_shows_ratios_failures_and_scripts_with_their_own_tables() -> None:
    runner = _runner()
    row = runner.Row("tally: close_proposal", "50 positions", 0.2, "Counter", 0.1)
    outcomes = [
        runner.Outcome(runner.BENCHES[0], ("50",), 1.0, 0, [row]),
        runner.Outcome(runner.Bench("startup.py"), (), 3.5, 0, []),
        runner.Outcome(runner.Bench("scale.py"), ("--scale", "0.2"), 9.0, 2, []),
    ]
    lines = runner.table(outcomes)
    header = [cell.strip() for cell in lines[0].split(" | ")]
    assert header == ["benchmark", "size", "time", "baseline", "baseline time", "ratio"]
    assert "tally: close_proposal" in lines[2] and "2.0x" in lines[2] and "Counter" in lines[2]
    assert "startup" in lines[3] and "3.50 s" in lines[3] and "its own table" in lines[3]
    assert "scale" in lines[4] and "FAILED (exit 2)" in lines[4]
