"""A quick consultation's results as an SVG bar chart (matplotlib), its numbers written in
the reader's language."""

from __future__ import annotations

import io
import re

from django.utils.html import escape

from minga.core.l10n import axis_formatter, number

_NOT_THE_PICTURE = re.compile(r"<metadata>.*?</metadata>|<!--.*?-->", re.DOTALL)


def results_chart(rows: list[tuple[str, int]], title: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "minga"
    # "$" would start matplotlib's math: written as a plain dollar sign.
    labels = [
        (label if len(label) <= 28 else label[:27] + "…").replace("$", r"\$") for label, _n in rows
    ]
    counts = [n for _label, n in rows]
    figure, axes = plt.subplots(figsize=(6, 0.5 + 0.45 * max(len(rows), 1)), dpi=100)
    bars = axes.barh(list(range(len(rows))), counts, color="C0")
    axes.set_yticks(list(range(len(rows))), labels, fontsize=9)
    axes.invert_yaxis()
    axes.bar_label(bars, labels=[number(n) for n in counts], fontsize=8)
    axes.xaxis.set_major_formatter(axis_formatter(0))
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(
        buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None}
    )
    plt.close(figure)
    svg = _NOT_THE_PICTURE.sub("", buffer.getvalue())
    svg = svg[svg.index("<svg") :]
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)
