"""Pages of draws by lot: the list, creating a draw, the quotas with a live feasibility
check, and the results page (progress, chart, hash, seed, panel, declines, verification)."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minga.core.access import acting_user as _user
from minga.core.access import get_network_for
from minga.core.exports import attachment, csv_response
from minga.core.pdf import PdfUnavailable, pdf_response
from minga.core.permissions import Action, can
from minga.core.web import needs_confirmation, run_action
from minga.sortition import actions, charts, queries
from minga.sortition.access import get_draw_for, visible_draws
from minga.sortition.actions import QuotaRow
from minga.sortition.engine.model import Instance, SortitionInputError
from minga.sortition.engine.replacement import PROCEDURE as REPLACEMENT_PROCEDURE
from minga.sortition.forms import AlternatesForm, DrawForm, LotteryForm, NumberForm, SeedForm
from minga.sortition.inputs import numbered_note
from minga.sortition.labels import REPLACEMENT_METHODS, DrawLabels, explain, panel_features
from minga.sortition.models import Algorithm, Draw, DrawState, PoolSource

if TYPE_CHECKING:
    from minga.sortition.engine.diagnosis import Diagnosis


def _messages_from(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


DRAWS_PER_PAGE = 50


@login_required
def draw_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_DRAWS)
    coordination_body = network.circles.filter(kind="coordination_body").first()
    return render(
        request,
        "sortition/draw_list.html",
        {
            "network": network,
            "page": Paginator(
                queries.draw_summaries(visible_draws(request.user, network)), DRAWS_PER_PAGE
            ).get_page(request.GET.get("page")),
            "can_manage": can(request.user, Action.MANAGE_DRAWS, network),
            "coordination_body": coordination_body,
        },
    )


@login_required
def draw_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_DRAWS)
    initial: dict[str, Any] = {"seats": 5, "algorithm": Algorithm.LEXIMIN}
    body = network.circles.filter(pk=request.GET.get("circle") or 0).first()
    if body is not None:
        initial.update(circle=body, pool_kind=body.member_kind, title=body.name)
    form = DrawForm(request.POST or None, request.FILES or None, initial=initial, network=network)
    if request.method == "POST" and form.is_valid():
        arguments = form.action_arguments()
        if form.is_valid():
            draw = run_action(
                form,
                lambda: actions.create_draw(actor=_user(request), network=network, **arguments),
            )
            if draw is not None:
                messages.success(request, _("Draw created. Now check the quotas."))
                if draw.source == PoolSource.CSV and not draw.id_column:
                    messages.info(request, numbered_note("people.csv"))
                return redirect("draw_quotas", slug=slug, pk=draw.pk)
    return render(request, "sortition/draw_form.html", {"network": network, "form": form})


# Quotas -------------------------------------------------------------------------------------


def _quota_rows(draw: Draw, data: QueryDict | None = None) -> list[dict[str, Any]]:
    """The quota table with each feature's and value's label, and the posted min and max
    when given."""
    rows = queries.quota_rows(draw)
    labels = DrawLabels(draw)
    for row in rows:
        row["feature_label"] = labels.feature(row["feature"])
        row["value_label"] = labels.value(row["feature"], row["value"])
        if data is not None:
            row["min"] = data.get(f"min-{row['index']}", "")
            row["max"] = data.get(f"max-{row['index']}", "")
    return rows


def _posted_quotas(rows: list[dict[str, Any]]) -> list[QuotaRow]:
    parsed = []
    for row in rows:
        numbers = []
        for bound, bound_label in (("min", _("min")), ("max", _("max"))):
            text = str(row[bound]).strip()
            if not text.isdigit():
                raise ValidationError(
                    {
                        "quotas": _("%(quota)s, %(bound)s: %(text)s is not a whole number.")
                        % {
                            "quota": f"{row['feature_label']} = {row['value_label']}",
                            "bound": bound_label,
                            "text": repr(text),
                        }
                    }
                )
            numbers.append(int(text))
        parsed.append(QuotaRow(row["feature"], row["value"], numbers[0], numbers[1]))
    return parsed


def _explained(
    draw: Draw, found: Diagnosis | dict[str, Any] | None, quotas: list[QuotaRow] | None = None
) -> dict[str, Any] | None:
    """The engine's diagnosis (or a failed computation's stored one) as the page shows it:
    sentences in the reader's language, quotas by their labels."""
    if not found:
        return None
    diagnosis = found if isinstance(found, dict) else found.as_json()
    checked = actions.validate_quotas(draw, quotas) if quotas is not None else None
    try:
        instance: Instance | None = draw.instance(checked)
    except SortitionInputError:
        instance = None  # quotas that no longer fit the pool: the engine's own words
    return explain(instance, diagnosis, DrawLabels(draw))


