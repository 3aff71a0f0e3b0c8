"""Pages of the core app. Thin: they check access, validate forms and call actions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_countries import countries

from minga.core import actions, backends, pickers, queries
from minga.core.access import acting_user as _user
from minga.core.access import get_network_for, get_organization_for, get_person_for
from minga.core.exports import Row, csv_response, xlsx_response
from minga.core.forms import (
    AccountForm,
    AuditFilterForm,
    InviteForm,
    NetworkForm,
    NetworkSettingsForm,
    OrganizationFilterForm,
    OrganizationForm,
    PeopleFilterForm,
    PersonForm,
    event_choices,
)
from minga.core.models import (
    LANGUAGE_CODES,
    AuditEntry,
    Invitation,
    Network,
    Organization,
    Person,
    StepState,
    User,
)
from minga.core.permissions import Action, can
from minga.core.steps import STEPS, STEPS_BY_KEY
from minga.core.web import run_action


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: 200 while the database answers, with the task queue's
    state ("degraded" when a task has waited past `queries.STALLED_AFTER`: the workers are
    down, which the web processes can serve through); 503 when the database does not answer.
    `/healthz` only says the process is up."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        tasks = queries.task_queue_health()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    status = "degraded" if tasks["stalled"] else "ok"
    return JsonResponse({"status": status, "database": "ok", "tasks": tasks})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    networks = queries.networks_visible_to(request.user).order_by("name", "pk")
    # A platform administrator sees every network: a page at a time.
    page = Paginator(networks, 50).get_page(request.GET.get("page"))
    return render(request, "core/home.html", {"networks": page, "page": page})


@login_required
def network_create(request: HttpRequest) -> HttpResponse:
    form = NetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        network = run_action(
            form, lambda: actions.create_network(actor=_user(request), **form.cleaned_data)
        )
        if network is not None:
            return redirect(network)
    return render(request, "core/network_form.html", {"form": form, "creating": True})


@login_required
def network_home(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug)
    states = queries.step_states(network)
    labels = dict(StepState.choices)
    steps = [
        {"step": step, "state": states[step.key], "state_label": labels[states[step.key]]}
        for step in STEPS
    ]
    return render(
        request,
        "core/network_home.html",
        {
            "network": network,
            "steps": steps,
            "organization_count": network.organizations.count(),
            "people_count": network.people.count(),
            "can_change": can(request.user, Action.CHANGE_NETWORK, network),
            "can_audit": can(request.user, Action.VIEW_AUDIT, network),
        },
    )


@login_required
@require_POST
def step_state(request: HttpRequest, slug: str, step: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.SET_STEP_STATE)
    state = request.POST.get("state", "")
    try:
        actions.set_step_state(actor=_user(request), network=network, step=step, state=state)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=422)
    if request.headers.get("HX-Request"):
        return render(
            request,
            "core/_step_state.html",
            {
                "network": network,
                "step": STEPS_BY_KEY[step],
                "state": state,
                "states": StepState.choices,
                "can_set_state": True,
                "saved": True,
            },
        )
    return redirect(step, slug=slug)


@login_required
def network_settings(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.CHANGE_NETWORK)
    initial = {
        "name": network.name,
        "description": network.description,
        "model": network.model,
        "languages": network.languages,
        "time_zone": network.time_zone,
    }
    form = NetworkSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        if not changes.get("time_zone"):
            changes.pop("time_zone", None)  # left empty: unchanged
        done = run_action(
            form,
            lambda: actions.update_network(actor=_user(request), network=network, **changes),
        )
        if done is not None:
            messages.success(request, _("Settings saved."))
            return redirect(network)
    return render(request, "core/network_form.html", {"form": form, "network": network})


# Organizations ------------------------------------------------------------------------


@login_required
def organization_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_ORGANIZATIONS)
    filters = OrganizationFilterForm(request.GET or None, network=network)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    organizations = queries.organizations_of(network, **wanted)
    if (fmt := _export_format(request)) is not None:
        return _export(fmt, f"{network.slug}-organizations", *_organization_table(organizations))
    rows = organizations.prefetch_related(None).values(*queries.ORGANIZATION_ROW_FIELDS)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    template = "core/_organization_rows.html" if request.headers.get("HX-Request") else None
    return render(
        request,
        template or "core/organization_list.html",
        {
            "network": network,
            "filters": filters,
            "page": page,
            "organizations": queries.organization_rows(network, page),
            "export_formats": EXPORT_LINKS,
            "can_manage": can(request.user, Action.MANAGE_ORGANIZATIONS, network),
        },
    )


PEOPLE_ON_ORGANIZATION = 50
PENDING_INVITATIONS_SHOWN = 20


@login_required
def organization_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_ORGANIZATIONS)
    organization = get_organization_for(request.user, network, pk)
    people = organization.people.select_related("user").prefetch_related("roles")
    shown = list(people[: PEOPLE_ON_ORGANIZATION + 1])
    return render(
        request,
        "core/organization_detail.html",
        {
            "network": network,
            "organization": organization,
            # The first of its people; the people list, filtered to it, pages the rest.
            "people": shown[:PEOPLE_ON_ORGANIZATION],
            # Counted only when there are more than it shows.
            "people_count": people.count() if len(shown) > PEOPLE_ON_ORGANIZATION else len(shown),
            "people_shown": PEOPLE_ON_ORGANIZATION,
            "can_manage": can(request.user, Action.MANAGE_ORGANIZATIONS, network),
        },
    )


@login_required
def organization_form(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_ORGANIZATIONS)
    organization = get_organization_for(request.user, network, pk) if pk else None
    initial = OrganizationForm.initial_for(organization) if organization else {}
    form = OrganizationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields, themes = form.split()
        if organization is None:
            result = run_action(
                form,
                lambda: actions.create_organization(
                    actor=_user(request), network=network, themes=themes, **fields
                ),
            )
        else:
            result = run_action(
                form,
                lambda: actions.update_organization(
                    actor=_user(request), organization=organization, themes=themes, **fields
                ),
            )
        if result is not None:
            return redirect(result)
    return render(
        request,
        "core/organization_form.html",
        {"network": network, "organization": organization, "form": form},
    )


# People -----------------------------------------------------------------------------------


@login_required
def people_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_PEOPLE)
    filters = PeopleFilterForm(request.GET or None)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    people = queries.people_of(network, **wanted)
    if (fmt := _export_format(request)) is not None:
        return _export(fmt, f"{network.slug}-people", *_people_table(people))
    page = Paginator(people, 100).get_page(request.GET.get("page"))
    can_manage = can(request.user, Action.MANAGE_PEOPLE, network)
    invitations = queries.pending_invitations(network) if can_manage else Invitation.objects.none()
    invitations = invitations.order_by("expires_at", "pk")  # the next to expire first
    pending = list(invitations[: PENDING_INVITATIONS_SHOWN + 1])
    return render(
        request,
        "core/people_list.html",
        {
            "network": network,
            "filters": filters,
            "page": page,
            "export_formats": EXPORT_LINKS,
            "can_manage": can_manage,
            "invitations": pending[:PENDING_INVITATIONS_SHOWN],
            # Counted only when there are more than it shows.
            "invitation_count": invitations.count()
            if len(pending) > PENDING_INVITATIONS_SHOWN
            else len(pending),
        },
    )


@login_required
def person_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_PEOPLE)
    person = get_person_for(request.user, network, pk, Action.MANAGE_PEOPLE)
    initial = {"organization": person.organization, "roles": person.role_names()}
    form = PersonForm(request.POST or None, initial=initial, network=network)
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form,
            lambda: actions.update_person(
                actor=_user(request),
                person=person,
                organization=form.cleaned_data["organization"],
                roles=form.cleaned_data["roles"],
            ),
        )
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("people_list", slug=slug)
    return render(
        request, "core/person_form.html", {"network": network, "person": person, "form": form}
    )


@login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_PEOPLE)
    form = InviteForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        invitation = run_action(
            form,
            lambda: actions.invite_person(
                actor=_user(request), network=network, **form.cleaned_data
            ),
        )
        if invitation is not None:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("people_list", slug=slug)
    return render(request, "core/invite_form.html", {"network": network, "form": form})


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Public page (no login needed): the invitation link itself is the credential."""
    invitation = Invitation.from_token(token)
    if invitation is None or not invitation.is_usable():
        return render(request, "core/invitation_invalid.html", status=410)
    form = AccountForm(request.POST or None, initial={"username": invitation.email.split("@")[0]})
    if request.method == "POST":
        if request.user.is_authenticated:
            user: User | None = _user(request)
        elif form.is_valid():
            user = run_action(
                form,
                lambda: actions.create_account(
                    email=invitation.email, language=invitation.language, **form.cleaned_data
                ),
            )
        else:
            user = None
        if user is not None:
            run_action(form, lambda: actions.accept_invitation(actor=user, invitation=invitation))
            if not form.errors:
                if not request.user.is_authenticated:
                    login(request, user, backend=backends.MINGAS)
                messages.success(
                    request, _("Welcome to %(network)s.") % {"network": invitation.network.name}
                )
                return redirect(invitation.network)
    return render(request, "core/invitation_accept.html", {"invitation": invitation, "form": form})


