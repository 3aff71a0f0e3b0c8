"""API of draws by lot: create from the directory or CSV, quotas, feasibility, compute,
publish, seed, draw, seat, decline."""

# No `from __future__ import annotations`: django-ninja reads these annotations at runtime.

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import translation
from ninja import Field, Router, Schema, Status

from minga.core.access import acting_user as _user
from minga.core.access import get_network_for
from minga.core.permissions import Action
from minga.sortition import actions, queries
from minga.sortition.access import get_any_draw_for, visible_draws
from minga.sortition.actions import QuotaRow
from minga.sortition.models import Draw

router = Router(tags=["sortition"])


class QuotaIn(Schema):
    feature: str
    value: str
    min: int = Field(ge=0)
    max: int = Field(ge=0)


class QuotasIn(Schema):
    quotas: list[QuotaIn]


class DrawIn(Schema):
    title: str = Field(max_length=200)
    seats: int = Field(ge=1)
    pool_kind: Literal["people", "organizations"] = "people"
    features: list[str] = []
    circle: int | None = None
    group_by: str = ""
    algorithm: Literal["leximin", "goldilocks", "legacy"] = "leximin"
    people_csv: str | None = None
    features_csv: str | None = None
    id_column: str = ""


class DrawSummary(Schema):
    id: int
    network: str
    title: str
    circle: int | None
    seats: int
    pool_kind: str
    state: str
    pool_size: int
    distribution_sha256: str


class PoolMember(Schema):
    id: str
    label: str
    features: dict[str, str]
    group: str | None


class DeclineOut(Schema):
    round: int
    member_id: str
    replacement_id: str
    method: str


class DrawOut(DrawSummary):
    source: str
    algorithm: str
    group_by: str
    id_column: str
    # Of an uploaded people.csv: {"dropped": [columns not stored], "household": [columns
    # hashed into the household key]}; {} for a pool from the directory.
    upload_columns: dict[str, list[str]]
    features: list[str]
    quotas: list[QuotaIn]
    pool: list[PoolMember]
    progress_done: int
    progress_total: int
    error: str
    diagnosis: dict[str, Any] | None
    probabilities: dict[str, float]
    min_probability: float | None
    legacy_probabilities: dict[str, float]
    legacy_min_probability: float | None
    # "leximin" and "goldilocks": lowest, highest, lowest_ratio, highest_ratio, gini.
    fairness: dict[str, dict[str, float]]
    # Panels meeting the quotas: "exact", else "lower_bound" (counting stops past "max_states").
    panel_count: dict[str, int | None] | None
    # Alternates in the order they are called; each drawn member's and alternate's chance of
    # being seated; the expected shortfall; the stay model ({"base", "factors", "history"}).
    # Everyone's chance of being seated before the draw, with as many alternates (estimated in
    # the background: empty until then, and for the legacy draw).
    alternates: list[str]
    seated_chances: dict[str, float]
    seated_before_draw: dict[str, float]
    alternates_shortfall: float | None
    stay_model: dict[str, Any]
    published_at: datetime | None
    seed: str
    seed_note: str
    panel: list[str]
    current_panel: list[str]
    declines: list[DeclineOut]
    lottery_panels: int | None
    lottery_sha256: str
    lottery_max_change: float | None
    lottery_probabilities: dict[str, float]
    number: int | None
    number_from: str


class FeasibilityIn(Schema):
    quotas: list[QuotaIn] | None = None


class RelaxationOut(Schema):
    feature: str
    value: str
    min: int
    max: int
    new_min: int
    new_max: int


class FeasibilityOut(Schema):
    feasible: bool
    conflicts: list[str]
    total_change: int | None
    relaxations: list[RelaxationOut]
    # When feasible: panels meeting the quotas, "exact" or none past "max_states".
    panel_count: dict[str, int | None] | None = None


class LotteryIn(Schema):
    panels: int = Field(1000, ge=10, le=10_000)


class LotteryOut(Schema):
    panels: int
    sha256: str
    max_change: float
    table: str  # lottery.csv, exactly the bytes hashed (UTF-8)


class NumberIn(Schema):
    number: int = Field(ge=0, le=9_999)
    note: str = Field("", max_length=300)


class SeedIn(Schema):
    seed: str = Field(max_length=200)
    note: str = ""


class SeatIn(Schema):
    confirm: bool = False


class DeclineIn(Schema):
    member: str
    confirm: bool = False


