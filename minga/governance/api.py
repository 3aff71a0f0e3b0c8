"""API of governance: proposals and positions (a stable contract), circles, mandates,
elections and the structure's double links."""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.renderers import JSONRenderer

from minga.core.access import acting_user as _user
from minga.core.access import get_network_for
from minga.core.models import Network
from minga.core.pagination import PageNumberPagination, SerializedPage
from minga.core.permissions import Action
from minga.core.schemas import Omittable
from minga.governance import actions, queries
from minga.governance import decision_rules as rules
from minga.governance.access import (
    circle_named,
    get_circle_for,
    get_election_for,
    get_mandate_for,
    get_objection_for,
    get_proposal_for,
    nomination_named,
    organization_named,
    person_named,
)
from minga.governance.models import Circle, Mandate, Proposal

router = Router(tags=["governance"])
T = TypeVar("T")


class Detail(Schema):
    detail: str


class LinkConflict(Schema):
    detail: str
    circles: list[int]


def _conflicts(call: Callable[[], T]) -> T | Status[Any]:
    """Closed proposals answer 409; so does a change that would break a double link
    until it is repeated with `"confirm": true`."""
    try:
        return call()
    except actions.ProposalClosed:
        return Status(409, {"detail": "This proposal is closed."})
    except actions.LinkWouldBreak as exc:
        return Status(409, {"detail": exc.messages[0], "circles": [c.pk for c in exc.circles]})


# Proposals ----------------------------------------------------------------------------------

RuleName = Literal["consent", "consensus_then_supermajority", "majority"]
PositionName = Literal["agree", "disagree", "abstain", "object"]


class ProposalIn(Schema):
    title: str = Field(max_length=200)
    body: str
    rule: RuleName
    matter: Literal["strategic", "operational"] = "strategic"
    circle: int | None = None
    voting_unit: Literal["organization", "person"] = "organization"
    secret: bool = False
    closes_at: datetime | None = None
    quorum: float | None = Field(default=None, ge=0, le=1)


class TallyOut(Schema):
    agree: int
    disagree: int
    abstain: int
    object: int


class VoterPosition(Schema):
    voter_type: str
    voter_id: int
    voter: str
    position: str
    reason: str
    updated_at: datetime


class ObjectionOut(Schema):
    id: int
    reason: str
    status: str
    raised_at: datetime
    resolved_at: datetime | None
    resolution: str
    voter: str | None


class AmendmentOut(Schema):
    previous_text: str
    new_text: str
    note: str
    at: datetime


class CommentOut(Schema):
    author: str | None
    text: str
    at: datetime


class ProposalOut(Schema):
    id: int
    network: str
    circle: int | None
    title: str
    body: str
    rule: str
    matter: str
    voting_unit: str
    secret: bool
    closes_at: datetime | None
    quorum: float | None
    state: str
    proposer: str | None
    created_at: datetime
    closed_at: datetime | None
    eligible: int
    outcome: str | None
    decided_by: str | None
    tally: TallyOut | None
    # Added: how many took a position (with the tally, so not while a secret proposal is
    # open), and how many the quorum needs of the eligible (None without a quorum).
    turnout: int | None = None
    needed: int | None = None
    positions: list[VoterPosition] | None
    objections: list[ObjectionOut]
    amendments: list[AmendmentOut]
    comments: list[CommentOut]


