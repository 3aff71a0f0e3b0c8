"""The strategic plan as one document, PDF or Markdown, in the active language: the context
(from the reach charter), PESTEL with its matrix, SWOT, the basis, the prioritized
objectives, each programmatic project's sheet with its results and indicators, progress
rolled up to the pillars with a timeline, and the sustainability and financing plan where
the network has one.

`context()` reads and words everything once (labels, numbers and dates already in the
reader's language), so that the PDF's template and the Markdown writer show the same
plan; the caller activates the language."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Model
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from minga.core.exports import attachment, safe_filename
from minga.core.l10n import number, percent
from minga.core.models import Network
from minga.planning import charts, queries
from minga.planning.models import (
    BASIS_TEXTS,
    Basis,
    Indicator,
    Measurement,
    Objective,
    ObjectiveStatus,
    PestelFactor,
    Pillar,
    ProgrammaticProject,
    ResultKind,
)

TEMPLATE = "planning/plan_document.html"
# Each chart costs the PDF about a quarter of a second: past this many indicators, the
# tables carry the measurements alone, so that a download stays within a request's time.
MAX_INDICATOR_CHARTS = 30


# What the document shows, already worded ------------------------------------------------------


@dataclass(frozen=True)
class Section:
    id: str
    title: str


@dataclass(frozen=True)
class Chart:
    """A chart as the PDF embeds it, and what it shows in words."""

    uri: str
    alt: str

    @classmethod
    def of(cls, svg: str | None) -> Chart | None:
        return None if svg is None else cls(charts.data_uri(svg), charts.alt_text(svg))


@dataclass(frozen=True)
class Entry:
    """A labelled text: a field of the charter, the basis or a project's sheet."""

    label: str
    text: str


@dataclass(frozen=True)
class Trend:
    number: int
    trend: str
    category: str
    probability: str
    impact: str
    priority: str
    ratings: str


@dataclass(frozen=True)
class Note:
    text: str
    weight: str
    trends: list[str]


@dataclass(frozen=True)
class Quadrant:
    title: str
    notes: list[Note]


@dataclass(frozen=True)
class PillarLine:
    name: str
    stakeholder: str
    description: str


@dataclass(frozen=True)
class ObjectiveLine:
    rank: str
    title: str
    pillar: str
    status: str


@dataclass(frozen=True)
class Standing:
    place: int
    title: str
    score: str
    organizations: str
    chosen: str


@dataclass(frozen=True)
class Round:
    title: str
    method: str
    closed: str
    adopted: str
    standings: list[Standing]


@dataclass(frozen=True)
class Done:
    """A progress as the reader reads it ("45%", or "—" with nothing to measure it by)
    and as a bar draws it (a whole percentage, "45")."""

    text: str
    bar: str

    @classmethod
    def of(cls, progress: float | None) -> Done:
        if progress is None:
            return cls("—", "0")
        return cls(percent(progress / 100, 0), str(round(progress)))


@dataclass(frozen=True)
class ResultLine:
    description: str
    due: str
    done: Done


@dataclass(frozen=True)
class ResultGroup:
    title: str
    results: list[ResultLine]


@dataclass(frozen=True)
class IndicatorLine:
    name: str
    result: str
    baseline: str
    target: str
    unit: str
    latest: str
    latest_on: str
    done: Done
    chart: Chart | None


@dataclass(frozen=True)
class Sheet:
    id: str
    title: str
    entries: list[Entry]
    done: Done
    results: list[ResultGroup]
    indicators: list[IndicatorLine]


@dataclass
class Rollup:
    """One level of the roll-up: a pillar, an objective or a project, and what it has."""

    title: str
    done: Done
    children: list[Rollup] = field(default_factory=list)


@dataclass(frozen=True)
class PlanLine:
    title: str
    mechanism: str
    owner: str
    deadline: str
    status: str
    done: Done


@dataclass(frozen=True)
class GapLine:
    year: str
    currency: str
    need: str
    dues: str
    grants: str
    gap: str
    covered: str


