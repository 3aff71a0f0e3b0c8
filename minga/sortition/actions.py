"""The sortition app's write path: draws by lot, from the pool to the seated panel.

Each function takes a keyword-only `actor`, runs in one transaction, appends to the audit
log, and schedules background work after the commit. The state machine:

    draft -> computing -> computed -> published -> seed_fixed -> drawn -> seated

A computation that fails (infeasible quotas) goes back to draft with its diagnosis; new
quotas on a computed (unpublished) draw send it back to draft. Once published, the pool,
the quotas and the distribution's SHA-256 are fixed and public to the network's people;
only then can the public seed be entered, and only then can the panel be drawn.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.core.audit import record
from minga.core.models import Network, Organization, Person, User
from minga.core.permissions import Action, can
from minga.governance import actions as governance_actions
from minga.governance.models import Circle, MemberKind
from minga.sortition import csvio
from minga.sortition.diagnosis import Diagnosis, InfeasibleQuotas, diagnose
from minga.sortition.draw import input_sha256
from minga.sortition.legacy import SIMULATION_RUNS, legacy_draw
from minga.sortition.leximin import leximin
from minga.sortition.model import Quota, SortitionInputError
from minga.sortition.models import (
    Algorithm,
    Decline,
    Draw,
    DrawQuota,
    DrawState,
    PoolKind,
    PoolSource,
)
from minga.sortition.replacement import decline_round, distribution_from_json

PEOPLE_FEATURES = ("country", "organization_size", "organization_type", "language", "theme")
ORGANIZATION_FEATURES = ("country", "size", "type")
PEOPLE_GROUPS = ("organization",)
NONE = "none"


@dataclass(frozen=True)
class QuotaRow:
    feature: str
    value: str
    min: int
    max: int


def _require(actor: Any, network: Network) -> None:
    if not can(actor, Action.MANAGE_DRAWS, network):
        raise PermissionDenied


def _in_state(draw: Draw, *states: str, field: str = "state") -> None:
    if draw.state not in states:
        raise ValidationError(
            {
                field: _("Not possible while the draw is %(state)s.")
                % {"state": draw.get_state_display()}
            }
        )


def _locked(draw: Draw) -> Draw:
    locked = Draw.objects.select_for_update().select_related("network").get(pk=draw.pk)
    return locked


# The pool --------------------------------------------------------------------------------


def features_for(pool_kind: str) -> tuple[str, ...]:
    return PEOPLE_FEATURES if pool_kind == PoolKind.PEOPLE else ORGANIZATION_FEATURES


def directory_pool(network: Network, pool_kind: str) -> list[dict[str, Any]]:
    """Everyone in the network's directory with every feature Minga knows about them."""
    rows: list[dict[str, Any]] = []
    if pool_kind == PoolKind.ORGANIZATIONS:
        for organization in network.organizations.all():
            rows.append(
                {
                    "id": f"o{organization.pk}",
                    "label": organization.name,
                    "features": {
                        "country": str(organization.country.code) or NONE,
                        "size": organization.size,
                        "type": organization.type,
                    },
                    "group": None,
                }
            )
    else:
        people = network.people.select_related("user", "organization").prefetch_related(
            "organization__themes"
        )
        for person in people:
            rows.append(_person_row(person))
    return sorted(rows, key=lambda row: row["id"])


def _person_row(person: Person) -> dict[str, Any]:
    organization: Organization | None = person.organization
    themes = sorted(theme.slug for theme in organization.themes.all()) if organization else []
    return {
        "id": f"p{person.pk}",
        "label": str(person),
        "features": {
            "country": str(organization.country.code) if organization else NONE,
            "organization_size": organization.size if organization else NONE,
            "organization_type": organization.type if organization else NONE,
            "language": person.user.language or NONE,
            "theme": themes[0] if themes else NONE,
        },
        "group": f"o{organization.pk}" if organization else None,
    }


def _default_quotas(
    pool: list[dict[str, Any]], features: Sequence[str], seats: int
) -> list[QuotaRow]:
    """Quotas near each value's share of the pool (floor and ceiling of 0.8x and 1.2x)."""
    rows = []
    total = len(pool) or 1
    for feature in features:
        counts: dict[str, int] = {}
        for row in pool:
            value = row["features"][feature]
            counts[value] = counts.get(value, 0) + 1
        for value, count in sorted(counts.items()):
            share = count / total * seats
            low = min(math.floor(0.8 * share), count)
            high = max(min(math.ceil(1.2 * share), seats, count), low)
            rows.append(QuotaRow(feature, value, low, high))
    return rows


