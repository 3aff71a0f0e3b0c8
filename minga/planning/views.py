"""Planning pages: the step's summary, PESTEL, the SWOT board (polled, so that people adding
at once see each other's notes), the basis and its history, objectives and their
prioritization, programmatic projects with results, indicators and measurements, and the
plan as one document. Thin: the forms read, the actions write, the queries derive."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from minga.core.access import acting_user as _user
from minga.core.access import get_network_for
from minga.core.l10n import number
from minga.core.models import Network, StepState
from minga.core.pdf import PdfUnavailable
from minga.core.permissions import Action, can
from minga.core.queries import step_state
from minga.core.steps import STEPS_BY_KEY
from minga.core.web import errors_to_messages, needs_confirmation, run_action
from minga.planning import actions, charts, queries
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
    may_track,
)
from minga.planning.forms import (
    BallotForm,
    BasisForm,
    ConsultationForm,
    IndicatorForm,
    MeasurementForm,
    MeasurementsImportForm,
    ObjectiveForm,
    PillarForm,
    PrioritizationForm,
    ProjectForm,
    RatingForm,
    ResultForm,
    SwotAddForm,
    SwotEditForm,
    TrendForm,
    WeightForm,
)
from minga.planning.models import (
    BasisVersion,
    Indicator,
    ObjectiveStatus,
    PestelCategory,
    ProgrammaticProject,
    Stakeholder,
)

TRENDS_PER_PAGE = 25
OBJECTIVES_PER_PAGE = 50
PROJECTS_PER_PAGE = 20
MEASUREMENTS_PER_PAGE = 24
VERSIONS_PER_PAGE = 20
TIMELINE_PROJECTS = 30


def _base(request: HttpRequest, network: Network, **extra: Any) -> dict[str, Any]:
    return {
        "network": network,
        "can_manage": can(request.user, Action.MANAGE_PLANNING, network),
        "can_contribute": can(request.user, Action.CONTRIBUTE_PLANNING, network),
        **extra,
    }


def _may_track(request: HttpRequest, project: ProgrammaticProject) -> bool:
    return may_track(request.user, project)


def _attempt(request: HttpRequest, call: Callable[[], Any]) -> bool:
    """A button's action: its refusal, if any, becomes the page's messages."""
    try:
        call()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    return True


def _confirmed(
    request: HttpRequest,
    *,
    question: str,
    consequence: str,
    cancel_url: str,
    button: str,
    act: Callable[[], Any],
    done: str,
    then: HttpResponse,
) -> HttpResponse:
    """A delete: asked first (`needs_confirmation`), then done, or its refusal shown."""
    page = needs_confirmation(
        request, question=question, consequence=consequence, cancel_url=cancel_url, button=button
    )
    if page is not None:
        return page
    if _attempt(request, act):
        messages.success(request, done)
    return then


@login_required
def planning_home(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    tree = queries.plan_tree(network)
    # What the summary lists: adopted objectives and those with projects under way.
    for pillar in tree:
        pillar.objectives = [o for o in pillar.objectives if o.objective.rank or o.projects]
    rows = [p for pillar in tree for o in pillar.objectives for p in o.projects]
    return render(
        request,
        "planning/step.html",
        _base(
            request,
            network,
            step=STEPS_BY_KEY["planning"],
            state=step_state(network, "planning"),
            states=StepState.choices,
            can_set_state=can(request.user, Action.SET_STEP_STATE, network),
            top_trends=queries.trends(network)[:5],
            board=queries.board_counts(network),
            plan_progress=queries.plan_progress(tree),
            basis=queries.basis_of(network),
            pillars=queries.pillars(network),
            adopted=queries.adopted(network),
            tree=tree,
            timeline=charts.timeline(rows[:TIMELINE_PROJECTS]),
        ),
    )


@login_required
def plan_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan as one document, PDF or Markdown (`?format=md`)."""
    from minga.planning import export

    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    # The network's own language, unless the link asks for another of Minga's.
    language = request.GET.get("language")
    if language not in dict(settings.LANGUAGES):
        language = None
    try:
        return export.download(network, request.GET.get("format", "pdf"), language)
    except PdfUnavailable:
        return HttpResponse(_("PDF is not available on this server."), status=503)