def proposal_out(proposal: Proposal) -> dict[str, Any]:
    """The proposal as the API shows it: the tally only once allowed, and who took which
    position only when positions are not secret. Positions, objections, amendments and
    comments are read as rows (`.values()`), never built into model objects."""
    visible = proposal.results_visible()
    positions = None
    if visible and proposal.voters_visible():
        positions = [queries.position_out(row) for row in queries.position_rows(proposal)]
    objections = []
    if visible or not proposal.secret:
        objections = [
            {
                "id": o["pk"],
                "reason": o["reason"] if visible else "",
                "status": o["status"],
                "raised_at": o["raised_at"],
                "resolved_at": o["resolved_at"],
                "resolution": o["resolution"],
                "voter": None if proposal.secret else queries.objection_voter(o),
            }
            for o in queries.objection_rows(proposal)
        ]
    tally = proposal.current_tally() if visible else None
    counted = queries.turnout(proposal, tally or rules.Tally())
    return {
        "id": proposal.pk,
        "network": proposal.network.slug,
        "circle": proposal.circle_id,
        "title": proposal.title,
        "body": proposal.text,
        "rule": proposal.rule,
        "matter": proposal.matter,
        "voting_unit": proposal.voting_unit,
        "secret": proposal.secret,
        "closes_at": proposal.closes_at,
        "quorum": proposal.quorum,
        "state": proposal.state,
        "proposer": proposal.proposer.username if proposal.proposer else None,
        "created_at": proposal.created_at,
        "closed_at": proposal.closed_at,
        "eligible": counted.eligible,
        "outcome": proposal.outcome or None,
        "decided_by": proposal.decided_by or None,
        "tally": tally.as_dict() if tally is not None else None,
        "turnout": counted.taken if tally is not None else None,
        "needed": counted.needed,
        "positions": positions,
        "objections": objections,
        "amendments": list(proposal.amendments.values("previous_text", "new_text", "note", "at")),
        "comments": [
            {"author": c["author__username"], "text": c["text"], "at": c["at"]}
            for c in proposal.comments.values("author__username", "text", "at")
        ],
    }


class ProposalSummary(Schema):
    id: int
    title: str
    rule: str
    circle: int | None = Field(None, alias="circle_id")
    state: str
    secret: bool
    closes_at: datetime | None
    outcome: str | None = None
    decided_by: str | None = None


@router.get("/networks/{slug}/proposals", response=list[ProposalSummary])
@paginate(PageNumberPagination, page_size=50)
def list_proposals(
    request: HttpRequest, slug: str, state: str | None = None, circle: int | None = None
) -> QuerySet[Proposal]:
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    return queries.proposals(network, state=state, circle=circle)


@router.post("/networks/{slug}/proposals", response={201: ProposalOut})
def open_proposal(request: HttpRequest, slug: str, payload: ProposalIn) -> Status[dict[str, Any]]:
    network = get_network_for(request.user, slug, Action.PROPOSE)
    data = payload.dict()
    circle_id = data.pop("circle")
    circle = circle_named(network, circle_id, "circle") if circle_id is not None else None
    proposal = actions.open_proposal(
        actor=_user(request), network=network, text=data.pop("body"), circle=circle, **data
    )
    return Status(201, proposal_out(proposal))


def proposal_response(request: HttpRequest, data: dict[str, Any]) -> HttpResponse:
    """`proposal_out` as JSON. Everything but the positions is validated by `ProposalOut`
    as usual; the positions, already rows in `VoterPosition`'s shape, go straight to the
    API's renderer, since validating 10,000 of them one by one took most of the request's
    time (bench/scale.py)."""
    checked = ProposalOut.model_validate({**data, "positions": None}).model_dump()
    checked["positions"] = data["positions"]
    renderer = JSONRenderer()  # the API's own (a test compares the two)
    return HttpResponse(
        renderer.render(request, checked, response_status=200),
        content_type=f"{renderer.media_type}; charset={renderer.charset}",
    )


@router.get("/proposals/{pk}", response=ProposalOut)
def get_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    return proposal_response(request, proposal_out(get_proposal_for(request.user, pk)))


@router.get("/proposals/{pk}/positions", response=list[VoterPosition])
@paginate(PageNumberPagination, page_size=100)
def list_positions(request: HttpRequest, pk: int) -> Any:
    """The proposal's positions a page at a time, each as in the proposal's `positions`.
    Never for a secret proposal: who took which position is not shown, ever (403)."""
    proposal = get_proposal_for(request.user, pk)
    if not proposal.voters_visible():
        raise HttpError(403, "Positions on a secret proposal are never shown one by one.")
    return SerializedPage(queries.position_rows(proposal), queries.position_out)


