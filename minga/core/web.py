"""What every app's pages share: calling an action from a form, and a step's page.

Step apps import these instead of the core app's views, which no app imports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minga.core.access import get_network_for
from minga.core.models import StepState
from minga.core.permissions import Action, can
from minga.core.queries import step_state
from minga.core.steps import STEPS_BY_KEY


def run_action(form: BaseForm, action: Callable[[], Any]) -> Any | None:
    """Call an action; put its validation errors on the form instead of failing."""
    try:
        return action()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


def errors_to_messages(request: HttpRequest, form: BaseForm) -> None:
    """A form posted from another page (a card's small form): its errors, each named by its
    field's label, shown as messages on the page it returns to."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def needs_confirmation(
    request: HttpRequest, *, question: str, consequence: str, cancel_url: str, button: str
) -> HttpResponse | None:
    """An irreversible step asks first, without JavaScript: a POST without `confirmed=1`
    answers a page that says what cannot be undone and posts the same fields again with
    `confirmed=1`; None means it was confirmed and the view goes on."""
    if request.POST.get("confirmed") == "1":
        return None
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "confirmed")
        for value in values
    ]
    context = {
        "question": question,
        "consequence": consequence,
        "cancel_url": cancel_url,
        "button": button,
        "action": request.get_full_path(),
        "fields": fields,
    }
    return render(request, "core/confirm.html", context)


@login_required
def step_page(request: HttpRequest, slug: str, step: str) -> HttpResponse:
    """A step of the method: its guide, its state and (as apps grow) its tools."""
    network = get_network_for(request.user, slug)
    return render(
        request,
        f"{step}/step.html",
        {
            "network": network,
            "step": STEPS_BY_KEY[step],
            "state": step_state(network, step),
            "states": StepState.choices,
            "can_set_state": can(request.user, Action.SET_STEP_STATE, network),
        },
    )
