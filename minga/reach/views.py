"""Reach pages: the charter and its history, the audience's criteria, the action plan."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minga.core.access import acting_user as _user
from minga.core.access import get_network_for
from minga.core.models import StepState
from minga.core.permissions import Action, can
from minga.core.queries import step_state
from minga.core.steps import STEPS_BY_KEY
from minga.core.web import run_action
from minga.reach import actions
from minga.reach.access import get_action_item_for, get_public_charter
from minga.reach.forms import ActionItemForm, AudienceForm, CharterForm
from minga.reach.models import ActionStatus, AudienceCriteria, Charter
from minga.reach.queries import audience_countries, audience_kinds, audience_themes


def _audience_initial(audience: AudienceCriteria | None) -> dict[str, object]:
    if audience is None:
        return {"member_kinds": ["organization"]}
    return {
        "member_kinds": audience.member_kinds,
        "countries": list(audience.countries),
        "themes": ", ".join(audience_themes(audience)),
        "statements": "\n".join(audience.statements),
    }


@login_required
def reach_home(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug)
    charter = Charter.objects.filter(network=network).first()
    audience = AudienceCriteria.objects.filter(network=network).first()
    manage = can(request.user, Action.MANAGE_CHARTER, network)
    return render(
        request,
        "reach/step.html",
        {
            "network": network,
            "step": STEPS_BY_KEY["reach"],
            "state": step_state(network, "reach"),
            "states": StepState.choices,
            "can_set_state": can(request.user, Action.SET_STEP_STATE, network),
            "can_manage": manage,
            "charter": charter,
            "current": network.charter_versions.select_related("author").first(),
            "audience": audience,
            "audience_kinds": audience_kinds(audience),
            "audience_countries": audience_countries(audience),
            "audience_themes": audience_themes(audience),
            "items": network.action_items.select_related("owner__user"),
            "item_form": ActionItemForm(network=network) if manage else None,
            "statuses": ActionStatus.choices,
        },
    )


@login_required
def charter_edit(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_CHARTER)
    current = network.charter_versions.first()
    form = CharterForm(request.POST or None, instance=None, initial=_charter_initial(current))
    if request.method == "POST" and form.is_valid():
        version = run_action(
            form,
            lambda: actions.save_charter(
                actor=_user(request), network=network, **form.cleaned_data
            ),
        )
        if version is not None:
            messages.success(
                request, _("Charter saved as version %(number)s.") % {"number": version.number}
            )
            return redirect("reach", slug=slug)
    return render(request, "reach/charter_form.html", {"network": network, "form": form})


def _charter_initial(current: object) -> dict[str, object]:
    if current is None:
        return {}
    return {field: getattr(current, field) for field in actions.CHARTER_FIELDS}


@login_required
def charter_history(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug)
    versions = network.charter_versions.select_related("author")
    return render(request, "reach/charter_history.html", {"network": network, "versions": versions})


@login_required
@require_POST
def charter_visibility(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_CHARTER)
    actions.set_charter_visibility(
        actor=_user(request),
        network=network,
        public=request.POST.get("public") == "on",
        applications_open=request.POST.get("applications_open") == "on",
    )
    messages.success(request, _("Saved."))
    return redirect("reach", slug=slug)


def public_charter(request: HttpRequest, slug: str) -> HttpResponse:
    """Public by the coordinators' choice: no login needed."""
    charter = get_public_charter(slug)
    network = charter.network
    return render(
        request,
        "reach/public_charter.html",
        {
            "public_network": network,
            "charter": charter,
            "current": network.charter_versions.first(),
        },
    )


@login_required
def audience_edit(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_CHARTER)
    audience = AudienceCriteria.objects.filter(network=network).first()
    form = AudienceForm(request.POST or None, initial=_audience_initial(audience))
    if request.method == "POST" and form.is_valid():
        saved = run_action(
            form,
            lambda: actions.set_audience(actor=_user(request), network=network, **form.lists()),
        )
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("reach", slug=slug)
    return render(request, "reach/audience_form.html", {"network": network, "form": form})


@login_required
@require_POST
def add_item(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_CHARTER)
    form = ActionItemForm(request.POST, network=network)
    if form.is_valid():
        run_action(
            form,
            lambda: actions.add_action_item(
                actor=_user(request), network=network, **form.cleaned_data
            ),
        )
    for errors in form.errors.values():
        messages.error(request, " ".join(str(e) for e in errors))
    return redirect("reach", slug=slug)


@login_required
@require_POST
def item_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_CHARTER)
    item = get_action_item_for(request.user, network, pk)
    status = request.POST.get("status", "")
    try:
        actions.update_action_item(actor=_user(request), item=item, status=status)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=422)
    if request.headers.get("HX-Request"):
        return HttpResponse(_("Saved."))
    return redirect("reach", slug=slug)
