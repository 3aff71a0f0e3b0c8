"""What importing sortition loads: the engine needs no Django, and the modules Django
loads at start-up leave numpy, highspy and matplotlib for the work that needs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = {"numpy", "highspy", "matplotlib", "openpyxl", "pandas"}
ENGINE = "model leximin pricing solver draw legacy diagnosis replacement csvio synthetic service"
STARTUP = "models apps urls views api tasks actions queries access forms charts demo"
REPORT = "import json, sys; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"


def _loaded(code: str) -> set[str]:
    """The top-level packages in sys.modules after running `code` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{REPORT}"],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "minga.settings"},
        check=True,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_engine_imports_no_django():
    loaded = _loaded("\n".join(f"import minga.sortition.engine.{m}" for m in ENGINE.split()))
    assert "django" not in loaded
    assert "numpy" in loaded  # the engine itself computes


def test_start_up_leaves_the_heavy_libraries_unloaded():
    imports = "\n".join(f"import minga.sortition.{m}" for m in STARTUP.split())
    loaded = _loaded(f"import django\ndjango.setup()\n{imports}")
    assert not loaded & HEAVY, loaded & HEAVY
