"""Derived reads of the plan: trends in priority order, the SWOT board and its stamp (what
the board's polling compares), the basis as it stands or as the reach charter starts it,
prioritization standings, and progress rolled up from indicators to pillars."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Max, OuterRef, Prefetch, QuerySet, Subquery, Sum

from minga.core.models import Network, Organization
from minga.planning import priority, rollup
from minga.planning.models import (
    BASIS_TEXTS,
    Ballot,
    Basis,
    BasisVersion,
    Indicator,
    Measurement,
    Objective,
    ObjectiveStatus,
    PestelCategory,
    PestelFactor,
    PestelRating,
    Pillar,
    Prioritization,
    ProgrammaticProject,
    Result,
    SwotItem,
    SwotQuadrant,
    SwotWeight,
)

# A board shows at most this many notes a quadrant (the heaviest first).
BOARD_LIMIT = 200


# PESTEL and SWOT -------------------------------------------------------------------------------


def trends(network: Network) -> QuerySet[PestelFactor]:
    """Highest priority first (the order `priority.rank_trends` defines)."""
    return (
        PestelFactor.objects.filter(network=network)
        .select_related("network")
        .order_by("-priority", "-ratings_count", "pk")
    )


def trends_by_category(network: Network) -> list[tuple[str, str, list[PestelFactor]]]:
    found: dict[str, list[PestelFactor]] = {value: [] for value in PestelCategory.values}
    for factor in trends(network)[:600]:
        found[factor.category].append(factor)
    return [(value, str(label), found[value]) for value, label in PestelCategory.choices]


def my_ratings(network: Network, person_id: int | None) -> dict[int, PestelRating]:
    if person_id is None:
        return {}
    rows = PestelRating.objects.filter(factor__network=network, person_id=person_id)
    return {rating.factor_id: rating for rating in rows}


def board(network: Network) -> list[tuple[str, str, list[SwotItem]]]:
    """The four quadrants (strengths, weaknesses, opportunities, threats), heaviest first,
    at most `BOARD_LIMIT` notes each (one full quadrant never hides another)."""
    found = []
    for value, label in SwotQuadrant.choices:
        items = (
            SwotItem.objects.filter(network=network, quadrant=value)
            .prefetch_related(Prefetch("trends", queryset=PestelFactor.objects.only("pk", "trend")))
            .select_related("network", "updated_by")
            .order_by("-weight_total", "pk")
        )
        found.append((value, str(label), list(items[:BOARD_LIMIT])))
    return found


def board_counts(network: Network) -> list[tuple[str, str, int]]:
    counted = dict(
        SwotItem.objects.filter(network=network)
        .order_by()
        .values_list("quadrant")
        .annotate(n=Count("pk"))
    )
    return [(value, str(label), counted.get(value, 0)) for value, label in SwotQuadrant.choices]


def board_stamp(network: Network) -> str:
    """Changes whenever a note is added, edited, weighed or deleted: the polling board
    reloads only then. Made of what is committed (counts, the newest id, sums of versions
    and weights), not of clock times, so an edit that commits late is not missed."""
    found = SwotItem.objects.filter(network=network).aggregate(
        n=Count("pk"),
        last=Max("pk"),
        versions=Sum("version"),
        weights=Sum("weight_total"),
        weighed=Sum("weights_count"),
    )
    return ".".join(str(found[key] or 0) for key in ("n", "last", "versions", "weights", "weighed"))


def person_id(user: Any, network: Network) -> int | None:
    """The caller's person in the network (their own ratings, weights and ballot)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return network.people.filter(user=user).values_list("pk", flat=True).first()


def my_weights(network: Network, person_id: int | None) -> dict[int, int]:
    if person_id is None:
        return {}
    rows = SwotWeight.objects.filter(item__network=network, person_id=person_id)
    return dict(rows.values_list("item_id", "weight"))


# The basis --------------------------------------------------------------------------------------


def basis_of(network: Network) -> Basis | None:
    return Basis.objects.filter(network=network).first()


def basis_start(network: Network) -> dict[str, str]:
    """The basis's texts as they stand, or, before anyone wrote them, as the reach charter
    already says them: its purpose, and its general objective as the vision."""
    from minga.reach.queries import current_charter

    basis = basis_of(network)
    texts = {field: getattr(basis, field) if basis else "" for field in BASIS_TEXTS}
    charter = current_charter(network)
    if charter is not None:
        texts["purpose"] = texts["purpose"] or charter.purpose
        texts["vision"] = texts["vision"] or charter.objective
    return texts