@dataclass(frozen=True)
class Financing:
    mechanisms: list[str]
    conditions: list[Entry]
    follow_up: str
    lines: list[PlanLine]
    gap: list[GapLine]


# Reading the plan --------------------------------------------------------------------------------


def context(
    network: Network, *, today: date | None = None, with_charts: bool = True
) -> dict[str, Any]:
    """Everything the document shows, in the active language (the charts as images a PDF
    embeds, unless left out)."""
    today = today or timezone.localdate()
    language = get_language() or "en"
    financing = _financing(network)
    sections = [
        Section("context", _("Context")),
        Section("pestel", _("PESTEL analysis")),
        Section("swot", _("SWOT analysis")),
        Section("basis", _("Basis of the network")),
        Section("objectives", _("Prioritized objectives")),
        Section("projects", _("Programmatic projects")),
        Section("progress", _("Progress")),
    ]
    if financing is not None:
        sections.append(Section("financing", _("Sustainability and financing plan")))
    factors = list(queries.trends(network)[:500])
    # Progress as of the plan's date: a measurement dated later does not count yet.
    project_rows = queries.projects(network, today)
    return {
        "network": network,
        "language": language,
        "lang": _bcp47(language),
        "title": _("Strategic plan of %(network)s") % {"network": network.name},
        "as_of": _("Plan as of %(date)s") % {"date": _long(today)},
        "contents_title": _("Contents"),
        "sections": sections,
        "titles": {section.id: section.title for section in sections},
        "labels": _labels(),
        "charter": _charter(network),
        "trends": _trends(factors),
        "pestel_chart": Chart.of(charts.pestel_matrix(factors)) if with_charts else None,
        "quadrants": _quadrants(network),
        "basis": _basis(network),
        "pillars": [
            PillarLine(p.name, p.get_stakeholder_display(), p.description)
            for p in queries.pillars(network)
        ],
        "adopted": [_objective(o) for o in queries.adopted(network)],
        "listed": [
            _objective(o)
            for o in queries.objectives(network).exclude(status=ObjectiveStatus.ADOPTED)[:500]
        ],
        "round": _round(network),
        "sheets": _sheets(network, project_rows, with_charts),
        "rollup": _rollup(network, today),
        "timeline": Chart.of(charts.timeline(project_rows)) if with_charts else None,
        "financing": financing,
    }


def _labels() -> dict[str, str]:
    """Column and field names, shared by both formats."""
    return {
        "number": _("No."),
        "trend": _verbose(PestelFactor, "trend"),
        "factor": _verbose(PestelFactor, "category"),
        "probability": _verbose(PestelFactor, "probability"),
        "impact": _verbose(PestelFactor, "impact_weight"),
        "priority": _verbose(PestelFactor, "priority"),
        "ratings": _verbose(PestelFactor, "ratings_count"),
        "pestel_caption": _("Trends by priority (probability × impact)"),
        "no_trends": _("No trends yet."),
        "no_notes": _("No items yet."),
        "weight": _("weight"),
        "linked_trends": _("PESTEL trends"),
        "pillars": capfirst(str(Pillar._meta.verbose_name_plural)),
        "oriented_to": _verbose(Pillar, "stakeholder"),
        "no_pillars": _("No pillars yet."),
        "adopted": _("Adopted objectives"),
        "listed": _("Other objectives on the list"),
        "no_objectives": _("None."),
        "rank": _verbose(Objective, "rank"),
        "objective": _verbose(Objective, "title"),
        "pillar": _verbose(Objective, "pillar"),
        "status": _verbose(Objective, "status"),
        "round": _("Last prioritization"),
        "method": _("Method"),
        "closed": _("Closed"),
        "adopted_on": _("Adopted on"),
        "place": _("Place"),
        "score": _("Score"),
        "organizations": _("Organizations that marked it"),
        "chosen": _("Chosen"),
        "no_projects": _("No programmatic projects yet."),
        "progress": _("Progress"),
        "result": _("Result"),
        "due": capfirst(_("due")),
        "indicators": _("Indicators"),
        "indicator": _verbose(Indicator, "name"),
        "baseline": _verbose(Indicator, "baseline"),
        "target": _verbose(Indicator, "target"),
        "unit": _verbose(Indicator, "unit"),
        "latest": _("Latest measurement"),
        "no_indicators": _("No indicators yet."),
        "no_results": _("No results yet."),
        "rollup": _("Progress by pillar, objective and project"),
        "timeline": _("Timeline"),
        "no_charter": _("The reach charter is not written yet."),
        "mechanisms": _("Funding mechanisms chosen"),
        "lines": _("Lines of action"),
        "line": _("Line of action"),
        "mechanism": _("Mechanism"),
        "owner": _("Owner"),
        "deadline": _("Deadline"),
        "follow_up": _("Follow-up of progress"),
        "gap": _("Needs against income, by year"),
        "year": _("Year"),
        "currency": _("Currency"),
        "need": _("Need"),
        "dues": _("Dues received"),
        "grants": _("Grants awarded"),
        "gap_column": _("Gap"),
        "covered": _("Covered"),
        "no_lines": _("No lines of action yet."),
        "no_gap": _("No needs or income recorded yet."),
    }


