"""Read-side queries of governance: lists and figures derived from many rows (the
structure's double links, mandates, proposals). What one object answers about itself
stays on its model (`proposal.voter_for(user)`, `mandate.is_current()`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, TruncQuarter
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from minga.core.models import Network, Person, choice_labels
from minga.governance import decision_rules as rules
from minga.governance import linkage
from minga.governance.models import (
    DECIDED_BY_CHOICES,
    POSITION_CHOICES,
    RESULT_CHOICES,
    RULE_CHOICES,
    Circle,
    CircleKind,
    Election,
    Mandate,
    MandateQuerySet,
    Nomination,
    Objection,
    Position,
    Proposal,
    ProposalState,
    VotingUnit,
)


def linked_parents(
    network: Network, circles: Iterable[tuple[int, int | None, str]] | None = None
) -> dict[int, int | None]:
    """Each circle's parent where double linkage applies: between circles of the
    horizontal model. Working groups report to the coordination body instead. `circles`:
    the network's (pk, parent id, kind), when the caller has read them already."""
    if circles is None:
        circles = network.circles.values_list("pk", "parent_id", "kind")
    return {pk: parent if kind == CircleKind.CIRCLE else None for pk, parent, kind in circles}


def current_seats(network: Network) -> list[linkage.Seat]:
    return [
        linkage.Seat(circle_id, person_id, role)
        for circle_id, person_id, role in Mandate.objects.current()
        .filter(circle__network=network, person__isnull=False)
        .values_list("circle_id", "person_id", "role")
    ]


def link_problems(
    network: Network, circles: Iterable[tuple[int, int | None, str]] | None = None
) -> dict[int, list[str]]:
    """Double-linkage problems of every circle of the network that has a parent
    (`circles`: as `linked_parents` takes them)."""
    found = linkage.link_problems(linked_parents(network, circles), current_seats(network))
    return {circle: [str(p) for p in problems] for circle, problems in found.items()}


def links_broken_by_ending(mandate: Mandate) -> list[Circle]:
    """The circles whose double link holds now and would not once this mandate ends."""
    network = mandate.circle.network
    before = current_seats(network)
    after = list(before)
    if mandate.person_id is not None:
        seat = linkage.Seat(mandate.circle_id, mandate.person_id, mandate.role)
        if seat in after:
            after.remove(seat)
    broken = linkage.broken_by(linked_parents(network), before, after)
    return list(network.circles.filter(pk__in=broken)) if broken else []


def people_who_may_vote(proposal: Proposal) -> list[Person]:
    """Everyone who may take a position on the proposal, themself or for their
    organization, and has an address to be told at."""
    if proposal.voting_unit == VotingUnit.PERSON:
        people = proposal.eligible_people()
    else:
        people = proposal.network.people.filter(organization__in=proposal.eligible_organizations())
    return list(people.select_related("user").exclude(user__email=""))


def mandates(network: Network, *, current: bool | None = None) -> MandateQuerySet:
    """The network's mandates, current, past or both, ready to show with their holders."""
    rows = Mandate.objects.filter(circle__network=network).select_related(
        "circle__network", "person__user", "organization"
    )
    if current is True:
        return rows.current()
    if current is False:
        return rows.past()
    return rows


def current_mandates_by_circle(network: Network) -> dict[int, list[Mandate]]:
    """Current mandates by circle id (circles nobody sits in are left out)."""
    seated: dict[int, list[Mandate]] = {}
    for mandate in mandates(network, current=True):
        seated.setdefault(mandate.circle_id, []).append(mandate)
    return seated


def circle_current_mandates(circle: Circle) -> MandateQuerySet:
    """A circle's current mandates with their holders, by role then seniority (page it)."""
    return (
        circle.mandates.current()
        .select_related("person__user", "organization")
        .order_by("role", "starts_on", "pk")
    )


def circle_past_mandates(circle: Circle) -> MandateQuerySet:
    """A circle's ended mandates with their holders, the latest ended first."""
    return (
        circle.mandates.past()
        .select_related("person__user", "organization")
        .order_by("-ended_on", "-pk")
    )


def circle_children(circle: Circle) -> QuerySet[Circle]:
    """The circles that report to this one, ready to link to."""
    return circle.children.select_related("network")


def circle_elections(circle: Circle) -> QuerySet[Election]:
    return circle.elections.prefetch_related(
        Prefetch("nominations", queryset=Nomination.objects.select_related("nominee__user"))
    )


def proposals(
    network: Network, *, state: str | None = None, circle: int | None = None
) -> QuerySet[Proposal]:
    """The network's proposals, newest first, optionally of one state or one circle."""
    rows = network.proposals.select_related("circle").order_by("-created_at", "-pk")
    if state:
        rows = rows.filter(state=state)
    if circle is not None:
        rows = rows.filter(circle_id=circle)
    return rows


