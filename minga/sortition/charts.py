"""The probability chart of a draw: everyone's chance, LEXIMIN against the legacy draw."""

from __future__ import annotations

import io

LEXIMIN = "#2f6f73"
LEGACY = "#b5485d"
EVEN = "#888888"


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
    from matplotlib.ticker import PercentFormatter

    plt.rcParams["svg.hashsalt"] = "minga"  # the same figures give the same SVG
    figure, axes = plt.subplots(figsize=(7, 3.8))
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
    axes.set_xlabel(labels["x"])
    axes.set_ylabel(labels["y"])
    axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.set_ylim(bottom=0)
    axes.set_xlim(0.5, max(len(chosen), 1) + 0.5)
    axes.set_title(labels["title"], loc="left", fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper left", fontsize=8, frameon=False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    return buffer.getvalue()
