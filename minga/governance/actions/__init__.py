"""The governance app's write path: circles, mandates, proposals, positions, elections.

Each function takes a keyword-only `actor`, checks it with `require` first, runs in one
transaction, appends to the audit log and schedules mail after the commit. The modules
follow the method: the structure (circles, the coordination body, mandates), proposals,
and open elections by consent.
"""

from __future__ import annotations

from minga.governance.actions.elections import nominate, open_election, start_consent_round
from minga.governance.actions.proposals import (
    ProposalClosed,
    amend_proposal,
    close_proposal,
    comment,
    open_proposal,
    take_position,
    withdraw_objection,
)
from minga.governance.actions.structure import (
    CIRCLE_FIELDS,
    LinkWouldBreak,
    add_months,
    appoint,
    create_circle,
    end_mandate,
    renew_mandate,
    update_circle,
)

__all__ = [
    "CIRCLE_FIELDS",
    "LinkWouldBreak",
    "ProposalClosed",
    "add_months",
    "amend_proposal",
    "appoint",
    "close_proposal",
    "comment",
    "create_circle",
    "end_mandate",
    "nominate",
    "open_election",
    "open_proposal",
    "renew_mandate",
    "start_consent_round",
    "take_position",
    "update_circle",
    "withdraw_objection",
]
