"""The membership app's write path: plans, applications, members and their
commitments, the code of ethics, invoices, payments and corrections.

One module per section; `from minga.membership import actions` and
`from minga.membership.actions import X` reach every action from here."""

from __future__ import annotations

from minga.membership.actions.applications import (
    apply_for_organization,
    apply_with_profile,
    approve,
    reject,
)
from minga.membership.actions.dues import (
    PAYMENT_TERM,
    invoice_period,
    record_correction,
    record_payment,
)
from minga.membership.actions.ethics import publish_code, sign_code
from minga.membership.actions.members import mark_delivered, pledge, set_level
from minga.membership.actions.plans import create_plan

__all__ = [
    "PAYMENT_TERM",
    "apply_for_organization",
    "apply_with_profile",
    "approve",
    "create_plan",
    "invoice_period",
    "mark_delivered",
    "pledge",
    "publish_code",
    "record_correction",
    "record_payment",
    "reject",
    "set_level",
    "sign_code",
]
