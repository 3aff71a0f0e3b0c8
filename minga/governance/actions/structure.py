"""The structure: circles, the coordination body and its working groups, mandates.

Every change to who sits where is checked against the double links that held before it:
breaking one needs `confirm_break`."""

from __future__ import annotations

import calendar
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.models import Network, Organization, Person
from minga.core.permissions import Action, require
from minga.governance.linkage import Seat, broken_by
from minga.governance.models import Circle, CircleKind, Mandate, MandateRole, MemberKind
from minga.governance.queries import current_seats, linked_parents

if TYPE_CHECKING:
    from minga.core.permissions import Actor

CIRCLE_FIELDS = (
    "name",
    "parent",
    "objectives",
    "activities",
    "can_decide",
    "can_execute",
    "can_evaluate",
    "member_kind",
    "mandate_months",
    "renewable",
    "max_renewals",
    "filled_by",
)


class LinkWouldBreak(ValidationError):
    """A change would break a circle's double link; repeat it with confirmation."""

    def __init__(self, circles: list[Circle]) -> None:
        self.circles = circles
        names = ", ".join(circle.name for circle in circles)
        super().__init__(
            _("This change breaks the double link of: %(circles)s. Confirm to go ahead.")
            % {"circles": names},
            code="link_would_break",
        )


# Circles and the coordination body ---------------------------------------------------------


def _check_parent(
    network: Network, kind: str, parent: Circle | None, circle: Circle | None
) -> None:
    if parent is None:
        if kind == CircleKind.WORKING_GROUP:
            raise ValidationError(
                {"parent": _("A working group reports to the coordination body or another group.")}
            )
        return
    if parent.network_id != network.pk:
        raise ValidationError({"parent": _("That circle belongs to another network.")})
    if kind == CircleKind.COORDINATION_BODY:
        raise ValidationError({"parent": _("The coordination body reports to nobody.")})
    ancestor: Circle | None = parent
    while ancestor is not None:
        if circle is not None and ancestor.pk == circle.pk:
            raise ValidationError({"parent": _("A circle cannot sit inside itself.")})
        ancestor = ancestor.parent


@transaction.atomic
def create_circle(*, actor: Actor, network: Network, kind: str, name: str, **fields: Any) -> Circle:
    require(actor, Action.MANAGE_GOVERNANCE, network)
    unknown = set(fields) - set(CIRCLE_FIELDS)
    if unknown:
        raise ValueError(f"not circle fields: {sorted(unknown)}")
    if kind not in CircleKind.values:
        raise ValidationError({"kind": _("%(value)s is not a kind of circle.") % {"value": kind}})
    if not name.strip():
        raise ValidationError({"name": _("Give the circle a name.")})
    if network.circles.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": _("This network already has a circle of that name.")})
    if kind == CircleKind.COORDINATION_BODY and network.circles.filter(kind=kind).exists():
        raise ValidationError({"kind": _("The network already has a coordination body.")})
    _check_parent(network, kind, fields.get("parent"), None)
    circle = Circle(network=network, kind=kind, name=name.strip(), **fields)
    circle.full_clean(exclude=["network", "parent"], validate_constraints=False)
    circle.save()
    record(actor=actor, action=AuditEvent.CIRCLE_CREATE, target=circle, network=network)
    return circle


@transaction.atomic
def update_circle(*, actor: Actor, circle: Circle, **changes: Any) -> Circle:
    require(actor, Action.MANAGE_GOVERNANCE, circle.network)
    unknown = set(changes) - set(CIRCLE_FIELDS)
    if unknown:
        raise ValueError(f"not circle fields: {sorted(unknown)}")
    if "parent" in changes:
        _check_parent(circle.network, circle.kind, changes["parent"], circle)
    for field, value in changes.items():
        setattr(circle, field, value)
    circle.full_clean(exclude=["network", "parent"], validate_constraints=False)
    circle.save()
    record(
        actor=actor,
        action=AuditEvent.CIRCLE_UPDATE,
        target=circle,
        network=circle.network,
        data={k: getattr(v, "pk", v) for k, v in changes.items()},
    )
    return circle


# Mandates -----------------------------------------------------------------------------------


def _seats(network: Network) -> tuple[dict[int, int | None], list[Seat]]:
    return linked_parents(network), current_seats(network)


