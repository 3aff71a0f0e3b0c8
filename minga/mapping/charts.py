"""SVG charts of a survey's figures, drawn with matplotlib (no display needed)."""

from __future__ import annotations

import io
import textwrap
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

BAR = "#2f6f73"
PALETTE = ["#2f6f73", "#e0a23b", "#b5485d", "#5b7db1", "#7a9a3b", "#8e6bb3", "#c9723a", "#4f9d9a"]


@cache
def _pyplot() -> ModuleType:
    """matplotlib, loaded on the first chart: importing it costs every start-up ~0.1 s."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "minga"  # stable element ids: the same figures, the same SVG
    plt.rcParams["font.size"] = 9
    return plt


def _wrap(label: str, width: int = 34) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    _pyplot().close(figure)
    return buffer.getvalue()


def bars(labels: list[str], counts: list[int], percents: list[float], title: str) -> bytes:
    """Horizontal bars, the largest on top, each with its count and percent."""
    height = 0.9 + 0.38 * max(len(labels), 1)
    figure, axes = _pyplot().subplots(figsize=(7, height))
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, counts, color=BAR)
    axes.set_yticks(positions, [_wrap(label) for label in labels])
    top = max(counts, default=0) or 1
    for y, count, share in zip(positions, counts, percents, strict=True):
        axes.text(count + top * 0.01, y, f"{count} · {share:.2f}%", va="center", fontsize=8)
    axes.set_xlim(0, top * 1.25)
    axes.set_title(_wrap(title, 70), loc="left", fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def stacked(
    rows: list[str], columns: list[str], table: list[list[int]], title: str, legend: str
) -> bytes:
    """Stacked horizontal bars: one bar per row choice, one segment per column choice."""
    height = 1.4 + 0.42 * max(len(rows), 1)
    figure, axes = _pyplot().subplots(figsize=(7.5, height))
    positions = list(range(len(rows)))[::-1]
    left = [0] * len(rows)
    for index, column in enumerate(columns):
        values = [table[r][index] for r in range(len(rows))]
        axes.barh(positions, values, left=left, label=_wrap(column, 24), color=PALETTE[index % 8])
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(positions, [_wrap(row) for row in rows])
    axes.set_title(_wrap(title, 70), loc="left", fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(title=_wrap(legend, 30), loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return _svg(figure)


def histogram(labels: list[str], counts: list[int], title: str) -> bytes:
    """Vertical bars over ordered bins (numbers, days, months, hours), each with its count."""
    width = min(9.0, 2.5 + 0.32 * max(len(labels), 1))
    figure, axes = _pyplot().subplots(figsize=(width, 3.2))
    positions = list(range(len(labels)))
    axes.bar(positions, counts, color=BAR, width=0.85)
    rotate = len(labels) > 8 or max((len(label) for label in labels), default=0) > 6
    axes.set_xticks(
        positions, labels, rotation=60 if rotate else 0, ha="right" if rotate else "center"
    )
    top = max(counts, default=0) or 1
    if len(labels) <= 31:
        for x, count in zip(positions, counts, strict=True):
            if count:
                axes.text(x, count + top * 0.01, str(count), ha="center", va="bottom", fontsize=7)
    axes.set_ylim(0, top * 1.15)
    axes.set_title(_wrap(title, 70), loc="left", fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def points(coordinates: list[tuple[float, float]], title: str) -> bytes:
    """Geopoints as dots on plain axes (longitude, latitude): no map tiles, no network call;
    degrees of longitude shrink with the cosine of the latitude, so the shape stays true."""
    import math

    figure, axes = _pyplot().subplots(figsize=(6, 5))
    lats = [lat for lat, _lon in coordinates]
    lons = [lon for _lat, lon in coordinates]
    axes.scatter(lons, lats, s=14, color=BAR, alpha=0.7, edgecolors="white", linewidths=0.4)
    middle = (min(lats) + max(lats)) / 2 if lats else 0.0
    axes.set_aspect(1 / max(math.cos(math.radians(middle)), 0.05), adjustable="datalim")
    axes.set_xlabel("lon")
    axes.set_ylabel("lat")
    axes.grid(True, linewidth=0.3, alpha=0.5)
    axes.set_title(_wrap(title, 70), loc="left", fontsize=10)
    return _svg(figure)
