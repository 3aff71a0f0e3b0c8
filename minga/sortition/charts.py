"""The probability chart of a draw: everyone's chance, LEXIMIN against the legacy draw.

Sized for a phone: under 290 points wide, shown about 290 px wide on a 360 px screen, so
its 12-point labels read at about 12 px. Ticks are written in the reader's language
(`minga.core.l10n`), and the SVG carries no metadata about the program that drew it."""

from __future__ import annotations

import io
import re
import textwrap
from typing import Any

LEXIMIN = "#2f6f73"
LEGACY = "#b5485d"
EVEN = "#888888"
FIGURE_SIZE = (3.8, 4.6)  # inches: under 290 points wide, as wide as a 360 px phone shows it
FONT_SIZE = 12  # points, in the SVG's own units
LINE_WIDTH = 36  # characters per line of the title and the axes' labels
# What matplotlib writes about itself: a comment and the Dublin Core metadata.
_COMMENT = re.compile(rb"<!--.*?-->\s*", re.DOTALL)
_METADATA = re.compile(rb"<metadata>.*?</metadata>\s*", re.DOTALL)


def probabilities_svg(
    chosen: list[float],
    legacy: list[float],
    *,
    seats: int,
    labels: dict[str, str],
) -> bytes:
    """Each method's probabilities, sorted from the least favoured person up, with the
    share everyone would get if the quotas allowed a plain lottery (seats / pool).

    `labels` holds the translated texts: title, x, y, chosen, legacy, even."""
    # matplotlib loads on the first chart, not when a web process starts.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    from minga.core.l10n import axis_formatter, percent

    settings: dict[Any, Any] = {
        "svg.hashsalt": "minga",  # the same figures give the same SVG
        "svg.fonttype": "none",  # text stays text: selectable, and read by screen readers
        "font.size": FONT_SIZE,
    }
    with plt.rc_context(settings):
        figure, axes = plt.subplots(figsize=FIGURE_SIZE, layout="constrained")
        ranks = list(range(1, len(chosen) + 1))
        if legacy:
            axes.step(
                list(range(1, len(legacy) + 1)),
                sorted(legacy),
                where="mid",
                color=LEGACY,
                linewidth=1.6,
                label=labels["legacy"],
            )
        axes.step(
            ranks, sorted(chosen), where="mid", color=LEXIMIN, linewidth=2.2, label=labels["chosen"]
        )
        if chosen:
            axes.axhline(
                seats / len(chosen), color=EVEN, linestyle="--", linewidth=1, label=labels["even"]
            )
        axes.set_xlabel(textwrap.fill(labels["x"], LINE_WIDTH))
        axes.set_ylabel(textwrap.fill(labels["y"], LINE_WIDTH * 2 // 3))
        # Members are counted in whole numbers; probabilities read as percentages ("12,5%"
        # in es), both in the reader's language.
        axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        axes.xaxis.set_major_formatter(axis_formatter())
        places = 0 if max([*chosen, *legacy], default=1) >= 0.05 else 1
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5))
        axes.yaxis.set_major_formatter(
            FuncFormatter(lambda value, _position: percent(value, places))
        )
        axes.set_ylim(bottom=0)
        axes.set_xlim(0.5, max(len(chosen), 1) + 0.5)
        axes.set_title(textwrap.fill(labels["title"], LINE_WIDTH), loc="left", fontsize=FONT_SIZE)
        axes.spines[["top", "right"]].set_visible(False)
        figure.legend(loc="outside lower left", fontsize=FONT_SIZE, frameon=False)
        buffer = io.BytesIO()
        figure.savefig(
            buffer,
            format="svg",
            bbox_inches="tight",
            metadata={"Creator": None, "Date": None, "Format": None, "Type": None},
        )
        plt.close(figure)
    return _METADATA.sub(b"", _COMMENT.sub(b"", buffer.getvalue()))