def _charter(network: Network) -> list[Entry] | None:
    """The reach charter's context, purpose, general objective and audience (the charter
    is read, not asked again)."""
    from minga.reach.queries import current_charter

    charter = current_charter(network)
    if charter is None:
        return None
    return [
        Entry(_verbose(charter, name), getattr(charter, name))
        for name in ("context", "purpose", "objective", "audience")
    ]


def _trends(factors: list[PestelFactor]) -> list[Trend]:
    """Numbered as the matrix numbers its points (the place in priority order)."""
    rows = []
    for n, factor in enumerate(factors, start=1):
        rated = factor.ratings_count > 0
        rows.append(
            Trend(
                number=n,
                trend=factor.trend,
                category=factor.get_category_display(),
                probability=number(factor.probability, 1) if rated else "—",
                impact=factor.impact_label() if rated else "—",
                priority=number(factor.priority, 1) if rated else "—",
                ratings=number(factor.ratings_count),
            )
        )
    return rows


def _quadrants(network: Network) -> list[Quadrant]:
    return [
        Quadrant(
            title,
            [
                Note(
                    item.text,
                    number(item.weight_total) if item.weights_count else "",
                    [trend.trend for trend in item.trends.all()],
                )
                for item in items
            ],
        )
        for _value, title, items in queries.board(network)
    ]


def _basis(network: Network) -> list[Entry]:
    texts = queries.basis_start(network)
    return [Entry(_verbose(Basis, name), texts[name]) for name in BASIS_TEXTS]


def _objective(objective: Objective) -> ObjectiveLine:
    return ObjectiveLine(
        rank=number(objective.rank) if objective.rank else "",
        title=objective.title,
        pillar=objective.pillar.name,
        status=objective.get_status_display(),
    )


def _round(network: Network) -> Round | None:
    """The last closed prioritization and its standings."""
    found = (
        queries.prioritizations(network)
        .filter(closed_at__isnull=False)
        .order_by("-closed_at", "-pk")
        .first()
    )
    if found is None or found.closed_at is None:
        return None
    return Round(
        title=found.title,
        method=found.get_method_display(),
        closed=_long(timezone.localdate(found.closed_at)),
        adopted=_long(timezone.localdate(found.adopted_at)) if found.adopted_at else "",
        standings=[
            Standing(
                place=n,
                title=row.objective.title,
                score=number(row.score),
                organizations=number(row.ballots),
                chosen=_("Yes") if row.chosen else "",
            )
            for n, row in enumerate(queries.standings(found), start=1)
        ],
    )


