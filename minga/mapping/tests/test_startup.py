"""Start-up stays light: the mapping modules load openpyxl, matplotlib, numpy and pandas only
inside the functions that need them, so `minga survey --help` and every page start fast."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("openpyxl", "matplotlib", "numpy", "pandas", "highspy")
APP = Path(__file__).resolve().parents[1]

# Records which module first imports each heavy package, then runs the given code.
PROBE = """
import json, sys
HEAVY = {heavy!r}
found = []

class Watch:
    def find_spec(self, name, path=None, target=None):
        if name in HEAVY:
            frame = sys._getframe(1)
            while frame is not None and frame.f_globals.get("__name__", "").startswith(
                ("importlib", "_frozen_importlib")
            ):
                frame = frame.f_back
            found.append([name, frame.f_globals.get("__name__", "") if frame else ""])
        return None

sys.meta_path.insert(0, Watch())
try:
{code}
finally:
    print("PROBE" + json.dumps(found), file=sys.stderr)
"""


def _first_importers(code: str) -> list[list[str]]:
    body = "\n".join(f"    {line}" for line in code.strip().splitlines())
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY, code=body)],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "minga.settings"},
        cwd=APP.parents[1],
        check=False,
        timeout=120,
    )
    line = next(line for line in result.stderr.splitlines() if line.startswith("PROBE"))
    found: list[list[str]] = json.loads(line.removeprefix("PROBE"))
    return found


def _module_level_imports(tree: ast.Module) -> list[tuple[int, str]]:
    """Imports that run when the module loads (not in functions, not for type checking)."""
    names: list[tuple[int, str]] = []

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                names.extend((node.lineno, alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.append((node.lineno, node.module))
            elif isinstance(node, ast.If):
                if "TYPE_CHECKING" not in ast.unparse(node.test):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
            elif isinstance(node, ast.ClassDef):
                visit(node.body)

    visit(tree.body)
    return names


def test_no_mapping_module_imports_a_heavy_package_when_loaded():
    modules = [
        path
        for path in APP.rglob("*.py")
        if "tests" not in path.relative_to(APP).parts
        and "migrations" not in path.relative_to(APP).parts
    ]
    found = [
        f"{path.relative_to(APP)}:{line} imports {name}"
        for path in modules
        for line, name in _module_level_imports(ast.parse(path.read_text(encoding="utf-8")))
        if name.split(".")[0] in HEAVY
    ]
    assert found == []


@pytest.mark.parametrize(
    "code",
    [
        """
import django
django.setup()
import minga.mapping.urls, minga.mapping.api, minga.mapping.actions, minga.mapping.queries
import minga.mapping.templatetags.mapping, minga.mapping.management.commands.survey
""",
        """
from minga.cli import main
try:
    main(["survey", "--help"])
except SystemExit:
    pass
""",
    ],
    ids=["app-modules", "survey-help"],
)
def test_starting_up_loads_no_heavy_package_from_mapping(code):
    found = _first_importers(code)
    assert [entry for entry in found if entry[1].startswith("minga.mapping")] == []