class PositionIn(Schema):
    position: PositionName
    reason: str = ""


class PositionOut(Schema):
    position: str
    reason: str
    voter_type: str
    voter_id: int
    voter: str


@router.put("/proposals/{pk}/position", response={200: PositionOut, 409: Detail})
def take_position(request: HttpRequest, pk: int, payload: PositionIn) -> Any:
    proposal = get_proposal_for(request.user, pk)

    def call() -> dict[str, Any]:
        position = actions.take_position(
            actor=_user(request),
            proposal=proposal,
            position=payload.position,
            reason=payload.reason,
        )
        return {
            "position": position.position,
            "reason": position.reason,
            "voter_type": "person" if position.voter_person_id else "organization",
            "voter_id": position.voter_person_id or position.voter_organization_id,
            "voter": str(position.voter),
        }

    return _conflicts(call)


class CloseOut(Schema):
    outcome: str
    decided_by: str | None
    tally: TallyOut


@router.post("/proposals/{pk}/close", response={200: CloseOut, 409: Detail})
def close_proposal(request: HttpRequest, pk: int) -> Any:
    proposal = get_proposal_for(request.user, pk)

    def call() -> dict[str, Any]:
        outcome = actions.close_proposal(actor=_user(request), proposal=proposal)
        return {
            "outcome": outcome.result.value,
            "decided_by": outcome.decided_by.value if outcome.decided_by else None,
            "tally": outcome.tally.as_dict(),
        }

    return _conflicts(call)


class AmendIn(Schema):
    body: str
    note: str = ""


@router.post("/proposals/{pk}/amend", response={200: ProposalOut, 409: Detail})
def amend_proposal(request: HttpRequest, pk: int, payload: AmendIn) -> Any:
    proposal = get_proposal_for(request.user, pk)

    def call() -> dict[str, Any]:
        actions.amend_proposal(
            actor=_user(request), proposal=proposal, text=payload.body, note=payload.note
        )
        return proposal_out(get_proposal_for(request.user, pk))

    return _conflicts(call)


class WithdrawIn(Schema):
    position: Literal["agree", "disagree", "abstain"] = "agree"


@router.post(
    "/proposals/{pk}/objections/{objection_id}/withdraw", response={200: PositionOut, 409: Detail}
)
def withdraw_objection(
    request: HttpRequest, pk: int, objection_id: int, payload: WithdrawIn
) -> Any:
    proposal = get_proposal_for(request.user, pk)
    objection = get_objection_for(request.user, proposal, objection_id)

    def call() -> dict[str, Any]:
        position = actions.withdraw_objection(
            actor=_user(request), objection=objection, position=payload.position
        )
        return {
            "position": position.position,
            "reason": position.reason,
            "voter_type": "person" if position.voter_person_id else "organization",
            "voter_id": position.voter_person_id or position.voter_organization_id,
            "voter": str(position.voter),
        }

    return _conflicts(call)


class CommentIn(Schema):
    text: str


@router.post("/proposals/{pk}/comments", response={201: CommentOut})
def add_comment(request: HttpRequest, pk: int, payload: CommentIn) -> Status[dict[str, Any]]:
    proposal = get_proposal_for(request.user, pk)
    note = actions.comment(actor=_user(request), proposal=proposal, text=payload.text)
    return Status(
        201,
        {"author": note.author.username if note.author else None, "text": note.text, "at": note.at},
    )


# Structure: circles, the coordination body, mandates ----------------------------------------------


class CircleIn(Schema):
    kind: Literal["circle", "coordination_body", "working_group"]
    name: str = Field(max_length=150)
    parent: int | None = None
    objectives: str = ""
    activities: str = ""
    can_decide: bool = True
    can_execute: bool = True
    can_evaluate: bool = True
    member_kind: Literal["people", "organizations"] = "people"
    mandate_months: int | None = Field(default=None, ge=1)
    renewable: bool = True
    max_renewals: int | None = Field(default=None, ge=0)
    filled_by: Literal["election", "lot"] = "election"