# Audit, language, tokens -------------------------------------------------------------------


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_AUDIT)
    filters = AuditFilterForm(request.GET or None)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    entries = queries.audit_entries(network, **wanted)
    if (fmt := _export_format(request)) is not None:
        return _export(fmt, f"{network.slug}-audit", *_audit_table(entries))
    # Newer/older by keyset, never page numbers: no count and no offset over a long log.
    page = queries.audit_page(
        entries, before=request.GET.get("before", ""), after=request.GET.get("after", "")
    )
    return render(
        request,
        "core/audit_log.html",
        {
            "network": network,
            "filters": filters,
            "page": page,
            "paged": bool(request.GET.get("before") or request.GET.get("after")),
            "export_formats": EXPORT_LINKS,
        },
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered in a cookie and on the person's account."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in LANGUAGE_CODES:
        return response
    if request.user.is_authenticated:
        actions.set_language(actor=_user(request), language=language)
    else:
        # Written to the account at login (`remember_language_choice`).
        request.session[LANGUAGE_CHOICE_KEY] = language
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response


LANGUAGE_CHOICE_KEY = "minga_language_choice"


def remember_language_choice(
    sender: Any, request: HttpRequest | None, user: Any, **kw: Any
) -> None:
    """At login (signal `user_logged_in`), a language picked before it, on the login page,
    becomes the account's language; an account without one takes the language cookie's."""
    if request is None or not isinstance(user, User):
        return
    session = getattr(request, "session", None)
    chosen = session.pop(LANGUAGE_CHOICE_KEY, "") if session is not None else ""
    if not chosen and not user.language:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in LANGUAGE_CODES:
        actions.set_language(actor=user, language=chosen)
        translation.activate(chosen)


@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    token = None
    if request.method == "POST":
        token = actions.issue_token(actor=_user(request), user=_user(request))
    return render(request, "core/api_token.html", {"token": token})


# Exports: the rows a list page shows, with the same filters, as CSV or XLSX ----------------

EXPORT_FORMATS = ("csv", "xlsx")
# The links' format names, shown inside the translated "Download as %(format)s".
EXPORT_LINKS = [("csv", "CSV"), ("xlsx", "XLSX")]


def _export_format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("export", "")
    return fmt if fmt in EXPORT_FORMATS else None


def _export(
    fmt: str, filename: str, header: list[str], rows: Iterable[Row], sheet: str
) -> HttpResponse:
    if fmt == "csv":
        return csv_response(filename, header, rows)
    return xlsx_response(filename, header, rows, sheet)


def _organization_table(
    organizations: QuerySet[Organization],
) -> tuple[list[str], Iterable[Row], str]:
    header = [
        _("Name"),
        _("Country"),
        _("City"),
        _("Type"),
        _("Size"),
        _("Themes"),
        _("Website"),
        _("Contact email"),
        _("Contact phone"),
    ]
    rows = (
        [
            organization.name,
            countries.name(organization.country.code) if organization.country else "",
            organization.city,
            organization.get_type_display(),
            organization.get_size_display(),
            ", ".join(theme.name for theme in organization.themes.all()),
            organization.website,
            organization.contact_email,
            organization.contact_phone,
        ]
        for organization in organizations.iterator(chunk_size=500)
    )
    return header, rows, _("Organizations")


def _people_table(people: QuerySet[Person]) -> tuple[list[str], Iterable[Row], str]:
    header = [_("Name"), _("User name"), _("Organization"), _("Country"), _("Roles")]
    rows = (
        [
            str(person.user),
            person.user.get_username(),
            person.organization.name if person.organization else "",
            countries.name(person.organization.country.code)
            if person.organization and person.organization.country
            else "",
            ", ".join(str(role.get_name_display()) for role in person.roles.all()),
        ]
        for person in people.iterator(chunk_size=500)
    )
    return header, rows, _("People")


def _audit_table(entries: QuerySet[AuditEntry]) -> tuple[list[str], Iterable[Row], str]:
    header = [_("When"), _("Who"), _("Event"), _("What happened")]
    labels = dict(event_choices())
    rows: Iterable[Row] = (
        [
            timezone.localtime(entry.at).replace(tzinfo=None),
            entry.who(),
            str(labels.get(entry.action, entry.action)),
            entry.sentence(),
        ]
        for entry in entries.iterator(chunk_size=500)
    )
    return header, rows, _("Audit log")


def locked_out(
    request: HttpRequest, response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """What a caller sees while failed logins keep them in a cool-off (django-axes)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": f"Too many failed attempts; try again in {minutes} minutes."}, status=429
        )
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


# Pickers ----------------------------------------------------------------------------------


def _suggestions(
    request: HttpRequest, slug: str, action: Action, suggest: Callable[[Network, str], Any]
) -> HttpResponse:
    """A picker box's suggestions (`minga.core.pickers`): at most a screenful. htmx sends
    the box under its field's name, whatever the form calls it."""
    network = get_network_for(request.user, slug, action)
    text = next((t for key in request.GET if (t := request.GET.get(key, "").strip())), "")
    context = {"suggestions": suggest(network, text) if text else []}
    return render(request, "core/_suggestions.html", context)


@login_required
def pick_organizations(request: HttpRequest, slug: str) -> HttpResponse:
    """Suggestions for an organization box, by name."""
    return _suggestions(request, slug, Action.VIEW_ORGANIZATIONS, pickers.organization_suggestions)


@login_required
def pick_people(request: HttpRequest, slug: str) -> HttpResponse:
    """Suggestions for a person box, by user name or full name."""
    return _suggestions(request, slug, Action.VIEW_PEOPLE, pickers.person_suggestions)
