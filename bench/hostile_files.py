"""Hostile and awkward files through the one intake, the survey import page and the command.

    .venv/bin/python bench/hostile_files.py

Makes, in a temporary folder: a 3.5 MB .xlsx whose sheet expands to 1.2 GB with no
<dimension> element, a billion-laughs .xlsx, an XXE .xlsx, a CSV with a 200,000-character
field, a UTF-16 CSV (Kobo-style answers to the built-in questionnaire) and, for reference,
the same answers in UTF-8. Each file goes, in a fresh process each time:

- through the intake (`minga.core.intake.sniff`);
- through the page: a Django test client uploads it to the survey import page of a network on
  a temporary SQLite database (as bench/mapping_import.py sets one up), after one warm-up
  request, as a running web process would be;
- through the command: `minga survey import` in a subprocess (wall time of the whole
  process, start-up included).

Printed: wall seconds of the work (the upload, the sniff, the command), the process's peak
resident memory (VmHWM, reset before the work where Linux allows: /proc/self/clear_refs; for
the command, its ru_maxrss, read by a process that runs it alone), what was stored, and the
message. Goal: each hostile file refused with a message naming it, in under 2 s of work and
under 200 MB peak, nothing stored.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

MiB = 1024 * 1024
SLUG = "bench"
USER = "coordinator"
GOAL_SECONDS = 2.0
GOAL_MIB = 200.0


def _status(field: str) -> float:
    """A VmXXX figure of /proc/self/status, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> None:
    # Not Linux, or not allowed: the peak then counts from the start.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def make_files(folder: Path) -> dict[str, Path]:
    from mapping_export import write_export

    from minga.core.tests import hostile

    files = {
        "bomb.xlsx": hostile.bomb_xlsx(1200 * MiB),
        "laughs.xlsx": hostile.billion_laughs_xlsx(),
        "xxe.xlsx": hostile.xxe_xlsx(),
        "huge-field.csv": hostile.huge_field_csv(),
    }
    paths = {name: hostile.write(folder, name, data) for name, data in files.items()}
    good = folder / "good.csv"
    write_export(200, good)
    text = good.read_text(encoding="utf-8")
    paths["utf16.csv"] = hostile.write(folder, "utf16.csv", text.encode("utf-16"))
    paths["good.csv"] = good
    return paths


def setup_database(folder: Path) -> Path:
    """A migrated SQLite database with one network and its coordinator; the form file."""
    database = folder / "template.sqlite3"
    _django(database)
    from django.core.management import call_command

    from minga.core.actions import create_network
    from minga.core.models import User
    from minga.mapping.template import template_bytes

    call_command("migrate", verbosity=0)
    user = User.objects.create_user(USER, "coordinator@example.org", "pw-coordinator-42")
    create_network(actor=user, slug=SLUG, name="Bench")
    (folder / "form.xlsx").write_bytes(template_bytes())
    from django.db import connections

    connections.close_all()
    return database


def _django(database: Path) -> None:
    os.environ["MINGA_DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minga.settings")
    import django

    django.setup()


def child_intake(path: Path) -> dict[str, Any]:
    from minga.core import intake

    data = path.read_bytes()
    baseline = _status("VmRSS")
    _reset_peak()
    started = time.perf_counter()
    try:
        kind = intake.sniff(data, path.name)
        outcome = f"accepted as {kind}"
        if kind == "csv":
            rows = sum(1 for _ in intake.csv_rows(intake.decode_text(data, path.name), path.name))
            outcome += f", {rows} rows"
    except intake.IntakeError as exc:
        outcome = exc.message
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak": _status("VmHWM"), "baseline": baseline, "out": outcome}


def child_page(path: Path, database: Path) -> dict[str, Any]:
    _django(database)
    import html
    import re

    from django.test import Client
    from django.test.utils import setup_test_environment

    from minga.core.models import User

    setup_test_environment()  # the test server's host name
    client = Client(headers={"accept-language": "en"})
    client.force_login(User.objects.get(username=USER))
    client.get(f"/n/{SLUG}/mapping/")  # warm: a running web process has its modules loaded
    data = path.read_bytes()
    form = (path.parent / "form.xlsx").read_bytes()
    baseline = _status("VmRSS")
    _reset_peak()
    started = time.perf_counter()
    data_file, form_file = io.BytesIO(data), io.BytesIO(form)
    data_file.name, form_file.name = path.name, "form.xlsx"
    upload = {"name": "mapeo", "data_file": data_file, "form_file": form_file}
    response = client.post(f"/n/{SLUG}/mapping/import/", upload)
    seconds = time.perf_counter() - started
    peak = _status("VmHWM")
    body = html.unescape(response.content.decode())
    errors = re.findall(r'<div class="errors" role="alert"><ul><li>(.*?)</li>', body, re.S)
    outcome = f"{response.status_code}: " + (errors[0] if errors else "imported")
    return {"seconds": seconds, "peak": peak, "baseline": baseline, "out": outcome}