def _summary(draw: Draw) -> dict[str, Any]:
    return {
        "id": draw.pk,
        "network": draw.network.slug,
        "title": draw.title,
        "circle": draw.circle_id,
        "seats": draw.seats,
        "pool_kind": draw.pool_kind,
        "state": draw.state,
        "pool_size": draw.pool_size,
        "distribution_sha256": draw.distribution_sha256,
    }


def _detail(draw: Draw) -> dict[str, Any]:
    draw.refresh_from_db()
    public = {
        field: getattr(draw, field)
        for field in (
            "source",
            "algorithm",
            "group_by",
            "id_column",
            "upload_columns",
            "features",
            "progress_done",
            "progress_total",
            "error",
            "diagnosis",
            "probabilities",
            "min_probability",
            "legacy_probabilities",
            "legacy_min_probability",
            "fairness",
            "panel_count",
            "alternates",
            "seated_chances",
            "seated_before_draw",
            "alternates_shortfall",
            "stay_model",
            "published_at",
            "seed",
            "seed_note",
            "panel",
            "current_panel",
            "lottery_panels",
            "lottery_sha256",
            "lottery_max_change",
            "lottery_probabilities",
            "number",
            "number_from",
        )
    }
    return {
        **_summary(draw),
        **public,
        "quotas": [
            {"feature": q.feature, "value": q.value, "min": q.min, "max": q.max}
            for q in draw.quotas.all()
        ],
        "pool": [
            {
                "id": row["id"],
                "label": row.get("label") or row["id"],
                "features": row["features"],
                "group": row.get("group"),
            }
            for row in draw.pool
        ],
        "declines": [
            {
                "round": d.round,
                "member_id": d.member_id,
                "replacement_id": d.replacement_id,
                "method": d.method,
            }
            for d in draw.declines.all()
        ],
    }


def _rows(quotas: list[QuotaIn]) -> list[QuotaRow]:
    return [QuotaRow(q.feature, q.value, q.min, q.max) for q in quotas]