@login_required
def draw_quotas(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_DRAWS)
    draw = get_draw_for(request.user, network, pk, Action.MANAGE_DRAWS)
    errors: list[str] = []
    if request.method == "POST":
        rows = _quota_rows(draw, request.POST)
        try:
            actions.set_quotas(actor=_user(request), draw=draw, quotas=_posted_quotas(rows))
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Quotas saved."))
            return redirect(draw)
    else:
        rows = _quota_rows(draw)
    diagnosis = panel_count = None
    if not errors:
        try:
            found = actions.check_feasibility(actor=_user(request), draw=draw)
            if found is None:
                panel_count = actions.count_panels(actor=_user(request), draw=draw)
        except ValidationError as exc:
            errors = exc.messages
        else:
            diagnosis = _explained(draw, found)
    return render(
        request,
        "sortition/quotas.html",
        {
            "network": network,
            "draw": draw,
            "rows": rows,
            "errors": errors,
            "diagnosis": diagnosis,
            "panel_count": panel_count,
            "preview": _shown_preview(draw, DrawLabels(draw)),
            "editable": draw.state in (DrawState.DRAFT, DrawState.COMPUTED),
        },
    )


@login_required
@require_POST
def feasibility(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The live check behind the quotas editor (htmx): the posted quotas, nothing saved."""
    network = get_network_for(request.user, slug, Action.MANAGE_DRAWS)
    draw = get_draw_for(request.user, network, pk, Action.MANAGE_DRAWS)
    errors: list[str] = []
    diagnosis = panel_count = None
    try:
        quotas = _posted_quotas(_quota_rows(draw, request.POST))
        found = actions.check_feasibility(actor=_user(request), draw=draw, quotas=quotas)
        diagnosis = _explained(draw, found, quotas)
        if found is None:
            panel_count = actions.count_panels(actor=_user(request), draw=draw, quotas=quotas)
    except ValidationError as exc:
        errors = exc.messages
    return render(
        request,
        "sortition/_feasibility.html",
        {
            "draw": draw,
            "diagnosis": diagnosis,
            "errors": errors,
            "checked": True,
            "panel_count": panel_count,
        },
    )


# The draw's life ------------------------------------------------------------------------------


def _verify_command(draw: Draw) -> str:
    if draw.number_label:
        return (
            f"minga sortition verify --lottery lottery.csv --sha256 {draw.lottery_sha256} "
            f"--number {draw.number_label} --panel {','.join(draw.panel)}"
        )
    parts = [
        "minga sortition verify --people people.csv --features features.csv",
        f"--seats {draw.seats} --seed {shlex.quote(draw.seed)}",
    ]
    if draw.algorithm != Algorithm.LEXIMIN:
        parts.append(f"--algorithm {draw.algorithm}")
    if draw.group_by:
        parts.append(f"--group-by {shlex.quote(draw.group_by)}")
    if draw.distribution is not None:  # drawn from as published, whichever version computed it
        parts.append(f"--distribution distribution.json --sha256 {draw.distribution_sha256}")
    declined = [d.member_id for d in draw.declines.all()]
    if declined:  # the panel as it is now, after each replacement, in order
        parts.append(f"--declined {','.join(declined)}")
        if draw.alternates:
            parts.append(f"--alternates {','.join(draw.alternates)}")
        parts.append(f"--panel {','.join(sorted(draw.current_panel))}")
    else:
        parts.append(f"--panel {','.join(draw.panel)}")
    return " ".join(parts)


def _shown_quotas(draw: Draw, labels: DrawLabels) -> list[dict[str, Any]]:
    return [
        {
            "feature": labels.feature(quota.feature),
            "value": labels.value(quota.feature, quota.value),
            "min": quota.min,
            "max": quota.max,
        }
        for quota in draw.quotas.all()
    ]


def _shown_preview(draw: Draw, labels: DrawLabels) -> list[dict[str, Any]]:
    return [
        {**row, "shown_features": panel_features(labels, row["features"], draw.features)}
        for row in queries.pool_preview(draw)
    ]


def _shown_results(draw: Draw, labels: DrawLabels) -> dict[str, Any]:
    """The results with each member's features and each replacement's method as labels."""
    results = queries.results(draw)
    for member in results["panel"]:
        member["shown_features"] = panel_features(labels, member["features"], draw.features)
    for decline in results["declines"]:
        decline["method_label"] = REPLACEMENT_METHODS.get(decline["method"], decline["method"])
    return results


@login_required
def draw_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_DRAWS)
    draw = get_draw_for(request.user, network, pk)
    labels = DrawLabels(draw)
    return render(
        request,
        "sortition/draw_detail.html",
        {
            "network": network,
            "draw": draw,
            "can_manage": can(request.user, Action.MANAGE_DRAWS, network),
            "quotas": _shown_quotas(draw, labels),
            "group_by_label": labels.group_by(draw.group_by),
            "diagnosis": _explained(draw, draw.diagnosis) if draw.diagnosis else None,
            "fairness": queries.fairness_rows(draw),
            "preview": _shown_preview(draw, labels),
            **_shown_results(draw, labels),
            "seed_form": SeedForm(),
            "lottery_form": LotteryForm(),
            "alternates_form": AlternatesForm(),
            "seated": queries.seated_rows(draw),
            "seated_before": queries.seated_before_range(draw),
            "number_form": NumberForm(),
            "verify_command": _verify_command(draw) if draw.panel else "",
            "replacement_procedure": REPLACEMENT_PROCEDURE,
        },
    )


@login_required
def progress(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The small fragment the results page polls while computing; once done, htmx reloads."""
    network = get_network_for(request.user, slug, Action.VIEW_DRAWS)
    draw = get_draw_for(request.user, network, pk)
    response = render(request, "sortition/_progress.html", {"network": network, "draw": draw})
    if draw.state != DrawState.COMPUTING:
        response["HX-Refresh"] = "true"
    return response


class Confirm:
    """What an irreversible step asks before it runs: the question, what cannot be undone,
    and the button that goes ahead."""

    def __init__(self, question: str, consequence: str, button: str) -> None:
        self.question, self.consequence, self.button = question, consequence, button


def _step(
    request: HttpRequest,
    slug: str,
    pk: int,
    run: Callable[[Draw], object],
    done: str,
    confirm: Callable[[Draw], Confirm] | None = None,
) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_DRAWS)
    draw = get_draw_for(request.user, network, pk, Action.MANAGE_DRAWS)
    if confirm is not None:
        asked = confirm(draw)
        page = needs_confirmation(
            request,
            question=asked.question,
            consequence=asked.consequence,
            cancel_url=draw.get_absolute_url(),
            button=asked.button,
        )
        if page is not None:
            return page
    try:
        run(draw)
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, done)
    return redirect(draw)


