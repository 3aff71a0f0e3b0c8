"""Financing pages: the step's summary, the catalogue of calls (with import and export),
matches with their reasons, the gap analysis, joint applications and the sustainability
and financing plan. Thin: the forms read, the actions write, the queries derive."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_countries import countries as all_countries

from minga.core.access import acting_user as _user
from minga.core.access import get_network_for, get_organization_for
from minga.core.exports import attachment, csv_response, safe_filename, xlsx_response
from minga.core.models import Network, Organization, OrganizationType, StepState
from minga.core.pdf import PdfUnavailable, pdf_response
from minga.core.permissions import Action, can
from minga.core.queries import step_state
from minga.core.steps import STEPS_BY_KEY
from minga.core.web import errors_to_messages, needs_confirmation, run_action
from minga.financing import actions, charts, queries
from minga.financing.access import (
    get_application_for,
    get_call_for,
    get_document_for,
    get_funder_for,
    get_need_for,
    get_partner_for,
    get_plan_line_for,
    may_work_on,
    own_organization,
    sees_amounts_of,
)
from minga.financing.calls_file import COLUMNS
from minga.financing.forms import (
    AccessForm,
    ApplicationEditForm,
    ApplicationForm,
    CallFilterForm,
    CallForm,
    DocumentForm,
    FunderForm,
    ImportForm,
    MatchForm,
    NeedForm,
    PartnerForm,
    PlanForm,
    PlanLineForm,
    StageForm,
    SurveyLinkForm,
    deadline_initial,
)
from minga.financing.models import Need, PlanLine, SourceType, Stage, SurveyLink
from minga.mapping.queries import surveys_with_forms

CALLS_PER_PAGE = 25
MATCHES_PER_PAGE = 20
APPLICATIONS_PER_PAGE = 25
NAMES_PER_PAGE = 20


def _base(request: HttpRequest, network: Network, **extra: Any) -> dict[str, Any]:
    return {
        "network": network,
        "can_manage": can(request.user, Action.MANAGE_FUNDING, network),
        **extra,
    }


@login_required
def financing_home(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug)
    rows = queries.gap_rows(network)
    return render(
        request,
        "financing/step.html",
        _base(
            request,
            network,
            step=STEPS_BY_KEY["financing"],
            state=step_state(network, "financing"),
            states=StepState.choices,
            can_set_state=can(request.user, Action.SET_STEP_STATE, network),
            gap=rows,
            chart=charts.gap_chart(rows, _("Needs and income by year")) if rows else "",
            pipeline=queries.pipeline(network),
            top=queries.match_rows(queries.matches(network)[:5]),
            closing=queries.closing_soon(network)[:5],
            plan_lines=PlanLine.objects.filter(network=network).count(),
        ),
    )


# The catalogue ------------------------------------------------------------------------------


def _call_rows(calls: Any) -> list[list[Any]]:
    return [
        [
            call.title,
            call.funder.name,
            call.source_type,
            ";".join(t.slug for t in call.themes.all()),
            ";".join(call.countries),
            ";".join(call.org_types),
            call.amount_min,
            call.amount_max,
            call.currency,
            call.deadline.isoformat(),
            call.url,
            call.criteria,
            "true" if call.joint_allowed else "false",
        ]
        for call in calls
    ]


@login_required
def call_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_FUNDING)
    filters = CallFilterForm(request.GET or None)
    rows = queries.calls(network, filters.filters())
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        # The import's own columns, so a catalogue downloaded here imports elsewhere.
        table = _call_rows(rows.prefetch_related("themes")[:20_000])
        name = f"{network.slug}-funding-calls"
        if export == "csv":
            return csv_response(name, COLUMNS, table)
        return xlsx_response(name, COLUMNS, table, "calls")
    page = Paginator(rows.prefetch_related("themes"), CALLS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    manage = can(request.user, Action.MANAGE_FUNDING, network)
    form = ImportForm(request.POST or None, request.FILES or None) if manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        upload = form.cleaned_data["file"]
        # Refused before it is read into memory.
        done = run_action(
            form, lambda: actions.check_upload(upload.size or 0, upload.name or "calls")
        )
        done = done and run_action(
            form,
            lambda: actions.import_calls(
                actor=_user(request), network=network, data=upload.read(), name=upload.name
            ),
        )
        if done is not None:
            added, updated = done
            messages.success(
                request,
                _("%(added)s calls added, %(updated)s updated.")
                % {"added": added, "updated": updated},
            )
            return redirect("funding_calls", slug=slug)
    return render(
        request,
        "financing/call_list.html",
        _base(
            request,
            network,
            page=page,
            filters=filters,
            import_form=form,
            export_formats=[("csv", "CSV"), ("xlsx", "XLSX")],
        ),
    )


@login_required
def call_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug)
    call = get_call_for(request.user, network, pk)
    fit = queries.match_for_call(network, call) if call.is_open() else None
    countries_named = dict(all_countries)
    kinds_named = dict(OrganizationType.choices)
    return render(
        request,
        "financing/call_detail.html",
        _base(
            request,
            network,
            call=call,
            zone=network.time_zone,
            places=[countries_named.get(code, code) for code in call.countries],
            kinds=[kinds_named.get(kind, kind) for kind in call.org_types],
            reasons=[queries.reason_text(r) for r in fit.reasons] if fit else [],
            score=fit.score if fit else None,
            applications=call.applications.select_related("lead")[:20],
            can_apply=can(request.user, Action.APPLY_FOR_FUNDING, network) and call.is_open(),
        ),
    )


@login_required
def call_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    call = get_call_for(request.user, network, pk, Action.MANAGE_FUNDING) if pk else None
    initial: dict[str, Any] = {}
    if call is not None:
        initial = {
            "title": call.title,
            "funder": call.funder.name,
            "source_type": call.source_type,
            "themes": list(call.themes.all()),
            "countries": call.countries,
            "org_types": call.org_types,
            "amount_min": call.amount_min,
            "amount_max": call.amount_max,
            "currency": call.currency,
            "cofinancing": call.cofinancing,
            "url": call.url,
            "criteria": call.criteria,
            "joint_allowed": call.joint_allowed,
            **deadline_initial(call.deadline, network),
        }
    form = CallForm(request.POST or None, initial=initial, network=network)
    if request.method == "POST" and form.is_valid():
        saved = run_action(
            form,
            lambda: actions.save_call(
                actor=_user(request), network=network, call=call, **form.values()
            ),
        )
        if saved is not None:
            messages.success(request, _("Call saved."))
            return redirect(saved)
    return render(
        request, "financing/call_form.html", _base(request, network, form=form, call=call)
    )


@login_required
@require_POST
def call_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    call = get_call_for(request.user, network, pk, Action.MANAGE_FUNDING)
    page = needs_confirmation(
        request,
        question=_("Delete the call %(title)s?") % {"title": call.title},
        consequence=_("It leaves the catalogue; applications to it keep their own deadline."),
        cancel_url=call.get_absolute_url(),
        button=_("Delete the call"),
    )
    if page is not None:
        return page
    actions.delete_call(actor=_user(request), call=call)
    messages.success(request, _("Call deleted."))
    return redirect("funding_calls", slug=slug)


@login_required
def funder_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    funder = get_funder_for(request.user, network, pk)
    fields = ("name", "source_type", "kind", "website", "mission", "values", "pillars")
    form = FunderForm(request.POST or None, initial={f: getattr(funder, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        saved = run_action(
            form,
            lambda: actions.save_funder(
                actor=_user(request), network=network, funder=funder, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("funding_calls", slug=slug)
    return render(
        request, "financing/funder_form.html", _base(request, network, form=form, funder=funder)
    )


# Matches --------------------------------------------------------------------------------


@login_required
def match_list(request: HttpRequest, slug: str) -> HttpResponse:
    """For one's own organization by default, or the whole network; coordinators and the
    treasurer may pick any member by name (or by id, from a link)."""
    network = get_network_for(request.user, slug, Action.VIEW_FUNDING)
    own = own_organization(request.user, network)
    chosen = request.GET.get("organization", "")
    form = MatchForm(request.GET if "organization" in request.GET else None, network=network)
    organization: Organization | None
    if chosen.isdigit():
        organization = get_organization_for(request.user, network, int(chosen))
    elif form.is_bound:
        organization = form.cleaned_data["organization"] if form.is_valid() else None
    else:
        organization = own
    # Another organization's matches show what it looks for: its people's, and managers'.
    if organization is not None and not sees_amounts_of(request.user, organization):
        raise PermissionDenied
    if not form.is_bound or chosen.isdigit():
        form = MatchForm(initial={"organization": organization}, network=network)
    manage = can(request.user, Action.MANAGE_FUNDING, network)
    found = queries.matches(network, organization)
    page = Paginator(found, MATCHES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "financing/match_list.html",
        _base(
            request,
            network,
            organization=organization,
            own=own,
            form=form if manage else None,
            page=page,
            rows=queries.match_rows(list(page.object_list)),
        ),
    )


# The gap analysis -------------------------------------------------------------------------


@login_required
def gap(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_FUNDING)
    manage = can(request.user, Action.MANAGE_FUNDING, network)
    total, recorded, sources = queries.coverage(network)
    rows = queries.gap_rows(network)
    without = request.GET.get("without", "")
    without_page = None
    if without in SourceType.values:
        without_page = Paginator(queries.without_source(network, without), NAMES_PER_PAGE).get_page(
            request.GET.get("page")
        )
    figures = queries.survey_figures(network)
    link = SurveyLink.objects.filter(network=network).select_related("survey").first()
    offers: list[tuple[str, int, list[Any]]] = []
    if figures and link and figures.offers:
        labels = queries.choice_labels(link, link.offers_question)
        offers = [
            (labels.get(choice, choice), len(ids), queries.organization_names(ids))
            for choice, ids in sorted(figures.offers.items(), key=lambda kv: -len(kv[1]))
        ]
    return render(
        request,
        "financing/gap.html",
        _base(
            request,
            network,
            total=total,
            recorded=recorded,
            sources=sources,
            gap=rows,
            chart=charts.gap_chart(rows, _("Needs and income by year")) if rows else "",
            without=without,
            without_label=dict(SourceType.choices).get(without, ""),
            without_page=without_page,
            needs=Need.objects.filter(network=network).prefetch_related("themes")[:200],
            need_form=NeedForm(initial={"year": timezone.localdate().year}) if manage else None,
            figures=figures,
            wanting=queries.organization_names(figures.wanting or [], NAMES_PER_PAGE)
            if figures
            else [],
            offers=offers,
            source_labels=dict(SourceType.choices),
            link=link,
            own=own_organization(request.user, network),
        ),
    )


@login_required
@require_POST
def need_add(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    form = NeedForm(request.POST)
    if form.is_valid():
        run_action(
            form, lambda: actions.save_need(actor=_user(request), network=network, **form.values())
        )
    for errors in form.errors.values():
        messages.error(request, " ".join(str(e) for e in errors))
    if form.is_valid() and not form.errors:
        messages.success(request, _("Need recorded."))
    return redirect("funding_gap", slug=slug)


@login_required
@require_POST
def need_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    need = get_need_for(request.user, network, pk)
    actions.delete_need(actor=_user(request), need=need)
    messages.success(request, _("Need removed."))
    return redirect("funding_gap", slug=slug)


@login_required
def access_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.RECORD_FUNDING_ACCESS)
    organization = get_organization_for(request.user, network, pk)
    if not sees_amounts_of(request.user, organization):
        raise PermissionDenied
    profile, sources = queries.funding_of(organization)
    initial: dict[str, Any] = {
        "lacks": profile.lacks if profile else "",
        "needed_amount": profile.needed_amount if profile else None,
        "currency": profile.currency if profile else "USD",
    }
    for access in sources:
        initial[f"uses_{access.source_type}"] = True
        initial[f"amount_{access.source_type}"] = access.annual_amount
    form = AccessForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_action(
            form,
            lambda: actions.record_access(
                actor=_user(request),
                organization=organization,
                sources=form.sources(),
                lacks=form.cleaned_data["lacks"],
                needed_amount=form.cleaned_data["needed_amount"],
                currency=form.cleaned_data["currency"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("funding_gap", slug=slug)
    return render(
        request,
        "financing/access_form.html",
        _base(request, network, form=form, organization=organization),
    )


@login_required
def survey_link(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    surveys = surveys_with_forms(network)
    link = SurveyLink.objects.filter(network=network).first()
    initial: dict[str, Any] = {
        "needs_question": "needs",
        "funding_choice": "funding_networks",
        "offers_question": "offers",
    }
    if link is not None:
        initial = {
            "survey": str(link.survey_id),
            "needs_question": link.needs_question,
            "funding_choice": link.funding_choice,
            "sources_question": link.sources_question,
            "offers_question": link.offers_question,
        }
    form = SurveyLinkForm(request.POST or None, initial=initial, surveys=surveys)
    if request.method == "POST" and form.is_valid():
        survey = next(s for s in surveys if str(s.pk) == form.cleaned_data["survey"])
        choices = {
            key.removeprefix("source_"): str(value)
            for key, value in request.POST.items()
            if key.startswith("source_") and value
        }
        saved = run_action(
            form,
            lambda: actions.link_survey(
                actor=_user(request),
                network=network,
                survey=survey,
                needs_question=form.cleaned_data["needs_question"],
                funding_choice=form.cleaned_data["funding_choice"].strip(),
                sources_question=form.cleaned_data["sources_question"],
                source_choices=choices,
                offers_question=form.cleaned_data["offers_question"],
            ),
        )
        if saved is not None:
            messages.success(request, _("The survey now feeds the gap analysis."))
            return redirect("funding_gap", slug=slug)
    source_rows = []
    if link is not None and link.sources_question:
        labels = queries.choice_labels(link, link.sources_question)
        source_rows = [
            (choice, label, link.source_choices.get(choice, "")) for choice, label in labels.items()
        ]
    return render(
        request,
        "financing/survey_link.html",
        _base(
            request,
            network,
            form=form,
            surveys=surveys,
            link=link,
            source_rows=source_rows,
            source_types=SourceType.choices,
        ),
    )


# Joint applications ---------------------------------------------------------------------


@login_required
def application_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_FUNDING)
    stage = request.GET.get("stage", "")
    rows = queries.applications(network, stage if stage in Stage.values else None)
    page = Paginator(rows, APPLICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    may_apply = can(request.user, Action.APPLY_FOR_FUNDING, network)
    call = None
    call_pk = request.GET.get("call") or request.POST.get("call")
    if call_pk and str(call_pk).isdigit():
        call = get_call_for(request.user, network, int(call_pk))
    form = None
    if may_apply:
        initial: dict[str, Any] = {}
        own = own_organization(request.user, network)
        if own is not None:
            initial["lead"] = own
        if call is not None:
            initial.update(
                title=call.title, currency=call.currency, **deadline_initial(call.deadline, network)
            )
        form = ApplicationForm(request.POST or None, initial=initial, network=network)
    if request.method == "POST" and form is not None and form.is_valid():
        saved = run_action(
            form,
            lambda: actions.start_application(
                actor=_user(request), network=network, call=call, **form.values()
            ),
        )
        if saved is not None:
            messages.success(request, _("Joint application started."))
            return redirect(saved)
    return render(
        request,
        "financing/application_list.html",
        _base(
            request,
            network,
            page=page,
            stage=stage,
            stages=Stage.choices,
            pipeline=queries.pipeline(network),
            form=form,
            call=call,
        ),
    )


@login_required
def application_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug)
    application = get_application_for(request.user, network, pk)
    team = may_work_on(request.user, application)
    stage_form = StageForm(
        initial={
            "stage": application.stage,
            "awarded_amount": application.awarded_amount,
            "awarded_on": application.awarded_on,
        }
    )
    return render(
        request,
        "financing/application_detail.html",
        _base(
            request,
            network,
            application=application,
            zone=network.time_zone,
            partners=application.partners.select_related("organization"),
            documents=application.documents.defer("content")[:50] if team else [],
            team=team,
            stage_form=stage_form if team else None,
            partner_form=PartnerForm(network=network) if team else None,
            document_form=DocumentForm() if team else None,
        ),
    )


@login_required
def application_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.APPLY_FOR_FUNDING)
    application = get_application_for(request.user, network, pk, Action.APPLY_FOR_FUNDING)
    if not may_work_on(request.user, application):
        raise PermissionDenied
    initial = {
        "title": application.title,
        "budget": application.budget,
        "currency": application.currency,
        "notes": application.notes,
        **deadline_initial(application.deadline, network),
    }
    form = ApplicationEditForm(request.POST or None, initial=initial, network=network)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        if not values["title"].strip():
            values["title"] = application.title
        saved = run_action(
            form,
            lambda: actions.update_application(
                actor=_user(request), application=application, **values
            ),
        )
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect(application)
    return render(
        request,
        "financing/application_form.html",
        _base(request, network, form=form, application=application),
    )


@login_required
@require_POST
def application_stage(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.APPLY_FOR_FUNDING)
    application = get_application_for(request.user, network, pk, Action.APPLY_FOR_FUNDING)
    form = StageForm(request.POST)
    if form.is_valid():
        saved = run_action(
            form,
            lambda: actions.set_stage(
                actor=_user(request), application=application, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("Stage: %(stage)s.") % {"stage": saved.get_stage_display()})
    errors_to_messages(request, form)
    return redirect(application)


@login_required
@require_POST
def partner_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.APPLY_FOR_FUNDING)
    application = get_application_for(request.user, network, pk, Action.APPLY_FOR_FUNDING)
    form = PartnerForm(request.POST, network=network)
    if form.is_valid():
        saved = run_action(
            form,
            lambda: actions.set_partner(
                actor=_user(request), application=application, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("Partner saved."))
    errors_to_messages(request, form)
    return redirect(application)


@login_required
@require_POST
def partner_remove(request: HttpRequest, slug: str, pk: int, partner: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.APPLY_FOR_FUNDING)
    found = get_partner_for(request.user, network, pk, partner)
    actions.remove_partner(actor=_user(request), partner=found)
    messages.success(request, _("Partner removed."))
    return redirect(found.application)


@login_required
@require_POST
def document_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.APPLY_FOR_FUNDING)
    application = get_application_for(request.user, network, pk, Action.APPLY_FOR_FUNDING)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        saved = run_action(
            form,
            lambda: actions.attach_document(
                actor=_user(request),
                application=application,
                name=upload.name or "document",
                content=upload.read(actions.MAX_DOCUMENT_BYTES + 1),
            ),
        )
        if saved is not None:
            messages.success(request, _("Document attached."))
    errors_to_messages(request, form)
    return redirect(application)


@login_required
def document_download(request: HttpRequest, slug: str, pk: int, document: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_FUNDING)
    found = get_document_for(request.user, network, pk, document)
    # Never shown inline: a document is the team's file, not a page of this site.
    response = attachment(bytes(found.content), "application/octet-stream", found.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# The sustainability and financing plan ------------------------------------------------


@login_required
def plan(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_FUNDING)
    manage = can(request.user, Action.MANAGE_FUNDING, network)
    context = queries.plan_context(network)
    current = context["plan"]
    if request.GET.get("export") == "pdf":
        html = render_to_string(
            "financing/plan_document.html",
            {
                **context,
                # An image, not inline markup: WeasyPrint draws SVG files itself.
                "chart_uri": charts.data_uri(
                    charts.gap_chart(context["gap"], _("Needs and income by year"))
                )
                if context["gap"]
                else "",
                "chart_title": _("Needs and income by year"),
                "today": timezone.localdate(),
            },
            request=request,
        )
        try:
            return pdf_response(html, safe_filename(f"{network.slug}-financing-plan", "pdf"))
        except PdfUnavailable as exc:
            return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    form = None
    if manage:
        form = PlanForm(
            request.POST or None,
            initial={
                "mechanisms": current.mechanisms if current else [],
                "legal_conditions": current.legal_conditions if current else "",
                "institutional_conditions": current.institutional_conditions if current else "",
                "follow_up": current.follow_up if current else "",
            },
        )
        if request.method == "POST" and form.is_valid():
            saved = run_action(
                form,
                lambda: actions.save_plan(
                    actor=_user(request), network=network, **form.cleaned_data
                ),
            )
            if saved is not None:
                messages.success(request, _("Plan saved."))
                return redirect("funding_plan", slug=slug)
    return render(
        request,
        "financing/plan.html",
        {
            **_base(request, network),
            **context,
            "form": form,
            "line_form": PlanLineForm(network=network) if manage else None,
        },
    )


@login_required
def plan_line_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_FUNDING)
    line = get_plan_line_for(request.user, network, pk) if pk else None
    initial: dict[str, Any] = {}
    if line is not None:
        initial = {
            "title": line.title,
            "mechanism": line.mechanism,
            "owner": line.owner,
            "deadline": line.deadline,
            "status": line.status,
            "progress": line.progress,
        }
    form = PlanLineForm(request.POST or None, initial=initial, network=network)
    if request.method == "POST":
        if "delete" in request.POST and line is not None:
            actions.delete_plan_line(actor=_user(request), line=line)
            messages.success(request, _("Line of action removed."))
            return redirect("funding_plan", slug=slug)
        if form.is_valid():
            saved = run_action(
                form,
                lambda: actions.save_plan_line(
                    actor=_user(request), network=network, line=line, **form.values()
                ),
            )
            if saved is not None:
                messages.success(request, _("Line of action saved."))
                return redirect("funding_plan", slug=slug)
    return render(
        request, "financing/plan_line_form.html", _base(request, network, form=form, line=line)
    )