# PESTEL ---------------------------------------------------------------------------------------


@login_required
def pestel(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    category = request.GET.get("category", "")
    rows = queries.trends(network).select_related("created_by")
    if category in PestelCategory.values:
        rows = rows.filter(category=category)
    page = Paginator(rows, TRENDS_PER_PAGE).get_page(request.GET.get("page"))
    contribute = can(request.user, Action.CONTRIBUTE_PLANNING, network)
    form = TrendForm(request.POST or None, rate=True) if contribute else None
    if request.method == "POST" and form is not None and form.is_valid():
        saved = run_action(
            form,
            lambda: actions.save_trend(actor=_user(request), network=network, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, _("Trend added."))
            return redirect("planning_pestel", slug=slug)
    mine = queries.my_ratings(network, queries.person_id(request.user, network))
    trends = list(page.object_list)
    return render(
        request,
        "planning/pestel.html",
        _base(
            request,
            network,
            page=page,
            trends=[(t, mine.get(t.pk)) for t in trends],
            categories=PestelCategory.choices,
            category=category,
            form=form,
            # The page's trends, numbered as its table numbers them.
            matrix=charts.pestel_matrix(trends, first=page.start_index()),
            start=page.start_index(),
        ),
    )


@login_required
def trend_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    factor = get_trend_for(request.user, network, pk)
    mine = queries.my_ratings(network, queries.person_id(request.user, network)).get(factor.pk)
    rating = RatingForm(
        initial={"probability": mine.probability, "impact": mine.impact} if mine else None
    )
    may_edit = can(request.user, Action.MANAGE_PLANNING, network) or (
        factor.created_by_id == request.user.pk
    )
    form = None
    if may_edit:
        fields = ("category", "trend", "description")
        form = TrendForm(
            request.POST or None, rate=False, initial={f: getattr(factor, f) for f in fields}
        )
        if request.method == "POST" and form.is_valid():
            saved = run_action(
                form,
                lambda: actions.save_trend(
                    actor=_user(request), network=network, factor=factor, **form.cleaned_data
                ),
            )
            if saved is not None:
                messages.success(request, _("Saved."))
                return redirect(saved)
    return render(
        request,
        "planning/trend_detail.html",
        _base(
            request,
            network,
            factor=factor,
            rating=rating,
            mine=mine,
            form=form,
            may_edit=may_edit,
            swot_items=factor.swot_items.select_related("network")[:50],
        ),
    )


@login_required
@require_POST
def trend_rate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.CONTRIBUTE_PLANNING)
    factor = get_trend_for(request.user, network, pk, Action.CONTRIBUTE_PLANNING)
    form = RatingForm(request.POST)
    if form.is_valid() and run_action(
        form,
        lambda: actions.rate_trend(actor=_user(request), factor=factor, **form.cleaned_data),
    ):
        messages.success(request, _("Your rating is saved."))
    else:
        errors_to_messages(request, form)
    return redirect(factor)


@login_required
@require_POST
def trend_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.CONTRIBUTE_PLANNING)
    factor = get_trend_for(request.user, network, pk, Action.CONTRIBUTE_PLANNING)
    return _confirmed(
        request,
        question=_("Delete the trend %(trend)s?") % {"trend": factor.trend},
        consequence=_("Its ratings go with it, and the SWOT notes lose their link to it."),
        cancel_url=factor.get_absolute_url(),
        button=_("Delete the trend"),
        act=lambda: actions.delete_trend(actor=_user(request), factor=factor),
        done=_("Trend deleted."),
        then=redirect("planning_pestel", slug=slug),
    )


# SWOT -----------------------------------------------------------------------------------------


def _board_context(request: HttpRequest, network: Network) -> dict[str, Any]:
    return {
        "board": queries.board(network),
        "stamp": queries.board_stamp(network),
        "weights": queries.my_weights(network, queries.person_id(request.user, network)),
        "weight_choices": range(1, 6),
    }


