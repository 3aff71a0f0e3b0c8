"""Pages of the mapping step: surveys, imports, the report with its charts, exports."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minga.core import intake
from minga.core.access import acting_user as _user
from minga.core.access import get_network_for
from minga.core.exports import (
    XLSX_CONTENT_TYPE,
    attachment,
    csv_response,
    safe_filename,
    xlsx_response,
)
from minga.core.l10n import number
from minga.core.models import Network, StepState
from minga.core.permissions import Action, can
from minga.core.queries import step_state
from minga.core.steps import STEPS_BY_KEY
from minga.mapping import actions, charts, queries, stats
from minga.mapping.access import get_question_for, get_survey_for
from minga.mapping.models import Survey
from minga.mapping.template import TEMPLATE_FILENAME, template_bytes, template_form
from minga.mapping.xlsform import METADATA_TYPES, Form, FormError, Question, read_form


class ImportForm(forms.Form):
    name = forms.SlugField(
        label=gettext_lazy("Survey name"),
        max_length=80,
        help_text=gettext_lazy("Letters, digits and hyphens, e.g. mapping-2024."),
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "Leave empty to use the questionnaire's title. Two surveys of the network never "
            "share a title."
        ),
    )
    form_file = forms.FileField(
        label=gettext_lazy("Questionnaire (XLSForm .xlsx or .xls)"),
        required=False,
    )
    data_file = forms.FileField(
        label=gettext_lazy("Answers (Kobo or Google Forms export, .csv or .xlsx)")
    )
    organizations = forms.BooleanField(
        label=gettext_lazy("Create or update the answering organizations in the directory"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The largest file accepted, stated on the form (read when the form is made).
        at_most = _("At most %(size)s.") % {"size": intake.size_text(intake.max_upload_bytes())}
        self.fields["data_file"].help_text = at_most
        builtin = _("Leave empty to use the built-in questionnaire.")
        self.fields["form_file"].help_text = f"{builtin} {at_most}"


def _step_context(request: HttpRequest, network: Network) -> dict[str, Any]:
    return {
        "network": network,
        "step": STEPS_BY_KEY["mapping"],
        "state": step_state(network, "mapping"),
        "states": StepState.choices,
        "can_set_state": can(request.user, Action.SET_STEP_STATE, network),
    }


def _survey_rows(surveys: list[Survey]) -> list[dict[str, Any]]:
    return [{"survey": s, "respondents": s.respondents} for s in surveys]


@login_required
def step(request: HttpRequest, slug: str) -> HttpResponse:
    """The mapping step: its guide, the surveys, and (for coordinators) the import form."""
    network = get_network_for(request.user, slug)
    can_view = can(request.user, Action.VIEW_SURVEYS, network)
    can_manage = can(request.user, Action.MANAGE_SURVEYS, network)
    surveys = queries.surveys_of(network) if can_view else []
    context = _step_context(request, network)
    context.update(
        {
            "surveys": _survey_rows(surveys),
            "can_manage_surveys": can_manage,
            "import_form": ImportForm(),
        }
    )
    return render(request, "mapping/step.html", context)


@login_required
@require_POST
def survey_import(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_SURVEYS)
    form = ImportForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        errors = _run_import(request, network, form)
        if not errors and not form.errors:
            return redirect("mapping_report", slug=network.slug, name=form.cleaned_data["name"])
    context = _step_context(request, network)
    context.update(
        {
            "surveys": _survey_rows(queries.surveys_of(network)),
            "can_manage_surveys": True,
            "import_form": form,
            "import_errors": errors,
        }
    )
    return render(request, "mapping/step.html", context, status=422)


def _run_import(request: HttpRequest, network: Network, form: ImportForm) -> list[str]:
    upload = form.cleaned_data["form_file"]
    data = form.cleaned_data["data_file"]
    # The one intake checks sizes, zip bounds, XML entities and CSV limits before any parser.
    data_name = data.name or "data.csv"
    try:
        for file in (upload, data):
            if file is not None:
                intake.check_size(file.size or 0, file.name or "")
        form_bytes = upload.read() if upload else None
        if upload is not None and form_bytes is not None:
            intake.sniff(form_bytes, upload.name or "form.xlsx")
        data_bytes = data.read()
        kind = intake.sniff(data_bytes, data_name)
        questionnaire: Form = (
            read_form(form_bytes, name=upload.name or None) if form_bytes else template_form()
        )
    except intake.IntakeError as exc:
        return [exc.message]
    except FormError as exc:
        return exc.messages
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"data.{kind}"  # typed by its content, not by its name
        path.write_bytes(data_bytes)
        try:
            result = actions.import_responses(
                actor=_user(request),
                network=network,
                name=form.cleaned_data["name"],
                form=questionnaire,
                data=path,
                create_organizations=form.cleaned_data["organizations"],
                filename=data_name,
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "title" in exc.error_dict:
                # A title another survey has: asked again beside the title field.
                form.add_error("title", exc.error_dict.pop("title"))
                return ValidationError(exc.error_dict).messages if exc.error_dict else []
            return list(exc.messages)
        except intake.IntakeError as exc:
            return [exc.message]
    messages.success(
        request,
        ngettext(
            "Imported %(created)s response (%(duplicates)s were already there).",
            "Imported %(created)s responses (%(duplicates)s were already there).",
            result.created,
        )
        % {"created": number(result.created), "duplicates": number(result.duplicates)},
    )
    for warning in result.warnings:
        messages.warning(request, warning)
    return []


@login_required
def template_download(request: HttpRequest, slug: str) -> HttpResponse:
    get_network_for(request.user, slug, Action.VIEW_SURVEYS)
    return attachment(template_bytes(), XLSX_CONTENT_TYPE, TEMPLATE_FILENAME)


def _where(request: HttpRequest, survey: Survey) -> queries.Where:
    try:
        return queries.parse_where(request.GET.get("where"), survey)
    except ValidationError:
        return None


def _language() -> str:
    return get_language() or "es"


def _question_sections(
    survey: Survey, where: queries.Where, figures: dict[str, Any]
) -> list[dict[str, Any]]:
    form = survey.parsed_form()
    language = _language()
    # Every other question's answers, as the import summarized them (or, filtered, in one
    # pass over the matching responses).
    summaries = queries.summaries(survey, where, number_format=_bin_number)
    sections: list[dict[str, Any]] = []
    for question in form.questions:
        section: dict[str, Any] = {"question": question, "label": question.label(language)}
        summary = summaries.get(question.key)
        if not question.is_select and (
            summary is None or (question.type in METADATA_TYPES and not summary.answered)
        ):
            continue  # a note; the device's metadata when the export did not carry it
        if question.is_select:
            entry = figures["questions"][question.key]
            section["figures"] = entry
            section["rows"] = [
                {
                    "name": choice.name,
                    "label": choice.label(language),
                    **entry["options"][choice.name],
                }
                for choice in form.choices_of(question)
            ]
        else:
            assert summary is not None
            section["summary"] = summary
            if summary.kind == "text":
                # Free text: the most frequent grouped answers, listed (never a bar each).
                section["texts"] = queries.texts_of(summary)
            else:
                section["chart"] = _drawn(summary) is not None
            if summary.kind == "rank":
                section["ranks"] = [
                    (_choice_label(form, question, name, language), summary.mean_ranks.get(name))
                    for name in summary.ranks
                ]
        sections.append(section)
    return sections


def _bin_number(value: float) -> str:
    """A histogram bin's bound, written as the reader writes numbers."""
    return number(int(value)) if float(value).is_integer() else number(float(f"{value:.4g}"))


