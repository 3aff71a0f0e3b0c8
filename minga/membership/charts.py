"""The yearly income chart, as SVG drawn by matplotlib."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from functools import lru_cache

from django.utils.html import escape
from django.utils.translation import get_language

from minga.core.l10n import axis_formatter, number

# What matplotlib writes besides the picture: its name and version, and the date.
_NOT_THE_PICTURE = re.compile(r"<metadata>.*?</metadata>|<!--.*?-->", re.DOTALL)


def income_chart(income: dict[int, dict[str, Decimal]], title: str) -> str:
    """Bars of payments received per year, one series per currency; every number on it
    written in the page's language. Drawn once for the same figures, title and language
    (drawing takes a quarter of a second; the figures change only with a payment)."""
    figures = tuple((year, tuple(sorted(income[year].items()))) for year in sorted(income))
    return _drawn(figures, title, get_language() or "")


@lru_cache(maxsize=64)
def _drawn(
    figures: tuple[tuple[int, tuple[tuple[str, Decimal], ...]], ...], title: str, language: str
) -> str:
    return _draw({year: dict(by_currency) for year, by_currency in figures}, title)


def _draw(income: dict[int, dict[str, Decimal]], title: str) -> str:
    # Loaded here, not at import: matplotlib costs start-up time to every command.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    years = sorted(income)
    currencies = sorted({currency for by_currency in income.values() for currency in by_currency})
    figure, axes = plt.subplots(figsize=(6, 3), dpi=100)
    width = 0.8 / max(len(currencies), 1)
    for index, currency in enumerate(currencies):
        values = [income[year].get(currency, Decimal(0)) for year in years]
        positions = [i + index * width for i in range(len(years))]
        bars = axes.bar(
            positions, [float(v) for v in values], width=width, label=currency, color=f"C{index}"
        )
        axes.bar_label(bars, labels=[number(v, 0) for v in values], fontsize=8)
    # Years are names of years, not amounts: never "2.026".
    axes.set_xticks(
        [i + width * (len(currencies) - 1) / 2 for i in range(len(years))], [str(y) for y in years]
    )
    axes.yaxis.set_major_formatter(axis_formatter(0))
    axes.set_title(title, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    if len(currencies) > 1:
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