@login_required
def swot(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    contribute = can(request.user, Action.CONTRIBUTE_PLANNING, network)
    if request.method == "POST" and contribute:
        quadrant = request.POST.get("quadrant", "")
        form = SwotAddForm(request.POST)
        if form.is_valid() and run_action(
            form,
            lambda: actions.add_swot_item(
                actor=_user(request),
                network=network,
                quadrant=quadrant,
                text=form.cleaned_data["text"],
            ),
        ):
            messages.success(request, _("Note added."))
        else:
            errors_to_messages(request, form)
        return redirect(f"{request.path}#quadrant-{quadrant}")
    consultation_form = None
    if can(request.user, Action.MANAGE_PLANNING, network):
        consultation_form = ConsultationForm(choices=_consultations(network))
    return render(
        request,
        "planning/swot.html",
        _base(
            request,
            network,
            add_form=SwotAddForm() if contribute else None,
            consultation_form=consultation_form if consultation_form else None,
            has_consultations=bool(consultation_form and _consultations(network)),
            **_board_context(request, network),
        ),
    )


def swot_board(request: HttpRequest, slug: str) -> HttpResponse:
    """The board alone, for its polling: 204 (nothing to swap) while nothing changed."""
    if not request.user.is_authenticated:
        # A session that ran out: the whole page goes to the login, not into the board.
        back = urlencode({"next": reverse("planning_swot", args=[slug])})
        login = f"{resolve_url(settings.LOGIN_URL)}?{back}"
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": login})
        return redirect(login)
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    if request.GET.get("since") == queries.board_stamp(network):
        return HttpResponse(status=204)
    return render(
        request,
        "planning/_swot_board.html",
        _base(request, network, **_board_context(request, network)),
    )


def _consultations(network: Network) -> list[tuple[int, str]]:
    from minga.communication.queries import consultations

    rows = consultations(network).filter(kind="text")[:50]
    return [(c.pk, c.question) for c in rows]


@login_required
@require_POST
def swot_from_consultation(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_PLANNING)
    form = ConsultationForm(request.POST, choices=_consultations(network))
    added = None
    if form.is_valid():
        added = run_action(
            form,
            lambda: actions.swot_from_consultation(
                actor=_user(request), network=network, **form.cleaned_data
            ),
        )
    if added is None:
        errors_to_messages(request, form)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s note added from the answers.",
                "%(count)s notes added from the answers.",
                len(added),
            )
            % {"count": number(len(added))},
        )
    return redirect("planning_swot", slug=slug)


@login_required
def swot_item(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    item = get_swot_item_for(request.user, network, pk)
    contribute = can(request.user, Action.CONTRIBUTE_PLANNING, network)
    linked = list(item.trends.all())
    initial = {
        "quadrant": item.quadrant,
        "text": item.text,
        "trends": linked,
        "version": item.version,
    }
    keep = [t.pk for t in linked]
    form = SwotEditForm(request.POST or None, initial=initial, network=network, linked=keep)
    conflict: dict[str, Any] = {}
    if request.method == "POST" and contribute and form.is_valid():
        data = form.cleaned_data

        def edit() -> Any:
            try:
                return actions.edit_swot_item(
                    actor=_user(request),
                    item=item,
                    version=data["version"],
                    text=data["text"],
                    quadrant=data["quadrant"],
                    trends=[t.pk for t in data["trends"]],
                )
            except actions.EditConflict as exc:
                conflict["current"] = exc.current
                raise

        if run_action(form, edit) is not None:
            messages.success(request, _("Saved."))
            return redirect(f"{reverse('planning_swot', args=[slug])}#item-{item.pk}")
        if conflict:
            # Their version becomes the base: saving again puts this text on top of it.
            posted = request.POST.copy()
            posted["version"] = str(conflict["current"].version)
            form = SwotEditForm(posted, network=network, linked=keep)
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Someone changed this note while you were editing it. Their text is shown "
                    "above; yours is kept in the box, to merge and save again."
                ),
            )
    return render(
        request,
        "planning/swot_item.html",
        _base(
            request,
            network,
            item=item,
            form=form if contribute else None,
            conflict=conflict.get("current"),
            may_delete=can(request.user, Action.MANAGE_PLANNING, network)
            or item.created_by_id == request.user.pk,
        ),
    )