def _guard_links(
    network: Network,
    before: tuple[dict[int, int | None], list[Seat]],
    confirm_break: bool,
) -> list[int]:
    """Refuse (unless confirmed) a change that broke a link that held before it."""
    parents, seats_before = before
    _parents, seats_after = _seats(network)
    broken = broken_by(parents, seats_before, seats_after)
    if broken and not confirm_break:
        raise LinkWouldBreak(list(network.circles.filter(pk__in=broken)))
    return broken


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day if it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _default_end(circle: Circle, starts_on: date) -> date | None:
    if circle.mandate_months:
        return add_months(starts_on, circle.mandate_months)
    return None


@transaction.atomic
def appoint(
    *,
    actor: Actor,
    circle: Circle,
    role: str,
    person: Person | None = None,
    organization: Organization | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    source: str = "appointment",
    confirm_break: bool = False,
) -> Mandate:
    """Give someone a seat. A new leader replaces the current one."""
    network = circle.network
    require(actor, Action.MANAGE_GOVERNANCE, network)
    if role not in MandateRole.values:
        raise ValidationError({"role": _("%(value)s is not a role in a circle.") % {"value": role}})
    if (person is None) == (organization is None):
        raise ValidationError({"person": _("Name either a person or an organization.")})
    if person is not None and person.network_id != network.pk:
        raise ValidationError({"person": _("That person is not in this network.")})
    if organization is not None:
        if organization.network_id != network.pk:
            raise ValidationError(
                {"organization": _("The organization belongs to another network.")}
            )
        if circle.member_kind != MemberKind.ORGANIZATIONS:
            raise ValidationError({"organization": _("This circle's members are people.")})
    holder = Q(person=person) if person is not None else Q(organization=organization)
    if circle.mandates.current().filter(holder).filter(role=role).exists():
        raise ValidationError({"role": _("They already hold this seat.")})
    starts_on = starts_on or timezone.localdate()
    ends_on = ends_on or _default_end(circle, starts_on)
    if ends_on is not None and ends_on <= starts_on:
        raise ValidationError({"ends_on": _("A mandate must end after it starts.")})
    before = _seats(network)
    if role == MandateRole.LEADER:
        circle.mandates.current().filter(role=MandateRole.LEADER).update(ended_on=starts_on)
    mandate = Mandate.objects.create(
        circle=circle,
        person=person,
        organization=organization,
        role=role,
        starts_on=starts_on,
        ends_on=ends_on,
        source=source,
    )
    _guard_links(network, before, confirm_break)
    record(
        actor=actor,
        action=AuditEvent.MANDATE_APPOINT,
        target=mandate,
        network=network,
        data={"circle": circle.pk, "role": role, "source": source},
    )
    return mandate


@transaction.atomic
def end_mandate(
    *, actor: Actor, mandate: Mandate, on: date | None = None, confirm_break: bool = False
) -> Mandate:
    network = mandate.circle.network
    require(actor, Action.MANAGE_GOVERNANCE, network)
    if mandate.ended_on is not None:
        raise ValidationError({"mandate": _("This mandate has ended already.")})
    before = _seats(network)
    mandate.ended_on = on or timezone.localdate()
    mandate.save(update_fields=["ended_on"])
    broken = _guard_links(network, before, confirm_break)
    record(
        actor=actor,
        action=AuditEvent.MANDATE_END,
        target=mandate,
        network=network,
        data={"broke_links_of": broken},
    )
    return mandate


@transaction.atomic
def renew_mandate(*, actor: Actor, mandate: Mandate) -> Mandate:
    """A new mandate continuing the old one, if the circle's renewal rule allows it."""
    circle = mandate.circle
    require(actor, Action.MANAGE_GOVERNANCE, circle.network)
    if mandate.ended_on is not None:
        raise ValidationError({"mandate": _("This mandate has ended already.")})
    if not circle.renewable:
        raise ValidationError(
            {"mandate": _("Mandates of %(circle)s cannot be renewed.") % {"circle": circle}}
        )
    if circle.max_renewals is not None and mandate.renewals >= circle.max_renewals:
        raise ValidationError(
            {
                "mandate": _("This mandate was renewed %(count)s times, the most allowed.")
                % {"count": mandate.renewals}
            }
        )
    starts_on = mandate.ends_on or timezone.localdate()
    mandate.ended_on = starts_on
    mandate.save(update_fields=["ended_on"])
    renewed = Mandate.objects.create(
        circle=circle,
        person=mandate.person,
        organization=mandate.organization,
        role=mandate.role,
        starts_on=starts_on,
        ends_on=_default_end(circle, starts_on),
        renewals=mandate.renewals + 1,
        source="renewal",
    )
    record(actor=actor, action=AuditEvent.MANDATE_RENEW, target=renewed, network=circle.network)
    return renewed
