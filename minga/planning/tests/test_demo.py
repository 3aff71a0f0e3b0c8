"""The demo network's plan reads like a real strategic plan: rated trends, a full SWOT
board, the basis with its history, prioritized objectives and projects whose indicators
have a year of measurements."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from minga.core.models import Network
from minga.planning import queries
from minga.planning.models import (
    BASIS_TEXTS,
    EXTERNAL_QUADRANTS,
    Ballot,
    ObjectiveStatus,
    PestelCategory,
    Prioritization,
    ResultKind,
    SwotQuadrant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_network(django_db_setup: Any, django_db_blocker: Any) -> Iterator[int]:
    """The whole demo, loaded once for the module (every app's loader, in order) and rolled
    back after; answers the demo network's id."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", verbosity=0)
        yield Network.objects.get(slug="demo").pk
        transaction.set_rollback(True)


@pytest.fixture
def network(demo_network: int, db: Any) -> Network:
    return Network.objects.get(pk=demo_network)


def test_the_demo_has_a_dozen_trends_in_every_category_each_rated_by_several_people(network):
    trends = list(queries.trends(network))
    assert len(trends) >= 12
    per_category = Counter(factor.category for factor in trends)
    assert all(per_category[category] >= 2 for category in PestelCategory.values), per_category
    assert all(factor.ratings_count >= 3 for factor in trends)
    assert all(factor.ratings.count() == factor.ratings_count for factor in trends)
    # The ranking orders something: priorities spread from low to high.
    priorities = [factor.priority for factor in trends]
    assert priorities == sorted(priorities, reverse=True)
    assert priorities[0] >= 12 and priorities[-1] <= 6
    assert len({round(p, 2) for p in priorities}) >= 8


def test_the_demo_swot_board_is_full_and_its_external_notes_cite_the_trends(network):
    board = {quadrant: items for quadrant, _label, items in queries.board(network)}
    assert all(len(board[quadrant]) >= 4 for quadrant in SwotQuadrant.values)
    for quadrant in EXTERNAL_QUADRANTS:
        assert all(item.trends.exists() for item in board[quadrant])
    for quadrant in (SwotQuadrant.STRENGTH, SwotQuadrant.WEAKNESS):
        assert not any(item.trends.exists() for item in board[quadrant])
    weighed = [item for items in board.values() for item in items if item.weights_count >= 3]
    assert len(weighed) >= 8
    assert all(
        item.weight_total == sum(item.weights.values_list("weight", flat=True))
        for items in board.values()
        for item in items
    )


def test_the_demo_basis_starts_from_the_methods_example_and_was_refined_since(network):
    basis = queries.basis_of(network)
    assert basis is not None
    assert all(getattr(basis, field) for field in BASIS_TEXTS)
    assert "América Latina" in basis.mission
    assert [p.name for p in queries.pillars(network)] == [
        "Democracia Diversa",
        "Democracia Ambiental",
        "Democracia Innovadora",
    ]
    history = list(queries.basis_history(network))
    assert len(history) >= 2
    assert history[0].number == basis.version
    assert history[-1].number == 1 and "pillars" in history[-1].changed
    assert all(version.author is not None for version in history)


def test_the_demo_prioritized_eight_objectives_and_adopted_four_in_order(network):
    objectives = list(queries.objectives(network))
    assert len(objectives) == 8
    assert len({objective.pillar_id for objective in objectives}) == 3
    adopted = list(queries.adopted(network))
    assert [objective.rank for objective in adopted] == [1, 2, 3, 4]
    assert all(o.rank is None for o in objectives if o.status != ObjectiveStatus.ADOPTED)
    prioritization = Prioritization.objects.get(network=network)
    assert prioritization.closed_at is not None and prioritization.adopted_at is not None
    ballots = Ballot.objects.filter(prioritization=prioritization)
    assert ballots.count() >= 20
    assert ballots.values("organization").distinct().count() == ballots.count()
    standings = queries.standings(prioritization)
    assert [row.objective for row in standings if row.chosen] == adopted
    # What was adopted leads clearly, not by a tie-break.
    assert standings[3].score > standings[4].score


def test_the_demo_projects_have_full_sheets_and_a_year_of_measurements(network):
    today = timezone.localdate()
    rows = queries.projects(network)
    assert len(rows) == 3
    adopted = set(queries.adopted(network).values_list("pk", flat=True))
    for row in rows:
        project = row.project
        assert project.objective_id in adopted
        assert all(
            (
                project.impact_objective,
                project.specific_objective,
                project.staff,
                project.extra_resources,
                project.general_indicators,
                project.axis_referent,
                project.line_referent,
                project.responsible,
            )
        ), project
        assert project.starts_on <= today <= project.ends_on
        assert 330 <= (project.ends_on - project.starts_on).days <= 500
        kinds = {result_row.result.kind for result_row in row.results}
        assert kinds == {ResultKind.INTERMEDIATE, ResultKind.FINAL}
        indicators = [i for r in row.results for i in r.indicators] + row.general
        assert row.general, "a general indicator of the project"
        assert any(r.indicators for r in row.results), "an indicator of a result"
        for indicator_row in indicators:
            indicator = indicator_row.indicator
            assert indicator.measurements.count() == 12, indicator
            assert indicator_row.latest_on is not None and indicator_row.latest_on <= today
            assert indicator.baseline != indicator.target
        assert row.progress is not None and 0 < row.progress < 100, (project, row.progress)


def test_the_demo_plan_rolls_progress_up_to_every_pillar(network):
    tree = queries.plan_tree(network)
    assert len(tree) == 3
    for pillar_row in tree:
        assert pillar_row.progress is not None and 0 < pillar_row.progress < 100, pillar_row
    projects = [p for pillar in tree for o in pillar.objectives for p in o.projects]
    assert len(projects) == 3