@login_required
@require_POST
def swot_weigh(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.CONTRIBUTE_PLANNING)
    item = get_swot_item_for(request.user, network, pk, Action.CONTRIBUTE_PLANNING)
    form = WeightForm(request.POST)
    if not (
        form.is_valid()
        and run_action(
            form,
            lambda: actions.weigh_swot_item(
                actor=_user(request), item=item, weight=form.cleaned_data["weight"]
            ),
        )
    ):
        errors_to_messages(request, form)
    if request.headers.get("HX-Request"):
        return swot_board(request, slug)
    return redirect(f"{reverse('planning_swot', args=[slug])}#item-{item.pk}")


@login_required
@require_POST
def swot_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.CONTRIBUTE_PLANNING)
    item = get_swot_item_for(request.user, network, pk, Action.CONTRIBUTE_PLANNING)
    return _confirmed(
        request,
        question=_("Delete the note %(text)s?") % {"text": item.text},
        consequence=_("It leaves the board for everyone, with its weights."),
        cancel_url=item.get_absolute_url(),
        button=_("Delete the note"),
        act=lambda: actions.delete_swot_item(actor=_user(request), item=item),
        done=_("Note deleted."),
        then=redirect("planning_swot", slug=slug),
    )


# The basis ------------------------------------------------------------------------------------


