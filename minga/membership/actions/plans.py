"""Membership plans: open, a fixed fee, or a fee by organization size."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.models import Network, OrganizationSize
from minga.core.permissions import Action, require
from minga.membership.actions._common import money
from minga.membership.models import Plan, PlanKind, PlanPeriod

if TYPE_CHECKING:
    from minga.core.permissions import Actor


@transaction.atomic
def create_plan(
    *,
    actor: Actor,
    network: Network,
    name: str,
    kind: str,
    period: str = PlanPeriod.ANNUAL,
    currency: str = "USD",
    fee: Any = None,
    fees: dict[str, Any] | None = None,
    small_income_max: Any = None,
    medium_income_max: Any = None,
) -> Plan:
    require(actor, Action.MANAGE_MEMBERSHIP, network)
    if not name.strip():
        raise ValidationError({"name": _("Give the plan a name.")})
    if network.plans.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": _("This network already has a plan of that name.")})
    if kind not in PlanKind.values:
        raise ValidationError(
            {"kind": _("%(value)s is not one of: open, fixed, variable.") % {"value": kind}}
        )
    if period not in PlanPeriod.values:
        raise ValidationError(
            {"period": _("%(value)s is not one of: monthly, annual.") % {"value": period}}
        )
    currency = currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError({"currency": _("Use a three-letter currency code, e.g. USD.")})
    plan = Plan(network=network, name=name.strip(), kind=kind, period=period, currency=currency)
    if kind == PlanKind.FIXED:
        plan.fee = money(fee, "fee")
    elif kind == PlanKind.VARIABLE:
        given = fees or {}
        missing = [size for size in OrganizationSize.values if size not in given]
        if missing:
            raise ValidationError(
                {
                    "fees": _("Give a fee for: %(sizes)s.")
                    % {"sizes": ", ".join(str(OrganizationSize(size).label) for size in missing)}
                }
            )
        plan.fee_small = money(given["small"], "fees")
        plan.fee_medium = money(given["medium"], "fees")
        plan.fee_large = money(given["large"], "fees")
        if small_income_max not in (None, ""):
            plan.small_income_max = money(small_income_max, "small_income_max")
        if medium_income_max not in (None, ""):
            plan.medium_income_max = money(medium_income_max, "medium_income_max")
    elif fee not in (None, "") or fees:
        raise ValidationError({"fee": _("An open plan has no fee.")})
    plan.save()
    record(
        actor=actor,
        action=AuditEvent.PLAN_CREATE,
        target=plan,
        network=network,
        data={"kind": kind},
    )
    return plan
