"""Compile gettext catalogues (.po to .mo) with polib, so no GNU gettext is needed."""

from __future__ import annotations

import sys
from pathlib import Path

import polib


def compile_catalogue(po_path: Path) -> Path:
    mo_path = po_path.with_suffix(".mo")
    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    return mo_path


def main(paths: list[str]) -> None:
    targets = [Path(p) for p in paths] or sorted(Path("minga/locale").glob("*/LC_MESSAGES/*.po"))
    for po_path in targets:
        compile_catalogue(po_path)
        print(f"compiled {po_path}")


if __name__ == "__main__":
    main(sys.argv[1:])