def _sheets(network: Network, rows: list[queries.ProjectRow], with_charts: bool) -> list[Sheet]:
    """Each project's sheet, field for field, with its results and indicators."""
    series: dict[int, list[Measurement]] = {}
    found_measurements = Measurement.objects.filter(indicator__project__network=network)
    for measurement in (
        found_measurements.order_by("indicator_id", "measured_on", "pk") if with_charts else []
    ):
        series.setdefault(measurement.indicator_id, []).append(measurement)
    drawn = 0
    sheets = []
    for row in rows:
        project = row.project
        entries = [
            Entry(_verbose(ProgrammaticProject, "objective"), project.objective.title),
            *(
                Entry(_verbose(project, name), getattr(project, name))
                for name in ("impact_objective", "specific_objective")
            ),
            Entry(_verbose(project, "starts_on"), _long(project.starts_on)),
            Entry(_verbose(project, "ends_on"), _long(project.ends_on)),
            *(
                Entry(_verbose(project, name), str(getattr(project, name) or ""))
                for name in ("axis_referent", "line_referent", "responsible")
            ),
            *(
                Entry(_verbose(project, name), getattr(project, name))
                for name in ("staff", "extra_resources", "general_indicators")
            ),
        ]
        groups = [
            ResultGroup(
                title,
                [
                    ResultLine(
                        r.result.description,
                        charts.short_day(r.result.due_on) if r.result.due_on else "",
                        Done.of(r.progress),
                    )
                    for r in row.results
                    if r.result.kind == kind
                ],
            )
            for kind, title in (
                (ResultKind.INTERMEDIATE, _("Intermediate results")),
                (ResultKind.FINAL, _("Final results")),
            )
        ]
        measured = [*row.general, *(i for r in row.results for i in r.indicators)]
        results = {r.result.pk: r.result.description for r in row.results}
        indicators = []
        for found in measured:
            indicator = found.indicator
            points = series.get(indicator.pk, [])
            # A line needs two points; one measurement is read in the table.
            chart = None
            if len(points) > 1 and drawn < MAX_INDICATOR_CHARTS:
                chart = Chart.of(charts.indicator_chart(indicator, points))
                drawn += 1
            indicators.append(
                IndicatorLine(
                    name=indicator.name,
                    result=results.get(indicator.result_id or 0, ""),
                    baseline=charts.measured(indicator.baseline),
                    target=charts.measured(indicator.target),
                    unit=indicator.unit,
                    latest=charts.measured(found.latest),
                    latest_on=charts.short_day(found.latest_on) if found.latest_on else "",
                    done=Done.of(found.progress),
                    chart=chart,
                )
            )
        sheets.append(
            Sheet(
                id=f"project-{project.pk}",
                title=project.title,
                entries=entries,
                done=Done.of(row.progress),
                results=groups,
                indicators=indicators,
            )
        )
    return sheets


def _rollup(network: Network, today: date) -> list[Rollup]:
    return [
        Rollup(
            pillar.pillar.name,
            Done.of(pillar.progress),
            [
                Rollup(
                    objective.objective.title,
                    Done.of(objective.progress),
                    [Rollup(p.project.title, Done.of(p.progress)) for p in objective.projects],
                )
                for objective in pillar.objectives
            ],
        )
        for pillar in queries.plan_tree(network, today)
    ]


def _financing(network: Network) -> Financing | None:
    """The sustainability and financing plan, where the network has one."""
    from minga.financing.queries import plan_context

    found = plan_context(network)
    plan = found["plan"]
    if plan is None:
        return None
    return Financing(
        mechanisms=[str(label) for label in found["mechanisms"]],
        conditions=[
            Entry(_("Legal conditions"), plan.legal_conditions),
            Entry(_("Institutional conditions"), plan.institutional_conditions),
        ],
        follow_up=plan.follow_up,
        lines=[
            PlanLine(
                title=line.title,
                mechanism=line.get_mechanism_display(),
                owner=str(line.owner or ""),
                deadline=charts.short_day(line.deadline),
                status=line.get_status_display(),
                done=Done.of(float(line.progress)),
            )
            for line in found["lines"]
        ],
        gap=[
            GapLine(
                year=str(row.year),  # a year's name, never "2.026"
                currency=row.currency,
                need=number(row.need, 2),
                dues=number(row.dues, 2),
                grants=number(row.grants, 2),
                gap=number(row.gap, 2),
                covered="—" if row.covered is None else percent(row.covered, 0),
            )
            for row in found["gap"]
        ],
    )


