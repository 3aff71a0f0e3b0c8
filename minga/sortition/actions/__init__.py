"""The sortition app's write path: draws by lot, from the pool to the seated panel.

Each function takes a keyword-only `actor`, checks it first, runs in one transaction,
appends to the audit log, and schedules background work after the commit. The state
machine:

    draft -> computing -> computed -> published -> seed_fixed -> drawn -> seated

A computation that fails (infeasible quotas) goes back to draft with its diagnosis; new
quotas on a computed (unpublished) draw send it back to draft. Once published, the pool,
the quotas and the distribution's SHA-256 are fixed and public to the network's people;
only then can the public seed be entered, and only then can the panel be drawn.

The engine (numpy, highspy) is imported inside the functions that compute, so importing
this package at start-up stays light.
"""

from __future__ import annotations

from minga.sortition.actions.alternates import choose_alternates, run_seated_before_draw
from minga.sortition.actions.computation import compute, run_computation
from minga.sortition.actions.pool import (
    NONE,
    ORGANIZATION_FEATURES,
    PEOPLE_FEATURES,
    PEOPLE_GROUPS,
    create_draw,
    directory_pool,
    features_for,
)
from minga.sortition.actions.publication import (
    draw_panel,
    enter_number,
    fix_seed,
    make_lottery,
    publish,
)
from minga.sortition.actions.quotas import (
    QuotaRow,
    check_feasibility,
    count_panels,
    set_quotas,
    validate_quotas,
)
from minga.sortition.actions.seats import decline, seat

__all__ = [
    "NONE",
    "ORGANIZATION_FEATURES",
    "PEOPLE_FEATURES",
    "PEOPLE_GROUPS",
    "QuotaRow",
    "check_feasibility",
    "choose_alternates",
    "compute",
    "count_panels",
    "create_draw",
    "decline",
    "directory_pool",
    "draw_panel",
    "enter_number",
    "features_for",
    "fix_seed",
    "make_lottery",
    "publish",
    "run_computation",
    "run_seated_before_draw",
    "seat",
    "set_quotas",
    "validate_quotas",
]
