"""Who may do what in a network: the one place where network roles are checked.

Every public action checks its actor with `require(actor, action, network)`; views and
the API ask `can(user, action, network)` to decide what to show (usually through the
access helpers in each app's `access.py`). Later apps add their actions here, so the
whole role × action matrix stays readable in one file.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, TypeAlias

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from minga.core.models import Network, User


class RoleName(models.TextChoices):
    """A person's roles in a network (stored on `Role`); defined here, beside the matrix."""

    MEMBER = "member", _("Member representative")
    COORDINATOR = "coordinator", _("Coordinator")
    TREASURER = "treasurer", _("Treasurer")
    PROTOCOL = "protocol", _("Protocol officer")


# Anyone who is a person of the network, whatever their roles.
PERSON = "person"
MEMBER = RoleName.MEMBER.value
COORDINATOR = RoleName.COORDINATOR.value
TREASURER = RoleName.TREASURER.value
PROTOCOL = RoleName.PROTOCOL.value


class SystemActor:
    """Minga itself: a command run without `--as`, a periodic job, the demo loader.

    It passes every check except the protocol team's confidential contents, and the
    audit log records it as the system, not as an anonymous visitor."""

    is_authenticated: Final = False
    is_superuser: Final = False
    is_anonymous: Final = False
    pk = None

    def __str__(self) -> str:
        return "system"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = SystemActor()

# Who an action acts for: a signed-in person, or Minga itself.
Actor: TypeAlias = "User | SystemActor"


class Action(StrEnum):
    VIEW_NETWORK = "view_network"
    CHANGE_NETWORK = "change_network"
    SET_STEP_STATE = "set_step_state"
    VIEW_ORGANIZATIONS = "view_organizations"
    MANAGE_ORGANIZATIONS = "manage_organizations"
    VIEW_PEOPLE = "view_people"
    MANAGE_PEOPLE = "manage_people"
    VIEW_AUDIT = "view_audit"
    # The violence-prevention protocol: reporting (anyone in the network), what a case
    # says (its officers only), that cases exist with their states and dates (coordinators
    # too), the set-up (coordinators), the anonymous statistics (everyone).
    REPORT = "report"
    READ_PROTOCOL_CASES = "read_protocol_cases"
    VIEW_PROTOCOL_CASES = "view_protocol_cases"
    MANAGE_PROTOCOL = "manage_protocol"
    VIEW_PROTOCOL_STATISTICS = "view_protocol_statistics"
    # Reach: the charter, the audience's criteria and the action plan.
    MANAGE_CHARTER = "manage_charter"
    # Membership: plans, applications, the code of ethics, the dues ledger.
    MANAGE_MEMBERSHIP = "manage_membership"
    APPLY = "apply"
    SIGN_CODE = "sign_code"
    VIEW_DUES = "view_dues"
    MANAGE_DUES = "manage_dues"
    # Governance: the structure (circles, coordination body, mandates) and proposals.
    VIEW_GOVERNANCE = "view_governance"
    MANAGE_GOVERNANCE = "manage_governance"
    PROPOSE = "propose"
    CLOSE_PROPOSALS = "close_proposals"
    # Sortition: draws by lot for a body's seats or a panel.
    VIEW_DRAWS = "view_draws"
    MANAGE_DRAWS = "manage_draws"
    # Mapping: survey reports and the directory's matches; importing and editing surveys.
    VIEW_SURVEYS = "view_surveys"
    MANAGE_SURVEYS = "manage_surveys"
    # Financing: the calls, matches, joint applications and the gap in figures (everyone);
    # the catalogue, needs, the plan and the survey link (coordinators and the treasurer);
    # an organization's own funding (its representatives, checked per object); joint
    # applications (anyone for their own organization, checked per object).
    VIEW_FUNDING = "view_funding"
    MANAGE_FUNDING = "manage_funding"
    RECORD_FUNDING_ACCESS = "record_funding_access"
    APPLY_FOR_FUNDING = "apply_for_funding"
    # Communication: meetings and workshops, registering for them, working groups (their
    # leads manage their own group and its events, checked per object).
    VIEW_EVENTS = "view_events"
    MANAGE_EVENTS = "manage_events"
    # Planning: everyone in the network sees the plan, adds and rates trends, adds SWOT
    # notes and objectives, and casts their organization's ballot (checked per object);
    # coordinators keep the basis, run prioritizations and adopt, and set up projects,
    # whose responsible and referents record progress (checked per object).
    VIEW_PLANNING = "view_planning"
    CONTRIBUTE_PLANNING = "contribute_planning"
    MANAGE_PLANNING = "manage_planning"