@router.get("/networks/{slug}/draws", response=list[DrawSummary])
def list_draws(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    network = get_network_for(request.user, slug, Action.VIEW_DRAWS)
    return [
        _summary(draw)
        for draw in queries.draw_summaries(visible_draws(request.user, network)).select_related(
            "network"
        )
    ]


@router.post("/networks/{slug}/draws", response={201: DrawOut})
def create_draw(request: HttpRequest, slug: str, payload: DrawIn) -> Status[dict[str, Any]]:
    network = get_network_for(request.user, slug, Action.MANAGE_DRAWS)
    circle = None
    if payload.circle is not None:
        circle = network.circles.filter(pk=payload.circle).first()
        if circle is None:
            raise ValidationError({"circle": "No such body in this network."})
    draw = actions.create_draw(
        actor=_user(request),
        network=network,
        circle=circle,
        **payload.dict(exclude={"circle"}),
    )
    return Status(201, _detail(draw))


@router.get("/draws/{pk}", response=DrawOut)
def get_draw(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _detail(get_any_draw_for(request.user, pk))


@router.put("/draws/{pk}/quotas", response=DrawOut)
def set_quotas(request: HttpRequest, pk: int, payload: QuotasIn) -> dict[str, Any]:
    draw = get_any_draw_for(request.user, pk, Action.MANAGE_DRAWS)
    actions.set_quotas(actor=_user(request), draw=draw, quotas=_rows(payload.quotas))
    return _detail(draw)


@router.post("/draws/{pk}/feasibility", response=FeasibilityOut)
def check_feasibility(request: HttpRequest, pk: int, payload: FeasibilityIn) -> dict[str, Any]:
    draw = get_any_draw_for(request.user, pk, Action.MANAGE_DRAWS)
    quotas = _rows(payload.quotas) if payload.quotas is not None else None
    diagnosis = actions.check_feasibility(actor=_user(request), draw=draw, quotas=quotas)
    if diagnosis is None:
        count = actions.count_panels(actor=_user(request), draw=draw, quotas=quotas)
        return {
            "feasible": True,
            "conflicts": [],
            "total_change": 0,
            "relaxations": [],
            "panel_count": count,
        }
    return {"feasible": False, **diagnosis.as_json()}


@router.post("/draws/{pk}/compute", response={202: DrawOut})
def compute(request: HttpRequest, pk: int) -> Status[dict[str, Any]]:
    draw = get_any_draw_for(request.user, pk, Action.MANAGE_DRAWS)
    actions.compute(actor=_user(request), draw=draw)
    return Status(202, _detail(draw))


@router.post("/draws/{pk}/publish", response=DrawOut)
def publish(request: HttpRequest, pk: int) -> dict[str, Any]:
    draw = get_any_draw_for(request.user, pk, Action.MANAGE_DRAWS)
    actions.publish(actor=_user(request), draw=draw)
    return _detail(draw)


@router.put("/draws/{pk}/seed", response=DrawOut)
def fix_seed(request: HttpRequest, pk: int, payload: SeedIn) -> dict[str, Any]:
    draw = get_any_draw_for(request.user, pk, Action.MANAGE_DRAWS)
    actions.fix_seed(actor=_user(request), draw=draw, seed=payload.seed, note=payload.note)
    return _detail(draw)


@router.post("/draws/{pk}/lottery", response=DrawOut)
def make_lottery(request: HttpRequest, pk: int, payload: LotteryIn) -> dict[str, Any]:
    """Round the computed probabilities to numbered panels, to publish with them."""
    draw = get_any_draw_for(request.user, pk, Action.MANAGE_DRAWS)
    actions.make_lottery(actor=_user(request), draw=draw, panels=payload.panels)
    return _detail(draw)


@router.get("/draws/{pk}/lottery", response=LotteryOut)
def lottery_table(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The numbered panels: `table` is lottery.csv, the bytes whose SHA-256 is published."""
    draw = get_any_draw_for(request.user, pk)
    if not draw.lottery_panels:
        raise Http404("No lottery")
    return {
        "panels": draw.lottery_panels,
        "sha256": draw.lottery_sha256,
        "max_change": draw.lottery_max_change or 0.0,
        "table": draw.lottery_table,
    }


class AlternatesIn(Schema):
    alternates: int = Field(6, ge=1, le=8)


@router.post("/draws/{pk}/alternates", response=DrawOut)
def choose_alternates(request: HttpRequest, pk: int, payload: AlternatesIn) -> dict[str, Any]:
    """Choose alternates for the drawn panel, before anyone declines (`engine.alternates`)."""
    draw = get_any_draw_for(request.user, pk, Action.MANAGE_DRAWS)
    actions.choose_alternates(actor=_user(request), draw=draw, budget=payload.alternates)
    return _detail(draw)


class ReportRow(Schema):
    section: str
    item: str
    value: str


@router.get("/draws/{pk}/report", response=list[ReportRow])
def report(request: HttpRequest, pk: int) -> list[dict[str, str]]:
    """The draw's report (the page's report.csv and report.pdf) in the network's language:
    the files' and the distribution's hashes, the quotas, the algorithm, the number or the
    seed, the panel and each replacement. Once the draw is published."""
    draw = get_any_draw_for(request.user, pk)
    if not draw.is_public:
        raise Http404("Not published")
    with translation.override(draw.network.language):
        rows = queries.report_rows(draw)
    return [{"section": s, "item": i, "value": v} for s, i, v in rows]


@router.put("/draws/{pk}/number", response=DrawOut)
def enter_number(request: HttpRequest, pk: int, payload: NumberIn) -> dict[str, Any]:
    """The number dice or a drum gave, after publication."""
    draw = get_any_draw_for(request.user, pk, Action.MANAGE_DRAWS)
    actions.enter_number(actor=_user(request), draw=draw, number=payload.number, note=payload.note)
    return _detail(draw)


@router.post("/draws/{pk}/draw", response=DrawOut)
def draw_panel(request: HttpRequest, pk: int) -> dict[str, Any]:
    draw = get_any_draw_for(request.user, pk, Action.MANAGE_DRAWS)
    actions.draw_panel(actor=_user(request), draw=draw)
    return _detail(draw)


@router.post("/draws/{pk}/seat", response=DrawOut)
def seat(request: HttpRequest, pk: int, payload: SeatIn) -> dict[str, Any]:
    draw = get_any_draw_for(request.user, pk, Action.MANAGE_DRAWS)
    actions.seat(actor=_user(request), draw=draw, confirm_break=payload.confirm)
    return _detail(draw)


@router.post("/draws/{pk}/declines", response={201: DeclineOut})
def decline(request: HttpRequest, pk: int, payload: DeclineIn) -> Status[dict[str, Any]]:
    draw = get_any_draw_for(request.user, pk, Action.MANAGE_DRAWS)
    entry = actions.decline(
        actor=_user(request), draw=draw, member_id=payload.member, confirm_break=payload.confirm
    )
    return Status(
        201,
        {
            "round": entry.round,
            "member_id": entry.member_id,
            "replacement_id": entry.replacement_id,
            "method": entry.method,
        },
    )