@transaction.atomic
def create_draw(
    *,
    actor: User,
    network: Network,
    title: str,
    seats: int,
    pool_kind: str = PoolKind.PEOPLE,
    features: Sequence[str] = (),
    circle: Circle | None = None,
    group_by: str = "",
    algorithm: str = Algorithm.LEXIMIN,
    people_csv: str | None = None,
    features_csv: str | None = None,
) -> Draw:
    """A draft draw, its pool taken from the member directory, or from the Sortition
    Foundation's people.csv and features.csv when both are given (their quotas come too).
    Bad input raises ValidationError naming the field, row or column; nothing is stored."""
    _require(actor, network)
    if not title.strip():
        raise ValidationError({"title": _("Give the draw a title.")})
    if seats < 1:
        raise ValidationError({"seats": _("At least one seat.")})
    if pool_kind not in PoolKind.values:
        raise ValidationError({"pool_kind": _("Choose people or organizations.")})
    if algorithm not in Algorithm.values:
        raise ValidationError({"algorithm": _("Choose LEXIMIN or the legacy draw.")})
    if circle is not None:
        if circle.network_id != network.pk:
            raise ValidationError({"circle": _("That body belongs to another network.")})
        wanted = (
            MemberKind.ORGANIZATIONS if pool_kind == PoolKind.ORGANIZATIONS else MemberKind.PEOPLE
        )
        if circle.member_kind != wanted:
            raise ValidationError(
                {
                    "pool_kind": _("The members of %(circle)s are: %(kind)s.")
                    % {"circle": circle.name, "kind": circle.get_member_kind_display()}
                }
            )
    if (people_csv is None) != (features_csv is None):
        raise ValidationError({"people_csv": _("Upload both people.csv and features.csv.")})
    quota_rows: list[QuotaRow]
    if people_csv is not None and features_csv is not None:
        source = PoolSource.CSV
        try:
            quotas = csvio.parse_features(features_csv, "features.csv")
        except SortitionInputError as exc:
            raise ValidationError({"features_csv": str(exc)}) from exc
        try:
            people = csvio.parse_people(
                people_csv, quotas, group_by=group_by or None, source="people.csv"
            )
        except SortitionInputError as exc:
            raise ValidationError({"people_csv": str(exc)}) from exc
        pool: list[dict[str, Any]] = [
            {"id": p.id, "label": p.id, "features": dict(p.features), "group": p.group}
            for p in sorted(people, key=lambda p: p.id)
        ]
        chosen = sorted(quotas)
        quota_rows = [
            QuotaRow(f, v, q.min, q.max) for f in chosen for v, q in sorted(quotas[f].items())
        ]
    else:
        source = PoolSource.DIRECTORY
        known = features_for(pool_kind)
        chosen = list(features) or list(known)
        unknown = [f for f in chosen if f not in known]
        if unknown:
            raise ValidationError(
                {
                    "features": _("%(names)s: not a feature of this pool (choose from %(known)s).")
                    % {"names": ", ".join(unknown), "known": ", ".join(known)}
                }
            )
        if group_by and (pool_kind != PoolKind.PEOPLE or group_by not in PEOPLE_GROUPS):
            raise ValidationError(
                {"group_by": _("Only a pool of people can be grouped, by organization.")}
            )
        pool = directory_pool(network, pool_kind)
        if not group_by:
            for row in pool:
                row["group"] = None
        if not pool:
            raise ValidationError({"pool_kind": _("The directory has nobody for this pool.")})
        chosen = [f for f in known if f in chosen]
        quota_rows = _default_quotas(pool, chosen, seats)
    draw = Draw.objects.create(
        network=network,
        circle=circle,
        title=title.strip(),
        seats=seats,
        pool_kind=pool_kind,
        source=source,
        pool=pool,
        features=chosen,
        group_by=group_by,
        algorithm=algorithm,
        progress_total=len(pool),
        created_by=actor,
    )
    DrawQuota.objects.bulk_create(
        DrawQuota(draw=draw, feature=q.feature, value=q.value, min=q.min, max=q.max)
        for q in quota_rows
    )
    record(
        actor=actor,
        action="draw.create",
        target=draw,
        network=network,
        data={"source": source, "pool": len(pool), "seats": seats, "features": chosen},
    )
    return draw


# Quotas and feasibility --------------------------------------------------------------------


