"""The gap analysis's chart, as SVG drawn by matplotlib: per year, what the network needs
beside what comes in (dues and grants), one pair of bars per currency."""

from __future__ import annotations

import base64
import io
import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from minga.core.l10n import axis_formatter, number
from minga.financing.gap import GapRow

# What matplotlib writes besides the picture: its name and version, and the date.
_NOT_THE_PICTURE = re.compile(r"<metadata>.*?</metadata>|<!--.*?-->", re.DOTALL)


def gap_chart(rows: list[GapRow], title: str) -> str:
    """Drawn once for the same figures, title and language."""
    figures = tuple((r.year, r.currency, r.need, r.income) for r in rows)
    return _drawn(figures, title, _("Need"), _("Income"), get_language() or "")


@lru_cache(maxsize=64)
def _drawn(
    figures: tuple[tuple[int, str, object, object], ...],
    title: str,
    need_label: str,
    income_label: str,
    language: str,
) -> str:
    # Loaded here, not at import: matplotlib costs start-up time to every command.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "minga"
    figure, axes = plt.subplots(figsize=(6, 3), dpi=100)
    labels = [f"{year} {currency}" for year, currency, _n, _i in figures]
    needs = [float(str(n)) for _y, _c, n, _i in figures]
    incomes = [float(str(i)) for _y, _c, _n, i in figures]
    width = 0.38
    positions = list(range(len(figures)))
    for offset, values, label, color in (
        (0.0, needs, need_label, "C3"),
        (width, incomes, income_label, "C2"),
    ):
        bars = axes.bar(
            [p + offset for p in positions], values, width=width, label=label, color=color
        )
        axes.bar_label(bars, labels=[number(v, 0) for v in values], fontsize=7)
    # Years are names of years, not amounts: never "2.026".
    axes.set_xticks([p + width / 2 for p in positions], labels, fontsize=8)
    axes.yaxis.set_major_formatter(axis_formatter(0))
    axes.set_title(title, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=8)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(
        buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None}
    )
    plt.close(figure)
    svg = _NOT_THE_PICTURE.sub("", buffer.getvalue())
    svg = svg[svg.index("<svg") :]
    # A picture with a name: what it shows, for those who cannot see it.
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)


def data_uri(svg: str) -> str:
    """The chart as an image a PDF embeds."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
