"""The protocol's pages. Every one is `no-store` and hides its POST data from error reports;
a receipt travels only in a form's body; contents are opened only for the case's officers,
after they unlock their key with their password (see `access.py`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from minga.core.access import acting_user as _user
from minga.core.access import get_network_for
from minga.core.l10n import number
from minga.core.models import Network, Person, RoleName
from minga.core.permissions import Action, can
from minga.core.web import run_action
from minga.protocol import actions, keys, queries
from minga.protocol.access import (
    Locked,
    TooManyAttempts,
    case_by_receipt,
    case_key_for,
    check_attempts,
    count_attempt,
    get_case_for,
    lock_in_browser,
    officer_key_of,
    unlock_in_browser,
    unlocked_private,
)
from minga.protocol.forms import (
    AttachmentForm,
    ChecklistForm,
    GrantForm,
    MeasureForm,
    MessageForm,
    PasswordForm,
    PublicReportForm,
    ReceiptForm,
    ReceiptMessageForm,
    RecoverForm,
    ReportForm,
    SettingsForm,
    StateForm,
    TextForm,
)
from minga.protocol.models import Case, OfficerKey, Setup

CASES_PER_PAGE = 50


def confidential(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No copy kept by browsers or proxies, no POST data in error reports."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return sensitive_post_parameters()(wrapper)


def _setup(network: Network) -> Setup | None:
    return Setup.objects.filter(network=network).first()


def _officers(network: Network, counts: bool = True) -> list[dict[str, Any]]:
    """The network's protocol officers, whether their key is set up and admitted, and (for
    officers only: `counts`) how many cases they hold. A short list: the role is given to
    a few."""
    people = (
        Person.objects.filter(network=network, roles__name=RoleName.PROTOCOL)
        .select_related("user")
        .distinct()[:100]
    )
    found = {
        person: (admitted, n)
        for person, admitted, n in OfficerKey.objects.filter(person__in=people)
        .annotate(n=Count("case_keys"))
        .values_list("person_id", "admitted", "n")
    }
    return [
        {
            "person": p,
            "has_key": p.pk in found,
            "admitted": found.get(p.pk, (False, 0))[0],
            "cases": found.get(p.pk, (False, 0))[1] if counts else None,
        }
        for p in people
    ]


def _shared(count: int) -> str:
    return ngettext("%(count)s case shared.", "%(count)s cases shared.", count) % {
        "count": number(count)
    }


# The protocol's page ----------------------------------------------------------------------------


@login_required
@confidential
def principles(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug)
    setup = _setup(network)
    texts = queries.current_texts(network)
    language = get_language() or "es"
    return render(
        request,
        "protocol/principles.html",
        {
            "network": network,
            "setup": setup,
            "protocol_text": texts["protocol"].body(language) if texts["protocol"] else "",
            "protocol_version": texts["protocol"].version if texts["protocol"] else None,
            "policy_text": texts["policy"].body(language) if texts["policy"] else "",
            "policy_version": texts["policy"].version if texts["policy"] else None,
            "can_report": setup is not None and can(request.user, Action.REPORT, network),
            "can_view_cases": can(request.user, Action.VIEW_PROTOCOL_CASES, network),
            "can_manage": can(request.user, Action.MANAGE_PROTOCOL, network),
        },
    )


# Reporting ----------------------------------------------------------------------------------


def _within_report_limits(request: HttpRequest, form: Any) -> bool:
    """Each report costs a slow derivation: so many per address and overall per window."""
    try:
        check_attempts(request, "report")
    except TooManyAttempts:
        form.add_error(None, _("Too many attempts; wait a few minutes."))
        return False
    count_attempt(request, "report")
    return True


def _receipt_page(
    request: HttpRequest, network: Network, receipt: str, public: bool
) -> HttpResponse:
    """The receipt, shown this once (the page is not stored and the receipt is in no URL)."""
    return render(
        request,
        "protocol/receipt.html",
        {
            "network": None if public else network,
            "public_network": network,
            "receipt": " ".join(receipt[i : i + 4] for i in range(0, len(receipt), 4)),
        },
    )


@login_required
@confidential
def report(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.REPORT)
    if _setup(network) is None:
        raise Http404("The protocol is not set up")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _within_report_limits(request, form):
        done = run_action(
            form,
            lambda: actions.report(
                network=network,
                reporter=_user(request),
                kind=form.cleaned_data["kind"],
                account=form.cleaned_data["account"],
                anonymous=form.cleaned_data["anonymous"],
                contact_email=form.cleaned_data["contact_email"],
            ),
        )
        if done is not None:
            return _receipt_page(request, network, done[1], public=False)
    return render(request, "protocol/report.html", {"network": network, "form": form})


def _public_network(slug: str) -> Network:
    setup = Setup.objects.select_related("network").filter(network__slug=slug).first()
    if setup is None or not setup.anonymous_channel:
        raise Http404("No public channel")
    return setup.network


@confidential
def public_report(request: HttpRequest, slug: str) -> HttpResponse:
    """Anonymous, without an account: open only when the coordinators switched it on."""
    network = _public_network(slug)
    form = PublicReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _within_report_limits(request, form):
        done = run_action(
            form,
            lambda: actions.report(
                network=network,
                reporter=None,
                kind=form.cleaned_data["kind"],
                account=form.cleaned_data["account"],
                contact_email=form.cleaned_data["contact_email"],
            ),
        )
        if done is not None:
            return _receipt_page(request, network, done[1], public=True)
    return render(
        request,
        "protocol/report.html",
        {"public_network": network, "form": form, "outside_help": _setup(network).outside_help},  # type: ignore[union-attr]
    )


@confidential
def follow(request: HttpRequest, slug: str) -> HttpResponse:
    """The reporter's view, opened with the receipt (typed, sent in the body)."""
    network = Network.objects.filter(slug=slug).first()
    if network is None or _setup(network) is None:
        raise Http404("No such network")
    form: ReceiptForm = (
        ReceiptMessageForm(request.POST)
        if "message" in request.POST
        else ReceiptForm(request.POST or None)
    )
    context: dict[str, Any] = {"public_network": network, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            case, case_key = case_by_receipt(request, form.cleaned_data["receipt"], network)
        except TooManyAttempts:
            form.add_error("receipt", _("Too many receipts tried; wait a few minutes."))
        except Http404:
            form.add_error("receipt", _("No report has this receipt. Check the digits."))
        else:
            if isinstance(form, ReceiptMessageForm):
                run_action(
                    form,
                    lambda: actions.reporter_message(
                        case=case, case_key=case_key, message=form.cleaned_data["message"]
                    ),
                )
            actions.log_read(case, None)
            context.update(
                opened=queries.open_case(case, case_key, for_reporter=True),
                reads=queries.reads_of(case)[:50],
                message_form=ReceiptMessageForm(initial={"receipt": form.cleaned_data["receipt"]}),
            )
    return render(request, "protocol/follow.html", context)


# Officers ----------------------------------------------------------------------------------------


@login_required
@confidential
def cases(request: HttpRequest, slug: str) -> HttpResponse:
    """That cases exist, their type, state and dates: for officers and coordinators."""
    network = get_network_for(request.user, slug, Action.VIEW_PROTOCOL_CASES)
    page = Paginator(queries.cases_of(network), CASES_PER_PAGE).get_page(request.GET.get("page"))
    officer = officer_key_of(request.user, network)
    is_officer = can(request.user, Action.READ_PROTOCOL_CASES, network)
    return render(
        request,
        "protocol/cases.html",
        {
            "network": network,
            "setup": _setup(network),
            "page": page,
            "is_officer": is_officer,
            "officer": officer,
            "unlocked": officer is not None and unlocked_private(request, officer) is not None,
            "password_form": PasswordForm(),
            "officers": _officers(network) if is_officer else [],
        },
    )


@login_required
@require_POST
@confidential
def officer_key(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.READ_PROTOCOL_CASES)
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            check_attempts(request, "unlock")
            officer = actions.create_officer_key(
                actor=_user(request), network=network, password=form.cleaned_data["password"]
            )
        except TooManyAttempts:
            messages.error(request, _("Too many attempts; wait a few minutes."))
        except ValidationError as exc:
            count_attempt(request, "unlock")
            messages.error(request, " ".join(exc.messages))
        else:
            response = redirect("protocol_cases", slug=slug)
            unlock_in_browser(request, response, officer, form.cleaned_data["password"])
            messages.success(request, _("Your key is set up and unlocked."))
            return response
    return redirect("protocol_cases", slug=slug)


@login_required
@require_POST
@confidential
def unlock(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.READ_PROTOCOL_CASES)
    officer = officer_key_of(request.user, network)
    form = PasswordForm(request.POST)
    back = request.POST.get("next", "")
    # Back to the case being opened; only a page of this network's protocol.
    response = redirect(
        back if back.startswith(f"/n/{slug}/protocol/") else f"/n/{slug}/protocol/cases/"
    )
    if officer is None or not form.is_valid():
        messages.error(request, _("Set up your key first."))
        return response
    try:
        check_attempts(request, "unlock")  # guessing a password here is limited
        unlock_in_browser(request, response, officer, form.cleaned_data["password"])
    except TooManyAttempts:
        messages.error(request, _("Too many attempts; wait a few minutes."))
    except keys.WrongSecret:
        count_attempt(request, "unlock")
        messages.error(request, _("That is not your password."))
    return response


@login_required
@require_POST
@confidential
def lock(request: HttpRequest, slug: str) -> HttpResponse:
    get_network_for(request.user, slug, Action.READ_PROTOCOL_CASES)
    response = redirect("protocol_cases", slug=slug)
    lock_in_browser(request, response)
    return response


def _opened_case(request: HttpRequest, slug: str, pk: int) -> tuple[Network, Case, bytes | None]:
    network = get_network_for(request.user, slug, Action.READ_PROTOCOL_CASES)
    case = get_case_for(request.user, network, pk, Action.READ_PROTOCOL_CASES)
    try:
        return network, case, case_key_for(request, case)
    except Locked:
        return network, case, None


@login_required
@confidential
def case_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network, case, case_key = _opened_case(request, slug, pk)
    if case_key is None:
        return render(
            request,
            "protocol/unlock.html",
            {
                "network": network,
                "case": case,
                "officer": officer_key_of(request.user, network),
                "password_form": PasswordForm(),
                "next": request.path,
            },
        )
    actions.log_read(case, _user(request))
    opened = queries.open_case(case, case_key)
    return render(
        request,
        "protocol/case.html",
        {
            "network": network,
            "case": case,
            "opened": opened,
            "principles": queries.principles(opened.checked),
            "reads": queries.reads_of(case)[:50],
            "message_form": MessageForm(),
            "state_form": StateForm(initial={"state": case.state}),
            "measure_form": MeasureForm(),
            "checklist_form": ChecklistForm(initial={"checked": opened.checked}),
            "attachment_form": AttachmentForm(),
        },
    )


@csrf_exempt  # checked below, once the uploads' handler is set (Django's documented way)
def case_change(request: HttpRequest, slug: str, pk: int, what: str) -> HttpResponse:
    """A file is read in memory only, never spooled to a temporary file in clear: larger
    than `FILE_UPLOAD_MAX_MEMORY_SIZE` (2.5 MB), it is dropped and the form says so."""
    request.upload_handlers = [MemoryFileUploadHandler(request)]
    return _case_change(request, slug, pk, what)


@login_required
@require_POST
@csrf_protect
@confidential
def _case_change(request: HttpRequest, slug: str, pk: int, what: str) -> HttpResponse:
    """One form of the case page: reply, state, measure, principles, file, step aside."""
    _network, case, case_key = _opened_case(request, slug, pk)
    if case_key is None:
        raise PermissionDenied
    actor = _user(request)
    forms_by_name: dict[str, Any] = {
        "reply": (
            MessageForm,
            lambda d: actions.team_message(
                actor=actor, case=case, case_key=case_key, message=d["message"]
            ),
        ),
        "state": (
            StateForm,
            lambda d: actions.change_state(
                actor=actor, case=case, case_key=case_key, state=d["state"], note=d["note"]
            ),
        ),
        "measure": (
            MeasureForm,
            lambda d: actions.add_measure(
                actor=actor, case=case, case_key=case_key, measure=d["measure"]
            ),
        ),
        "principles": (
            ChecklistForm,
            lambda d: actions.set_checklist(
                actor=actor, case=case, case_key=case_key, checked=d["checked"]
            ),
        ),
    }
    if what == "step-aside":
        actions.step_aside(actor=actor, case=case)
        messages.success(request, _("You stepped aside from this case."))
        return redirect("protocol_cases", slug=slug)
    if what == "file":
        form: Any = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            run_action(
                form,
                lambda: actions.attach(
                    case=case,
                    case_key=case_key,
                    name=upload.name,
                    content_type=upload.content_type or "application/octet-stream",
                    data=upload.read(actions.MAX_ATTACHMENT_BYTES + 1),
                    actor=actor,
                ),
            )
    elif what in forms_by_name:
        form_class, act = forms_by_name[what]
        form = form_class(request.POST)
        if form.is_valid():
            run_action(form, lambda: act(form.cleaned_data))
    else:
        raise Http404("No such change")
    for errors in form.errors.values():
        messages.error(request, " ".join(str(e) for e in errors))
    return redirect("protocol_case", slug=slug, pk=case.pk)


@login_required
@confidential
def attachment(request: HttpRequest, slug: str, pk: int, file_id: int) -> HttpResponse:
    _network, case, case_key = _opened_case(request, slug, pk)
    if case_key is None:
        raise PermissionDenied
    found = queries.attachment(case, case_key, file_id)
    if found is None:
        raise Http404("No such file")
    actions.log_read(case, _user(request))
    meta, data = found
    response = HttpResponse(data, content_type="application/octet-stream")
    # Always a download, never shown in the page: a file cannot run in Minga's origin.
    safe = "".join(ch for ch in meta["name"] if ch.isalnum() or ch in "._- ") or "file"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response


@login_required
@require_POST
@confidential
def grant(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.READ_PROTOCOL_CASES)
    mine = officer_key_of(request.user, network)
    private = unlocked_private(request, mine) if mine else None
    form = GrantForm(request.POST)
    target = (
        OfficerKey.objects.filter(
            person__network=network, person_id=form.cleaned_data["officer"]
        ).first()
        if form.is_valid()
        else None
    )
    if private is None or target is None:
        messages.error(request, _("Unlock your key, and choose an officer who has set up theirs."))
        return redirect("protocol_cases", slug=slug)
    try:
        shared = actions.grant(
            actor=_user(request), network=network, private=private, officer=target
        )
        messages.success(request, _shared(shared))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("protocol_cases", slug=slug)


# Coordinators ------------------------------------------------------------------------------------


@login_required
@confidential
def setup(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_PROTOCOL)
    current = _setup(network)
    if request.method == "POST" and current is None:
        try:
            printed = actions.set_up(actor=_user(request), network=network)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("protocol_setup", slug=slug)
        # Shown this once: the server keeps only its public half.
        return render(
            request, "protocol/recovery_key.html", {"network": network, "recovery_key": printed}
        )
    settings_form = SettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "anonymous_channel": current.anonymous_channel if current else False,
            "retention_days": current.retention_days if current else 90,
            "outside_help": current.outside_help if current else "",
        },
    )
    if request.method == "POST" and settings_form.is_valid():
        done = run_action(
            settings_form,
            lambda: actions.change_settings(
                actor=_user(request), network=network, **settings_form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, _("The protocol's settings are saved."))
            return redirect("protocol_setup", slug=slug)
    return render(
        request,
        "protocol/setup.html",
        {
            "network": network,
            "setup": current,
            "settings_form": settings_form,
            "text_form": TextForm(),
            "officers": _officers(network, counts=False),
            "recover_form": RecoverForm(),
        },
    )


@login_required
@require_POST
@confidential
def publish_text(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_PROTOCOL)
    form = TextForm(request.POST)
    if form.is_valid() and run_action(
        form,
        lambda: actions.publish_text(actor=_user(request), network=network, **form.cleaned_data),
    ):
        messages.success(request, _("A new version is published."))
    for errors in form.errors.values():
        messages.error(request, " ".join(str(e) for e in errors))
    return redirect("protocol_setup", slug=slug)


@login_required
@require_POST
@confidential
def recover(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_PROTOCOL)
    form = RecoverForm(request.POST)
    officer = (
        OfficerKey.objects.filter(
            person__network=network, person_id=form.cleaned_data["officer"]
        ).first()
        if form.is_valid()
        else None
    )
    if officer is None:
        messages.error(request, _("Choose an officer who has set up their key."))
        return redirect("protocol_setup", slug=slug)
    try:
        shared = actions.recover(
            actor=_user(request),
            network=network,
            recovery_key=form.cleaned_data["recovery_key"],
            officer=officer,
        )
        messages.success(request, _shared(shared))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("protocol_setup", slug=slug)


@login_required
@confidential
def statistics(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PROTOCOL_STATISTICS)
    return render(
        request,
        "protocol/statistics.html",
        {
            "network": network,
            "stats": queries.network_statistics(network),
            "smallest": queries.SMALLEST_COUNT,
        },
    )