def validate_quotas(draw: Draw, rows: Iterable[QuotaRow]) -> dict[str, dict[str, Quota]]:
    """The quotas as the pure module wants them; every value of each feature is needed."""
    values = draw.feature_values()
    quotas: dict[str, dict[str, Quota]] = {}
    for row in rows:
        label = f"{row.feature}={row.value}"
        if row.feature not in values:
            raise ValidationError(
                {"quotas": _("%(label)s: not a feature of this pool.") % {"label": label}}
            )
        if row.min < 0 or row.max < row.min:
            raise ValidationError(
                {
                    "quotas": _("%(label)s: need 0 <= min <= max, got %(min)s and %(max)s.")
                    % {"label": label, "min": row.min, "max": row.max}
                }
            )
        if row.value in quotas.setdefault(row.feature, {}):
            raise ValidationError({"quotas": _("%(label)s is listed twice.") % {"label": label}})
        quotas[row.feature][row.value] = Quota(row.min, row.max)
    for feature, given in quotas.items():
        missing = [v for v in values[feature] if v not in given]
        if missing:
            raise ValidationError(
                {
                    "quotas": _("%(feature)s: no quota for %(values)s.")
                    % {"feature": feature, "values": ", ".join(missing)}
                }
            )
    return {f: quotas[f] for f in sorted(quotas)}


@transaction.atomic
def set_quotas(*, actor: User, draw: Draw, quotas: Sequence[QuotaRow]) -> Draw:
    """Replace the quotas. A computed draw that is not published yet goes back to draft."""
    _require(actor, draw.network)
    draw = _locked(draw)
    _in_state(draw, DrawState.DRAFT, DrawState.COMPUTED, field="quotas")
    checked = validate_quotas(draw, quotas)
    draw.quotas.all().delete()
    DrawQuota.objects.bulk_create(
        DrawQuota(draw=draw, feature=f, value=v, min=q.min, max=q.max)
        for f, values in checked.items()
        for v, q in values.items()
    )
    _clear_results(draw)
    draw.state = DrawState.DRAFT
    draw.save()
    record(
        actor=actor,
        action="draw.quotas",
        target=draw,
        network=draw.network,
        data={f"{q.feature}={q.value}": [q.min, q.max] for q in quotas},
    )
    return draw


def _clear_results(draw: Draw) -> None:
    draw.distribution = None
    draw.distribution_sha256 = ""
    draw.probabilities = {}
    draw.min_probability = None
    draw.legacy_probabilities = {}
    draw.legacy_min_probability = None
    draw.support = None
    draw.seconds = None
    draw.computed_at = None
    draw.diagnosis = None
    draw.error = ""
    draw.progress_done = 0


def check_feasibility(
    *, actor: Any, draw: Draw, quotas: Sequence[QuotaRow] | None = None
) -> Diagnosis | None:
    """None when some panel meets the quotas (the given ones, or the stored ones);
    otherwise the conflicting quotas and the smallest relaxation. Writes nothing."""
    if not can(actor, Action.VIEW_DRAWS, draw.network):
        raise PermissionDenied
    checked = validate_quotas(draw, quotas) if quotas is not None else draw.quota_map()
    try:
        instance = draw.instance(checked)
    except SortitionInputError as exc:
        raise ValidationError({"quotas": str(exc)}) from exc
    return diagnose(instance)


# Computing and publishing -------------------------------------------------------------------


@transaction.atomic
def compute(*, actor: User, draw: Draw, background: bool = True) -> Draw:
    """Start computing the probabilities (a background task; `background=False` runs it
    now, as the demo does). Asking again while it computes changes nothing."""
    _require(actor, draw.network)
    draw = _locked(draw)
    if draw.state == DrawState.COMPUTING:
        return draw
    _in_state(draw, DrawState.DRAFT)
    try:
        draw.instance()
    except SortitionInputError as exc:
        raise ValidationError({"quotas": str(exc)}) from exc
    _clear_results(draw)
    draw.state = DrawState.COMPUTING
    draw.computing_since = timezone.now()
    draw.progress_total = len(draw.pool)
    draw.save()
    record(actor=actor, action="draw.compute", target=draw, network=draw.network)
    if background:
        from minga.sortition.tasks import compute_draw

        pk = draw.pk
        transaction.on_commit(lambda: compute_draw.enqueue(pk))
    else:
        run_computation(draw.pk)
        draw.refresh_from_db()
    return draw


def _progress(draw_id: int):  # type: ignore[no-untyped-def]
    def report(done: int, total: int) -> None:
        # Outside any transaction, so the page polling the draw sees it at once.
        Draw.objects.filter(pk=draw_id).update(progress_done=done, progress_total=total)

    return report


