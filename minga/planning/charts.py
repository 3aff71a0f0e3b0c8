"""The plan's charts, as SVG drawn by matplotlib: the PESTEL probability-by-impact matrix,
the projects' timeline and an indicator's measurements against its baseline and target.

Like the other apps' charts: numbers and dates in the reader's language, matplotlib's
metadata stripped, and a name for those who cannot see the picture. Each also carries a
`<title>` (a tagged PDF's alternate text) and a `<desc>` listing what it plots, and no
fixed size: it fills the width it is given, up to its natural width, so a 360 px phone
shows it whole."""

from __future__ import annotations

import base64
import html
import io
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.utils import dateformat, timezone
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from minga.core.l10n import number, percent
from minga.planning.models import Impact, Indicator, Measurement, PestelFactor

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from minga.planning.queries import ProjectRow

# What matplotlib writes besides the picture: its name and version, and the date.
_NOT_THE_PICTURE = re.compile(r"<metadata>.*?</metadata>|<!--.*?-->", re.DOTALL)
_NAMED = re.compile(r"<title>(.*?)</title><desc>(.*?)</desc>", re.DOTALL)
_SIZE = re.compile(r'\swidth="([\d.]+)pt"\sheight="[\d.]+pt"')
WIDTH = 5.0  # inches: 360 pt, shown at most 480 px wide and shrunk to fit narrower screens
INK, LIGHT, ACCENT, WARN = "#1f5f8b", "#cfe3ef", "#2f7d5b", "#c2410c"
# A label longer than this is cut with "…" (the full text is in the table beside it).
LABEL = 70


def pestel_matrix(factors: Sequence[PestelFactor], first: int = 1) -> str | None:
    """Each rated trend as a numbered point, probability (1–5) across and impact (low,
    medium, high) up; the number is the trend's place in `factors` counted from `first`
    (the caller's table numbers them the same way). None when no trend is rated yet."""
    points = tuple(
        (n, factor.trend, factor.probability, factor.impact_weight, factor.impact_label())
        for n, factor in enumerate(factors, start=first)
        if factor.ratings_count > 0
    )
    if not points:
        return None
    title = _("PESTEL trends by probability and impact")
    lines = [
        _("%(number)d. %(trend)s: probability %(probability)s, impact %(impact)s")
        % {"number": n, "trend": trend, "probability": number(p, 1), "impact": label}
        for n, trend, p, _i, label in points
    ]
    desc = " ".join(
        [
            _(
                "Each trend is a numbered point: the further right, the more probable; the "
                "higher, the greater its impact. The numbers match the table of trends."
            ),
            *[line + "." for line in lines],
        ]
    )
    levels = (str(level.label) for level in (Impact.LOW, Impact.MEDIUM, Impact.HIGH))
    return _matrix(
        tuple((n, p, i) for n, _t, p, i, _label in points),
        (title, desc, _("Probability"), _("Impact"), *levels),
        _language(),
    )


def timeline(rows: Sequence[ProjectRow]) -> str | None:
    """The projects from their start to their end date, the share done filled in, and a
    line where today falls. None without projects."""
    if not rows:
        return None
    today = timezone.localdate()
    bars = tuple(
        (
            _label(row.project.title),
            row.project.starts_on,
            row.project.ends_on,
            None if row.progress is None else float(row.progress),
        )
        for row in rows
    )
    title = _("Programmatic projects over time")
    desc = " ".join(
        _("%(project)s: from %(start)s to %(end)s, %(progress)s done.")
        % {
            "project": row.project.title,
            "start": short_day(row.project.starts_on),
            "end": short_day(row.project.ends_on),
            "progress": "—" if row.progress is None else percent(row.progress / 100, 0),
        }
        for row in rows
    )
    return _timeline(bars, today, (title, desc, _("Today")), _language())


def indicator_chart(indicator: Indicator, measurements: Iterable[Measurement]) -> str | None:
    """The indicator's measurements over time, with its baseline and target as lines.
    None without measurements."""
    points = tuple(sorted((m.measured_on, m.value) for m in measurements))
    if not points:
        return None
    unit = indicator.unit
    title = indicator.name
    summary = _("Baseline %(baseline)s, target %(target)s.") % {
        "baseline": f"{measured(indicator.baseline)} {unit}".strip(),
        "target": f"{measured(indicator.target)} {unit}".strip(),
    }
    listed = "; ".join(f"{short_day(day)}: {measured(value)}" for day, value in points[-60:])
    desc = f"{summary} {_('Measurements')}: {listed}."
    return _indicator(
        points,
        (indicator.baseline, indicator.target),
        (title, desc, unit, _("Baseline"), _("Target"), _("Measurements")),
        _language(),
    )


# Drawing ------------------------------------------------------------------------------------
# Drawn once for the same figures, words and language: the words come translated, and the
# language (part of the cache's key) writes the ticks' numbers and dates.