@login_required
def report(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """The survey's report, like the document's data section: a chart per question."""
    survey = get_survey_for(request.user, slug, name)
    form = survey.parsed_form()
    language = _language()
    where = _where(request, survey)
    selects = [q for q in form.questions if q.is_select]
    filters = [
        {
            "question": q.label(language),
            "choices": [(f"{q.key}={c.name}", c.label(language)) for c in form.choices_of(q)],
        }
        for q in selects
        if q.type == "select_one"
    ]
    row, col = request.GET.get("row", ""), request.GET.get("col", "")
    crosstab: dict[str, Any] | None = None
    if row and col:
        try:
            table = queries.crosstab(survey, row, col, where)
        except ValidationError:
            table = None
        if table is not None:
            crosstab = _crosstab_context(form, row, col, table, language)
    query = {"where": request.GET.get("where", "")} if where else {}
    figures = queries.systematize(survey, where)
    summary = queries.report_summary(survey, figures, where, language)
    return render(
        request,
        "mapping/report.html",
        {
            "network": survey.network,
            "survey": survey,
            "respondents": figures["respondents"],
            "summary": summary,
            "formats": ["CSV", "XLSX", "JSON"],
            # Called by the template only where the kept report is missing.
            "sections": lambda: _question_sections(survey, where, figures),
            "sections_kept": where is None,
            "filters": filters,
            "where": request.GET.get("where", "") if where else "",
            "where_label": _where_label(form, where, language),
            "selects": [(q.key, q.label(language)) for q in selects],
            "row": row,
            "col": col,
            "crosstab": crosstab,
            "query": query,
            "can_manage": can(request.user, Action.MANAGE_SURVEYS, survey.network),
        },
    )


def _where_label(form: Form, where: queries.Where, language: str) -> str:
    if where is None:
        return ""
    question = form.question(where[0])
    assert question is not None
    choice = form.choice(question, where[1])
    return f"{question.label(language)}: {choice.label(language) if choice else where[1]}"


def _crosstab_context(
    form: Form, row: str, col: str, table: dict[str, dict[str, int]], language: str
) -> dict[str, Any]:
    row_q, col_q = form.question(row), form.question(col)
    assert row_q is not None and col_q is not None
    percents = stats.row_percents(table)
    col_choices = form.choices_of(col_q)
    return {
        "row_label": row_q.label(language),
        "col_label": col_q.label(language),
        "columns": [c.label(language) for c in col_choices],
        "rows": [
            {
                "label": choice.label(language),
                "cells": [
                    (table[choice.name][c.name], percents[choice.name][c.name]) for c in col_choices
                ],
                "total": sum(table[choice.name].values()),
            }
            for choice in form.choices_of(row_q)
        ],
    }


CHART_CHOICES = 12  # bars in a select question's chart, at most


def _svg_response(svg: bytes) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def chart(request: HttpRequest, slug: str, name: str, question: str) -> HttpResponse:
    """One question's chart: horizontal bars for choices, or the text answers' top values."""
    survey = get_survey_for(request.user, slug, name)
    form = survey.parsed_form()
    target = get_question_for(survey, question)
    language = _language()
    where = _where(request, survey)
    if target.is_select:
        entry = queries.systematize(survey, where)["questions"][target.key]
        choices = form.choices_of(target)
        if len(choices) > CHART_CHOICES:
            # Many choices: only those chosen, at most CHART_CHOICES (the table has all).
            chosen = [c for c in choices if entry["options"][c.name]["count"]]
            kept = sorted(chosen, key=lambda c: -entry["options"][c.name]["count"])
            keep = {c.name for c in kept[:CHART_CHOICES]}
            choices = [c for c in chosen if c.name in keep]
        labels = [c.label(language) for c in choices]
        counts = [entry["options"][c.name]["count"] for c in choices]
        percents = [entry["options"][c.name]["percent"] for c in choices]
        return _svg_response(charts.bars(labels, counts, percents, target.label(language)))
    summary = queries.summary(survey, target.key, where, number_format=_bin_number)
    drawn = _summary_svg(form, target, summary, language) if summary else None
    if drawn is None:
        raise Http404("No chart for this question")
    return _svg_response(drawn)


def _choice_label(form: Form, question: Question, name: str, language: str) -> str:
    choice = form.choice(question, name)
    return choice.label(language) if choice is not None else name


def _drawn(summary: stats.Summary) -> str | None:
    if summary.bins and any(count for _label, count in summary.bins):
        return "histogram"
    if summary.point_count:
        return "points"
    if summary.ranks and summary.mean_ranks:
        return "ranks"
    if summary.top:
        return "top"
    return None


def _summary_svg(
    form: Form, question: Question, summary: stats.Summary, language: str
) -> bytes | None:
    """The chart of a question that is not a select: a histogram of numbers, dates or hours,
    the points of geopoints, the positions of ranked choices, the top text answers; None
    where there is nothing to draw (no answers, media, traces and shapes)."""
    title = question.label(language)
    drawn = _drawn(summary)
    if drawn == "histogram":
        labels = [label for label, _count in summary.bins]
        return charts.histogram(labels, [count for _label, count in summary.bins], title)
    if drawn == "points":
        return charts.points(summary.points, title)
    if drawn == "ranks":
        names = list(summary.ranks)
        positions = [str(p + 1) for p in range(len(summary.ranks[names[0]]))]
        return charts.stacked(
            [_choice_label(form, question, n, language) for n in names],
            positions,
            [summary.ranks[n] for n in names],
            title,
            _("Position"),
        )
    if drawn == "top":
        # Percents of those who answered, not of the answers shown.
        texts = queries.texts_of(summary)
        return charts.bars(
            [item["value"] for item in texts.top],
            [item["count"] for item in texts.top],
            [item["share"] for item in texts.top],
            title,
        )
    return None


@login_required
def crosstab_chart(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    survey = get_survey_for(request.user, slug, name)
    form = survey.parsed_form()
    row, col = request.GET.get("row", ""), request.GET.get("col", "")
    try:
        table = queries.crosstab(survey, row, col, _where(request, survey))
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from exc
    language = _language()
    row_q, col_q = form.question(row), form.question(col)
    assert row_q is not None and col_q is not None
    rows, columns = form.choices_of(row_q), form.choices_of(col_q)
    svg = charts.stacked(
        [c.label(language) for c in rows],
        [c.label(language) for c in columns],
        [[table[r.name][c.name] for c in columns] for r in rows],
        f"{row_q.label(language)} × {col_q.label(language)}",
        col_q.label(language),
    )
    return _svg_response(svg)


EXPORT_HEADER = [
    "question",
    "label",
    "type",
    "answered",
    "selections",
    "choice",
    "choice_label",
    "count",
    "percent",
    "percent_of_selections",
]


def _export_rows(survey: Survey, where: queries.Where) -> list[list[Any]]:
    form = survey.parsed_form()
    language = _language()
    figures = queries.systematize(survey, where)
    rows: list[list[Any]] = []
    for question in form.questions:
        if not question.is_select:
            continue
        entry = figures["questions"][question.key]
        for choice in form.choices_of(question):
            option = entry["options"][choice.name]
            rows.append(
                [
                    question.key,
                    question.label(language),
                    question.type,
                    entry["answered"],
                    entry.get("selections"),
                    choice.name,
                    choice.label(language),
                    option["count"],
                    option["percent"],
                    option.get("percent_of_selections"),
                ]
            )
    return rows


@login_required
def export(request: HttpRequest, slug: str, name: str, fmt: str) -> HttpResponse:
    """The systematized figures as CSV, XLSX or JSON (the command line's JSON shape)."""
    survey = get_survey_for(request.user, slug, name)
    where = _where(request, survey)
    filename = f"{survey.name}-systematized"
    if fmt == "csv":
        return csv_response(filename, EXPORT_HEADER, _export_rows(survey, where))
    if fmt == "xlsx":
        return xlsx_response(filename, EXPORT_HEADER, _export_rows(survey, where), "systematized")
    if fmt != "json":
        raise Http404("No such format")
    body = json.dumps(queries.systematize(survey, where), ensure_ascii=False, indent=2)
    return attachment(body, "application/json", safe_filename(filename, "json"))