# What a list of proposals reads of each (the step's page, the list of all of them).
PROPOSAL_LINE_FIELDS = (
    "pk",
    "title",
    "rule",
    "circle__name",
    "secret",
    "outcome",
    "decided_by",
    "closes_at",
)


def proposal_rows(network: Network, *, state: str) -> QuerySet[Proposal, dict[str, Any]]:
    """The network's proposals of one state, newest first, as the values `proposal_lines`
    takes (page or slice them first)."""
    rows: QuerySet[Proposal, dict[str, Any]] = proposals(network, state=state).values(
        *PROPOSAL_LINE_FIELDS
    )
    return rows


def proposal_lines(network: Network, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """`proposal_rows` (a page of them) as a list shows them: a link, labels
    in the reader's language, the closing time in the reader's format. Values, not model
    objects: the governance page lists 30, and they were two thirds of its time."""
    rules_ = choice_labels(RULE_CHOICES)
    outcomes = choice_labels(RESULT_CHOICES)
    deciders = choice_labels(DECIDED_BY_CHOICES)
    return [
        {
            "url": reverse("proposal_detail", args=[network.slug, row["pk"]]),
            "title": row["title"],
            "rule": rules_.get(row["rule"], row["rule"]),
            "circle": row["circle__name"],
            "secret": row["secret"],
            "outcome": row["outcome"],
            "outcome_label": outcomes.get(row["outcome"], row["outcome"]),
            "decided_by": deciders.get(row["decided_by"], row["decided_by"]),
            "closes": date_format(localtime(row["closes_at"]), "SHORT_DATETIME_FORMAT")
            if row["closes_at"]
            else "",
        }
        for row in rows
    ]


@dataclass(frozen=True)
class Turnout:
    """How many took a position, out of how many who could, and how many the quorum
    needs (None without a quorum)."""

    taken: int
    eligible: int
    needed: int | None

    @property
    def met(self) -> bool:
        return self.needed is None or self.taken >= self.needed


def turnout(proposal: Proposal, tally: rules.Tally | None = None) -> Turnout:
    """A proposal's turnout against its quorum: the eligible as counted when it closed,
    or as they are now while it is open."""
    tally = tally if tally is not None else proposal.current_tally()
    eligible = (
        proposal.eligible_count
        if proposal.eligible_count is not None
        else proposal.eligible_total()
    )
    return Turnout(tally.taken, eligible, rules.quorum_needed(eligible, proposal.quorum))


@dataclass(frozen=True)
class OutcomeRow:
    """A proposal in the outcomes export: its tally and turnout once closed (None while
    open, when a secret proposal's count is not known yet)."""

    proposal: Proposal
    tally: rules.Tally | None
    turnout: Turnout | None


def proposal_outcomes(network: Network) -> list[OutcomeRow]:
    """Every proposal of the network, oldest first, with what closing it counted: read
    from the closed proposal's own row, so one query however many there are."""
    rows = []
    for proposal in network.proposals.order_by("created_at", "pk"):
        if proposal.state == ProposalState.CLOSED and proposal.tally is not None:
            tally = rules.Tally(**proposal.tally)
            eligible = proposal.eligible_count or 0
            counted = Turnout(tally.taken, eligible, rules.quorum_needed(eligible, proposal.quorum))
            rows.append(OutcomeRow(proposal, tally, counted))
        else:
            rows.append(OutcomeRow(proposal, None, None))
    return rows


@dataclass(frozen=True)
class CircleRow:
    """A circle as the structure's list shows it beside the diagram."""

    circle: Circle
    leaders: list[str]  # their holders' names
    delegates: list[str]
    problems: list[str]


# A mandate's holder named without model objects: a person (see `_person_name`) or else an
# organization.
HOLDER_NAME_VALUES = (
    "person__user__first_name",
    "person__user__last_name",
    "person__user__username",
    "organization__name",
)


def structure(network: Network) -> list[CircleRow]:
    """Each circle with its parent, the names of its current leaders and delegates, and what
    is wrong with its double link: the diagram's content as text. Three plain queries (the
    circles with their parents from the same list, the seats as values): the page is read
    often and its joins of five tables were a third of its time."""
    circles = list(network.circles.all())
    by_pk = {circle.pk: circle for circle in circles}
    for circle in circles:
        circle.network = network
        if circle.parent_id in by_pk:
            circle.parent = by_pk[circle.parent_id]
    # Only the seats the list names: a body may seat thousands of members.
    named: dict[tuple[int, str], list[str]] = {}
    for row in (
        Mandate.objects.current()
        .filter(circle__network=network, role__in=("leader", "delegate"))
        .values("circle_id", "role", "person_id", *HOLDER_NAME_VALUES)
    ):
        holder = _person_name(row, "person") if row["person_id"] else row["organization__name"]
        named.setdefault((row["circle_id"], row["role"]), []).append(holder)
    problems = link_problems(network, [(c.pk, c.parent_id, c.kind) for c in circles])
    return [
        CircleRow(
            circle=circle,
            leaders=named.get((circle.pk, "leader"), []),
            delegates=named.get((circle.pk, "delegate"), []),
            problems=problems.get(circle.pk, []),
        )
        for circle in circles
    ]


# A proposal's positions, objections and discussion as plain rows ------------------------------

# What a position row carries: enough to name its voter without building a model object.
POSITION_VALUES = (
    "voter_person_id",
    "voter_organization_id",
    "voter_person__user__username",
    "voter_person__user__first_name",
    "voter_person__user__last_name",
    "voter_organization__name",
    "position",
    "reason",
    "updated_at",
)


def _person_name(row: dict[str, Any], prefix: str) -> str:
    """A person's name as `str(person)` gives it: the full name, or else the user name."""
    first = row[f"{prefix}__user__first_name"] or ""
    last = row[f"{prefix}__user__last_name"] or ""
    return f"{first} {last}".strip() or row[f"{prefix}__user__username"] or ""


def position_rows(proposal: Proposal) -> QuerySet[Position, Any]:
    """The proposal's positions, in the order they were last changed, as rows (dicts) for
    `position_out` (slice it to page it)."""
    rows: QuerySet[Position, Any] = proposal.positions.order_by("updated_at", "pk").values(
        *POSITION_VALUES
    )
    return rows


def position_out(row: dict[str, Any]) -> dict[str, Any]:
    """A position row as the API shows it: who (person or organization), and what."""
    person = row["voter_person_id"]
    return {
        "voter_type": "person" if person else "organization",
        "voter_id": person or row["voter_organization_id"],
        "voter": _person_name(row, "voter_person")
        if person
        else row["voter_organization__name"] or "",
        "position": row["position"],
        "reason": row["reason"],
        "updated_at": row["updated_at"],
    }


def position_lines(rows: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """Position rows as a proposal's page lists them: who, the position (its value, and its
    label in the reader's language), and the reason."""
    labels = choice_labels(POSITION_CHOICES)
    return [
        {
            "voter": line["voter"],
            "value": line["position"],
            "position": labels.get(line["position"], line["position"]),
            "reason": line["reason"],
        }
        for line in map(position_out, rows)
    ]


def objection_rows(proposal: Proposal) -> QuerySet[Objection, Any]:
    return proposal.objections.values(
        "pk",
        "reason",
        "status",
        "raised_at",
        "resolved_at",
        "resolution",
        "voter_person_id",
        "voter_person__user__username",
        "voter_person__user__first_name",
        "voter_person__user__last_name",
        "voter_organization__name",
    )


def objection_voter(row: dict[str, Any]) -> str | None:
    """Who raised the objection (None once a secret proposal closed and unlinked it)."""
    if row["voter_person_id"]:
        return _person_name(row, "voter_person") or None
    return row["voter_organization__name"] or None


def open_for(person: Person, limit: int = 10) -> list[Proposal]:
    """Open proposals on which this person takes a position (for themself or for the
    organization they represent) and has not taken one yet: what another step (the weekly
    digest) lists for them. Reads the network's open proposals, a handful at a time."""
    found = []
    open_proposals = (
        person.network.proposals.filter(state=ProposalState.OPEN)
        .select_related("circle", "network")
        .order_by("closes_at", "pk")[:100]
    )
    for proposal in open_proposals:
        voter = proposal.voter_for(person.user)
        if voter is None:
            continue
        taken = proposal.positions.filter(
            Q(voter_person=voter) if isinstance(voter, Person) else Q(voter_organization=voter)
        ).exists()
        if not taken:
            found.append(proposal)
        if len(found) >= limit:
            break
    return found


def positions_by_quarter(organization_ids: list[int], since: Any) -> dict[tuple[int, Any], int]:
    """{(organization id, quarter's first day): positions taken} since `since`, for the
    organizations given (a page of them): what another step (communication's engagement
    view) reads. A position counts for the organization it spoke for, or for its person's."""
    rows = (
        Position.objects.filter(updated_at__gte=since)
        .filter(
            Q(voter_organization_id__in=organization_ids)
            | Q(voter_person__organization_id__in=organization_ids)
        )
        .annotate(
            organization=Coalesce(F("voter_organization_id"), F("voter_person__organization_id"))
        )
        .annotate(quarter=TruncQuarter("updated_at"))
        .order_by()
        .values("organization", "quarter")
        .annotate(n=Count("pk"))
    )
    return {(row["organization"], row["quarter"].date()): row["n"] for row in rows}


def proposal_state(network: Network, pk: int) -> tuple[bool, str] | None:
    """(open, outcome) of the network's proposal `pk`, or None if it has none such: for an
    app that lets a proposal decide (planning's adoption of objectives)."""
    proposal = Proposal.objects.filter(network=network, pk=pk).first()
    return None if proposal is None else (proposal.is_open, proposal.outcome)