@login_required
def basis(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    manage = can(request.user, Action.MANAGE_PLANNING, network)
    current = queries.basis_of(network)
    form = BasisForm(request.POST or None, initial=queries.basis_start(network)) if manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        saved = run_action(
            form,
            lambda: actions.save_basis(actor=_user(request), network=network, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, _("The basis is saved."))
            return redirect("planning_basis", slug=slug)
    return render(
        request,
        "planning/basis.html",
        _base(
            request,
            network,
            basis=current,
            start=queries.basis_start(network),
            pillars=queries.pillars(network),
            form=form,
            pillar_form=PillarForm() if manage else None,
            latest=queries.basis_history(network).first(),
        ),
    )


@login_required
@require_POST
def basis_template(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_PLANNING)
    actions.apply_basis_template(actor=_user(request), network=network)
    messages.success(request, _("The method's example is in place: adapt it to your network."))
    return redirect("planning_basis", slug=slug)


@login_required
def basis_history(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    page = Paginator(queries.basis_history(network), VERSIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    labels = {
        "mission": _("Mission"),
        "vision": _("Vision"),
        "purpose": _("Purpose"),
        "values": _("Values"),
        "pillars": _("Strategic pillars"),
    }
    stakeholders = dict(Stakeholder.choices)
    versions: list[tuple[BasisVersion, list[str], list[tuple[str, str]]]] = [
        (
            version,
            [str(labels.get(field, field)) for field in version.changed],
            [
                (p.get("name", ""), str(stakeholders.get(p.get("stakeholder", ""), "")))
                for p in version.snapshot.get("pillars", [])
            ],
        )
        for version in page.object_list
    ]
    return render(
        request,
        "planning/basis_history.html",
        _base(request, network, page=page, versions=versions),
    )


@login_required
def pillar_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_PLANNING)
    pillar = get_pillar_for(request.user, network, pk) if pk else None
    fields = ("name", "stakeholder", "description", "weight")
    form = PillarForm(
        request.POST or None, initial={f: getattr(pillar, f) for f in fields} if pillar else None
    )
    if request.method == "POST" and form.is_valid():
        saved = run_action(
            form,
            lambda: actions.save_pillar(
                actor=_user(request), network=network, pillar=pillar, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("Pillar saved."))
            return redirect("planning_basis", slug=slug)
    return render(
        request, "planning/pillar_form.html", _base(request, network, form=form, pillar=pillar)
    )


@login_required
@require_POST
def pillar_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_PLANNING)
    pillar = get_pillar_for(request.user, network, pk)
    return _confirmed(
        request,
        question=_("Delete the pillar %(name)s?") % {"name": pillar.name},
        consequence=_("The basis keeps a version without it."),
        cancel_url=reverse("planning_basis", args=[slug]),
        button=_("Delete the pillar"),
        act=lambda: actions.delete_pillar(actor=_user(request), pillar=pillar),
        done=_("Pillar deleted."),
        then=redirect("planning_basis", slug=slug),
    )


# Objectives and prioritization ----------------------------------------------------------------


@login_required
def objectives(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    contribute = can(request.user, Action.CONTRIBUTE_PLANNING, network)
    manage = can(request.user, Action.MANAGE_PLANNING, network)
    form = ObjectiveForm(request.POST or None, network=network) if contribute else None
    if request.method == "POST" and form is not None and form.is_valid():
        saved = run_action(
            form,
            lambda: actions.save_objective(
                actor=_user(request), network=network, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("Objective added to the list."))
            return redirect("planning_objectives", slug=slug)
    status = request.GET.get("status", "")
    rows = queries.objectives(network, status if status in ObjectiveStatus.values else None)
    page = Paginator(rows, OBJECTIVES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "planning/objectives.html",
        _base(
            request,
            network,
            page=page,
            statuses=ObjectiveStatus.choices,
            status=status,
            form=form,
            has_pillars=queries.pillars(network).exists(),
            rounds=queries.prioritizations(network)[:20],
            round_form=PrioritizationForm() if manage else None,
            now=timezone.now(),
        ),
    )


@login_required
def objective_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.CONTRIBUTE_PLANNING)
    objective = get_objective_for(request.user, network, pk, Action.CONTRIBUTE_PLANNING)
    manage = can(request.user, Action.MANAGE_PLANNING, network)
    if not manage and objective.created_by_id != request.user.pk:
        raise PermissionDenied
    fields = ("pillar", "title", "description", "weight", "status")
    form = ObjectiveForm(
        request.POST or None,
        network=network,
        manage=manage,
        initial={f: getattr(objective, f) for f in fields},
    )
    if request.method == "POST" and form.is_valid():
        saved = run_action(
            form,
            lambda: actions.save_objective(
                actor=_user(request), network=network, objective=objective, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("planning_objectives", slug=slug)
    return render(
        request,
        "planning/objective_form.html",
        _base(request, network, form=form, objective=objective),
    )


@login_required
@require_POST
def objective_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.CONTRIBUTE_PLANNING)
    objective = get_objective_for(request.user, network, pk, Action.CONTRIBUTE_PLANNING)
    return _confirmed(
        request,
        question=_("Delete the objective %(title)s?") % {"title": objective.title},
        consequence=_("It leaves the list and the prioritizations' ballots."),
        cancel_url=objective.get_absolute_url(),
        button=_("Delete the objective"),
        act=lambda: actions.delete_objective(actor=_user(request), objective=objective),
        done=_("Objective deleted."),
        then=redirect("planning_objectives", slug=slug),
    )


@login_required
@require_POST
def prioritization_open(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_PLANNING)
    form = PrioritizationForm(request.POST)
    opened = None
    if form.is_valid():
        data = dict(form.cleaned_data)
        closes_on = data.pop("closes_on")
        closes_at = network.end_of_day(closes_on)
        opened = run_action(
            form,
            lambda: actions.open_prioritization(
                actor=_user(request), network=network, closes_at=closes_at, **data
            ),
        )
    if opened is None:
        errors_to_messages(request, form)
        return redirect("planning_objectives", slug=slug)
    messages.success(request, _("The prioritization is open: each organization casts a ballot."))
    return redirect(opened)


@login_required
def prioritization(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    round_ = get_prioritization_for(request.user, network, pk)
    person = actions.person_of(_user(request), network)
    organization = person.organization if person else None
    listed = list(round_.objectives.select_related("pillar").order_by("pillar__order", "pk"))
    mine = queries.ballot_of(round_, organization)
    may_vote = (
        round_.is_open()
        and organization is not None
        and can(request.user, Action.CONTRIBUTE_PLANNING, network)
    )
    form = BallotForm(
        request.POST or None,
        objectives=listed,
        method=round_.method,
        dots=round_.dots,
        initial={f"o{k}": v for k, v in mine.items()},
    )
    if request.method == "POST" and may_vote and form.is_valid():
        cast = run_action(
            form,
            lambda: actions.cast_ballot(
                actor=_user(request), prioritization=round_, marks=form.marks()
            ),
        )
        if cast is not None:
            messages.success(request, _("Your organization's ballot is saved."))
            return redirect(round_)
    return render(
        request,
        "planning/prioritization.html",
        _base(
            request,
            network,
            round=round_,
            form=form if may_vote else None,
            organization=organization,
            marked=mine,
            listed=listed,
            ballots=round_.ballots.count(),
            standings=queries.standings(round_),
            proposal=queries.proposal_state(round_),
        ),
    )


@login_required
@require_POST
def prioritization_step(request: HttpRequest, slug: str, pk: int, step: str) -> HttpResponse:
    """Close the round, put its adoption to a proposal, or adopt its first objectives."""
    network = get_network_for(request.user, slug, Action.MANAGE_PLANNING)
    round_ = get_prioritization_for(request.user, network, pk, Action.MANAGE_PLANNING)
    steps = {
        "close": (actions.close_prioritization, _("The prioritization is closed.")),
        "propose": (actions.propose_adoption, _("The adoption is put to a proposal.")),
        "adopt": (actions.adopt_objectives, _("The objectives are adopted.")),
    }
    if step not in steps:
        raise Http404
    verb, done = steps[step]
    if _attempt(request, lambda: verb(actor=_user(request), prioritization=round_)):
        messages.success(request, done)
    return redirect(round_)


# Programmatic projects -------------------------------------------------------------------------


@login_required
def projects(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    rows = ProgrammaticProject.objects.filter(network=network).order_by("starts_on", "pk")
    page = Paginator(rows, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    shown = queries.project_rows(list(page.object_list))
    return render(
        request,
        "planning/projects.html",
        _base(request, network, page=page, rows=shown, timeline=charts.timeline(shown)),
    )


@login_required
def project_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_PLANNING)
    project = get_project_for(request.user, network, pk, Action.MANAGE_PLANNING) if pk else None
    fields = (
        "objective",
        "title",
        "impact_objective",
        "specific_objective",
        "starts_on",
        "ends_on",
        "axis_referent",
        "line_referent",
        "responsible",
        "staff",
        "extra_resources",
        "general_indicators",
        "weight",
    )
    initial: dict[str, Any] = {}
    if project is not None:
        initial = {f: getattr(project, f) for f in fields}
    elif re.fullmatch(r"[0-9]{1,9}", request.GET.get("objective", "")):
        initial = {"objective": int(request.GET["objective"])}
    form = ProjectForm(request.POST or None, network=network, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_action(
            form,
            lambda: actions.save_project(
                actor=_user(request), network=network, project=project, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("Project saved."))
            return redirect(saved)
    return render(
        request, "planning/project_form.html", _base(request, network, form=form, project=project)
    )


@login_required
def project_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    project = get_project_for(request.user, network, pk)
    track = _may_track(request, project)
    return render(
        request,
        "planning/project_detail.html",
        _base(
            request,
            network,
            project=project,
            row=queries.project_row(project),
            may_track=track,
            result_form=ResultForm() if track else None,
            indicator_form=IndicatorForm(project=project) if track else None,
        ),
    )


@login_required
@require_POST
def project_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_PLANNING)
    project = get_project_for(request.user, network, pk, Action.MANAGE_PLANNING)
    return _confirmed(
        request,
        question=_("Delete the project %(title)s?") % {"title": project.title},
        consequence=_("Its results, indicators and measurements go with it."),
        cancel_url=project.get_absolute_url(),
        button=_("Delete the project"),
        act=lambda: actions.delete_project(actor=_user(request), project=project),
        done=_("Project deleted."),
        then=redirect("planning_projects", slug=slug),
    )


@login_required
def result_edit(
    request: HttpRequest, slug: str, project_pk: int, pk: int | None = None
) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    project = get_project_for(request.user, network, project_pk)
    if not _may_track(request, project):
        raise PermissionDenied
    result = get_result_for(request.user, network, pk) if pk else None
    if result is not None and result.project_id != project.pk:
        raise PermissionDenied
    fields = ("kind", "description", "due_on", "progress", "weight")
    form = ResultForm(
        request.POST or None, initial={f: getattr(result, f) for f in fields} if result else None
    )
    if request.method == "POST" and form.is_valid():
        saved = run_action(
            form,
            lambda: actions.save_result(
                actor=_user(request), project=project, result=result, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("Result saved."))
            return redirect(f"{project.get_absolute_url()}#results")
    return render(
        request,
        "planning/result_form.html",
        _base(request, network, form=form, project=project, result=result),
    )


@login_required
def indicator_edit(
    request: HttpRequest, slug: str, project_pk: int, pk: int | None = None
) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    project = get_project_for(request.user, network, project_pk)
    if not _may_track(request, project):
        raise PermissionDenied
    indicator = get_indicator_for(request.user, network, pk) if pk else None
    if indicator is not None and indicator.project_id != project.pk:
        raise PermissionDenied
    fields = ("name", "unit", "baseline", "target", "result", "weight")
    form = IndicatorForm(
        request.POST or None,
        project=project,
        initial={f: getattr(indicator, f) for f in fields} if indicator else None,
    )
    if request.method == "POST" and form.is_valid():
        saved = run_action(
            form,
            lambda: actions.save_indicator(
                actor=_user(request), project=project, indicator=indicator, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("Indicator saved."))
            return redirect(saved)
    return render(
        request,
        "planning/indicator_form.html",
        _base(request, network, form=form, project=project, indicator=indicator),
    )


@login_required
def indicator_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    indicator = get_indicator_for(request.user, network, pk)
    track = _may_track(request, indicator.project)
    form = MeasurementForm(request.POST or None) if track else None
    import_form = MeasurementsImportForm() if track else None
    if request.method == "POST" and track:
        if "file" in request.FILES:
            import_form = MeasurementsImportForm(request.POST, request.FILES)
            if import_form.is_valid():
                upload = import_form.cleaned_data["file"]
                saved = run_action(
                    import_form,
                    lambda: actions.import_measurements(
                        actor=_user(request),
                        indicator=indicator,
                        data=upload.read(),
                        name=upload.name or "measurements",
                    ),
                )
                if saved is not None:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s measurement imported.",
                            "%(count)s measurements imported.",
                            len(saved),
                        )
                        % {"count": number(len(saved))},
                    )
                    return redirect(indicator)
            form = MeasurementForm()
        elif form is not None and form.is_valid():
            saved = run_action(
                form,
                lambda: actions.record_measurement(
                    actor=_user(request), indicator=indicator, **form.cleaned_data
                ),
            )
            if saved is not None:
                messages.success(request, _("Measurement recorded."))
                return redirect(indicator)
    page = Paginator(queries.measurements(indicator), MEASUREMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    latest = queries.measurements(indicator).first()
    return render(
        request,
        "planning/indicator_detail.html",
        _base(
            request,
            network,
            indicator=indicator,
            project=indicator.project,
            page=page,
            latest=latest,
            progress=indicator.progress(latest.value if latest else None),
            chart=charts.indicator_chart(
                indicator, list(reversed(queries.measurements(indicator)[:120]))
            ),
            may_track=track,
            form=form,
            import_form=import_form,
        ),
    )


@login_required
@require_POST
def measurement_delete(
    request: HttpRequest, slug: str, pk: int, measurement_pk: int
) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    indicator = get_indicator_for(request.user, network, pk)
    measurement = get_measurement_for(request.user, network, indicator, measurement_pk)
    actions.delete_measurement(actor=_user(request), measurement=measurement)
    messages.success(request, _("Measurement deleted."))
    return redirect(indicator)


@login_required
@require_POST
def result_delete(request: HttpRequest, slug: str, project_pk: int, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    project = get_project_for(request.user, network, project_pk)
    result = get_result_for(request.user, network, pk)
    if result.project_id != project.pk:
        raise PermissionDenied
    actions.delete_result(actor=_user(request), result=result)
    messages.success(request, _("Result deleted."))
    return redirect(f"{project.get_absolute_url()}#results")


@login_required
@require_POST
def indicator_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PLANNING)
    indicator: Indicator = get_indicator_for(request.user, network, pk)
    project = indicator.project
    return _confirmed(
        request,
        question=_("Delete the indicator %(name)s?") % {"name": indicator.name},
        consequence=_("Its measurements go with it."),
        cancel_url=indicator.get_absolute_url(),
        button=_("Delete the indicator"),
        act=lambda: actions.delete_indicator(actor=_user(request), indicator=indicator),
        done=_("Indicator deleted."),
        then=redirect(project),
    )
