"""The method's steps, in the order of the methodology document, and their apps."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    key: str
    number: str
    title: Promise
    summary: Promise
    # The models ("app_label.ModelName", each with a `network` field) whose rows are this
    # step's content: a step holding any reads at least "In progress" until its
    # coordinators set a state themselves. Labels, not imports: core imports no step app.
    content: tuple[str, ...] = ()


STEPS: tuple[Step, ...] = (
    Step(
        "reach",
        "1",
        _("Define the reach"),
        _("Context, purpose, objective, audience, action plan."),
        ("reach.CharterVersion", "reach.AudienceCriteria", "reach.ActionItem"),
    ),
    Step(
        "governance",
        "2",
        _("Governance model"),
        _("Circles or a coordination body, how decisions are made, protocol and ethics."),
        ("governance.Circle", "governance.Proposal"),
    ),
    Step(
        "membership",
        "3",
        _("Membership model"),
        _("Who may join and what they contribute: open or with a fee."),
        ("membership.Plan", "membership.Membership", "membership.Application"),
    ),
    Step(
        "financing",
        "4",
        _("Sustainability and financing"),
        _("Gap analysis, funding sources and calls, joint applications."),
    ),
    Step(
        "communication",
        "5",
        _("Communication strategy"),
        _("Why take part: news, meetings, workshops, working groups, resources."),
    ),
    Step(
        "planning",
        "6",
        _("Strategic planning"),
        _("PESTEL, SWOT, mission and pillars, prioritized objectives, projects."),
        ("planning.PestelFactor", "planning.SwotItem", "planning.Objective", "planning.Pillar"),
    ),
    Step(
        "mapping",
        "★",
        _("Mapping the ecosystem"),
        _("A survey of organizations, systematized into counts and charts."),
        ("mapping.Survey",),
    ),
)
STEP_KEYS = tuple(step.key for step in STEPS)
STEPS_BY_KEY = {step.key: step for step in STEPS}