# The two formats -------------------------------------------------------------------------------


def html(network: Network, *, today: date | None = None) -> str:
    """The document as the PDF prints it (charts embedded as SVG images)."""
    return render_to_string(TEMPLATE, context(network, today=today))


def pdf(network: Network, *, today: date | None = None) -> bytes:
    """The plan as a tagged PDF (headings, bookmarks, the document's language). Raises
    `core.pdf.PdfUnavailable` on a machine without Pango."""
    from minga.core.pdf import pdf_bytes

    return pdf_bytes(html(network, today=today))


def markdown(network: Network, *, today: date | None = None) -> str:
    """The plan as Markdown. The charts are left out: a Markdown file is one text file
    that many viewers show without inline SVG or data images, and every figure a chart
    draws is in the tables beside it."""
    return _markdown(context(network, today=today, with_charts=False))


def filename(network: Network, extension: str) -> str:
    """The download's name: `red-strategic-plan.pdf`."""
    return safe_filename(f"{network.slug}-strategic-plan", extension)


def download(network: Network, fmt: str, language: str | None = None) -> HttpResponse:
    """The plan as a download for the page and the API alike: PDF or Markdown (`fmt` "md"),
    in `language` or else the network's own (its first). PdfUnavailable without Pango."""
    chosen = language or network.language
    with translation.override(chosen):
        if fmt == "pdf":
            return attachment(pdf(network), "application/pdf", filename(network, "pdf"))
        text = markdown(network)
    return attachment(text, "text/markdown; charset=utf-8", filename(network, "md"))


