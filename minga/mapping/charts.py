"""SVG charts of a survey's figures, drawn with matplotlib (no display needed).

Every number a chart writes (ticks, counts, percents) goes through `minga.core.l10n`, so it
reads as the table beside it does. Charts are drawn narrow (FIGURE_WIDTH inches) with large
type: shown at the width of a 360 px phone, their labels stay about 12 px high, and wider
screens scale them up. Count axes count in whole numbers.
"""

from __future__ import annotations

import io
import re
import textwrap
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from minga.core.l10n import axis_formatter, number, percent

if TYPE_CHECKING:
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

BAR = "#2f6f73"
PALETTE = ["#2f6f73", "#e0a23b", "#b5485d", "#5b7db1", "#7a9a3b", "#8e6bb3", "#c9723a", "#4f9d9a"]
FIGURE_WIDTH = 4.0  # inches; 288 units wide, shown ~300 px wide on a 360 px phone
FONT_SIZE = 13  # SVG units: at ~290 px on a 360 px phone, a ~296-unit chart shows ~12.7 px
LABEL_WIDTH = 22  # characters per line of a bar's label
MAX_LABEL_LINES = 3
# What matplotlib writes about itself: a comment and the Dublin Core metadata.
_COMMENT = re.compile(rb"<!--.*?-->\s*", re.DOTALL)
_METADATA = re.compile(rb"<metadata>.*?</metadata>\s*", re.DOTALL)


@cache
def _pyplot() -> ModuleType:
    """matplotlib, loaded on the first chart: importing it costs every start-up ~0.1 s."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "minga"  # stable element ids: the same figures, the same SVG
    plt.rcParams["font.size"] = FONT_SIZE
    # Text as text (not glyph outlines): read by screen readers, found by a search, and
    # drawn at the size set here in the reader's own sans-serif font.
    plt.rcParams["svg.fonttype"] = "none"
    plt.rcParams["font.family"] = ["DejaVu Sans", "sans-serif"]
    return plt


def _wrap(label: str, width: int = LABEL_WIDTH) -> str:
    lines = textwrap.wrap(label, width) or [label]
    if len(lines) > MAX_LABEL_LINES:
        lines = [
            *lines[: MAX_LABEL_LINES - 1],
            textwrap.shorten(" ".join(lines[2:]), width, placeholder="…"),
        ]
    return "\n".join(lines)


def _svg(figure: Figure, title: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Title": title, "Creator": None, "Date": None, "Format": None, "Type": None}
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata=metadata)
    _pyplot().close(figure)
    return _METADATA.sub(b"", _COMMENT.sub(b"", buffer.getvalue()))


def _counts_axis(axis: Axis) -> None:
    """An axis of counts: whole numbers, written in the reader's language."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    axis.set_major_formatter(axis_formatter())


def _figure(height: float, width: float = FIGURE_WIDTH) -> tuple[Figure, Any]:
    return _pyplot().subplots(figsize=(width, height), layout="constrained")  # type: ignore[no-any-return]


def bar_label(count: int, share: float) -> str:
    """A bar's count and its share (`share` in percent, as the figures hold it)."""
    return f"{number(count)} · {percent(share / 100)}"


def bars(labels: list[str], counts: list[int], percents: list[float], title: str) -> bytes:
    """Horizontal bars, in the given order from the top, each with its count and percent
    (`percents` as the figures hold them: 17.5 for 17.5 %). Labels sit above their bars, so
    a long label takes the chart's whole width instead of squeezing the bars."""
    wrapped = [_wrap(label, 34) for label in labels]
    lines = [label.count("\n") + 1 for label in wrapped]
    # Each bar: its label's lines, then the bar (in rows of one line's height).
    rows = sum(lines) + len(labels) * 1.3
    figure, axes = _figure(0.6 + 0.25 * max(rows, 1))
    top = max(counts, default=0) or 1
    y = 0.0
    positions = []
    for label, count, share, height in zip(wrapped, counts, percents, lines, strict=True):
        y -= height * 1.05
        axes.text(0, y, label, ha="left", va="bottom", linespacing=1.1)
        y -= 0.75
        positions.append(y)
        axes.barh(y, count, height=0.9, color=BAR)
        axes.text(count + top * 0.02, y, bar_label(count, share), va="center")
        y -= 0.45
    axes.set_ylim(y, 0.1)
    axes.set_yticks([])
    axes.set_xlim(0, top * 1.45)
    _counts_axis(axes.xaxis)
    axes.spines[["top", "right", "left"]].set_visible(False)
    return _svg(figure, title)