def run_computation(draw_id: int) -> bool:
    """The task's work: compute the chosen algorithm's probabilities and, for comparison,
    the legacy draw's. Idempotent: does nothing unless the draw is computing and has no
    result yet. Returns whether it computed."""
    draw = Draw.objects.filter(pk=draw_id, state=DrawState.COMPUTING).first()
    if draw is None or draw.distribution_sha256:
        return False
    results: dict[str, Any] = {}
    error, diagnosis = "", None
    started = timezone.now()
    try:
        instance = draw.instance()
        if draw.algorithm == Algorithm.LEXIMIN:
            distribution = leximin(instance, progress=_progress(draw.pk))
            results["distribution"] = distribution.as_json()
            results["distribution_sha256"] = distribution.sha256()
            results["probabilities"] = distribution.probabilities()
            results["support"] = len(distribution.panels)
        _panel, legacy = legacy_draw(instance, "comparison")
        if draw.algorithm == Algorithm.LEGACY:
            results["distribution_sha256"] = input_sha256(instance, "legacy", runs=SIMULATION_RUNS)
            results["probabilities"] = legacy
        results["legacy_probabilities"] = legacy
    except InfeasibleQuotas as exc:
        diagnosis = exc.diagnosis.as_json()
        error = exc.diagnosis.message()
    except (SortitionInputError, RuntimeError) as exc:
        error = str(exc)
    with transaction.atomic():
        locked = Draw.objects.select_for_update().filter(pk=draw_id).first()
        if locked is None or locked.state != DrawState.COMPUTING or locked.distribution_sha256:
            return False
        locked.seconds = (timezone.now() - started).total_seconds()
        if error:
            locked.state = DrawState.DRAFT
            locked.error = error
            locked.diagnosis = diagnosis
        else:
            for key, value in results.items():
                setattr(locked, key, value)
            locked.min_probability = min(results["probabilities"].values())
            locked.legacy_min_probability = min(results["legacy_probabilities"].values())
            locked.state = DrawState.COMPUTED
            locked.progress_done = locked.progress_total
            locked.computed_at = timezone.now()
        locked.save()
        record(
            actor=None,
            action="draw.computed" if not error else "draw.compute_failed",
            target=locked,
            network=locked.network,
            data={"sha256": locked.distribution_sha256, "error": error[:500]},
        )
    return not error


@transaction.atomic
def publish(*, actor: User, draw: Draw) -> Draw:
    """Make the pool, the quotas, the probabilities and the SHA-256 public, before any seed."""
    _require(actor, draw.network)
    draw = _locked(draw)
    _in_state(draw, DrawState.COMPUTED)
    draw.state = DrawState.PUBLISHED
    draw.published_at = timezone.now()
    draw.save(update_fields=["state", "published_at"])
    record(
        actor=actor,
        action="draw.publish",
        target=draw,
        network=draw.network,
        data={"sha256": draw.distribution_sha256},
    )
    return draw


@transaction.atomic
def fix_seed(*, actor: User, draw: Draw, seed: str, note: str = "") -> Draw:
    """Enter the public seed, announced after publication (a number called out in a meeting,
    a public lottery's result). Never taken from the clock."""
    _require(actor, draw.network)
    draw = _locked(draw)
    _in_state(draw, DrawState.PUBLISHED, field="seed")
    seed = seed.strip()
    if not seed:
        raise ValidationError({"seed": _("Enter the public seed.")})
    if len(seed) > 200:
        raise ValidationError({"seed": _("The seed is at most 200 characters long.")})
    draw.seed = seed
    draw.seed_note = note.strip()[:300]
    draw.seed_fixed_at = timezone.now()
    draw.state = DrawState.SEED_FIXED
    draw.save(update_fields=["seed", "seed_note", "seed_fixed_at", "state"])
    record(actor=actor, action="draw.seed", target=draw, network=draw.network, data={"seed": seed})
    return draw


@transaction.atomic
def draw_panel(*, actor: User, draw: Draw) -> Draw:
    """Draw the panel from the published distribution with procedure
    minga-sortition-draw-v1 (see `minga.sortition.draw`), the same one `minga sortition
    verify` runs."""
    _require(actor, draw.network)
    draw = _locked(draw)
    _in_state(draw, DrawState.SEED_FIXED)
    if draw.algorithm == Algorithm.LEXIMIN:
        assert draw.distribution is not None
        distribution = distribution_from_json(draw.distribution)
        if distribution.sha256() != draw.distribution_sha256:
            raise ValidationError({"state": _("The stored distribution does not match its hash.")})
        panel = distribution.draw(draw.seed)
    else:
        panel, _probabilities = legacy_draw(draw.instance(), draw.seed, runs=1)
    draw.panel = panel
    draw.current_panel = panel
    draw.drawn_at = timezone.now()
    draw.state = DrawState.DRAWN
    draw.save(update_fields=["panel", "current_panel", "drawn_at", "state"])
    record(
        actor=actor, action="draw.draw", target=draw, network=draw.network, data={"panel": panel}
    )
    return draw