def _markdown(c: dict[str, Any]) -> str:
    labels: dict[str, str] = c["labels"]
    out = Markdown()
    out.heading(1, c["title"])
    out.paragraph(c["as_of"])
    out.heading(2, c["contents_title"])
    out.lines(f"{n}. [{_md(s.title)}](#{s.id})" for n, s in enumerate(c["sections"], start=1))
    titles: dict[str, str] = c["titles"]

    out.heading(2, titles["context"], "context")
    if c["charter"] is None:
        out.paragraph(labels["no_charter"])
    else:
        context_, *rest = c["charter"]
        out.paragraph(context_.text or "—")
        for entry in rest:
            out.heading(3, entry.label)
            out.paragraph(entry.text or "—")

    out.heading(2, titles["pestel"], "pestel")
    if c["trends"]:
        out.paragraph(f"*{_md(labels['pestel_caption'])}*", raw=True)
        out.table(
            [labels[k] for k in ("number", "trend", "factor", "probability", "impact")]
            + [labels["priority"], labels["ratings"]],
            [
                [str(t.number), t.trend, t.category, t.probability, t.impact, t.priority, t.ratings]
                for t in c["trends"]
            ],
        )
    else:
        out.paragraph(labels["no_trends"])

    out.heading(2, titles["swot"], "swot")
    for quadrant in c["quadrants"]:
        out.heading(3, quadrant.title)
        if not quadrant.notes:
            out.paragraph(labels["no_notes"])
        out.lines(f"- {_md(_note(note, labels))}" for note in quadrant.notes)

    out.heading(2, titles["basis"], "basis")
    for entry in c["basis"]:
        out.heading(3, entry.label)
        out.paragraph(entry.text or "—")
    out.heading(3, labels["pillars"])
    if not c["pillars"]:
        out.paragraph(labels["no_pillars"])
    for pillar in c["pillars"]:
        out.paragraph(
            f"**{_md(pillar.name)}** ({_md(labels['oriented_to'])}: {_md(pillar.stakeholder)})"
            + (f"  \n{_md_block(pillar.description)}" if pillar.description else ""),
            raw=True,
        )

    out.heading(2, titles["objectives"], "objectives")
    out.heading(3, labels["adopted"])
    if c["adopted"]:
        out.lines(
            f"{o.rank}. **{_md(o.title)}** ({_md(labels['pillar'])}: {_md(o.pillar)})"
            for o in c["adopted"]
        )
    else:
        out.paragraph(labels["no_objectives"])
    out.heading(3, labels["listed"])
    if c["listed"]:
        out.table(
            [labels["objective"], labels["pillar"], labels["status"]],
            [[o.title, o.pillar, o.status] for o in c["listed"]],
        )
    else:
        out.paragraph(labels["no_objectives"])
    round_: Round | None = c["round"]
    if round_ is not None:
        out.heading(3, f"{labels['round']}: {round_.title}")
        facts = [f"{labels['method']}: {round_.method}", f"{labels['closed']}: {round_.closed}"]
        if round_.adopted:
            facts.append(f"{labels['adopted_on']}: {round_.adopted}")
        out.lines(f"- {_md(fact)}" for fact in facts)
        out.table(
            [labels[k] for k in ("place", "objective", "score", "organizations", "chosen")],
            [[str(s.place), s.title, s.score, s.organizations, s.chosen] for s in round_.standings],
        )

    out.heading(2, titles["projects"], "projects")
    if not c["sheets"]:
        out.paragraph(labels["no_projects"])
    for sheet in c["sheets"]:
        out.heading(3, sheet.title, sheet.id)
        out.lines(
            _md_field(entry.label, entry.text)
            for entry in [*sheet.entries, Entry(labels["progress"], sheet.done.text)]
        )
        for group in sheet.results:
            out.heading(4, group.title)
            if group.results:
                out.table(
                    [labels["result"], labels["due"], labels["progress"]],
                    [[r.description, r.due or "—", r.done.text] for r in group.results],
                )
            else:
                out.paragraph(labels["no_results"])
        out.heading(4, labels["indicators"])
        if sheet.indicators:
            out.table(
                [labels[k] for k in ("indicator", "result", "baseline", "target", "unit")]
                + [labels["latest"], labels["progress"]],
                [
                    [
                        i.name,
                        i.result or "—",
                        i.baseline,
                        i.target,
                        i.unit or "—",
                        f"{i.latest} ({i.latest_on})" if i.latest_on else "—",
                        i.done.text,
                    ]
                    for i in sheet.indicators
                ],
            )
        else:
            out.paragraph(labels["no_indicators"])

    out.heading(2, titles["progress"], "progress")
    if not c["rollup"]:
        out.paragraph(labels["no_pillars"])
    out.lines(
        line
        for pillar in c["rollup"]
        for line in [
            f"- **{_md(pillar.title)}**: {pillar.done.text}",
            *(
                nested
                for objective in pillar.children
                for nested in [
                    f"    - {_md(objective.title)}: {objective.done.text}",
                    *(f"        - {_md(p.title)}: {p.done.text}" for p in objective.children),
                ]
            ),
        ]
    )

    financing: Financing | None = c["financing"]
    if financing is not None:
        out.heading(2, titles["financing"], "financing")
        out.heading(3, labels["mechanisms"])
        if financing.mechanisms:
            out.lines(f"- {_md(m)}" for m in financing.mechanisms)
        else:
            out.paragraph("—")
        for entry in financing.conditions:
            out.heading(3, entry.label)
            out.paragraph(entry.text or "—")
        out.heading(3, labels["lines"])
        if financing.lines:
            out.table(
                [labels[k] for k in ("line", "mechanism", "owner", "deadline", "status")]
                + [labels["progress"]],
                [
                    [p.title, p.mechanism, p.owner or "—", p.deadline, p.status, p.done.text]
                    for p in financing.lines
                ],
            )
        else:
            out.paragraph(labels["no_lines"])
        out.heading(3, labels["follow_up"])
        out.paragraph(financing.follow_up or "—")
        out.heading(3, labels["gap"])
        if financing.gap:
            out.table(
                [labels[k] for k in ("year", "currency", "need", "dues", "grants")]
                + [labels["gap_column"], labels["covered"]],
                [
                    [g.year, g.currency, g.need, g.dues, g.grants, g.gap, g.covered]
                    for g in financing.gap
                ],
            )
        else:
            out.paragraph(labels["no_gap"])
    return out.text()