def run_command(path: Path, database: Path) -> dict[str, Any]:
    environment = {**os.environ, "MINGA_DATABASE_URL": f"sqlite:///{database}"}
    command = [
        str(ROOT / ".venv/bin/minga"),
        "survey",
        "import",
        "--network",
        SLUG,
        "--form",
        str(path.parent / "form.xlsx"),
        "--data",
        str(path),
        "--name",
        "mapeo",
    ]
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 (Minga's own command on files made here)
        command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    # This process runs no other child: the children's peak is the command's.
    peak = _children_peak()
    text = (stdout if process.returncode == 0 else stderr).decode().strip().splitlines()
    outcome = text[-1] if text else ""
    if "Traceback" in stderr.decode():
        outcome = "TRACEBACK: " + outcome
    return {"seconds": seconds, "peak": peak, "baseline": 0.0, "out": outcome}


def _children_peak() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def stored(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute("select count(*) from mapping_response").fetchone()[0])


def in_child(mode: str, path: Path, database: Path) -> dict[str, Any]:
    """One measure in a fresh process (so that one file's peak is not another's)."""
    if mode == "command":
        # Run from a one-off process, whose RUSAGE_CHILDREN then holds that command only.
        output = subprocess.run(  # noqa: S603 (this very script)
            [sys.executable, __file__, "--command", str(path), str(database)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
    else:
        output = subprocess.run(  # noqa: S603 (this very script)
            [sys.executable, __file__, "--child", mode, str(path), str(database)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "--child":
        mode, path, database = args[1], Path(args[2]), Path(args[3])
        result = child_intake(path) if mode == "intake" else child_page(path, database)
        print(json.dumps(result))
        return
    if args and args[0] == "--command":
        print(json.dumps(run_command(Path(args[1]), Path(args[2]))))
        return
    folder = Path(tempfile.mkdtemp(prefix="minga-hostile-"))
    try:
        report(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def report(folder: Path) -> None:
    started = time.perf_counter()
    paths = make_files(folder)
    made = time.perf_counter() - started
    subprocess.run(  # noqa: S603 (this very script)
        [sys.executable, "-c", _SETUP, str(folder)], check=True, cwd=ROOT, capture_output=True
    )
    database_template = folder / "template.sqlite3"
    print(f"files made in {made:.1f} s in {folder}:")
    for name, path in paths.items():
        print(f"  {name:<15} {path.stat().st_size / MiB:8.2f} MB{_expanded(path)}")
    print(
        f"\n{'file':<15} {'through':<8} {'work s':>7} {'peak MiB':>9} {'base MiB':>9} "
        f"{'stored':>6} {'goal':>4}  message"
    )
    failures = 0
    for name, path in paths.items():
        for mode in ("intake", "page", "command"):
            database = folder / f"{name}-{mode}.sqlite3"
            shutil.copy(database_template, database)
            result = in_child(mode, path, database)
            count = stored(database)
            hostile = name not in ("utf16.csv", "good.csv")
            met = result["seconds"] < GOAL_SECONDS and result["peak"] < GOAL_MIB
            if hostile:
                met = met and count == 0 and name in result["out"] and "TRACE" not in result["out"]
                failures += not met
            print(
                f"{name:<15} {mode:<8} {result['seconds']:>7.2f} {result['peak']:>9.0f} "
                f"{result['baseline']:>9.0f} {count:>6} {'ok' if met else 'NO':>4}  "
                f"{_short(result['out'])}"
            )
    print(
        f"\nGoal: each hostile file refused in under {GOAL_SECONDS:.0f} s of work and under "
        f"{GOAL_MIB:.0f} MB peak, nothing stored"
        + (": met." if not failures else f": {failures} missed.")
    )


def _expanded(path: Path) -> str:
    import zipfile

    if not zipfile.is_zipfile(path):
        return ""
    with zipfile.ZipFile(path) as archive:
        total = sum(info.file_size for info in archive.infolist())
    return f", expands to {total / MiB:,.0f} MB"


def _short(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


_SETUP = """
import sys
from pathlib import Path
sys.path.insert(0, "bench")
import hostile_files
hostile_files.setup_database(Path(sys.argv[1]))
"""


if __name__ == "__main__":
    main()
