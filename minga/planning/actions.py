"""The planning app's write path: PESTEL trends and their ratings, the SWOT board (edits
checked against the version they started from), the basis and its pillars (every change a
version), objectives and their prioritization by the member organizations, and the
programmatic projects with results, indicators and measurements."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, RestrictedError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minga.core import intake
from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.l10n import cell_message
from minga.core.models import Network, Person, User, check_choice
from minga.core.permissions import Action, can, require
from minga.planning import priority
from minga.planning.access import may_track
from minga.planning.measurements_file import (
    FIRST_DAY,
    LAST_DAY,
    MAX_VALUE,
    MeasurementsFileError,
    read_measurements,
)
from minga.planning.models import (
    BASIS_TEXTS,
    EXTERNAL_QUADRANTS,
    Ballot,
    BallotMark,
    BallotMethod,
    Basis,
    BasisVersion,
    Impact,
    Indicator,
    Measurement,
    Objective,
    ObjectiveStatus,
    PestelCategory,
    PestelFactor,
    PestelRating,
    Pillar,
    Prioritization,
    ProgrammaticProject,
    Result,
    ResultKind,
    Stakeholder,
    SwotItem,
    SwotQuadrant,
    SwotWeight,
)

if TYPE_CHECKING:
    from minga.core.permissions import Actor


def person_of(actor: Actor, network: Network) -> Person | None:
    if not isinstance(actor, User) or not actor.is_authenticated:
        return None
    return Person.objects.filter(network=network, user=actor).select_related("organization").first()


def _person_required(actor: Actor, network: Network) -> Person:
    person = person_of(actor, network)
    if person is None:
        raise ValidationError(_("Only people of the network can do this."))
    return person


def _own_or_manager(actor: Actor, network: Network, author_id: int | None) -> None:
    """What someone added, they may change; coordinators may change anything."""
    require(actor, Action.CONTRIBUTE_PLANNING, network)
    if can(actor, Action.MANAGE_PLANNING, network):
        return
    if author_id is None or getattr(actor, "pk", None) != author_id:
        raise PermissionDenied


def _text(value: str, field: str, message: str, limit: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if limit is not None and len(value) > limit:
        raise ValidationError({field: _("Write at most %(limit)d characters.") % {"limit": limit}})
    return value


def _check_day(day: date | None, field: str) -> None:
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError({field: _("Give a date between the years 1900 and 2200.")})


def _author(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


# PESTEL ----------------------------------------------------------------------------------------


def _check_rating(probability: int, impact: str) -> None:
    if probability not in priority.PROBABILITIES:
        raise ValidationError(
            {"probability": _("Give the probability from 1 (unlikely) to 5 (almost certain).")}
        )
    check_choice("impact", impact, Impact.values)


@transaction.atomic
def save_trend(
    *,
    actor: Actor,
    network: Network,
    factor: PestelFactor | None = None,
    category: str,
    trend: str,
    description: str = "",
    probability: int | None = None,
    impact: str | None = None,
) -> PestelFactor:
    """A trend in the network's environment. Whoever adds it may rate it at once."""
    if factor is None:
        require(actor, Action.CONTRIBUTE_PLANNING, network)
        factor = PestelFactor(network=network, created_by=_author(actor))
    else:
        # Once others rated the trend, its wording is what they rated: coordinators' to change.
        others = factor.ratings.all()
        if factor.created_by_id is not None:
            others = others.exclude(person__user_id=factor.created_by_id)
        rated_by_others = others.exists()
        _own_or_manager(actor, network, None if rated_by_others else factor.created_by_id)
    check_choice("category", category, PestelCategory.values)
    factor.category = category
    factor.trend = _text(trend, "trend", _("Describe the trend."), 300)
    factor.description = description.strip()
    if probability is not None or impact is not None:
        _check_rating(probability or 0, impact or "")
    factor.save()
    if probability is not None and impact is not None:
        _rate(actor, factor, probability, impact)
    record(actor=actor, action=AuditEvent.PESTEL_SAVE, target=factor, network=network)
    return factor


@transaction.atomic
def delete_trend(*, actor: Actor, factor: PestelFactor) -> None:
    _own_or_manager(actor, factor.network, factor.created_by_id)
    record(actor=actor, action=AuditEvent.PESTEL_DELETE, target=factor, network=factor.network)
    factor.delete()


@transaction.atomic
def rate_trend(
    *, actor: Actor, factor: PestelFactor, probability: int, impact: str
) -> PestelFactor:
    """One rating a person: rating again replaces theirs."""
    require(actor, Action.CONTRIBUTE_PLANNING, factor.network)
    _check_rating(probability, impact)
    _rate(actor, factor, probability, impact)
    record(actor=actor, action=AuditEvent.PESTEL_RATE, target=factor, network=factor.network)
    return factor