def _note(note: Note, labels: dict[str, str]) -> str:
    extra = []
    if note.weight:
        extra.append(f"{labels['weight']} {note.weight}")
    if note.trends:
        extra.append(f"{labels['linked_trends']}: {', '.join(note.trends)}")
    return note.text + (f" ({'; '.join(extra)})" if extra else "")


class Markdown:
    """Blocks of CommonMark (tables as GitHub writes them), people's text escaped so that
    it reads as written and never as markup."""

    def __init__(self) -> None:
        self.blocks: list[str] = []

    def heading(self, level: int, text: str, anchor: str = "") -> None:
        # An explicit anchor: heading slugs differ between renderers and languages.
        if anchor:
            self.blocks.append(f'<a id="{anchor}"></a>')
        self.blocks.append(f"{'#' * level} {_md(text)}")

    def paragraph(self, text: str, *, raw: bool = False) -> None:
        self.blocks.append(text if raw else _md_block(text))

    def lines(self, lines: Iterable[str]) -> None:
        found = "\n".join(lines)
        if found:
            self.blocks.append(found)

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        def row(cells: list[str]) -> str:
            return "| " + " | ".join(_md_cell(cell) for cell in cells) + " |"

        self.blocks.append(
            "\n".join([row(header), "|" + "---|" * len(header), *(row(r) for r in rows)])
        )

    def text(self) -> str:
        return "\n\n".join(self.blocks) + "\n"


_MARKUP = re.compile(r"([\\`*_\[\]<>|])")
# What makes a line a list item, a heading or a rule where it starts one.
_LINE_START = re.compile(r"^(\s*)(\d{1,9}[.)]|[-+=#])(?=[\s\-=#]|$)", re.MULTILINE)


def _inline(text: str) -> str:
    return _MARKUP.sub(r"\\\1", text)


def _md(text: str) -> str:
    """One line of people's text, escaped."""
    return _md_block(" ".join(text.split()))


def _md_block(text: str) -> str:
    """People's text, escaped, its line breaks kept (a paragraph per blank line)."""
    text = _inline(text.strip().replace("\r\n", "\n"))
    text = _LINE_START.sub(lambda m: f"{m.group(1)}{m.group(2)[:-1]}\\{m.group(2)[-1]}", text)
    paragraphs = re.split(r"\n\s*\n", text)
    return "\n\n".join(p.replace("\n", "\\\n") for p in paragraphs)


def _md_field(label: str, text: str) -> str:
    """A list item `**Label:** text`, the text's line breaks kept inside the item."""
    lines = [_md(line) for line in text.splitlines() if line.strip()] or ["—"]
    return f"- **{_md(label)}:** " + "\\\n  ".join(lines)


def _md_cell(text: str) -> str:
    """A table cell is inline text: only the markup characters are escaped."""
    return "<br>".join(_inline(" ".join(line.split())) for line in text.splitlines())


# Words and numbers -------------------------------------------------------------------------------


def _verbose(model: type[Model] | Model, name: str) -> str:
    """A field's name as the forms show it, in the active language."""
    found = model._meta.get_field(name)
    return capfirst(str(getattr(found, "verbose_name", name)))


def _long(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _bcp47(language: str) -> str:
    """Django's "pt-br" as a document's language tag, "pt-BR"."""
    base, _dash, region = language.partition("-")
    return f"{base}-{region.upper()}" if region else base