@login_required
@require_POST
def compute(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _step(
        request,
        slug,
        pk,
        lambda draw: actions.compute(actor=_user(request), draw=draw),
        _("Computing the probabilities."),
    )


@login_required
@require_POST
def publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _step(
        request,
        slug,
        pk,
        lambda draw: actions.publish(actor=_user(request), draw=draw),
        _("Published: the network can see the pool, the quotas and the hash."),
        lambda draw: Confirm(
            _("Publish the probabilities of %(title)s?") % {"title": draw.title},
            _(
                "Publishing fixes the pool, the quotas and the distribution with its SHA-256, "
                "and shows them to everyone in the network. They can no longer be changed."
            ),
            _("Publish"),
        ),
    )


@login_required
@require_POST
def fix_seed(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    form = SeedForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, slug, pk, form)
    seed = form.cleaned_data["seed"]
    return _step(
        request,
        slug,
        pk,
        lambda draw: actions.fix_seed(
            actor=_user(request), draw=draw, seed=seed, note=form.cleaned_data["note"]
        ),
        _("Seed fixed."),
        lambda draw: Confirm(
            _("Fix the seed %(seed)s?") % {"seed": seed},
            _(
                "The seed is fixed for good: with the published distribution it decides who "
                "is drawn. It can no longer be changed."
            ),
            _("Fix the seed"),
        ),
    )


@login_required
@require_POST
def make_lottery(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    form = LotteryForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, slug, pk, form)
    return _step(
        request,
        slug,
        pk,
        lambda draw: actions.make_lottery(
            actor=_user(request), draw=draw, panels=form.cleaned_data["panels"]
        ),
        _("The numbered panels are ready: publish them with the probabilities."),
    )


@login_required
@require_POST
def choose_alternates(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    form = AlternatesForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, slug, pk, form)
    return _step(
        request,
        slug,
        pk,
        lambda draw: actions.choose_alternates(
            actor=_user(request), draw=draw, budget=form.cleaned_data["alternates"]
        ),
        _("The alternates are chosen."),
    )


@login_required
@require_POST
def enter_number(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    form = NumberForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, slug, pk, form)
    number = form.cleaned_data["number"]
    return _step(
        request,
        slug,
        pk,
        lambda draw: actions.enter_number(
            actor=_user(request), draw=draw, number=number, note=form.cleaned_data["note"]
        ),
        _("Number entered."),
        lambda draw: Confirm(
            _("Enter the number %(number)s?") % {"number": number},
            _(
                "The number is fixed for good: with the published table it decides who is "
                "drawn. It can no longer be changed."
            ),
            _("Enter the number"),
        ),
    )


def _form_errors(request: HttpRequest, slug: str, pk: int, form: Any) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_DRAWS)
    draw = get_draw_for(request.user, network, pk, Action.MANAGE_DRAWS)
    for field_errors in form.errors.values():
        for error in field_errors:
            messages.error(request, str(error))
    return redirect(draw)


