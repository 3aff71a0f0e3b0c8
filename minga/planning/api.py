"""API of planning: the PESTEL trends and their ratings, the SWOT board (an edit names the
version it started from, and a stale one answers 409 with the item as it now reads), the
basis with its pillars and history, objectives and their prioritization by the member
organizations, programmatic projects with results, indicators and measurements (and their
import), the plan's progress, and the plan as one document.

Stored decimals (baselines, targets, measurements, a result's recorded progress) are decimal
strings; derived figures (a trend's mean probability and priority, rolled-up progress in
percent) are numbers rounded to two decimals; dates are ISO 8601."""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

import base64
import binascii
import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from minga.core.access import acting_user as _user
from minga.core.access import get_network_for
from minga.core.models import Network, Person
from minga.core.pagination import PageNumberPagination, SerializedPage
from minga.core.pdf import PdfUnavailable
from minga.core.permissions import Action
from minga.core.schemas import Omittable
from minga.planning import actions, priority, queries
from minga.planning.access import (
    get_indicator_for,
    get_measurement_for,
    get_objective_for,
    get_pillar_for,
    get_prioritization_for,
    get_project_for,
    get_result_for,
    get_swot_item_for,
    get_trend_for,
)
from minga.planning.measurements_file import MAX_VALUE
from minga.planning.models import (
    BASIS_TEXTS,
    BasisVersion,
    Impact,
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

router = Router(tags=["planning"])

VIEW, CONTRIBUTE, MANAGE = (
    Action.VIEW_PLANNING,
    Action.CONTRIBUTE_PLANNING,
    Action.MANAGE_PLANNING,
)

PestelCategoryName = Literal[
    "political", "economic", "social", "technological", "environmental", "legal"
]
ImpactName = Literal["high", "medium", "low"]
SwotQuadrantName = Literal["strength", "weakness", "opportunity", "threat"]
StakeholderName = Literal[
    "community", "external", "alliances", "funders", "public_institutions", "other"
]
ObjectiveStatusName = Literal["listed", "adopted", "set_aside"]
BallotMethodName = Literal["dots", "ranking"]
ResultKindName = Literal["intermediate", "final"]
LanguageName = Literal["es", "pt-br", "en"]

Weight = Annotated[int, Field(ge=1, le=100)]
DECIMAL_EXAMPLES = ["1250.50", "12"]


class PlanningDetail(Schema):
    detail: str


def _decimal(value: str, field: str) -> Decimal:
    """A decimal string, checked: within ±999 999 999 999.99, two decimals."""
    try:
        found = Decimal(value.strip())
    except (InvalidOperation, AttributeError) as exc:
        raise ValidationError({field: f"{value!r} is not a decimal number."}) from exc
    if not found.is_finite() or abs(found) > MAX_VALUE:
        raise ValidationError({field: f"{value!r} is not a decimal number up to 999999999999.99."})
    return found.quantize(Decimal("0.01"))


def _text_of(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _figure(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _person(person: Person | None) -> dict[str, Any] | None:
    return None if person is None else {"id": person.pk, "username": person.username}


def _aware(value: datetime.datetime, field: str) -> datetime.datetime:
    if value.tzinfo is None:
        raise ValidationError(
            {field: "Give the time with its offset, e.g. 2027-03-01T18:00-05:00."}
        )
    return value


def _file(content_base64: str) -> bytes:
    try:
        return base64.b64decode(content_base64, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise ValidationError({"content_base64": "Not base64."}) from exc


# PESTEL -----------------------------------------------------------------------------------


class PestelRatingIn(Schema):
    probability: int = Field(ge=1, le=5, description="1 (unlikely) to 5 (almost certain).")
    impact: ImpactName


class PestelRatingOut(Schema):
    probability: int
    impact: str


class PestelFactorIn(Schema):
    category: PestelCategoryName
    trend: str = Field(max_length=300)
    description: str = Field("", max_length=20_000)
    probability: int | None = Field(
        None, ge=1, le=5, description="With `impact`: the creator's own rating."
    )
    impact: ImpactName | None = None


class PestelFactorPatch(Schema):
    category: Omittable[PestelCategoryName] = None
    trend: Omittable[str] = Field(None, max_length=300)
    description: Omittable[str] = Field(None, max_length=20_000)


class PestelFactorOut(Schema):
    id: int
    category: str
    category_label: str
    trend: str
    description: str
    probability: float = Field(description="The mean of the ratings, 1 to 5 (0 unrated).")
    impact: str | None = Field(description="The level nearest the mean impact; null unrated.")
    impact_label: str | None
    impact_weight: float = Field(description="The mean impact weight: high 3, medium 2, low 1.")
    priority: float = Field(description="probability × impact weight; the list's order.")
    ratings: int
    my_rating: PestelRatingOut | None
    created_by: str | None


def factor_out(factor: PestelFactor, mine: dict[int, Any]) -> dict[str, Any]:
    rated = factor.ratings_count > 0
    level = priority.impact_level(factor.impact_weight) if rated else None
    rating = mine.get(factor.pk)
    return {
        "id": factor.pk,
        "category": factor.category,
        "category_label": factor.get_category_display(),
        "trend": factor.trend,
        "description": factor.description,
        "probability": round(factor.probability, 2),
        "impact": level,
        "impact_label": None if level is None else str(Impact(level).label),
        "impact_weight": round(factor.impact_weight, 2),
        "priority": round(factor.priority, 2),
        "ratings": factor.ratings_count,
        "my_rating": None
        if rating is None
        else {"probability": rating.probability, "impact": rating.impact},
        "created_by": factor.created_by.username if factor.created_by else None,
    }


def _one_factor(request: HttpRequest, network: Network, factor: PestelFactor) -> dict[str, Any]:
    factor = PestelFactor.objects.select_related("created_by").get(pk=factor.pk)
    return factor_out(factor, queries.my_ratings(network, queries.person_id(request.user, network)))


@router.get("/networks/{slug}/planning/pestel", response=list[PestelFactorOut])
@paginate(PageNumberPagination, page_size=100)
def list_trends(request: HttpRequest, slug: str, category: PestelCategoryName | None = None) -> Any:
    """The trends, highest priority first, each with the caller's own rating."""
    network = get_network_for(request.user, slug, VIEW)
    rows = queries.trends(network).select_related("created_by")
    if category:
        rows = rows.filter(category=category)
    mine = queries.my_ratings(network, queries.person_id(request.user, network))
    return SerializedPage(rows, lambda factor: factor_out(factor, mine))


@router.post("/networks/{slug}/planning/pestel", response={201: PestelFactorOut})
def add_trend(request: HttpRequest, slug: str, payload: PestelFactorIn) -> Status[dict[str, Any]]:
    network = get_network_for(request.user, slug, CONTRIBUTE)
    factor = actions.save_trend(actor=_user(request), network=network, **payload.dict())
    return Status(201, _one_factor(request, network, factor))


@router.get("/networks/{slug}/planning/pestel/{pk}", response=PestelFactorOut)
def get_trend(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    network = get_network_for(request.user, slug, VIEW)
    return _one_factor(request, network, get_trend_for(request.user, network, pk))


@router.patch("/networks/{slug}/planning/pestel/{pk}", response=PestelFactorOut)
def change_trend(
    request: HttpRequest, slug: str, pk: int, payload: PestelFactorPatch
) -> dict[str, Any]:
    """The author or a coordinator."""
    network = get_network_for(request.user, slug, CONTRIBUTE)
    factor = get_trend_for(request.user, network, pk, CONTRIBUTE)
    data = {
        "category": factor.category,
        "trend": factor.trend,
        "description": factor.description,
        **payload.dict(exclude_unset=True),
    }
    actions.save_trend(actor=_user(request), network=network, factor=factor, **data)
    return _one_factor(request, network, factor)


@router.delete("/networks/{slug}/planning/pestel/{pk}", response={204: None})
def delete_trend(request: HttpRequest, slug: str, pk: int) -> Status[None]:
    network = get_network_for(request.user, slug, CONTRIBUTE)
    factor = get_trend_for(request.user, network, pk, CONTRIBUTE)
    actions.delete_trend(actor=_user(request), factor=factor)
    return Status(204, None)


@router.put("/networks/{slug}/planning/pestel/{pk}/rating", response=PestelFactorOut)
def rate_trend(request: HttpRequest, slug: str, pk: int, payload: PestelRatingIn) -> dict[str, Any]:
    """The caller's rating; rating again replaces it."""
    network = get_network_for(request.user, slug, CONTRIBUTE)
    factor = get_trend_for(request.user, network, pk, CONTRIBUTE)
    actions.rate_trend(
        actor=_user(request), factor=factor, probability=payload.probability, impact=payload.impact
    )
    return _one_factor(request, network, factor)


# SWOT -------------------------------------------------------------------------------------


class SwotItemIn(Schema):
    quadrant: SwotQuadrantName
    text: str = Field(max_length=500)
    trends: list[int] = Field(
        default_factory=list,
        max_length=100,
        description="PESTEL trends informing an opportunity or a threat.",
    )


class SwotItemPatch(Schema):
    version: int = Field(ge=0, le=2_147_483_647, description="The version the edit started from.")
    text: Omittable[str] = Field(None, max_length=500)
    quadrant: Omittable[SwotQuadrantName] = None
    trends: Omittable[list[int]] = Field(None, max_length=100)


class SwotItemOut(Schema):
    id: int
    quadrant: str
    text: str
    version: int
    weight_total: int
    weights_count: int
    my_weight: int | None
    trends: list[int]
    updated_by: str | None
    updated_at: datetime.datetime


class SwotQuadrantsOut(Schema):
    strength: list[SwotItemOut]
    weakness: list[SwotItemOut]
    opportunity: list[SwotItemOut]
    threat: list[SwotItemOut]


class SwotBoardOut(Schema):
    quadrants: SwotQuadrantsOut
    stamp: str = Field(description="Changes whenever the board does: poll and compare.")


class SwotStampOut(Schema):
    stamp: str


class SwotConflictOut(Schema):
    detail: str
    current: SwotItemOut


class SwotWeightIn(Schema):
    weight: int = Field(ge=1, le=5)


class SwotFromConsultationIn(Schema):
    consultation: int = Field(description="A short-text consultation of the network.")
    quadrant: SwotQuadrantName


class SwotFromConsultationOut(Schema):
    added: int


def swot_out(item: SwotItem, weights: dict[int, int]) -> dict[str, Any]:
    return {
        "id": item.pk,
        "quadrant": item.quadrant,
        "text": item.text,
        "version": item.version,
        "weight_total": item.weight_total,
        "weights_count": item.weights_count,
        "my_weight": weights.get(item.pk),
        "trends": [trend.pk for trend in item.trends.all()],
        "updated_by": item.updated_by.username if item.updated_by else None,
        "updated_at": item.updated_at,
    }


def _one_item(request: HttpRequest, network: Network, item: SwotItem) -> dict[str, Any]:
    item = SwotItem.objects.select_related("updated_by").prefetch_related("trends").get(pk=item.pk)
    return swot_out(item, queries.my_weights(network, queries.person_id(request.user, network)))


@router.get("/networks/{slug}/planning/swot", response=SwotBoardOut)
def get_board(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The four quadrants, heaviest items first (at most 200 a quadrant)."""
    network = get_network_for(request.user, slug, VIEW)
    stamp = queries.board_stamp(network)
    weights = queries.my_weights(network, queries.person_id(request.user, network))
    return {
        "quadrants": {
            quadrant: [swot_out(item, weights) for item in items]
            for quadrant, _label, items in queries.board(network)
        },
        "stamp": stamp,
    }


@router.get("/networks/{slug}/planning/swot/stamp", response=SwotStampOut)
def get_board_stamp(request: HttpRequest, slug: str) -> dict[str, str]:
    """Cheap to poll: read the board again only when this changes."""
    network = get_network_for(request.user, slug, VIEW)
    return {"stamp": queries.board_stamp(network)}


@router.post("/networks/{slug}/planning/swot", response={201: SwotItemOut})
def add_swot_item(request: HttpRequest, slug: str, payload: SwotItemIn) -> Status[dict[str, Any]]:
    network = get_network_for(request.user, slug, CONTRIBUTE)
    item = actions.add_swot_item(actor=_user(request), network=network, **payload.dict())
    return Status(201, _one_item(request, network, item))


@router.post("/networks/{slug}/planning/swot/from-consultation", response=SwotFromConsultationOut)
def swot_from_consultation(
    request: HttpRequest, slug: str, payload: SwotFromConsultationIn
) -> dict[str, int]:
    """A short-text consultation's answers as items of one quadrant (not twice)."""
    network = get_network_for(request.user, slug, MANAGE)
    added = actions.swot_from_consultation(
        actor=_user(request),
        network=network,
        consultation=payload.consultation,
        quadrant=payload.quadrant,
    )
    return {"added": len(added)}


@router.get("/networks/{slug}/planning/swot/{pk}", response=SwotItemOut)
def get_swot_item(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    network = get_network_for(request.user, slug, VIEW)
    return _one_item(request, network, get_swot_item_for(request.user, network, pk))


@router.patch(
    "/networks/{slug}/planning/swot/{pk}", response={200: SwotItemOut, 409: SwotConflictOut}
)
def change_swot_item(request: HttpRequest, slug: str, pk: int, payload: SwotItemPatch) -> Any:
    """Anyone in the network edits the board, from the `version` they read: if the item
    changed since, 409 with the item as it now reads, and nothing is overwritten."""
    network = get_network_for(request.user, slug, CONTRIBUTE)
    item = get_swot_item_for(request.user, network, pk, CONTRIBUTE)
    try:
        actions.edit_swot_item(actor=_user(request), item=item, **payload.dict(exclude_unset=True))
    except actions.EditConflict as conflict:
        return Status(
            409,
            {
                "detail": conflict.messages[0],
                "current": _one_item(request, network, conflict.current),
            },
        )
    return _one_item(request, network, item)


@router.delete("/networks/{slug}/planning/swot/{pk}", response={204: None})
def delete_swot_item(request: HttpRequest, slug: str, pk: int) -> Status[None]:
    """The author or a coordinator."""
    network = get_network_for(request.user, slug, CONTRIBUTE)
    item = get_swot_item_for(request.user, network, pk, CONTRIBUTE)
    actions.delete_swot_item(actor=_user(request), item=item)
    return Status(204, None)


@router.put("/networks/{slug}/planning/swot/{pk}/weight", response=SwotItemOut)
def weigh_swot_item(
    request: HttpRequest, slug: str, pk: int, payload: SwotWeightIn
) -> dict[str, Any]:
    """How much the item weighs for the caller, 1 to 5; weighing again replaces it."""
    network = get_network_for(request.user, slug, CONTRIBUTE)
    item = get_swot_item_for(request.user, network, pk, CONTRIBUTE)
    actions.weigh_swot_item(actor=_user(request), item=item, weight=payload.weight)
    return _one_item(request, network, item)


# The basis of the network ---------------------------------------------------------------------


class PlanningBasisIn(Schema):
    mission: str = Field(max_length=10_000)
    vision: str = Field(max_length=10_000)
    purpose: str = Field(max_length=10_000)
    values: str = Field(max_length=10_000)


class PlanningBasisPatch(Schema):
    mission: Omittable[str] = Field(None, max_length=10_000)
    vision: Omittable[str] = Field(None, max_length=10_000)
    purpose: Omittable[str] = Field(None, max_length=10_000)
    values: Omittable[str] = Field(None, max_length=10_000)


class PlanningBasisTexts(Schema):
    mission: str
    vision: str
    purpose: str
    values: str


class PlanningPillarIn(Schema):
    name: str = Field(max_length=200)
    stakeholder: StakeholderName = "community"
    description: str = Field("", max_length=20_000)
    weight: Weight = 1
    order: int | None = Field(None, ge=0, le=32_767, description="Empty: after the others.")


class PlanningPillarPatch(Schema):
    name: Omittable[str] = Field(None, max_length=200)
    stakeholder: Omittable[StakeholderName] = None
    description: Omittable[str] = Field(None, max_length=20_000)
    weight: Omittable[Weight] = None
    order: Omittable[int] = Field(None, ge=0, le=32_767)


class PlanningPillarOut(Schema):
    id: int
    name: str
    stakeholder: str
    stakeholder_label: str
    description: str
    weight: int
    order: int

    @staticmethod
    def resolve_stakeholder_label(obj: Pillar) -> str:
        return obj.get_stakeholder_display()


class PlanningBasisOut(Schema):
    mission: str
    vision: str
    purpose: str
    values: str
    version: int = Field(description="0 before anyone saved it.")
    pillars: list[PlanningPillarOut]
    start: PlanningBasisTexts = Field(
        description="The texts as they stand or, where still empty, as the reach charter "
        "says them: the charter's purpose, and its general objective as the vision."
    )


class PlanningBasisVersionOut(Schema):
    number: int
    author: str | None
    created_at: datetime.datetime
    changed: list[str]
    snapshot: dict[str, Any]

    @staticmethod
    def resolve_author(obj: BasisVersion) -> str | None:
        return obj.author.username if obj.author else None


def basis_out(network: Network) -> dict[str, Any]:
    basis = queries.basis_of(network)
    return {
        **{field: getattr(basis, field) if basis else "" for field in BASIS_TEXTS},
        "version": basis.version if basis else 0,
        "pillars": list(queries.pillars(network)),
        "start": queries.basis_start(network),
    }


@router.get("/networks/{slug}/planning/basis", response=PlanningBasisOut)
def get_basis(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Mission, vision, purpose, values and the strategic pillars."""
    return basis_out(get_network_for(request.user, slug, VIEW))


@router.put("/networks/{slug}/planning/basis", response=PlanningBasisOut)
def set_basis(request: HttpRequest, slug: str, payload: PlanningBasisIn) -> dict[str, Any]:
    """A change writes a version naming what changed."""
    network = get_network_for(request.user, slug, MANAGE)
    actions.save_basis(actor=_user(request), network=network, **payload.dict())
    return basis_out(network)


@router.patch("/networks/{slug}/planning/basis", response=PlanningBasisOut)
def change_basis(request: HttpRequest, slug: str, payload: PlanningBasisPatch) -> dict[str, Any]:
    network = get_network_for(request.user, slug, MANAGE)
    actions.save_basis(actor=_user(request), network=network, **payload.dict(exclude_unset=True))
    return basis_out(network)


@router.get("/networks/{slug}/planning/basis/history", response=list[PlanningBasisVersionOut])
@paginate(PageNumberPagination, page_size=50)
def basis_history(request: HttpRequest, slug: str) -> Any:
    """Every saved state, newest first, with who saved it and what changed."""
    return queries.basis_history(get_network_for(request.user, slug, VIEW))


@router.post("/networks/{slug}/planning/basis/template", response=PlanningBasisOut)
def apply_basis_template(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The method's example (a Latin-American network for democratic innovation): fills the
    texts still empty and adds its three pillars, in the request's language."""
    network = get_network_for(request.user, slug, MANAGE)
    actions.apply_basis_template(actor=_user(request), network=network)
    return basis_out(network)


@router.get("/networks/{slug}/planning/basis/pillars", response=list[PlanningPillarOut])
@paginate(PageNumberPagination, page_size=100)
def list_pillars(request: HttpRequest, slug: str) -> Any:
    return queries.pillars(get_network_for(request.user, slug, VIEW))


@router.post("/networks/{slug}/planning/basis/pillars", response={201: PlanningPillarOut})
def add_pillar(request: HttpRequest, slug: str, payload: PlanningPillarIn) -> Status[Pillar]:
    network = get_network_for(request.user, slug, MANAGE)
    pillar = actions.save_pillar(actor=_user(request), network=network, **payload.dict())
    return Status(201, pillar)


@router.patch("/networks/{slug}/planning/basis/pillars/{pk}", response=PlanningPillarOut)
def change_pillar(request: HttpRequest, slug: str, pk: int, payload: PlanningPillarPatch) -> Pillar:
    network = get_network_for(request.user, slug, MANAGE)
    pillar = get_pillar_for(request.user, network, pk)
    data = {
        "name": pillar.name,
        "stakeholder": pillar.stakeholder,
        "description": pillar.description,
        "weight": pillar.weight,
        **payload.dict(exclude_unset=True),
    }
    return actions.save_pillar(actor=_user(request), network=network, pillar=pillar, **data)


@router.delete("/networks/{slug}/planning/basis/pillars/{pk}", response={204: None})
def delete_pillar(request: HttpRequest, slug: str, pk: int) -> Status[None]:
    """Refused (422) while objectives answer the pillar."""
    network = get_network_for(request.user, slug, MANAGE)
    actions.delete_pillar(actor=_user(request), pillar=get_pillar_for(request.user, network, pk))
    return Status(204, None)


# Objectives and their prioritization -------------------------------------------------------


class PlanningObjectiveIn(Schema):
    pillar: int
    title: str = Field(max_length=300)
    description: str = Field("", max_length=20_000)
    weight: Weight | None = Field(None, description="Coordinators only.")
    status: ObjectiveStatusName | None = Field(None, description="Coordinators only.")


class PlanningObjectivePatch(Schema):
    pillar: Omittable[int] = None
    title: Omittable[str] = Field(None, max_length=300)
    description: Omittable[str] = Field(None, max_length=20_000)
    weight: Omittable[Weight] = Field(None, description="Coordinators only.")
    status: Omittable[ObjectiveStatusName] = Field(None, description="Coordinators only.")


class PlanningObjectiveOut(Schema):
    id: int
    pillar: int = Field(alias="pillar_id")
    pillar_name: str
    title: str
    description: str
    status: str
    rank: int | None = Field(description="Its place among the adopted objectives.")
    weight: int
    created_at: datetime.datetime

    @staticmethod
    def resolve_pillar_name(obj: Objective) -> str:
        return obj.pillar.name


@router.get("/networks/{slug}/planning/objectives", response=list[PlanningObjectiveOut])
@paginate(PageNumberPagination, page_size=100)
def list_objectives(
    request: HttpRequest,
    slug: str,
    status: ObjectiveStatusName | None = None,
    pillar: int | None = None,
) -> Any:
    """The adopted objectives first, in their order, then the long list."""
    network = get_network_for(request.user, slug, VIEW)
    rows = queries.objectives(network, status)
    return rows.filter(pillar_id=pillar) if pillar is not None else rows


@router.post("/networks/{slug}/planning/objectives", response={201: PlanningObjectiveOut})
def add_objective(
    request: HttpRequest, slug: str, payload: PlanningObjectiveIn
) -> Status[Objective]:
    """Anyone in the network adds to the long list."""
    network = get_network_for(request.user, slug, CONTRIBUTE)
    objective = actions.save_objective(actor=_user(request), network=network, **payload.dict())
    return Status(201, objective)


@router.get("/networks/{slug}/planning/objectives/{pk}", response=PlanningObjectiveOut)
def get_objective(request: HttpRequest, slug: str, pk: int) -> Objective:
    network = get_network_for(request.user, slug, VIEW)
    return get_objective_for(request.user, network, pk)


@router.patch("/networks/{slug}/planning/objectives/{pk}", response=PlanningObjectiveOut)
def change_objective(
    request: HttpRequest, slug: str, pk: int, payload: PlanningObjectivePatch
) -> Objective:
    """The author or a coordinator; only coordinators change the weight or the status."""
    network = get_network_for(request.user, slug, CONTRIBUTE)
    objective = get_objective_for(request.user, network, pk, CONTRIBUTE)
    data = {
        "pillar": objective.pillar_id,
        "title": objective.title,
        "description": objective.description,
        **payload.dict(exclude_unset=True),
    }
    saved = actions.save_objective(
        actor=_user(request), network=network, objective=objective, **data
    )
    return get_objective_for(request.user, network, saved.pk)


@router.delete("/networks/{slug}/planning/objectives/{pk}", response={204: None})
def delete_objective(request: HttpRequest, slug: str, pk: int) -> Status[None]:
    """The author or a coordinator; refused (422) while projects answer it."""
    network = get_network_for(request.user, slug, CONTRIBUTE)
    objective = get_objective_for(request.user, network, pk, CONTRIBUTE)
    actions.delete_objective(actor=_user(request), objective=objective)
    return Status(204, None)


class PlanningPrioritizationIn(Schema):
    title: str = Field(max_length=200)
    closes_at: datetime.datetime = Field(description="With its offset.")
    method: BallotMethodName = "dots"
    dots: int = Field(5, ge=1, le=priority.MAX_DOTS, description="Per organization.")
    adopt: int = Field(4, ge=priority.MIN_ADOPTED, le=priority.MAX_ADOPTED)
    objectives: list[int] | None = Field(
        None, max_length=500, description="Empty: every objective not set aside."
    )


class PlanningStandingOut(Schema):
    objective: int
    title: str
    score: int
    ballots: int = Field(description="How many organizations marked it.")
    chosen: bool = Field(description="Among those the round adopts.")


class PlanningPrioritizationRow(Schema):
    id: int
    title: str
    method: str
    dots: int
    adopt: int
    opened_at: datetime.datetime
    closes_at: datetime.datetime
    closed_at: datetime.datetime | None
    open: bool
    ballots_count: int
    proposal: int | None = Field(description="The governance proposal adopting its result.")
    adopted_at: datetime.datetime | None


class PlanningPrioritizationOut(PlanningPrioritizationRow):
    objectives: list[int]
    standings: list[PlanningStandingOut] = Field(description="Once closed; empty while open.")
    my_ballot: dict[str, int] = Field(
        description="The caller's organization's marks, objective id → value."
    )


class PlanningBallotIn(Schema):
    marks: dict[int, Annotated[int, Field(ge=0, le=1_000)]] = Field(
        max_length=500,
        description="Objective id → dots given, or place in the ranking (1 is first).",
    )


class PlanningProposalOut(Schema):
    proposal: int


class PlanningAdoptedOut(Schema):
    objectives: list[PlanningObjectiveOut]


def prioritization_row(prioritization: Prioritization) -> dict[str, Any]:
    counted = getattr(prioritization, "ballots_count", None)
    return {
        "id": prioritization.pk,
        "title": prioritization.title,
        "method": prioritization.method,
        "dots": prioritization.dots,
        "adopt": prioritization.adopt,
        "opened_at": prioritization.opened_at,
        "closes_at": prioritization.closes_at,
        "closed_at": prioritization.closed_at,
        "open": prioritization.is_open(),
        "ballots_count": prioritization.ballots.count() if counted is None else counted,
        "proposal": prioritization.proposal_id,
        "adopted_at": prioritization.adopted_at,
    }


def prioritization_out(request: HttpRequest, prioritization: Prioritization) -> dict[str, Any]:
    person = actions.person_of(_user(request), prioritization.network)
    organization = person.organization if person else None
    return {
        **prioritization_row(prioritization),
        "objectives": sorted(prioritization.objectives.values_list("pk", flat=True)),
        "standings": [
            {
                "objective": row.objective.pk,
                "title": row.objective.title,
                "score": row.score,
                "ballots": row.ballots,
                "chosen": row.chosen,
            }
            for row in queries.standings(prioritization)
        ],
        "my_ballot": {
            str(objective): value
            for objective, value in queries.ballot_of(prioritization, organization).items()
        },
    }


def _prioritization(request: HttpRequest, slug: str, pk: int, action: Action) -> Prioritization:
    network = get_network_for(request.user, slug, action)
    return get_prioritization_for(request.user, network, pk, action)


def _fresh(request: HttpRequest, prioritization: Prioritization) -> dict[str, Any]:
    found = Prioritization.objects.select_related("network").get(pk=prioritization.pk)
    return prioritization_out(request, found)


@router.get("/networks/{slug}/planning/prioritizations", response=list[PlanningPrioritizationRow])
@paginate(PageNumberPagination, page_size=50)
def list_prioritizations(request: HttpRequest, slug: str) -> Any:
    network = get_network_for(request.user, slug, VIEW)
    return SerializedPage(queries.prioritizations(network), prioritization_row)


@router.post("/networks/{slug}/planning/prioritizations", response={201: PlanningPrioritizationOut})
def open_prioritization(
    request: HttpRequest, slug: str, payload: PlanningPrioritizationIn
) -> Status[dict[str, Any]]:
    """A round over the listed objectives: each member organization casts one ballot."""
    network = get_network_for(request.user, slug, MANAGE)
    data = payload.dict()
    data["closes_at"] = _aware(data["closes_at"], "closes_at")
    prioritization = actions.open_prioritization(actor=_user(request), network=network, **data)
    return Status(201, _fresh(request, prioritization))


@router.get("/networks/{slug}/planning/prioritizations/{pk}", response=PlanningPrioritizationOut)
def get_prioritization(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    return prioritization_out(request, _prioritization(request, slug, pk, VIEW))


@router.put(
    "/networks/{slug}/planning/prioritizations/{pk}/ballot", response=PlanningPrioritizationOut
)
def cast_ballot(
    request: HttpRequest, slug: str, pk: int, payload: PlanningBallotIn
) -> dict[str, Any]:
    """The ballot of the caller's organization: one per organization, and casting again
    (by anyone of it) replaces it until the round closes."""
    prioritization = _prioritization(request, slug, pk, CONTRIBUTE)
    actions.cast_ballot(actor=_user(request), prioritization=prioritization, marks=payload.marks)
    return _fresh(request, prioritization)


@router.post(
    "/networks/{slug}/planning/prioritizations/{pk}/close", response=PlanningPrioritizationOut
)
def close_prioritization(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    prioritization = _prioritization(request, slug, pk, MANAGE)
    actions.close_prioritization(actor=_user(request), prioritization=prioritization)
    return _fresh(request, prioritization)


@router.post("/networks/{slug}/planning/prioritizations/{pk}/propose", response=PlanningProposalOut)
def propose_adoption(request: HttpRequest, slug: str, pk: int) -> dict[str, int]:
    """Put the adoption of the first objectives to a governance proposal; adopting then
    waits for it to be adopted."""
    prioritization = _prioritization(request, slug, pk, MANAGE)
    return {
        "proposal": actions.propose_adoption(actor=_user(request), prioritization=prioritization)
    }


@router.post("/networks/{slug}/planning/prioritizations/{pk}/adopt", response=PlanningAdoptedOut)
def adopt_objectives(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    """The first objectives become the network's, in order."""
    prioritization = _prioritization(request, slug, pk, MANAGE)
    adopted = actions.adopt_objectives(actor=_user(request), prioritization=prioritization)
    rows = Objective.objects.select_related("pillar").filter(pk__in=[o.pk for o in adopted])
    return {"objectives": list(rows.order_by("rank", "pk"))}


# Programmatic projects ------------------------------------------------------------------------


class PlanningPersonRef(Schema):
    id: int
    username: str


class PlanningProjectIn(Schema):
    objective: int
    title: str = Field(max_length=300)
    impact_objective: str = Field("", max_length=20_000)
    specific_objective: str = Field("", max_length=20_000)
    starts_on: datetime.date
    ends_on: datetime.date
    axis_referent: int | None = Field(None, description="A person's id.")
    line_referent: int | None = Field(None, description="A person's id.")
    responsible: int | None = Field(None, description="A person's id.")
    staff: str = Field("", max_length=20_000)
    extra_resources: str = Field("", max_length=20_000)
    general_indicators: str = Field("", max_length=20_000)
    weight: Weight = 1


class PlanningProjectPatch(Schema):
    objective: Omittable[int] = None
    title: Omittable[str] = Field(None, max_length=300)
    impact_objective: Omittable[str] = Field(None, max_length=20_000)
    specific_objective: Omittable[str] = Field(None, max_length=20_000)
    starts_on: Omittable[datetime.date] = None
    ends_on: Omittable[datetime.date] = None
    axis_referent: int | None = Field(None, description="A person's id; null clears it.")
    line_referent: int | None = Field(None, description="A person's id; null clears it.")
    responsible: int | None = Field(None, description="A person's id; null clears it.")
    staff: Omittable[str] = Field(None, max_length=20_000)
    extra_resources: Omittable[str] = Field(None, max_length=20_000)
    general_indicators: Omittable[str] = Field(None, max_length=20_000)
    weight: Omittable[Weight] = None


class PlanningIndicatorOut(Schema):
    id: int
    project: int
    result: int | None
    name: str
    unit: str
    baseline: str
    target: str
    weight: int
    latest: str | None = Field(description="The last measurement's value.")
    latest_on: datetime.date | None
    progress: float = Field(description="From the baseline towards the target, 0 to 100.")


class PlanningResultOut(Schema):
    id: int
    project: int
    kind: str
    description: str
    due_on: datetime.date | None
    recorded_progress: str = Field(description="What the team recorded, 0 to 100.")
    progress: float | None = Field(
        description="From its indicators where it has any, else the recorded progress."
    )
    weight: int
    indicators: list[PlanningIndicatorOut]


class PlanningProjectRow(Schema):
    id: int
    title: str
    objective: int
    objective_title: str
    starts_on: datetime.date
    ends_on: datetime.date
    responsible: PlanningPersonRef | None
    weight: int
    progress: float | None = Field(description="Rolled up from results and indicators.")


class PlanningProjectOut(PlanningProjectRow):
    impact_objective: str
    specific_objective: str
    axis_referent: PlanningPersonRef | None
    line_referent: PlanningPersonRef | None
    staff: str
    extra_resources: str
    general_indicators: str
    results: list[PlanningResultOut]
    indicators: list[PlanningIndicatorOut] = Field(
        description="The project's general indicators (a result's are under the result)."
    )


def indicator_out(row: queries.IndicatorRow) -> dict[str, Any]:
    indicator = row.indicator
    return {
        "id": indicator.pk,
        "project": indicator.project_id,
        "result": indicator.result_id,
        "name": indicator.name,
        "unit": indicator.unit,
        "baseline": _text_of(indicator.baseline),
        "target": _text_of(indicator.target),
        "weight": indicator.weight,
        "latest": _text_of(row.latest),
        "latest_on": row.latest_on,
        "progress": round(row.progress, 2),
    }


def result_out(row: queries.ResultRow) -> dict[str, Any]:
    result = row.result
    return {
        "id": result.pk,
        "project": result.project_id,
        "kind": result.kind,
        "description": result.description,
        "due_on": result.due_on,
        "recorded_progress": _text_of(result.progress),
        "progress": _figure(row.progress),
        "weight": result.weight,
        "indicators": [indicator_out(i) for i in row.indicators],
    }


def project_row_out(row: queries.ProjectRow) -> dict[str, Any]:
    project = row.project
    return {
        "id": project.pk,
        "title": project.title,
        "objective": project.objective_id,
        "objective_title": project.objective.title,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "responsible": _person(project.responsible),
        "weight": project.weight,
        "progress": _figure(row.progress),
    }


def project_out(row: queries.ProjectRow) -> dict[str, Any]:
    project = row.project
    return {
        **project_row_out(row),
        "impact_objective": project.impact_objective,
        "specific_objective": project.specific_objective,
        "axis_referent": _person(project.axis_referent),
        "line_referent": _person(project.line_referent),
        "staff": project.staff,
        "extra_resources": project.extra_resources,
        "general_indicators": project.general_indicators,
        "results": [result_out(r) for r in row.results],
        "indicators": [indicator_out(i) for i in row.general],
    }


@router.get("/networks/{slug}/planning/projects", response=list[PlanningProjectRow])
@paginate(PageNumberPagination, page_size=100)
def list_projects(request: HttpRequest, slug: str, objective: int | None = None) -> Any:
    network = get_network_for(request.user, slug, VIEW)
    rows = ProgrammaticProject.objects.filter(network=network).order_by("starts_on", "pk")
    if objective is not None:
        rows = rows.filter(objective_id=objective)
    return SerializedPage(
        rows,
        serialize_page=lambda page: [project_row_out(r) for r in queries.project_rows(page)],
    )


@router.post("/networks/{slug}/planning/projects", response={201: PlanningProjectOut})
def add_project(
    request: HttpRequest, slug: str, payload: PlanningProjectIn
) -> Status[dict[str, Any]]:
    """The method's project sheet, field for field."""
    network = get_network_for(request.user, slug, MANAGE)
    project = actions.save_project(actor=_user(request), network=network, **payload.dict())
    return Status(201, project_out(queries.project_row(project)))


@router.get("/networks/{slug}/planning/projects/{pk}", response=PlanningProjectOut)
def get_project(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    network = get_network_for(request.user, slug, VIEW)
    return project_out(queries.project_row(get_project_for(request.user, network, pk)))


@router.patch("/networks/{slug}/planning/projects/{pk}", response=PlanningProjectOut)
def change_project(
    request: HttpRequest, slug: str, pk: int, payload: PlanningProjectPatch
) -> dict[str, Any]:
    network = get_network_for(request.user, slug, MANAGE)
    project = get_project_for(request.user, network, pk, MANAGE)
    data = {
        "objective": project.objective_id,
        "title": project.title,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "weight": project.weight,
        **payload.dict(exclude_unset=True),
    }
    actions.save_project(actor=_user(request), network=network, project=project, **data)
    return project_out(queries.project_row(project))


@router.delete("/networks/{slug}/planning/projects/{pk}", response={204: None})
def delete_project(request: HttpRequest, slug: str, pk: int) -> Status[None]:
    network = get_network_for(request.user, slug, MANAGE)
    project = get_project_for(request.user, network, pk, MANAGE)
    actions.delete_project(actor=_user(request), project=project)
    return Status(204, None)


class PlanningResultIn(Schema):
    kind: ResultKindName
    description: str = Field(max_length=500)
    due_on: datetime.date | None = None
    progress: str = Field("0", max_length=40, description="Percentage, 0 to 100.")
    weight: Weight = 1


class PlanningResultPatch(Schema):
    kind: Omittable[ResultKindName] = None
    description: Omittable[str] = Field(None, max_length=500)
    due_on: datetime.date | None = Field(None, description="null clears it.")
    progress: Omittable[str] = Field(None, max_length=40, description="Percentage, 0 to 100.")
    weight: Omittable[Weight] = None


def _result_row(result: Result) -> dict[str, Any]:
    row = queries.project_row(result.project)
    return result_out(next(r for r in row.results if r.result.pk == result.pk))


@router.post("/networks/{slug}/planning/projects/{pk}/results", response={201: PlanningResultOut})
def add_result(
    request: HttpRequest, slug: str, pk: int, payload: PlanningResultIn
) -> Status[dict[str, Any]]:
    """Coordinators, and the project's responsible and referents."""
    network = get_network_for(request.user, slug, VIEW)
    project = get_project_for(request.user, network, pk)
    data = payload.dict()
    data["progress"] = _decimal(data["progress"], "progress")
    result = actions.save_result(actor=_user(request), project=project, **data)
    return Status(201, _result_row(result))


@router.patch("/networks/{slug}/planning/results/{pk}", response=PlanningResultOut)
def change_result(
    request: HttpRequest, slug: str, pk: int, payload: PlanningResultPatch
) -> dict[str, Any]:
    network = get_network_for(request.user, slug, VIEW)
    result = get_result_for(request.user, network, pk)
    changes = payload.dict(exclude_unset=True)
    if "progress" in changes:
        changes["progress"] = _decimal(changes["progress"], "progress")
    data = {
        "kind": result.kind,
        "description": result.description,
        "due_on": result.due_on,
        "progress": result.progress,
        "weight": result.weight,
        **changes,
    }
    actions.save_result(actor=_user(request), project=result.project, result=result, **data)
    return _result_row(result)


@router.delete("/networks/{slug}/planning/results/{pk}", response={204: None})
def delete_result(request: HttpRequest, slug: str, pk: int) -> Status[None]:
    network = get_network_for(request.user, slug, VIEW)
    actions.delete_result(actor=_user(request), result=get_result_for(request.user, network, pk))
    return Status(204, None)


# Indicators and measurements ---------------------------------------------------------------


class PlanningIndicatorIn(Schema):
    name: str = Field(max_length=300)
    unit: str = Field("", max_length=40)
    baseline: str = Field(max_length=40, examples=DECIMAL_EXAMPLES)
    target: str = Field(max_length=40, examples=DECIMAL_EXAMPLES)
    weight: Weight = 1
    result: int | None = Field(None, description="A result of the project, or none.")


class PlanningIndicatorPatch(Schema):
    name: Omittable[str] = Field(None, max_length=300)
    unit: Omittable[str] = Field(None, max_length=40)
    baseline: Omittable[str] = Field(None, max_length=40)
    target: Omittable[str] = Field(None, max_length=40)
    weight: Omittable[Weight] = None
    result: int | None = Field(None, description="null: a general indicator of the project.")


class PlanningMeasurementIn(Schema):
    date: datetime.date
    value: str = Field(max_length=40, examples=DECIMAL_EXAMPLES)
    note: str = Field("", max_length=300)


class PlanningMeasurementOut(Schema):
    id: int
    date: datetime.date = Field(alias="measured_on")
    value: str
    note: str
    recorded_by: str | None

    @staticmethod
    def resolve_value(obj: Measurement) -> str:
        return f"{obj.value:.2f}"

    @staticmethod
    def resolve_recorded_by(obj: Measurement) -> str | None:
        return obj.recorded_by.username if obj.recorded_by else None


class PlanningMeasurementsImportIn(Schema):
    filename: str = Field(max_length=200, examples=["measurements.csv"])
    content_base64: str = Field(
        description="A CSV or XLSX file with the columns date, value and (optionally) note, "
        "base64-encoded."
    )


class PlanningMeasurementsImportOut(Schema):
    imported: int


def _indicator_row(indicator: Indicator) -> dict[str, Any]:
    latest = queries.measurements(indicator).first()
    value = None if latest is None else latest.value
    return indicator_out(
        queries.IndicatorRow(
            indicator,
            value,
            None if latest is None else latest.measured_on,
            indicator.progress(value),
        )
    )


@router.get("/networks/{slug}/planning/indicators", response=list[PlanningIndicatorOut])
@paginate(PageNumberPagination, page_size=100)
def list_indicators(request: HttpRequest, slug: str, project: int | None = None) -> Any:
    """Every project's indicators, general and of its results, with their progress."""
    network = get_network_for(request.user, slug, VIEW)
    rows = Indicator.objects.filter(project__network=network).order_by("pk")
    if project is not None:
        rows = rows.filter(project_id=project)
    return SerializedPage(
        rows, serialize_page=lambda page: [indicator_out(i) for i in queries.indicator_rows(page)]
    )


@router.post(
    "/networks/{slug}/planning/projects/{pk}/indicators", response={201: PlanningIndicatorOut}
)
def add_indicator(
    request: HttpRequest, slug: str, pk: int, payload: PlanningIndicatorIn
) -> Status[dict[str, Any]]:
    """Coordinators, and the project's responsible and referents."""
    network = get_network_for(request.user, slug, VIEW)
    project = get_project_for(request.user, network, pk)
    data = payload.dict()
    data["baseline"] = _decimal(data["baseline"], "baseline")
    data["target"] = _decimal(data["target"], "target")
    indicator = actions.save_indicator(actor=_user(request), project=project, **data)
    return Status(201, _indicator_row(indicator))


@router.get("/networks/{slug}/planning/indicators/{pk}", response=PlanningIndicatorOut)
def get_indicator(request: HttpRequest, slug: str, pk: int) -> dict[str, Any]:
    network = get_network_for(request.user, slug, VIEW)
    return _indicator_row(get_indicator_for(request.user, network, pk))


@router.patch("/networks/{slug}/planning/indicators/{pk}", response=PlanningIndicatorOut)
def change_indicator(
    request: HttpRequest, slug: str, pk: int, payload: PlanningIndicatorPatch
) -> dict[str, Any]:
    network = get_network_for(request.user, slug, VIEW)
    indicator = get_indicator_for(request.user, network, pk)
    changes = payload.dict(exclude_unset=True)
    for field in ("baseline", "target"):
        if field in changes:
            changes[field] = _decimal(changes[field], field)
    data = {
        "name": indicator.name,
        "unit": indicator.unit,
        "baseline": indicator.baseline,
        "target": indicator.target,
        "weight": indicator.weight,
        "result": indicator.result_id,
        **changes,
    }
    actions.save_indicator(
        actor=_user(request), project=indicator.project, indicator=indicator, **data
    )
    return _indicator_row(indicator)


@router.delete("/networks/{slug}/planning/indicators/{pk}", response={204: None})
def delete_indicator(request: HttpRequest, slug: str, pk: int) -> Status[None]:
    network = get_network_for(request.user, slug, VIEW)
    indicator = get_indicator_for(request.user, network, pk)
    actions.delete_indicator(actor=_user(request), indicator=indicator)
    return Status(204, None)


@router.get(
    "/networks/{slug}/planning/indicators/{pk}/measurements",
    response=list[PlanningMeasurementOut],
)
@paginate(PageNumberPagination, page_size=100)
def list_measurements(request: HttpRequest, slug: str, pk: int) -> Any:
    """Newest first."""
    network = get_network_for(request.user, slug, VIEW)
    indicator = get_indicator_for(request.user, network, pk)
    return queries.measurements(indicator).select_related("recorded_by")


@router.post(
    "/networks/{slug}/planning/indicators/{pk}/measurements",
    response={201: PlanningMeasurementOut},
)
def record_measurement(
    request: HttpRequest, slug: str, pk: int, payload: PlanningMeasurementIn
) -> Status[Measurement]:
    """Coordinators, and the project's responsible and referents. One measurement a day:
    measuring again that day replaces it."""
    network = get_network_for(request.user, slug, VIEW)
    indicator = get_indicator_for(request.user, network, pk)
    measurement = actions.record_measurement(
        actor=_user(request),
        indicator=indicator,
        measured_on=payload.date,
        value=_decimal(payload.value, "value"),
        note=payload.note,
    )
    return Status(201, measurement)


@router.post(
    "/networks/{slug}/planning/indicators/{pk}/measurements/import",
    response=PlanningMeasurementsImportOut,
)
def import_measurements(
    request: HttpRequest, slug: str, pk: int, payload: PlanningMeasurementsImportIn
) -> dict[str, int]:
    """All or nothing: a 422 lists every bad cell as `row N, column C: value V: why`, and
    nothing is stored. A date already measured is replaced."""
    network = get_network_for(request.user, slug, VIEW)
    indicator = get_indicator_for(request.user, network, pk)
    saved = actions.import_measurements(
        actor=_user(request),
        indicator=indicator,
        data=_file(payload.content_base64),
        name=payload.filename or "measurements",
    )
    return {"imported": len(saved)}


@router.delete(
    "/networks/{slug}/planning/indicators/{pk}/measurements/{measurement}", response={204: None}
)
def delete_measurement(request: HttpRequest, slug: str, pk: int, measurement: int) -> Status[None]:
    network = get_network_for(request.user, slug, VIEW)
    indicator = get_indicator_for(request.user, network, pk)
    found = get_measurement_for(request.user, network, indicator, measurement)
    actions.delete_measurement(actor=_user(request), measurement=found)
    return Status(204, None)


# Progress and the plan as one document ------------------------------------------------------


class PlanningProgressProject(Schema):
    id: int
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    weight: int
    progress: float | None


class PlanningProgressObjective(Schema):
    id: int
    title: str
    status: str
    rank: int | None
    weight: int
    progress: float | None
    projects: list[PlanningProgressProject]


class PlanningProgressPillar(Schema):
    id: int
    name: str
    weight: int
    progress: float | None
    objectives: list[PlanningProgressObjective]


class PlanningProgressOut(Schema):
    on: datetime.date | None = Field(description="The date the progress is read at (null: now).")
    pillars: list[PlanningProgressPillar]


@router.get("/networks/{slug}/planning/progress", response=PlanningProgressOut)
def plan_progress(
    request: HttpRequest, slug: str, on: datetime.date | None = None
) -> dict[str, Any]:
    """Pillars → objectives → projects, each with its progress in percent: the weighted
    mean of its children's (objectives set aside are left out). `on` reads the
    measurements taken up to that date."""
    network = get_network_for(request.user, slug, VIEW)
    return {
        "on": on,
        "pillars": [
            {
                "id": p.pillar.pk,
                "name": p.pillar.name,
                "weight": p.pillar.weight,
                "progress": _figure(p.progress),
                "objectives": [
                    {
                        "id": o.objective.pk,
                        "title": o.objective.title,
                        "status": o.objective.status,
                        "rank": o.objective.rank,
                        "weight": o.objective.weight,
                        "progress": _figure(o.progress),
                        "projects": [
                            {
                                "id": r.project.pk,
                                "title": r.project.title,
                                "starts_on": r.project.starts_on,
                                "ends_on": r.project.ends_on,
                                "weight": r.project.weight,
                                "progress": _figure(r.progress),
                            }
                            for r in o.projects
                        ],
                    }
                    for o in p.objectives
                ],
            }
            for p in queries.plan_tree(network, on)
        ],
    }


@router.get(
    "/networks/{slug}/planning/export",
    response={200: None, 503: PlanningDetail},
    openapi_extra={
        "responses": {
            200: {
                "description": "The strategic plan: Markdown or a tagged PDF.",
                "content": {
                    "text/markdown": {"schema": {"type": "string"}},
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def export_plan(
    request: HttpRequest,
    slug: str,
    format: Literal["md", "pdf"] = "md",
    language: LanguageName | None = None,
) -> Any:
    """The whole plan as one document, in `language` (the network's first language unless
    given). 503 where this server cannot make PDFs."""
    from minga.planning import export  # WeasyPrint and the charts load only when asked

    network = get_network_for(request.user, slug, VIEW)
    try:
        return export.download(network, format, language)
    except PdfUnavailable as exc:
        return Status(503, {"detail": str(exc)})