class CirclePatch(Schema):
    name: Omittable[str] = None
    parent: int | None = None
    objectives: Omittable[str] = None
    activities: Omittable[str] = None
    can_decide: Omittable[bool] = None
    can_execute: Omittable[bool] = None
    can_evaluate: Omittable[bool] = None
    mandate_months: int | None = Field(default=None, ge=1)
    renewable: Omittable[bool] = None
    max_renewals: int | None = Field(default=None, ge=0)
    filled_by: Omittable[Literal["election", "lot"]] = None


class MandateOut(Schema):
    id: int
    circle: int = Field(alias="circle_id")
    role: str
    person: int | None = Field(None, alias="person_id")
    organization: int | None = Field(None, alias="organization_id")
    holder: str
    starts_on: date
    ends_on: date | None
    ended_on: date | None
    renewals: int
    source: str

    @staticmethod
    def resolve_holder(obj: Mandate) -> str:
        return str(obj.holder)


class CircleOut(Schema):
    id: int
    kind: str
    name: str
    parent: int | None = Field(None, alias="parent_id")
    objectives: str
    activities: str
    can_decide: bool
    can_execute: bool
    can_evaluate: bool
    member_kind: str
    mandate_months: int | None
    renewable: bool
    max_renewals: int | None
    filled_by: str


class StructureCircle(CircleOut):
    link_problems: list[str]
    mandates: list[MandateOut]


class StructureOut(Schema):
    model: str
    coordinating_organization: int | None
    circles: list[StructureCircle]


def _circle_data(payload: Schema, network: Network, partial: bool) -> dict[str, Any]:
    data = payload.dict(exclude_unset=partial)
    if data.get("parent") is not None:
        data["parent"] = circle_named(network, data["parent"], "parent")
    return data