# Seats and declines -------------------------------------------------------------------------


def _holder(draw: Draw, member_id: str) -> dict[str, Person | Organization]:
    """The directory entry behind a pool id (p<pk> for people, o<pk> for organizations)."""
    prefix = "o" if draw.pool_kind == PoolKind.ORGANIZATIONS else "p"
    holder: Person | Organization | None = None
    if member_id.startswith(prefix) and member_id[1:].isdigit():
        if prefix == "o":
            holder = draw.network.organizations.filter(pk=int(member_id[1:])).first()
        else:
            holder = draw.network.people.filter(pk=int(member_id[1:])).first()
    if holder is None:
        raise ValidationError(
            {
                "panel": _("%(id)s is not in the network's directory: it cannot take a seat.")
                % {"id": member_id}
            }
        )
    return {"organization": holder} if prefix == "o" else {"person": holder}


def _seat_one(actor: User, draw: Draw, member_id: str, confirm_break: bool) -> None:
    assert draw.circle is not None
    governance_actions.appoint(
        actor=actor,
        circle=draw.circle,
        role="member",
        source="lot",
        confirm_break=confirm_break,
        **_holder(draw, member_id),  # type: ignore[arg-type]
    )


@transaction.atomic
def seat(*, actor: User, draw: Draw, confirm_break: bool = False) -> Draw:
    """Give every member of the panel a seat in the target body (mandates from "lot")."""
    _require(actor, draw.network)
    draw = _locked(draw)
    _in_state(draw, DrawState.DRAWN)
    if draw.circle is None:
        raise ValidationError({"circle": _("This draw fills no body: there is nothing to seat.")})
    for member_id in draw.current_panel:
        _seat_one(actor, draw, member_id, confirm_break)
    draw.state = DrawState.SEATED
    draw.seated_at = timezone.now()
    draw.save(update_fields=["state", "seated_at"])
    record(
        actor=actor,
        action="draw.seat",
        target=draw,
        network=draw.network,
        data={"circle": draw.circle.pk, "panel": draw.current_panel},
    )
    return draw


@transaction.atomic
def decline(*, actor: User, draw: Draw, member_id: str, confirm_break: bool = False) -> Decline:
    """Someone drawn declines: the next member comes by procedure
    minga-sortition-replacement-v1 (`minga.sortition.replacement`). Everyone else keeps
    their seat and the quotas keep holding. On a seated draw the decliner's mandate ends and
    the replacement is seated."""
    _require(actor, draw.network)
    draw = _locked(draw)
    _in_state(draw, DrawState.DRAWN, DrawState.SEATED, field="member")
    if member_id not in draw.current_panel:
        raise ValidationError({"member": _("%(id)s is not on the panel.") % {"id": member_id}})
    earlier = list(draw.declines.values_list("member_id", flat=True))
    distribution = (
        distribution_from_json(draw.distribution) if draw.distribution is not None else None
    )
    found, panel = decline_round(
        instance=draw.instance(),
        distribution=distribution,
        distribution_sha256=draw.distribution_sha256,
        seed=draw.seed,
        current=draw.current_panel,
        earlier=earlier,
        declined=member_id,
    )
    if draw.state == DrawState.SEATED and draw.circle is not None:
        holder = _holder(draw, member_id)
        mandate = (
            draw.circle.mandates.current().filter(source="lot", role="member", **holder).first()
        )
        if mandate is not None:
            governance_actions.end_mandate(
                actor=actor, mandate=mandate, confirm_break=confirm_break
            )
        if found.member_id is not None:
            _seat_one(actor, draw, found.member_id, confirm_break)
    draw.current_panel = panel
    draw.save(update_fields=["current_panel"])
    entry = Decline.objects.create(
        draw=draw,
        round=len(earlier) + 1,
        member_id=member_id,
        replacement_id=found.member_id or "",
        method=found.method,
        recorded_by=actor,
    )
    record(
        actor=actor,
        action="draw.decline",
        target=draw,
        network=draw.network,
        data={"declined": member_id, "replacement": found.member_id, "method": found.method},
    )
    return entry