MATRIX: dict[Action, frozenset[str]] = {
    Action.VIEW_NETWORK: frozenset({PERSON}),
    Action.CHANGE_NETWORK: frozenset({COORDINATOR}),
    Action.SET_STEP_STATE: frozenset({COORDINATOR}),
    Action.VIEW_ORGANIZATIONS: frozenset({PERSON}),
    Action.MANAGE_ORGANIZATIONS: frozenset({COORDINATOR}),
    Action.VIEW_PEOPLE: frozenset({PERSON}),
    Action.MANAGE_PEOPLE: frozenset({COORDINATOR}),
    Action.VIEW_AUDIT: frozenset({COORDINATOR}),
    Action.REPORT: frozenset({PERSON}),
    Action.READ_PROTOCOL_CASES: frozenset({PROTOCOL}),
    Action.VIEW_PROTOCOL_CASES: frozenset({PROTOCOL, COORDINATOR}),
    Action.MANAGE_PROTOCOL: frozenset({COORDINATOR}),
    Action.VIEW_PROTOCOL_STATISTICS: frozenset({PERSON}),
    Action.MANAGE_CHARTER: frozenset({COORDINATOR}),
    Action.MANAGE_MEMBERSHIP: frozenset({COORDINATOR}),
    Action.APPLY: frozenset({PERSON}),
    # Signing is for member representatives (checked: they must represent an organization).
    Action.SIGN_CODE: frozenset({MEMBER, COORDINATOR, TREASURER, PROTOCOL}),
    # Every organization's dues: the treasurer manages them, coordinators see them. A
    # member representative sees their own organization's only (checked per object).
    Action.VIEW_DUES: frozenset({TREASURER, COORDINATOR}),
    Action.MANAGE_DUES: frozenset({TREASURER}),
    Action.VIEW_GOVERNANCE: frozenset({PERSON}),
    Action.MANAGE_GOVERNANCE: frozenset({COORDINATOR}),
    Action.PROPOSE: frozenset({PERSON}),
    # A circle's leader may also close its proposals (checked on the proposal).
    Action.CLOSE_PROPOSALS: frozenset({COORDINATOR}),
    Action.VIEW_DRAWS: frozenset({PERSON}),
    Action.MANAGE_DRAWS: frozenset({COORDINATOR}),
    Action.VIEW_SURVEYS: frozenset({PERSON}),
    Action.MANAGE_SURVEYS: frozenset({COORDINATOR}),
    Action.VIEW_FUNDING: frozenset({PERSON}),
    Action.MANAGE_FUNDING: frozenset({COORDINATOR, TREASURER}),
    Action.RECORD_FUNDING_ACCESS: frozenset({PERSON}),
    Action.APPLY_FOR_FUNDING: frozenset({PERSON}),
    Action.VIEW_EVENTS: frozenset({PERSON}),
    Action.MANAGE_EVENTS: frozenset({COORDINATOR}),
    Action.VIEW_PLANNING: frozenset({PERSON}),
    Action.CONTRIBUTE_PLANNING: frozenset({PERSON}),
    Action.MANAGE_PLANNING: frozenset({COORDINATOR}),
}

# Platform administrators administer every network, except what only the protocol
# team may read: confidentiality there must hold against administrators too.
# The protocol's contents, and its set-up (whose recovery key opens every case).
NOT_FOR_ADMINISTRATORS = frozenset({Action.READ_PROTOCOL_CASES, Action.MANAGE_PROTOCOL})


def roles_in(user: Any, network: Network) -> frozenset[str]:
    """The user's roles in the network, plus PERSON if they belong to it at all."""
    if not user.is_authenticated:
        return frozenset()
    cache: dict[int, frozenset[str]] = user.__dict__.setdefault("_minga_roles", {})
    if network.pk not in cache:
        from minga.core.models import Role

        names = set(
            Role.objects.filter(person__network=network, person__user=user).values_list(
                "name", flat=True
            )
        )
        if names or network.people.filter(user=user).exists():
            names.add(PERSON)
        cache[network.pk] = frozenset(names)
    return cache[network.pk]


def remember_roles(user: Any, network: Network, names: Iterable[str], is_person: bool) -> None:
    """What `roles_in` would find, read by a query the caller made anyway (the network's
    own, in `access.get_network_for`)."""
    roles = set(names)
    if roles or is_person:
        roles.add(PERSON)
    user.__dict__.setdefault("_minga_roles", {})[network.pk] = frozenset(roles)


def forget_roles(user: Any) -> None:
    """Drop the per-request cache after the user's roles changed."""
    user.__dict__.pop("_minga_roles", None)


def can(user: Any, action: Action, network: Network) -> bool:
    if user is SYSTEM:
        return action not in NOT_FOR_ADMINISTRATORS
    if user.is_authenticated and user.is_superuser and action not in NOT_FOR_ADMINISTRATORS:
        return True
    return bool(MATRIX[action] & roles_in(user, network))


def require(actor: Any, action: Action, network: Network) -> None:
    """The check every public action makes first: PermissionDenied unless `actor` may."""
    if not can(actor, action, network):
        raise PermissionDenied


def is_in_network(user: Any, network: Network) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or PERSON in roles_in(user, network)))