def _rate(actor: Actor, factor: PestelFactor, probability: int, impact: str) -> None:
    person = _person_required(actor, factor.network)
    # Locked first: two raters at once both count, and one person's double click is one
    # rating, not a duplicate-key error.
    PestelFactor.objects.select_for_update().filter(pk=factor.pk).first()
    PestelRating.objects.update_or_create(
        factor=factor, person=person, defaults={"probability": probability, "impact": impact}
    )
    reweigh_trend(factor.pk)
    factor.refresh_from_db()


def reweigh_trend(pk: int) -> None:
    """A trend's figures from the ratings it has now (also when a rater leaves)."""
    rows = PestelRating.objects.filter(factor_id=pk).values_list("probability", "impact")
    weighing = priority.weigh([priority.Rating(p, i) for p, i in rows])
    PestelFactor.objects.filter(pk=pk).update(
        probability=weighing.probability,
        impact_weight=weighing.impact,
        priority=weighing.priority,
        ratings_count=weighing.ratings,
    )


def reweigh_item(pk: int) -> None:
    """A note's weight from the weights it has now (also when someone who weighed leaves)."""
    weights = list(SwotWeight.objects.filter(item_id=pk).values_list("weight", flat=True))
    SwotItem.objects.filter(pk=pk).update(
        weight_total=sum(weights), weights_count=len(weights), updated_at=timezone.now()
    )


# SWOT ------------------------------------------------------------------------------------------


class EditConflict(ValidationError):
    """The item changed since the editor loaded it; `current` is what it says now."""

    def __init__(self, current: SwotItem) -> None:
        self.current = current
        super().__init__(
            {
                "version": _(
                    "Someone changed this item while you were editing it. Their text is shown; "
                    "yours is kept in the box, to merge and save again."
                )
            }
        )


