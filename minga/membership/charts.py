"""The yearly income chart, as SVG drawn by matplotlib."""

from __future__ import annotations

import io
from decimal import Decimal


def income_chart(income: dict[int, dict[str, Decimal]], title: str) -> str:
    """Bars of payments received per year, one series per currency."""
    # Loaded here, not at import: matplotlib costs start-up time to every command.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    years = sorted(income)
    currencies = sorted({currency for by_currency in income.values() for currency in by_currency})
    figure, axes = plt.subplots(figsize=(6, 3), dpi=100)
    width = 0.8 / max(len(currencies), 1)
    for index, currency in enumerate(currencies):
        values = [float(income[year].get(currency, 0)) for year in years]
        positions = [i + index * width for i in range(len(years))]
        bars = axes.bar(positions, values, width=width, label=currency, color=f"C{index}")
        axes.bar_label(bars, labels=[f"{v:,.0f}" for v in values], fontsize=8)
    axes.set_xticks(
        [i + width * (len(currencies) - 1) / 2 for i in range(len(years))], [str(y) for y in years]
    )
    axes.set_title(title, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    if len(currencies) > 1:
        axes.legend(fontsize=8)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]