@router.get("/networks/{slug}/governance", response=StructureOut)
def structure(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The bodies, their current mandates, and every double link that is missing."""
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    problems = queries.link_problems(network)
    current = queries.current_mandates_by_circle(network)
    return {
        "model": network.model,
        "coordinating_organization": network.coordinating_organization_id,
        "circles": [
            {
                **CircleOut.from_orm(c).dict(),
                "link_problems": problems.get(c.pk, []),
                "mandates": current.get(c.pk, []),
            }
            for c in network.circles.all()
        ],
    }


@router.get("/networks/{slug}/circles", response=list[CircleOut])
def list_circles(request: HttpRequest, slug: str) -> QuerySet[Circle]:
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    return network.circles.all()


@router.post("/networks/{slug}/circles", response={201: CircleOut})
def create_circle(request: HttpRequest, slug: str, payload: CircleIn) -> Status[Circle]:
    network = get_network_for(request.user, slug, Action.MANAGE_GOVERNANCE)
    data = _circle_data(payload, network, partial=False)
    return Status(201, actions.create_circle(actor=_user(request), network=network, **data))


@router.get("/networks/{slug}/circles/{pk}", response=CircleOut)
def get_circle(request: HttpRequest, slug: str, pk: int) -> Circle:
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    return get_circle_for(request.user, network, pk)


@router.patch("/networks/{slug}/circles/{pk}", response=CircleOut)
def update_circle(request: HttpRequest, slug: str, pk: int, payload: CirclePatch) -> Circle:
    network = get_network_for(request.user, slug, Action.MANAGE_GOVERNANCE)
    circle = get_circle_for(request.user, network, pk)
    data = _circle_data(payload, network, partial=True)
    return actions.update_circle(actor=_user(request), circle=circle, **data)


class MandateIn(Schema):
    role: Literal["leader", "delegate", "member"]
    person: int | None = None
    organization: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    confirm: bool = Field(default=False, description="Go ahead even if a double link breaks.")


@router.post(
    "/networks/{slug}/circles/{pk}/mandates", response={201: MandateOut, 409: LinkConflict}
)
def appoint(request: HttpRequest, slug: str, pk: int, payload: MandateIn) -> Any:
    network = get_network_for(request.user, slug, Action.MANAGE_GOVERNANCE)
    circle = get_circle_for(request.user, network, pk)
    person = person_named(network, payload.person, "person") if payload.person else None
    organization = (
        organization_named(network, payload.organization, "organization")
        if payload.organization
        else None
    )
    return _conflicts(
        lambda: Status(
            201,
            actions.appoint(
                actor=_user(request),
                circle=circle,
                role=payload.role,
                person=person,
                organization=organization,
                starts_on=payload.starts_on,
                ends_on=payload.ends_on,
                confirm_break=payload.confirm,
            ),
        )
    )


@router.get("/networks/{slug}/mandates", response=list[MandateOut])
@paginate(PageNumberPagination, page_size=100)
def list_mandates(
    request: HttpRequest, slug: str, current: bool | None = None
) -> QuerySet[Mandate]:
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    return queries.mandates(network, current=current)


class EndIn(Schema):
    on: date | None = None
    confirm: bool = False


@router.post("/networks/{slug}/mandates/{pk}/end", response={200: MandateOut, 409: LinkConflict})
def end_mandate(request: HttpRequest, slug: str, pk: int, payload: EndIn) -> Any:
    network = get_network_for(request.user, slug, Action.MANAGE_GOVERNANCE)
    mandate = get_mandate_for(request.user, network, pk)
    return _conflicts(
        lambda: actions.end_mandate(
            actor=_user(request), mandate=mandate, on=payload.on, confirm_break=payload.confirm
        )
    )


@router.post("/networks/{slug}/mandates/{pk}/renew", response={201: MandateOut})
def renew_mandate(request: HttpRequest, slug: str, pk: int) -> Status[Mandate]:
    network = get_network_for(request.user, slug, Action.MANAGE_GOVERNANCE)
    mandate = get_mandate_for(request.user, network, pk)
    return Status(201, actions.renew_mandate(actor=_user(request), mandate=mandate))


# Open elections by consent -----------------------------------------------------------------------


class ElectionIn(Schema):
    role: Literal["leader", "delegate"] = "leader"


class NominationOut(Schema):
    id: int
    nominee: int = Field(alias="nominee_id")
    reason: str


class ElectionOut(Schema):
    id: int
    circle: int = Field(alias="circle_id")
    role: str
    state: str
    nominations: list[NominationOut]

    @staticmethod
    def resolve_nominations(obj: Any) -> Any:
        return list(obj.nominations.all())


@router.post("/networks/{slug}/circles/{pk}/elections", response={201: ElectionOut})
def open_election(request: HttpRequest, slug: str, pk: int, payload: ElectionIn) -> Status[Any]:
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    circle = get_circle_for(request.user, network, pk)
    return Status(
        201, actions.open_election(actor=_user(request), circle=circle, role=payload.role)
    )


class NominationIn(Schema):
    nominee: int
    reason: str


@router.post("/networks/{slug}/elections/{pk}/nominations", response={201: NominationOut})
def nominate(request: HttpRequest, slug: str, pk: int, payload: NominationIn) -> Status[Any]:
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    election = get_election_for(request.user, network, pk)
    nominee = person_named(network, payload.nominee, "nominee")
    return Status(
        201,
        actions.nominate(
            actor=_user(request), election=election, nominee=nominee, reason=payload.reason
        ),
    )


class ConsentRoundIn(Schema):
    nomination: int
    closes_at: datetime | None = None


@router.post("/networks/{slug}/elections/{pk}/consent-round", response={201: ProposalOut})
def start_consent_round(
    request: HttpRequest, slug: str, pk: int, payload: ConsentRoundIn
) -> Status[dict[str, Any]]:
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    election = get_election_for(request.user, network, pk)
    nomination = nomination_named(election, payload.nomination, "nomination")
    proposal = actions.start_consent_round(
        actor=_user(request), nomination=nomination, closes_at=payload.closes_at
    )
    return Status(201, proposal_out(proposal))