def _trends(network: Network, quadrant: str, trend_ids: Iterable[int]) -> list[PestelFactor]:
    ids = list(dict.fromkeys(trend_ids))
    if ids and quadrant not in EXTERNAL_QUADRANTS:
        raise ValidationError(
            {"trends": _("Only opportunities and threats are linked to PESTEL trends.")}
        )
    found = list(PestelFactor.objects.filter(network=network, pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({"trends": _("Choose trends of this network's PESTEL.")})
    return found


@transaction.atomic
def add_swot_item(
    *,
    actor: Actor,
    network: Network,
    quadrant: str,
    text: str,
    trends: Iterable[int] = (),
) -> SwotItem:
    require(actor, Action.CONTRIBUTE_PLANNING, network)
    check_choice("quadrant", quadrant, SwotQuadrant.values)
    linked = _trends(network, quadrant, trends)
    item = SwotItem.objects.create(
        network=network,
        quadrant=quadrant,
        text=_text(text, "text", _("Write the item."), 500),
        created_by=_author(actor),
        updated_by=_author(actor),
    )
    item.trends.set(linked)
    record(actor=actor, action=AuditEvent.SWOT_SAVE, target=item, network=network)
    return item


@transaction.atomic
def edit_swot_item(
    *,
    actor: Actor,
    item: SwotItem,
    version: int,
    text: str | None = None,
    quadrant: str | None = None,
    trends: Iterable[int] | None = None,
) -> SwotItem:
    """The board is edited together: anyone in the network may edit a note, but only from
    the version they saw (EditConflict otherwise, with the note as it now reads)."""
    network = item.network
    require(actor, Action.CONTRIBUTE_PLANNING, network)
    quadrant = item.quadrant if quadrant is None else quadrant
    check_choice("quadrant", quadrant, SwotQuadrant.values)
    changes: dict[str, Any] = {"quadrant": quadrant}
    if text is not None:
        changes["text"] = _text(text, "text", _("Write the item."), 500)
    linked = None
    if trends is not None:
        linked = _trends(network, quadrant, trends)
    elif quadrant not in EXTERNAL_QUADRANTS:
        linked = []
    # One conditional UPDATE: of two edits from the same version, exactly one wins.
    updated = SwotItem.objects.filter(pk=item.pk, version=version).update(
        **changes, version=F("version") + 1, updated_by=_author(actor), updated_at=timezone.now()
    )
    try:
        item.refresh_from_db()
    except SwotItem.DoesNotExist as exc:  # deleted while it was being edited
        raise ValidationError(_("Someone deleted this item while you were editing it.")) from exc
    if not updated:
        raise EditConflict(item)
    if linked is not None:
        item.trends.set(linked)
    record(actor=actor, action=AuditEvent.SWOT_SAVE, target=item, network=network)
    return item


@transaction.atomic
def delete_swot_item(*, actor: Actor, item: SwotItem) -> None:
    _own_or_manager(actor, item.network, item.created_by_id)
    record(actor=actor, action=AuditEvent.SWOT_DELETE, target=item, network=item.network)
    item.delete()


@transaction.atomic
def weigh_swot_item(*, actor: Actor, item: SwotItem, weight: int) -> SwotItem:
    """How much the item weighs for this person, 1 to 5; weighing again replaces it."""
    require(actor, Action.CONTRIBUTE_PLANNING, item.network)
    if weight not in range(1, 6):
        raise ValidationError({"weight": _("Give a weight from 1 to 5.")})
    person = _person_required(actor, item.network)
    SwotItem.objects.select_for_update().filter(pk=item.pk).first()
    SwotWeight.objects.update_or_create(item=item, person=person, defaults={"weight": weight})
    reweigh_item(item.pk)
    item.refresh_from_db()
    record(actor=actor, action=AuditEvent.SWOT_WEIGH, target=item, network=item.network)
    return item


@transaction.atomic
def swot_from_consultation(
    *, actor: Actor, network: Network, consultation: int, quadrant: str
) -> list[SwotItem]:
    """A short-text consultation's answers as notes of one quadrant (members' perceptions
    of strengths or weaknesses); answers already on that quadrant are not added twice."""
    from minga.communication.queries import text_answers

    require(actor, Action.MANAGE_PLANNING, network)
    check_choice("quadrant", quadrant, SwotQuadrant.values)
    found = text_answers(network, consultation)
    if found is None:
        raise ValidationError(
            {"consultation": _("Choose a short-text consultation of this network.")}
        )
    source, answers = found
    present = {
        text.casefold()
        for text in SwotItem.objects.filter(network=network, quadrant=quadrant).values_list(
            "text", flat=True
        )
    }
    items = [
        SwotItem(
            network=network,
            quadrant=quadrant,
            text=answer[:500],
            created_by=_author(actor),
            updated_by=_author(actor),
        )
        for answer in answers
        if answer[:500].casefold() not in present
    ]
    created = SwotItem.objects.bulk_create(items)
    record(actor=actor, action=AuditEvent.SWOT_FROM_CONSULTATION, target=source, network=network)
    return created


# The basis of the network ------------------------------------------------------------------------


def _snapshot(basis: Basis) -> dict[str, Any]:
    return {
        **{field: getattr(basis, field) for field in BASIS_TEXTS},
        "pillars": [
            {"name": p.name, "stakeholder": p.stakeholder, "description": p.description}
            for p in Pillar.objects.filter(network_id=basis.network_id)
        ],
    }


def _new_version(actor: Actor, basis: Basis, changed: list[str]) -> BasisVersion:
    basis.version += 1
    basis.save(update_fields=["version"])
    version = BasisVersion.objects.create(
        network_id=basis.network_id,
        number=basis.version,
        snapshot=_snapshot(basis),
        changed=changed,
        author=_author(actor),
    )
    record(actor=actor, action=AuditEvent.BASIS_SAVE, target=basis, network=basis.network)
    return version


def _locked_basis(network: Network) -> Basis:
    Basis.objects.get_or_create(network=network)
    return Basis.objects.select_for_update().select_related("network").get(network=network)


@transaction.atomic
def save_basis(*, actor: Actor, network: Network, **texts: str) -> Basis:
    """Mission, vision, purpose and values; a change writes a version naming what changed."""
    require(actor, Action.MANAGE_PLANNING, network)
    unknown = set(texts) - set(BASIS_TEXTS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    basis = _locked_basis(network)
    changed = []
    for field, value in texts.items():
        value = (value or "").strip()
        if len(value) > 10_000:
            raise ValidationError(
                {field: _("Write at most %(limit)d characters.") % {"limit": 10_000}}
            )
        if getattr(basis, field) != value:
            setattr(basis, field, value)
            changed.append(field)
    if changed:
        basis.save(update_fields=changed)
        _new_version(actor, basis, changed)
    return basis


@transaction.atomic
def save_pillar(
    *,
    actor: Actor,
    network: Network,
    pillar: Pillar | None = None,
    name: str,
    stakeholder: str,
    description: str = "",
    weight: int = 1,
    order: int | None = None,
) -> Pillar:
    require(actor, Action.MANAGE_PLANNING, network)
    basis = _locked_basis(network)
    check_choice("stakeholder", stakeholder, Stakeholder.values)
    if not 1 <= weight <= 100:
        raise ValidationError({"weight": _("Give a weight from 1 to 100.")})
    name = _text(name, "name", _("Name the pillar."), 200)
    same = Pillar.objects.filter(network=network, name__iexact=name)
    if pillar is not None:
        same = same.exclude(pk=pillar.pk)
    if same.exists():
        raise ValidationError({"name": _("This network already has a pillar with this name.")})
    if pillar is None:
        pillar = Pillar(network=network, order=Pillar.objects.filter(network=network).count())
    fields = ("name", "stakeholder", "description", "weight", "order")
    before = None if pillar.pk is None else [getattr(pillar, f) for f in fields]
    pillar.name, pillar.stakeholder = name, stakeholder
    pillar.description, pillar.weight = description.strip(), weight
    if order is not None:
        pillar.order = order
    if before == [getattr(pillar, f) for f in fields]:
        return pillar  # saved as it was: no new version of the basis
    pillar.save()
    _new_version(actor, basis, ["pillars"])
    record(actor=actor, action=AuditEvent.PILLAR_SAVE, target=pillar, network=network)
    return pillar


@transaction.atomic
def delete_pillar(*, actor: Actor, pillar: Pillar) -> None:
    network = pillar.network
    require(actor, Action.MANAGE_PLANNING, network)
    basis = _locked_basis(network)
    record(actor=actor, action=AuditEvent.PILLAR_DELETE, target=pillar, network=network)
    try:
        with transaction.atomic():
            pillar.delete()
    except RestrictedError as exc:
        raise ValidationError(
            _("Objectives answer this pillar: move them to another pillar or delete them first.")
        ) from exc
    _new_version(actor, basis, ["pillars"])


def basis_template() -> dict[str, Any]:
    """The method's example: a Latin-American network for democratic innovation, in the
    active language."""
    return {
        "mission": _(
            "Strengthen democracy in Latin America by connecting the organizations that "
            "innovate in it, so that they learn, advocate and act together."
        ),
        "vision": _(
            "A region where citizens take part in the decisions that affect them, with diverse, "
            "environmentally responsible and innovative democracies."
        ),
        "purpose": _(
            "We exist because no organization alone can renew democracy: together we multiply "
            "what each one does."
        ),
        "values": _("Collaboration, diversity, transparency, horizontality and care."),
        "pillars": [
            (
                _("Diverse Democracy"),
                Stakeholder.COMMUNITY,
                _("Democracy that includes women, indigenous peoples, LGBTIQ+ people and youth."),
            ),
            (
                _("Environmental Democracy"),
                Stakeholder.PUBLIC_INSTITUTIONS,
                _("Access to information, participation and justice in environmental matters."),
            ),
            (
                _("Innovative Democracy"),
                Stakeholder.ALLIANCES,
                _("New ways of taking part: technology, deliberation and sortition."),
            ),
        ],
    }


def _template_pillar_names() -> list[set[str]]:
    """Each of the template's pillars by its name in every language Minga speaks."""
    found: list[set[str]] = []
    for code, _language in settings.LANGUAGES:
        with translation.override(code):
            for index, (name, _stakeholder, _text) in enumerate(basis_template()["pillars"]):
                if index == len(found):
                    found.append(set())
                found[index].add(str(name).casefold())
    return found


@transaction.atomic
def apply_basis_template(*, actor: Actor, network: Network) -> Basis:
    """Start from the method's example: fills the texts still empty and adds its three
    pillars (those not there yet), in one version."""
    require(actor, Action.MANAGE_PLANNING, network)
    template = basis_template()
    basis = _locked_basis(network)
    changed = []
    for field in BASIS_TEXTS:
        if not getattr(basis, field):
            setattr(basis, field, str(template[field]))
            changed.append(field)
    basis.save()
    names = {
        n.casefold() for n in Pillar.objects.filter(network=network).values_list("name", flat=True)
    }
    order = len(names)
    # A pillar added from the template in another language is there already.
    known = _template_pillar_names()
    for index, (name, stakeholder, description) in enumerate(template["pillars"]):
        if not ({str(name).casefold()} | known[index]) & names:
            Pillar.objects.create(
                network=network,
                name=str(name),
                stakeholder=stakeholder,
                description=str(description),
                order=order,
            )
            order += 1
            if "pillars" not in changed:
                changed.append("pillars")
    if changed:
        _new_version(actor, basis, changed)
    return basis


# Objectives and their prioritization -------------------------------------------------------------


def _pillar(network: Network, pillar: Pillar | int) -> Pillar:
    pk = pillar.pk if isinstance(pillar, Pillar) else pillar
    found = Pillar.objects.filter(network=network, pk=pk).first()
    if found is None:
        raise ValidationError({"pillar": _("Choose one of this network's pillars.")})
    return found


@transaction.atomic
def save_objective(
    *,
    actor: Actor,
    network: Network,
    objective: Objective | None = None,
    pillar: Pillar | int,
    title: str,
    description: str = "",
    weight: int | None = None,
    status: str | None = None,
) -> Objective:
    """Anyone in the network adds objectives to the long list; the author and coordinators
    edit them; only coordinators weigh them or set their status."""
    if objective is None:
        require(actor, Action.CONTRIBUTE_PLANNING, network)
        objective = Objective(network=network, created_by=_author(actor))
    else:
        _own_or_manager(actor, network, _author_while_open(objective))
    if (weight is not None and weight != objective.weight) or (
        status is not None and status != objective.status
    ):
        require(actor, Action.MANAGE_PLANNING, network)
    objective.pillar = _pillar(network, pillar)
    objective.title = _text(title, "title", _("Write the objective."), 300)
    objective.description = description.strip()
    if weight is not None:
        if not 1 <= weight <= 100:
            raise ValidationError({"weight": _("Give a weight from 1 to 100.")})
        objective.weight = weight
    if status is not None:
        check_choice("status", status, ObjectiveStatus.values)
        if status == ObjectiveStatus.ADOPTED and objective.status != status:
            # Adopted by hand: after those adopted already.
            ranks = Objective.objects.filter(network=network, status=ObjectiveStatus.ADOPTED)
            objective.rank = (ranks.aggregate(last=Max("rank"))["last"] or 0) + 1
        objective.status = status
        if status != ObjectiveStatus.ADOPTED:
            objective.rank = None
    objective.save()
    record(actor=actor, action=AuditEvent.OBJECTIVE_SAVE, target=objective, network=network)
    return objective


def _author_while_open(objective: Objective) -> int | None:
    """The author may change or delete their objective only while the network has not yet
    weighed it: once on a prioritization's ballot or adopted, what the organizations voted
    for is the coordinators' to change."""
    voted = objective.status != ObjectiveStatus.LISTED or objective.prioritizations.exists()
    return None if voted else objective.created_by_id


@transaction.atomic
def delete_objective(*, actor: Actor, objective: Objective) -> None:
    network = objective.network
    _own_or_manager(actor, network, _author_while_open(objective))
    if objective.projects.exists():
        raise ValidationError(_("Projects answer this objective: delete or move them first."))
    record(actor=actor, action=AuditEvent.OBJECTIVE_DELETE, target=objective, network=network)
    objective.delete()


@transaction.atomic
def open_prioritization(
    *,
    actor: Actor,
    network: Network,
    title: str,
    closes_at: datetime,
    method: str = BallotMethod.DOTS,
    dots: int = 5,
    adopt: int = 4,
    objectives: Iterable[int] | None = None,
) -> Prioritization:
    """A round over the listed objectives (or those named): each member organization casts
    one ballot until it closes."""
    require(actor, Action.MANAGE_PLANNING, network)
    check_choice("method", method, BallotMethod.values)
    if closes_at <= timezone.now():
        raise ValidationError({"closes_at": _("The closing time must be in the future.")})
    if closes_at.year > LAST_DAY.year:
        raise ValidationError({"closes_at": _("Give a date between the years 1900 and 2200.")})
    if not 1 <= dots <= priority.MAX_DOTS:
        raise ValidationError(
            {"dots": _("Give from 1 to %(most)d dots.") % {"most": priority.MAX_DOTS}}
        )
    if not priority.MIN_ADOPTED <= adopt <= priority.MAX_ADOPTED:
        raise ValidationError(
            {
                "adopt": _("The network adopts from %(least)d to %(most)d objectives.")
                % {"least": priority.MIN_ADOPTED, "most": priority.MAX_ADOPTED}
            }
        )
    rows = Objective.objects.filter(network=network).exclude(status=ObjectiveStatus.SET_ASIDE)
    if objectives is not None:
        wanted = set(objectives)
        rows = rows.filter(pk__in=wanted)
        if rows.count() != len(wanted):
            raise ValidationError({"objectives": _("Choose objectives of this network's list.")})
    chosen = list(rows.values_list("pk", flat=True))
    if len(chosen) <= adopt:
        raise ValidationError(
            {
                "objectives": _(
                    "List more objectives than the %(adopt)d to adopt: prioritizing means choosing."
                )
                % {"adopt": adopt}
            }
        )
    round_ = Prioritization.objects.create(
        network=network,
        title=_text(title, "title", _("Give the prioritization a title."), 200),
        method=method,
        dots=dots,
        adopt=adopt,
        closes_at=closes_at,
        created_by=_author(actor),
    )
    round_.objectives.set(chosen)
    record(actor=actor, action=AuditEvent.PRIORITIZATION_OPEN, target=round_, network=network)
    return round_


def _ballot_messages(round_: Prioritization, problems: list[str]) -> list[str]:
    words = {
        "empty": _("Mark at least one objective."),
        "unknown": _("Mark only objectives of this prioritization."),
        "not_positive": _("Marks are whole numbers from 1 up."),
        "too_many_dots": _("An organization has %(dots)d dots: place at most that many.")
        % {"dots": round_.dots},
        "ranks": _("Number your choices 1, 2, 3… without gaps or repeats."),
    }
    return [words[p] for p in problems]


@transaction.atomic
def cast_ballot(
    *, actor: Actor, prioritization: Prioritization, marks: Mapping[int, int]
) -> Ballot:
    """The ballot of the actor's organization (one per organization: casting again, by
    anyone of it, replaces it until the round closes)."""
    network = prioritization.network
    require(actor, Action.CONTRIBUTE_PLANNING, network)
    person = _person_required(actor, network)
    if person.organization_id is None:
        raise ValidationError(_("Ballots are cast for a member organization: you represent none."))
    locked = Prioritization.objects.select_for_update().get(pk=prioritization.pk)
    if not locked.is_open():
        raise ValidationError(_("This prioritization is closed."))
    listed = list(locked.objectives.values_list("pk", flat=True))
    try:
        numbers = {int(k): int(v) for k, v in marks.items()}
    except (TypeError, ValueError) as exc:
        raise ValidationError({"marks": _ballot_messages(locked, ["not_positive"])}) from exc
    marks = {k: v for k, v in numbers.items() if v != 0 or locked.method == BallotMethod.RANKING}
    problems = priority.ballot_problems(locked.method, marks, locked.dots, listed)
    if problems:
        raise ValidationError({"marks": _ballot_messages(locked, problems)})
    try:
        with transaction.atomic():
            ballot, _created = Ballot.objects.get_or_create(
                prioritization=locked,
                organization_id=person.organization_id,
                defaults={"cast_by": person},
            )
    except IntegrityError:  # another of the organization's people cast it meanwhile
        ballot = Ballot.objects.get(prioritization=locked, organization_id=person.organization_id)
    ballot.cast_by = person
    ballot.save()
    ballot.marks.all().delete()
    BallotMark.objects.bulk_create(
        BallotMark(ballot=ballot, objective_id=objective, value=value)
        for objective, value in marks.items()
    )
    record(actor=actor, action=AuditEvent.BALLOT_CAST, target=locked, network=network)
    return ballot


def _tally(prioritization: Prioritization) -> list[priority.Standing]:
    """The order the ballots cast so far give (what closing the round stores)."""
    listed = list(prioritization.objectives.order_by("pk").values_list("pk", flat=True))
    ballots: dict[int, dict[int, int]] = {}
    for ballot, objective, value in BallotMark.objects.filter(
        ballot__prioritization=prioritization
    ).values_list("ballot_id", "objective_id", "value"):
        ballots.setdefault(ballot, {})[objective] = value
    return priority.tally(prioritization.method, ballots.values(), listed)


@transaction.atomic
def close_prioritization(*, actor: Actor, prioritization: Prioritization) -> Prioritization:
    require(actor, Action.MANAGE_PLANNING, prioritization.network)
    locked = Prioritization.objects.select_for_update().get(pk=prioritization.pk)
    if locked.closed_at is not None:
        raise ValidationError(_("This prioritization is already closed."))
    locked.result = [
        {"objective": s.objective, "score": s.score, "ballots": s.ballots} for s in _tally(locked)
    ]
    locked.closed_at = timezone.now()
    locked.save(update_fields=["result", "closed_at"])
    record(
        actor=actor, action=AuditEvent.PRIORITIZATION_CLOSE, target=locked, network=locked.network
    )
    return locked


def _to_adopt(prioritization: Prioritization) -> list[int]:
    """The closed round's first objectives, passing over any deleted since (the next one
    moves up: the adopted are still as many, ranked 1, 2, 3… without a gap)."""
    from minga.planning.queries import standings

    return [row.objective.pk for row in standings(prioritization) if row.chosen]


@transaction.atomic
def propose_adoption(*, actor: Actor, prioritization: Prioritization) -> int:
    """Put the adoption of the first objectives to a governance proposal (the method's
    consensus, then a 3/4 supermajority); adopting then waits for it. The proposal's id."""
    from minga.governance.actions import open_proposal

    network = prioritization.network
    require(actor, Action.MANAGE_PLANNING, network)
    if not isinstance(actor, User):
        raise PermissionDenied
    locked = Prioritization.objects.select_for_update().get(pk=prioritization.pk)
    if locked.closed_at is None:
        raise ValidationError(_("Close the prioritization first."))
    if locked.proposal_id is not None:
        raise ValidationError(_("The adoption is already put to a proposal."))
    chosen = _to_adopt(locked)
    if len(chosen) < priority.MIN_ADOPTED:
        raise ValidationError(_("Too few objectives got any support to adopt."))
    titles = dict(Objective.objects.filter(pk__in=chosen).values_list("pk", "title"))
    text = "\n".join(
        [_("The network adopts these objectives, in this order:")]
        + [f"{n}. {titles[pk]}" for n, pk in enumerate(chosen, start=1)]
    )
    proposal = open_proposal(
        actor=actor,
        network=network,
        title=_("Adopt the prioritized objectives: %(title)s") % {"title": locked.title},
        text=text,
        rule="consensus_then_supermajority",
        matter="strategic",
    )
    locked.proposal_id = proposal.pk
    locked.save(update_fields=["proposal_id"])
    record(actor=actor, action=AuditEvent.OBJECTIVES_PROPOSE, target=locked, network=network)
    return proposal.pk


@transaction.atomic
def adopt_objectives(*, actor: Actor, prioritization: Prioritization) -> list[Objective]:
    """The first objectives (as many as the round adopts) become the network's, in order;
    objectives adopted before go back to the list. Where the adoption was put to a
    proposal, only once that proposal is adopted."""
    from minga.governance.queries import proposal_state

    network = prioritization.network
    require(actor, Action.MANAGE_PLANNING, network)
    locked = Prioritization.objects.select_for_update().get(pk=prioritization.pk)
    if locked.closed_at is None:
        raise ValidationError(_("Close the prioritization first."))
    if locked.proposal_id is not None:
        state = proposal_state(network, locked.proposal_id)
        if state is None or state[0] or state[1] != "adopted":
            raise ValidationError(
                _("The adoption waits for its proposal: it must be closed and adopted.")
            )
    chosen = _to_adopt(locked)
    if len(chosen) < priority.MIN_ADOPTED:
        raise ValidationError(_("Too few objectives got any support to adopt."))
    Objective.objects.filter(network=network, status=ObjectiveStatus.ADOPTED).update(
        status=ObjectiveStatus.LISTED, rank=None
    )
    for rank, pk in enumerate(chosen, start=1):
        Objective.objects.filter(pk=pk).update(status=ObjectiveStatus.ADOPTED, rank=rank)
    locked.adopted_at = timezone.now()
    locked.save(update_fields=["adopted_at"])
    record(actor=actor, action=AuditEvent.OBJECTIVES_ADOPT, target=locked, network=network)
    return list(Objective.objects.filter(pk__in=chosen).order_by("rank"))


# Programmatic projects ----------------------------------------------------------------------------

PROJECT_TEXTS = (
    "impact_objective",
    "specific_objective",
    "staff",
    "extra_resources",
    "general_indicators",
)
PROJECT_PEOPLE = ("axis_referent", "line_referent", "responsible")


def _may_track(actor: Actor, project: ProgrammaticProject) -> None:
    """Progress is recorded by coordinators and the project's responsible and referents."""
    require(actor, Action.VIEW_PLANNING, project.network)
    if not may_track(actor, project):
        raise PermissionDenied


@transaction.atomic
def save_project(
    *,
    actor: Actor,
    network: Network,
    project: ProgrammaticProject | None = None,
    objective: Objective | int,
    title: str,
    starts_on: date,
    ends_on: date,
    weight: int = 1,
    **fields: Any,
) -> ProgrammaticProject:
    """The method's project sheet. People are the network's (ids or Person)."""
    require(actor, Action.MANAGE_PLANNING, network)
    unknown = set(fields) - set(PROJECT_TEXTS) - set(PROJECT_PEOPLE)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    objective_pk = objective.pk if isinstance(objective, Objective) else objective
    found = Objective.objects.filter(network=network, pk=objective_pk).first()
    if found is None:
        raise ValidationError({"objective": _("Choose one of this network's objectives.")})
    _check_day(starts_on, "starts_on")
    _check_day(ends_on, "ends_on")
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date comes after the start date.")})
    if not 1 <= weight <= 100:
        raise ValidationError({"weight": _("Give a weight from 1 to 100.")})
    if project is None:
        project = ProgrammaticProject(network=network)
    project.objective = found
    project.title = _text(title, "title", _("Name the project."), 300)
    project.starts_on, project.ends_on, project.weight = starts_on, ends_on, weight
    for field in PROJECT_TEXTS:
        if field in fields:
            setattr(project, field, (fields[field] or "").strip())
    for field in PROJECT_PEOPLE:
        if field in fields:
            value = fields[field]
            pk = value.pk if isinstance(value, Person) else value
            person = None
            if pk is not None:
                person = Person.objects.filter(network=network, pk=pk).first()
                if person is None:
                    raise ValidationError({field: _("Choose a person of this network.")})
            setattr(project, field, person)
    project.save()
    record(actor=actor, action=AuditEvent.PROJECT_SAVE, target=project, network=network)
    return project


@transaction.atomic
def delete_project(*, actor: Actor, project: ProgrammaticProject) -> None:
    require(actor, Action.MANAGE_PLANNING, project.network)
    record(actor=actor, action=AuditEvent.PROJECT_DELETE, target=project, network=project.network)
    project.delete()


def _percent(value: Decimal, field: str) -> Decimal:
    if not Decimal(0) <= value <= Decimal(100):
        raise ValidationError({field: _("Give a percentage between 0 and 100.")})
    return value


def _decimal(value: Decimal, field: str) -> Decimal:
    if not value.is_finite() or abs(value) > MAX_VALUE:
        raise ValidationError({field: _("Give a number up to 999.999.999.999,99.")})
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def save_result(
    *,
    actor: Actor,
    project: ProgrammaticProject,
    result: Result | None = None,
    kind: str,
    description: str,
    due_on: date | None = None,
    progress: Decimal = Decimal(0),
    weight: int = 1,
) -> Result:
    _may_track(actor, project)
    check_choice("kind", kind, ResultKind.values)
    if not 1 <= weight <= 100:
        raise ValidationError({"weight": _("Give a weight from 1 to 100.")})
    if result is None:
        result = Result(project=project)
    result.kind = kind
    result.description = _text(description, "description", _("Describe the result."), 500)
    _check_day(due_on, "due_on")
    result.due_on = due_on
    result.progress = _percent(progress, "progress")
    result.weight = weight
    result.save()
    record(actor=actor, action=AuditEvent.RESULT_SAVE, target=result, network=project.network)
    return result


@transaction.atomic
def delete_result(*, actor: Actor, result: Result) -> None:
    _may_track(actor, result.project)
    record(
        actor=actor, action=AuditEvent.RESULT_DELETE, target=result, network=result.project.network
    )
    result.delete()


@transaction.atomic
def save_indicator(
    *,
    actor: Actor,
    project: ProgrammaticProject,
    indicator: Indicator | None = None,
    name: str,
    baseline: Decimal,
    target: Decimal,
    unit: str = "",
    weight: int = 1,
    result: Result | int | None = None,
) -> Indicator:
    _may_track(actor, project)
    if not 1 <= weight <= 100:
        raise ValidationError({"weight": _("Give a weight from 1 to 100.")})
    found_result = None
    if result is not None:
        pk = result.pk if isinstance(result, Result) else result
        found_result = Result.objects.filter(project=project, pk=pk).first()
        if found_result is None:
            raise ValidationError({"result": _("Choose one of this project's results.")})
    if indicator is None:
        indicator = Indicator(project=project)
    indicator.name = _text(name, "name", _("Name the indicator."), 300)
    indicator.unit = unit.strip()[:40]
    indicator.baseline = _decimal(baseline, "baseline")
    indicator.target = _decimal(target, "target")
    indicator.weight = weight
    indicator.result = found_result
    indicator.save()
    record(actor=actor, action=AuditEvent.INDICATOR_SAVE, target=indicator, network=project.network)
    return indicator


@transaction.atomic
def delete_indicator(*, actor: Actor, indicator: Indicator) -> None:
    _may_track(actor, indicator.project)
    network = indicator.project.network
    record(actor=actor, action=AuditEvent.INDICATOR_DELETE, target=indicator, network=network)
    indicator.delete()


@transaction.atomic
def record_measurement(
    *, actor: Actor, indicator: Indicator, measured_on: date, value: Decimal, note: str = ""
) -> Measurement:
    """One measurement a day: measuring again that day replaces it."""
    _may_track(actor, indicator.project)
    if len(note) > 300:
        raise ValidationError({"note": _("Write at most %(limit)d characters.") % {"limit": 300}})
    _check_day(measured_on, "measured_on")
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
    measurement, _created = Measurement.objects.update_or_create(
        indicator=indicator,
        measured_on=measured_on,
        defaults={
            "value": _decimal(value, "value"),
            "note": note.strip(),
            "recorded_by": _author(actor),
        },
    )
    record(
        actor=actor,
        action=AuditEvent.MEASUREMENT_RECORD,
        target=indicator,
        network=indicator.project.network,
        data={"date": measured_on.isoformat(), "value": str(measurement.value)},
    )
    return measurement


@transaction.atomic
def delete_measurement(*, actor: Actor, measurement: Measurement) -> None:
    indicator = measurement.indicator
    _may_track(actor, indicator.project)
    record(
        actor=actor,
        action=AuditEvent.MEASUREMENT_DELETE,
        target=indicator,
        network=indicator.project.network,
        data={"date": measurement.measured_on.isoformat()},
    )
    measurement.delete()


@transaction.atomic
def import_measurements(
    *, actor: Actor, indicator: Indicator, data: bytes, name: str
) -> list[Measurement]:
    """A file of measurements through the one intake, all or nothing: every bad cell is
    named (`row N, column C: value V: why`) and nothing is stored; a date already
    measured is replaced."""
    _may_track(actor, indicator.project)
    try:
        rows = read_measurements(intake.table_rows(data, name))
    except intake.IntakeError as exc:
        raise ValidationError({"file": [exc.message]}) from exc
    except MeasurementsFileError as exc:
        if exc.header_missing:
            raise ValidationError(
                {
                    "file": [
                        _("%(file)s has no column %(columns)s (the first row names the columns).")
                        % {"file": name, "columns": ", ".join(exc.header_missing)}
                    ]
                }
            ) from exc
        raise ValidationError({"file": [cell_message(e) for e in exc.errors]}) from exc
    if not rows:
        raise ValidationError({"file": [_("%(file)s has no measurements.") % {"file": name}]})
    saved = []
    for row in rows:
        measurement, _created = Measurement.objects.update_or_create(
            indicator=indicator,
            measured_on=row.measured_on,
            defaults={"value": row.value, "note": row.note, "recorded_by": _author(actor)},
        )
        saved.append(measurement)
    record(
        actor=actor,
        action=AuditEvent.MEASUREMENTS_IMPORT,
        target=indicator,
        network=indicator.project.network,
        data={"rows": len(rows), "file": name[:200]},
    )
    return saved
