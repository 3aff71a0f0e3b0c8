"""Thin helpers around HiGHS (`highspy`), the open-source LP/MIP solver used here."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import highspy
import numpy as np

INF = highspy.kHighsInf


_quiet = False


def _first_highs() -> highspy.Highs:
    """HiGHS prints a banner on standard output when the first instance is made: hide it, so
    that machine-readable output (`--json`) stays clean."""
    global _quiet
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            highs = highspy.Highs()  # type: ignore[no-untyped-call]
            highs.setOptionValue("output_flag", False)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _quiet = True
    return highs


def new_highs(*, mip_gap: float | None = None) -> highspy.Highs:
    """A silent, single-threaded, deterministic HiGHS instance."""
    highs = highspy.Highs() if _quiet else _first_highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("random_seed", 0)
    if mip_gap is not None:
        highs.setOptionValue("mip_rel_gap", mip_gap)
        highs.setOptionValue("mip_abs_gap", 1e-12)
    return highs


def add_row(
    highs: highspy.Highs, lower: float, upper: float, index: Sequence[int], value: Sequence[float]
) -> None:
    highs.addRow(
        float(lower),
        float(upper),
        len(index),
        np.asarray(index, dtype=np.int32),
        np.asarray(value, dtype=np.float64),
    )


def add_col(
    highs: highspy.Highs,
    cost: float,
    lower: float,
    upper: float,
    index: Sequence[int],
    value: Sequence[float],
) -> None:
    highs.addCol(
        float(cost),
        float(lower),
        float(upper),
        len(index),
        np.asarray(index, dtype=np.int32),
        np.asarray(value, dtype=np.float64),
    )


def status_name(highs: highspy.Highs) -> str:
    return str(highs.modelStatusToString(highs.getModelStatus()))