@lru_cache(maxsize=64)
def _matrix(
    points: tuple[tuple[int, float, float], ...], words: tuple[str, ...], language: str
) -> str:
    title, desc, probability, impact, *levels = words
    figure, axes = _figure(3.4)
    # The cells behind the points, deeper where probability × impact is higher.
    from matplotlib.colors import to_hex
    from matplotlib.patches import Rectangle

    for p in range(1, 6):
        for i in range(1, 4):
            shade = (p * i) / 15
            color = to_hex((1.0, 1.0 - 0.45 * shade, 1.0 - 0.75 * shade))
            axes.add_patch(Rectangle((p - 0.5, i - 0.5), 1, 1, color=color, linewidth=0))
    for n, x, y in _spread(points):
        axes.scatter([x], [y], s=260, color=INK, edgecolors="white", linewidths=1, zorder=3)
        axes.text(x, y, str(n), ha="center", va="center", color="white", fontsize=8, zorder=4)
    axes.set_xlim(0.5, 5.5)
    axes.set_ylim(0.5, 3.5)
    axes.set_xticks(range(1, 6), [number(p) for p in range(1, 6)], fontsize=9)
    axes.set_yticks([1, 2, 3], [_text(level) for level in levels], fontsize=9)
    axes.set_xlabel(_text(probability), fontsize=9)
    axes.set_ylabel(_text(impact), fontsize=9)
    axes.set_title(_text(title), fontsize=10)
    return _svg(figure, title, desc)


def _spread(points: Iterable[tuple[int, float, float]]) -> list[tuple[int, float, float]]:
    """Trends rated alike would hide one another: points closer than a marker are pushed
    apart, a little at a time, until each number reads (the table gives the exact
    figures)."""
    placed = [[n, x, y] for n, x, y in points]
    gap = 0.28  # a marker's width, in the axes' units (both axes have about the same scale)
    for _round in range(60):
        moved = False
        for i, a in enumerate(placed):
            for b in placed[i + 1 :]:
                dx, dy = b[1] - a[1], b[2] - a[2]
                distance = math.hypot(dx, dy)
                if distance >= gap:
                    continue
                if distance < 1e-9:  # the same spot: apart in a direction set by the numbers
                    angle = 2.4 * (a[0] + b[0])
                    dx, dy, distance = math.cos(angle), math.sin(angle), 1.0
                push = (gap - distance) / 2 + 0.005
                for point, sign in ((a, -1), (b, 1)):
                    point[1] = min(5.4, max(0.6, point[1] + sign * push * dx / distance))
                    point[2] = min(3.4, max(0.6, point[2] + sign * push * dy / distance))
                moved = True
        if not moved:
            break
    return [(int(n), float(x), float(y)) for n, x, y in placed]


@lru_cache(maxsize=64)
def _timeline(
    bars: tuple[tuple[str, date, date, float | None], ...],
    today: date,
    words: tuple[str, str, str],
    language: str,
) -> str:
    title, desc, today_label = words
    figure, axes = _figure(1.0 + 0.5 * len(bars))
    first = min([b[1] for b in bars] + [today])
    last = max([b[2] for b in bars] + [today])
    span = (last - first).days
    low_day, high_day = first - timedelta(days=span // 30 + 1), last + timedelta(days=span // 7 + 2)
    low, high = _x(low_day), _x(high_day)
    for y, (label, start, end, progress) in enumerate(bars):
        left = _x(start)
        # The end date is a day of work: the bar covers it.
        length = _x(end) + 1 - left
        axes.barh(y, length, left=left, height=0.36, color=LIGHT)
        if progress:
            axes.barh(y, length * progress / 100, left=left, height=0.36, color=INK)
        done = "—" if progress is None else percent(progress / 100, 0)
        axes.text(left + length, y, " " + done, va="center", fontsize=8)
        # Each project's name above its bar: the bars keep the whole width on a phone.
        axes.text(low, y - 0.27, _text(label), va="bottom", fontsize=8)
    axes.axvline(_x(today), color=WARN, linestyle="--", linewidth=1)
    axes.text(
        _x(today),
        len(bars) - 0.12,
        " " + _text(today_label),
        color=WARN,
        fontsize=8,
        va="bottom",
    )
    axes.set_yticks([])
    axes.spines["left"].set_visible(False)
    axes.set_ylim(len(bars) - 0.05, -0.75)
    axes.set_xlim(low, high)
    _date_axis(axes, low_day, high_day)
    axes.set_title(_text(title), fontsize=10)
    return _svg(figure, title, desc)


@lru_cache(maxsize=128)
def _indicator(
    points: tuple[tuple[date, Decimal], ...],
    lines: tuple[Decimal, Decimal],
    words: tuple[str, str, str, str, str, str],
    language: str,
) -> str:
    from matplotlib.ticker import FuncFormatter

    title, desc, unit, baseline_label, target_label, measured_label = words
    baseline, target = lines
    figure, axes = _figure(3)
    axes.axhline(
        float(baseline), color="#6b7280", linestyle=":", linewidth=1.2, label=_text(baseline_label)
    )
    axes.axhline(
        float(target), color=ACCENT, linestyle="--", linewidth=1.2, label=_text(target_label)
    )
    axes.plot(
        [_x(day) for day, _v in points],
        [float(value) for _d, value in points],
        marker="o",
        markersize=4,
        color=INK,
        label=_text(measured_label),
    )
    first, last = points[0][0], points[-1][0]
    margin = timedelta(days=max((last - first).days // 20, 15 if first == last else 1))
    axes.set_xlim(_x(first - margin), _x(last + margin))
    _date_axis(axes, first - margin, last + margin)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _position: _tick(value)))
    if unit:
        axes.set_ylabel(_text(unit), fontsize=9)
    axes.set_title(_text(title if len(title) <= 70 else title[:69] + "…"), fontsize=10)
    axes.legend(fontsize=8, loc="best")
    return _svg(figure, title, desc)


def _figure(height: float) -> tuple[Figure, Axes]:
    # Loaded here, not at import: matplotlib costs start-up time to every command. A bare
    # Figure, without pyplot's global state, is safe to draw in a threaded server.
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, height), dpi=100)
    axes = figure.subplots()
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=8)
    return figure, axes