@login_required
@require_POST
def draw_panel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _step(
        request,
        slug,
        pk,
        lambda draw: actions.draw_panel(actor=_user(request), draw=draw),
        _("Drawn."),
        lambda draw: Confirm(
            _("Draw the panel of %(title)s?") % {"title": draw.title},
            _(
                "The panel the seed draws is recorded for good and the draw is never "
                "repeated: someone drawn who declines is replaced, one at a time."
            ),
            _("Draw the panel"),
        ),
    )


@login_required
@require_POST
def seat(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _step(
        request,
        slug,
        pk,
        lambda draw: actions.seat(
            actor=_user(request), draw=draw, confirm_break=bool(request.POST.get("confirm"))
        ),
        _("The panel holds its seats."),
        lambda draw: Confirm(
            _("Give the panel its seats in %(body)s?")
            % {"body": draw.circle.name if draw.circle else "—"},
            _(
                "Everyone on the panel gets a mandate that comes from this draw by lot. "
                "The draw cannot go back to before the seats were given."
            ),
            _("Give them their seats"),
        ),
    )


@login_required
@require_POST
def decline(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    member_id = request.POST.get("member", "")
    return _step(
        request,
        slug,
        pk,
        lambda draw: actions.decline(actor=_user(request), draw=draw, member_id=member_id),
        _("Decline recorded; the replacement is on the panel."),
        lambda draw: Confirm(
            _("Does %(member)s decline the seat?")
            % {"member": draw.labels().get(member_id, member_id)},
            _("%(member)s leaves the panel and cannot return; the replacement is drawn at once.")
            % {"member": draw.labels().get(member_id, member_id)},
            _("Record the decline"),
        ),
    )


# Chart and files for verification ------------------------------------------------------------


@login_required
def chart(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_DRAWS)
    draw = get_draw_for(request.user, network, pk)
    if not draw.probabilities:
        raise Http404("No probabilities yet")
    chosen = {
        Algorithm.LEXIMIN: _("LEXIMIN"),
        Algorithm.GOLDILOCKS: _("Goldilocks"),
    }.get(Algorithm(draw.algorithm), _("Legacy greedy draw"))
    legacy = draw.algorithm != Algorithm.LEGACY
    svg = charts.probabilities_svg(
        list(draw.probabilities.values()),
        list(draw.legacy_probabilities.values()) if legacy else [],
        seats=draw.seats,
        labels={
            "title": _("Everyone's chance of selection, from the least favoured up"),
            "x": _("Pool members, sorted by probability"),
            "y": _("Probability of selection"),
            "chosen": chosen,
            "legacy": _("Legacy greedy draw"),
            "even": _("Seats / pool"),
        },
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


def _in_network_language(draw: Draw, template: str, context: dict[str, Any]) -> str:
    language = draw.network.language
    with translation.override(language):
        return render_to_string(template, {"draw": draw, "language": language, **context})


def _pdf(html: str, filename: str) -> HttpResponse:
    try:
        return pdf_response(html, filename)
    except PdfUnavailable:
        return HttpResponse(_("PDF is not available on this server."), status=503)


def _lottery_pdf(draw: Draw) -> HttpResponse:
    """The table to print and pin up before the draw, in the network's language."""
    from minga.sortition.engine.lottery import read_table

    labels = draw.labels()
    rows = [
        (number, [labels.get(i, i) for i in ids])
        for number, ids in read_table(draw.lottery_table.encode())
    ]
    return _pdf(
        _in_network_language(draw, "sortition/lottery_document.html", {"rows": rows}),
        "lottery.pdf",
    )


def _report(draw: Draw, name: str) -> HttpResponse:
    """The draw's report in the network's language: hashes, quotas, algorithm, the number or
    the seed, the panel and each replacement (`queries.report_rows`)."""
    with translation.override(draw.network.language):
        rows = queries.report_rows(draw)
        header = [_("Section"), _("Item"), _("Value")]
    if name == "report.csv":
        return csv_response(name, header, rows)
    sections: dict[str, list[tuple[str, str]]] = {}
    for section, item, value in rows:
        sections.setdefault(section, []).append((item, value))
    context = {"sections": list(sections.items())}
    return _pdf(_in_network_language(draw, "sortition/report_document.html", context), name)


@login_required
def download(request: HttpRequest, slug: str, pk: int, name: str) -> HttpResponse:
    """people.csv, features.csv (Sortition Foundation format) and distribution.json:
    what `minga sortition verify` needs; the lottery's table (CSV and PDF) and the report."""
    network = get_network_for(request.user, slug, Action.VIEW_DRAWS)
    draw = get_draw_for(request.user, network, pk)
    if name in ("report.csv", "report.pdf") and draw.is_public:
        return _report(draw, name)
    if name == "lottery.pdf" and draw.lottery_table:
        return _lottery_pdf(draw)
    # Served byte for byte, not through the export helper, which would alter cells: ids
    # are plain values, and `verify` checks these bytes (lottery.csv against its hash).
    body = queries.published_file(draw, name)
    if body is None:
        raise Http404("No such file")
    content_type = "application/json" if name.endswith(".json") else "text/csv"
    return attachment(body, content_type, name)