def stacked(
    rows: list[str], columns: list[str], table: list[list[int]], title: str, legend: str
) -> bytes:
    """Stacked horizontal bars: one bar per row choice, one segment per column choice; the
    legend below the bars (the chart keeps its width on a phone). Of many rows, the empty
    ones are left out (the table beside the chart has them all)."""
    if len(rows) > 8:
        kept = [r for r in range(len(rows)) if any(table[r])] or list(range(len(rows)))
        rows, table = [rows[r] for r in kept], [table[r] for r in kept]
    wrapped = [_wrap(row) for row in rows]
    lines = sum(label.count("\n") + 1 for label in wrapped)
    legend_lines = sum(_wrap(c, 30).count("\n") + 1 for c in columns) + 2
    height = 0.9 + 0.3 * max(lines, 1) + 0.24 * legend_lines
    figure, axes = _figure(height)
    positions = list(range(len(rows)))[::-1]
    left = [0] * len(rows)
    for index, column in enumerate(columns):
        values = [table[r][index] for r in range(len(rows))]
        axes.barh(positions, values, left=left, label=_wrap(column, 30), color=PALETTE[index % 8])
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(positions, wrapped)
    _counts_axis(axes.xaxis)
    axes.spines[["top", "right"]].set_visible(False)
    figure.legend(
        title=_wrap(legend, 34),
        loc="outside lower left",
        frameon=False,
        alignment="left",
    )
    return _svg(figure, title)


def histogram(labels: list[str], counts: list[int], title: str) -> bytes:
    """Vertical bars over ordered bins (numbers, days, months, hours); every bar counted on
    the axis, and its count above it where there is room."""
    figure, axes = _figure(3.2)
    positions = list(range(len(labels)))
    axes.bar(positions, counts, color=BAR, width=0.85)
    # At most about eight labels under the bars: every second, third... bin is named.
    step = max(1, -(-len(labels) // 8))
    shown = positions[::step]
    rotate = any(len(labels[p]) > 4 for p in shown)
    axes.set_xticks(
        shown,
        [labels[p] for p in shown],
        rotation=60 if rotate else 0,
        ha="right" if rotate else "center",
        rotation_mode="anchor" if rotate else "default",
    )
    top = max(counts, default=0) or 1
    if len(labels) <= 12:
        for x, count in zip(positions, counts, strict=True):
            if count:
                axes.text(x, count + top * 0.01, number(count), ha="center", va="bottom")
    axes.set_ylim(0, top * 1.18)
    _counts_axis(axes.yaxis)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure, title)


def points(coordinates: list[tuple[float, float]], title: str) -> bytes:
    """Geopoints as dots on plain axes (longitude, latitude): no map tiles, no network call;
    degrees of longitude shrink with the cosine of the latitude, so the shape stays true."""
    import math

    figure, axes = _figure(FIGURE_WIDTH)
    lats = [lat for lat, _lon in coordinates]
    lons = [lon for _lat, lon in coordinates]
    axes.scatter(lons, lats, s=14, color=BAR, alpha=0.7, edgecolors="white", linewidths=0.4)
    middle = (min(lats) + max(lats)) / 2 if lats else 0.0
    axes.set_aspect(1 / max(math.cos(math.radians(middle)), 0.05), adjustable="datalim")
    axes.set_xlabel(_("Longitude"))
    axes.set_ylabel(_("Latitude"))
    from matplotlib.ticker import MaxNLocator

    for axis in (axes.xaxis, axes.yaxis):
        axis.set_major_locator(MaxNLocator(nbins=4))
        axis.set_major_formatter(axis_formatter(1))
    axes.grid(True, linewidth=0.3, alpha=0.5)
    return _svg(figure, title)