def _date_axis(axes: Axes, first: date, last: date) -> None:
    """Dates as the reader writes them: months and years ("Ene 2026") over long spans,
    days and months ("15 Ene") over short ones; at most six ticks."""
    ticks, pattern = _date_ticks(first, last)
    axes.set_xticks([_x(day) for day in ticks], [dateformat.format(day, pattern) for day in ticks])


def _date_ticks(first: date, last: date) -> tuple[list[date], str]:
    span = (last - first).days
    if span <= 75:
        step = next(s for s in (1, 2, 7, 14, 28) if span / s <= 6)
        return [first + timedelta(days=k) for k in range(0, span + 1, step)], "j M"
    # Months counted from year 0, so that every step falls on the same months each year
    # (quarters on January, April, July and October).
    start = first.year * 12 + first.month - 1 + (first.day > 1)
    end = last.year * 12 + last.month - 1
    step = next((s for s in (1, 2, 3, 4, 6, 12, 24, 60) if (end - start) // s < 6), 120)
    months = range(-(-start // step) * step, end + 1, step)
    return [date(m // 12, m % 12 + 1, 1) for m in months], "M Y"


def _x(day: date) -> float:
    """A date as a number of days along the axis."""
    return float(day.toordinal())


def _svg(figure: Figure, title: str, desc: str) -> str:
    from matplotlib import rc_context

    figure.tight_layout()
    buffer = io.StringIO()
    with rc_context({"svg.hashsalt": "minga", "svg.fonttype": "none"}):
        figure.savefig(
            buffer,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    svg = _NOT_THE_PICTURE.sub("", buffer.getvalue())
    svg = svg[svg.index("<svg") :]
    found = _SIZE.search(svg)
    natural = round(float(found.group(1)) * 4 / 3) if found else 480  # pt → px
    # No fixed size: the whole width available, never wider than drawn.
    svg = _SIZE.sub(f' width="100%" style="max-width: {natural}px; height: auto"', svg, count=1)
    head, rest = svg.split(">", 1)
    return (
        f'{head} role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{rest}"
    )


# In a document ------------------------------------------------------------------------------


def data_uri(svg: str) -> str:
    """The chart as an image a PDF embeds. WeasyPrint draws it with the same SVG renderer,
    still as vectors; inline markup would send each of matplotlib's style attributes
    through the page's CSS as well, which logs a warning for every one of them."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def alt_text(svg: str) -> str:
    """What the chart shows, in words (its title and description): an image's `alt`."""
    found = _NAMED.search(svg)
    if found is None:
        return ""
    title, desc = (html.unescape(part).strip() for part in found.groups())
    return f"{title.rstrip('.')}. {desc}" if desc else title


# Words and numbers --------------------------------------------------------------------------


def _language() -> str:
    return get_language() or ""


def _text(value: str) -> str:
    """Written as is: "$" would start matplotlib's mathematics."""
    return value.replace("$", r"\$")


def _label(value: str) -> str:
    return value if len(value) <= LABEL else value[: LABEL - 1] + "…"


def short_day(value: date | datetime) -> str:
    from django.utils.formats import date_format

    return date_format(value, "SHORT_DATE_FORMAT")


def measured(value: Any) -> str:
    """A measured value with its cents only where it has any: "1.500", "1.234,50"; "—" for
    none (the charts and the exported plan show them alike)."""
    if value is None:
        return "—"
    value = Decimal(str(value))
    return number(value, 0 if value == value.to_integral_value() else 2)


def _tick(value: float) -> str:
    """An axis tick with as few decimals as it needs (at most two)."""
    rounded = Decimal(str(round(value, 2))).normalize()
    places = max(0, -int(rounded.as_tuple().exponent))
    return number(rounded, min(places, 2))