def pillars(network: Network) -> QuerySet[Pillar]:
    return Pillar.objects.filter(network=network).order_by("order", "pk")


def basis_history(network: Network) -> QuerySet[BasisVersion]:
    return BasisVersion.objects.filter(network=network).select_related("author")


# Objectives and prioritization ----------------------------------------------------------------


def objectives(network: Network, status: str | None = None) -> QuerySet[Objective]:
    rows = Objective.objects.filter(network=network).select_related("network", "pillar")
    return rows.filter(status=status) if status else rows


def adopted(network: Network) -> QuerySet[Objective]:
    return objectives(network, ObjectiveStatus.ADOPTED).order_by("rank", "pk")


def prioritizations(network: Network) -> QuerySet[Prioritization]:
    return (
        Prioritization.objects.filter(network=network)
        .select_related("network")
        .annotate(ballots_count=Count("ballots", distinct=True))
    )


def ballot_of(prioritization: Prioritization, organization: Organization | None) -> dict[int, int]:
    if organization is None:
        return {}
    ballot = Ballot.objects.filter(prioritization=prioritization, organization=organization).first()
    return dict(ballot.marks.values_list("objective_id", "value")) if ballot else {}


@dataclass(frozen=True)
class StandingRow:
    objective: Objective
    score: int
    ballots: int
    chosen: bool


def standings(prioritization: Prioritization) -> list[StandingRow]:
    """A closed round's order (what it adopts marked); nothing while it is open, so that
    early ballots do not steer the later ones."""
    if prioritization.closed_at is None:
        return []
    found = Objective.objects.select_related("pillar").in_bulk(
        [r["objective"] for r in prioritization.result]
    )
    # An objective deleted since the round closed drops out; the next one moves up.
    rows = [
        priority.Standing(r["objective"], r["score"], r["ballots"])
        for r in prioritization.result
        if r["objective"] in found
    ]
    chosen = set(priority.first(rows, prioritization.adopt))
    return [
        StandingRow(found[r.objective], r.score, r.ballots, r.objective in chosen) for r in rows
    ]


def proposal_state(prioritization: Prioritization) -> tuple[bool, str] | None:
    from minga.governance.queries import proposal_state as state_of

    if prioritization.proposal_id is None:
        return None
    return state_of(prioritization.network, prioritization.proposal_id)


# Progress ---------------------------------------------------------------------------------------


@dataclass
class IndicatorRow:
    indicator: Indicator
    latest: Any  # Decimal | None: the last measurement on or before the plan's date
    latest_on: date | None
    progress: float


@dataclass
class ResultRow:
    result: Result
    progress: float | None
    indicators: list[IndicatorRow] = field(default_factory=list)


@dataclass
class ProjectRow:
    project: ProgrammaticProject
    progress: float | None = None
    results: list[ResultRow] = field(default_factory=list)
    general: list[IndicatorRow] = field(default_factory=list)


@dataclass
class ObjectiveRow:
    objective: Objective
    progress: float | None = None
    projects: list[ProjectRow] = field(default_factory=list)


@dataclass
class PillarRow:
    pillar: Pillar
    progress: float | None = None
    objectives: list[ObjectiveRow] = field(default_factory=list)


def _indicator_rows(indicators: QuerySet[Indicator], day: date | None) -> list[IndicatorRow]:
    last = Measurement.objects.filter(indicator=OuterRef("pk"))
    if day is not None:
        last = last.filter(measured_on__lte=day)
    last = last.order_by("-measured_on", "-pk")
    rows = indicators.select_related("project__network").annotate(
        latest_value=Subquery(last.values("value")[:1]),
        latest_date=Subquery(last.values("measured_on")[:1]),
    )
    return [
        IndicatorRow(i, i.latest_value, i.latest_date, i.progress(i.latest_value)) for i in rows
    ]


def indicator_rows(shown: list[Indicator], day: date | None = None) -> list[IndicatorRow]:
    """A page of indicators with their latest measurement and progress, in the page's order."""
    found = {
        row.indicator.pk: row
        for row in _indicator_rows(Indicator.objects.filter(pk__in=[i.pk for i in shown]), day)
    }
    return [found[i.pk] for i in shown if i.pk in found]


