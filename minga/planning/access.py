"""Planning objects for a request, for the pages and the API alike: 404 outside the
caller's network, 403 without the role. Everyone in the network reads the plan; what they
may change is decided in `actions` (their own notes, trends and objectives; a project's
progress for its responsible and referents)."""

from __future__ import annotations

from typing import Any

from minga.core.access import get_in_network
from minga.core.models import Network, Person
from minga.core.permissions import Action, can
from minga.planning.models import (
    Indicator,
    Measurement,
    Objective,
    PestelFactor,
    Pillar,
    Prioritization,
    ProgrammaticProject,
    Result,
    SwotItem,
)

VIEW = Action.VIEW_PLANNING


def get_trend_for(user: Any, network: Network, pk: int, action: Action = VIEW) -> PestelFactor:
    rows = PestelFactor.objects.filter(network=network).select_related("network")
    return get_in_network(user, network, action, rows, pk)


def get_swot_item_for(user: Any, network: Network, pk: int, action: Action = VIEW) -> SwotItem:
    rows = SwotItem.objects.filter(network=network).select_related("network")
    return get_in_network(user, network, action, rows, pk)


def get_pillar_for(
    user: Any, network: Network, pk: int, action: Action = Action.MANAGE_PLANNING
) -> Pillar:
    rows = Pillar.objects.filter(network=network).select_related("network")
    return get_in_network(user, network, action, rows, pk)


def get_objective_for(user: Any, network: Network, pk: int, action: Action = VIEW) -> Objective:
    rows = Objective.objects.filter(network=network).select_related("network", "pillar")
    return get_in_network(user, network, action, rows, pk)


def get_prioritization_for(
    user: Any, network: Network, pk: int, action: Action = VIEW
) -> Prioritization:
    rows = Prioritization.objects.filter(network=network).select_related("network")
    return get_in_network(user, network, action, rows, pk)


def get_project_for(
    user: Any, network: Network, pk: int, action: Action = VIEW
) -> ProgrammaticProject:
    rows = ProgrammaticProject.objects.filter(network=network).select_related(
        "network", "objective"
    )
    return get_in_network(user, network, action, rows, pk)


def get_result_for(user: Any, network: Network, pk: int, action: Action = VIEW) -> Result:
    rows = Result.objects.filter(project__network=network).select_related("project__network")
    return get_in_network(user, network, action, rows, pk)


def get_indicator_for(user: Any, network: Network, pk: int, action: Action = VIEW) -> Indicator:
    rows = Indicator.objects.filter(project__network=network).select_related(
        "project__network", "result"
    )
    return get_in_network(user, network, action, rows, pk)


def get_measurement_for(
    user: Any, network: Network, indicator: Indicator, pk: int, action: Action = VIEW
) -> Measurement:
    rows = indicator.measurements.select_related("indicator__project__network")
    return get_in_network(user, network, action, rows, pk)


def may_track(user: Any, project: ProgrammaticProject) -> bool:
    """Progress (results, indicators, measurements) is recorded by coordinators and the
    project's responsible and referents."""
    network = project.network
    if can(user, Action.MANAGE_PLANNING, network):
        return True
    if not getattr(user, "is_authenticated", False) or not can(user, Action.VIEW_PLANNING, network):
        return False
    person = Person.objects.filter(network=network, user=user).values_list("pk", flat=True).first()
    return person is not None and person in project.team_person_ids()