def _project_rows(projects: QuerySet[ProgrammaticProject], day: date | None) -> list[ProjectRow]:
    """Each project with its results and indicators, progress rolled up: a result from its
    indicators (or what the team recorded), a project from its results and its general
    indicators. Four queries, whatever the number of projects."""
    rows = {
        p.pk: ProjectRow(p)
        for p in projects.select_related(
            "network",
            "objective",
            "responsible__user",
            "axis_referent__user",
            "line_referent__user",
        )
    }
    results: dict[int, ResultRow] = {}
    for result in Result.objects.filter(project_id__in=rows).order_by("-kind", "due_on", "pk"):
        result_row = ResultRow(result, None)
        results[result.pk] = result_row
        rows[result.project_id].results.append(result_row)
    for indicator_row in _indicator_rows(Indicator.objects.filter(project_id__in=rows), day):
        indicator = indicator_row.indicator
        if indicator.result_id is not None and indicator.result_id in results:
            results[indicator.result_id].indicators.append(indicator_row)
        else:
            rows[indicator.project_id].general.append(indicator_row)
    for row in rows.values():
        for result_row in row.results:
            result_row.progress = rollup.progress_of(_result_node(result_row))
        row.progress = rollup.progress_of(_project_node(row))
    return list(rows.values())


def _indicator_node(row: IndicatorRow) -> rollup.Node:
    return rollup.Node(weight=row.indicator.weight, own=row.progress)


def _result_node(row: ResultRow) -> rollup.Node:
    return rollup.Node(
        weight=row.result.weight,
        own=float(row.result.progress),
        children=[_indicator_node(i) for i in row.indicators],
    )


def _project_node(row: ProjectRow) -> rollup.Node:
    return rollup.Node(
        weight=row.project.weight,
        children=[_result_node(r) for r in row.results] + [_indicator_node(i) for i in row.general],
    )


def project_rows(shown: list[ProgrammaticProject], day: date | None = None) -> list[ProjectRow]:
    """A page of projects with their progress, in the page's order."""
    found = {
        row.project.pk: row
        for row in _project_rows(
            ProgrammaticProject.objects.filter(pk__in=[p.pk for p in shown]), day
        )
    }
    return [found[p.pk] for p in shown if p.pk in found]


def project_row(project: ProgrammaticProject, day: date | None = None) -> ProjectRow:
    return _project_rows(ProgrammaticProject.objects.filter(pk=project.pk), day)[0]


def projects(network: Network, day: date | None = None) -> list[ProjectRow]:
    return _project_rows(ProgrammaticProject.objects.filter(network=network), day)


def plan_tree(network: Network, day: date | None = None) -> list[PillarRow]:
    """Pillars → objectives → projects → results and indicators, each with its progress
    (the weighted mean of its children's, `rollup`). Objectives set aside are left out."""
    pillar_rows = {p.pk: PillarRow(p) for p in pillars(network)}
    objective_rows: dict[int, ObjectiveRow] = {}
    for objective in objectives(network).exclude(status=ObjectiveStatus.SET_ASIDE):
        row = ObjectiveRow(objective)
        objective_rows[objective.pk] = row
        pillar_rows[objective.pillar_id].objectives.append(row)
    for project_row_ in projects(network, day):
        found = objective_rows.get(project_row_.project.objective_id)
        if found is not None:
            found.projects.append(project_row_)
    for pillar_row in pillar_rows.values():
        for objective_row in pillar_row.objectives:
            objective_row.progress = rollup.weighted(
                (p.progress, p.project.weight)
                for p in objective_row.projects
                if p.progress is not None
            )
        pillar_row.progress = rollup.weighted(
            (o.progress, o.objective.weight)
            for o in pillar_row.objectives
            if o.progress is not None
        )
    return list(pillar_rows.values())


def plan_progress(tree: list[PillarRow]) -> float | None:
    """The whole plan's progress: its pillars' weighted mean."""
    return rollup.weighted((p.progress, p.pillar.weight) for p in tree if p.progress is not None)


def measurements(indicator: Indicator) -> QuerySet[Measurement]:
    return indicator.measurements.order_by("-measured_on", "-pk")
