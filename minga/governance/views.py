"""Governance pages: the structure and its double links, circles and mandates,
proposals with their discussion, positions and objections."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Subquery, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minga.core import actions as core_actions
from minga.core.access import acting_user as _user
from minga.core.access import get_network_for
from minga.core.exports import csv_response, xlsx_response
from minga.core.models import GovernanceModel, StepState
from minga.core.permissions import Action, can
from minga.core.queries import step_state
from minga.core.steps import STEPS_BY_KEY
from minga.core.web import needs_confirmation, run_action
from minga.governance import actions, queries
from minga.governance import decision_rules as rules
from minga.governance.access import (
    get_circle_for,
    get_election_for,
    get_mandate_for,
    get_nomination_for,
    get_objection_for,
    get_proposal_for,
)
from minga.governance.diagram import Node, layout
from minga.governance.forms import (
    AmendForm,
    AppointForm,
    CircleForm,
    CommentForm,
    CoordinatingOrganizationForm,
    NominationForm,
    PositionForm,
    ProposalForm,
)
from minga.governance.models import (
    CircleKind,
    ElectionState,
    Position,
    Proposal,
    ProposalState,
    voter_q,
)

# How many proposals a list shows at a time, and positions a proposal's page.
PROPOSALS_PER_PAGE = 20
DECIDED_ON_HOME = 10
POSITIONS_PER_PAGE = 50
OBJECTIONS_PER_PAGE = 20
MEMBERS_PER_PAGE = 50  # a circle's current seats
PAST_ON_CIRCLE = 20  # the latest past holders on a circle's page; all on the mandates page
MANDATES_PER_PAGE = 100


def _page(rows: QuerySet[Any], number: str | None, per_page: int) -> Page[Any]:
    """One page of `rows` and how many there are in all, in one query (a counting subquery),
    whether there are none or thousands; as `Paginator.get_page`, a page number that is
    not one reads the first page and one beyond the last reads the last."""
    paginator = Paginator(rows, per_page)
    try:
        wanted = max(int(number or 1), 1)
    except ValueError:
        wanted = 1
    start = (wanted - 1) * per_page
    # The total as a scalar subquery over the rows' own filter (no joins, read once).
    total = (
        rows.order_by().annotate(_one=Value(1)).values("_one").annotate(n=Count("pk")).values("n")
    )
    items = list(rows.annotate(_total=Subquery(total))[start : start + per_page])
    if not items and wanted > 1:
        return paginator.get_page(wanted)
    first = items[0] if items else None
    total = first["_total"] if isinstance(first, dict) else getattr(first, "_total", 0)
    paginator.__dict__["count"] = total  # Paginator.count, known
    return Page(items, wanted, paginator)


PROBLEM_LABELS = {
    "no_leader": gettext_lazy("no leader"),
    "no_delegate": gettext_lazy("no delegate"),
    "leader_not_in_parent": gettext_lazy("the leader is not in the parent circle"),
    "delegate_not_in_parent": gettext_lazy("no delegate is in the parent circle"),
    "one_person": gettext_lazy("one person holds both ends of the link"),
}


@login_required
def governance_home(request: HttpRequest, slug: str) -> HttpResponse:
    """The step's page: its guide, the structure drawn with its links, proposals."""
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    rows = queries.structure(network)
    circles = [row.circle for row in rows]
    drawing = layout(
        [
            Node(r.circle.pk, r.circle.name, r.circle.kind, r.circle.parent_id, r.problems)
            for r in rows
        ]
    )
    structure = [(row, [PROBLEM_LABELS[p] for p in row.problems]) for row in rows]
    broken = [{"circle": row.circle, "problems": labels} for row, labels in structure if labels]
    manage = can(request.user, Action.MANAGE_GOVERNANCE, network)
    # The form only for whom the page shows it (it reads the organization named there).
    coordinating_form = (
        CoordinatingOrganizationForm(
            initial={"coordinating_organization": network.coordinating_organization},
            network=network,
        )
        if manage and network.model == GovernanceModel.VERTICAL
        else None
    )
    open_rows = queries.proposal_rows(network, state="open")
    open_page = Paginator(open_rows, PROPOSALS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "governance/step.html",
        {
            "network": network,
            "step": STEPS_BY_KEY["governance"],
            "state": step_state(network, "governance"),
            "states": StepState.choices,
            "can_set_state": can(request.user, Action.SET_STEP_STATE, network),
            "can_manage": manage,
            "drawing": drawing,
            "broken": broken,
            "circles": circles,
            "structure": structure,
            "kinds": dict(CircleKind.choices),
            "problem_labels": PROBLEM_LABELS,
            "open_proposals": queries.proposal_lines(network, open_page),
            "page": open_page,
            "closed_proposals": queries.proposal_lines(
                network, queries.proposal_rows(network, state="closed")[:DECIDED_ON_HOME]
            ),
            "coordinating_form": coordinating_form,
        },
    )


@login_required
def proposal_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's open or decided proposals, newest first, a page at a time."""
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    state = request.GET.get("state")
    if state not in ProposalState.values:
        state = ProposalState.OPEN
    page = Paginator(queries.proposal_rows(network, state=state), PROPOSALS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "governance/proposal_list.html",
        {
            "network": network,
            "state": state,
            "proposals": queries.proposal_lines(network, page),
            "page": page,
        },
    )


@login_required
@require_POST
def set_coordinating_organization(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.CHANGE_NETWORK)
    form = CoordinatingOrganizationForm(request.POST, network=network)
    if form.is_valid():
        core_actions.update_network(
            actor=_user(request),
            network=network,
            coordinating_organization=form.cleaned_data["coordinating_organization"],
        )
        messages.success(request, _("Saved."))
    for error in form.errors.values():
        messages.error(request, " ".join(str(message) for message in error))
    return redirect("governance", slug=slug)


# Proposals -------------------------------------------------------------------------------


@login_required
def proposal_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.PROPOSE)
    initial = {"circle": request.GET.get("circle")} if request.GET.get("circle") else None
    form = ProposalForm(request.POST or None, initial=initial, network=network)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data["quorum"] is not None:
            data["quorum"] = float(data["quorum"])  # a fraction, as the model keeps it
        proposal = run_action(
            form,
            lambda: actions.open_proposal(actor=_user(request), network=network, **data),
        )
        if proposal is not None:
            return redirect(proposal)
    return render(request, "governance/proposal_form.html", {"network": network, "form": form})


@login_required
def proposal_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    proposal = get_proposal_for(request.user, pk, network)
    user = _user(request)
    voter = proposal.voter_for(user) if proposal.is_open else None
    mine = proposal.positions.filter(voter_q(voter)).first() if voter is not None else None
    position_form = PositionForm(
        initial={"position": mine.position, "reason": mine.reason} if mine else None
    )
    visible = proposal.results_visible()
    is_proposer = proposal.proposer_id == user.pk and proposal.is_open
    tally = proposal.current_tally() if visible else None
    # A page of who took which position (or, once a secret proposal closed, of the reasons
    # given anonymously); the tally above counts them all in the database.
    if visible and proposal.voters_visible():
        rows: Any = queries.position_rows(proposal)  # values: 50 voters, no model objects
    elif visible and proposal.secret:
        rows = proposal.ballots.exclude(reason="").order_by("position", "pk")
    else:
        rows = Position.objects.none()
    page = _page(rows, request.GET.get("page"), POSITIONS_PER_PAGE)
    objections = (
        _page(
            proposal.objections.select_related("voter_person__user", "voter_organization"),
            request.GET.get("objections"),
            OBJECTIONS_PER_PAGE,
        )
        if visible
        else None
    )
    return render(
        request,
        "governance/proposal_detail.html",
        {
            "network": network,
            "proposal": proposal,
            "voter": voter,
            "mine": mine,
            "position_form": position_form,
            "amend_form": AmendForm(initial={"text": proposal.text}) if is_proposer else None,
            "comment_form": CommentForm(),
            "visible": visible,
            "tally": tally,
            "turnout": queries.turnout(proposal, tally) if tally is not None else None,
            "needed_to_agree": rules.supermajority_needed(tally) if tally is not None else None,
            "positions": queries.position_lines(page) if not proposal.secret else [],
            "ballots": page if proposal.secret else [],
            "page": page,
            "objections": objections,
            "amendments": proposal.amendments.all(),
            "comments": proposal.comments.select_related("author"),
            "can_close": proposal.is_open
            and (can(user, Action.CLOSE_PROPOSALS, network) or proposal.led_by(user)),
            "is_proposer": is_proposer,
        },
    )


def _on_proposal(request: HttpRequest, slug: str, pk: int) -> Any:
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    return get_proposal_for(request.user, pk, network)


def _closed(request: HttpRequest, proposal: Any) -> HttpResponse:
    messages.error(request, _("This proposal is closed."))
    return redirect(proposal)


@login_required
@require_POST
def take_position(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    proposal = _on_proposal(request, slug, pk)
    form = PositionForm(request.POST)
    if form.is_valid():
        try:
            done = run_action(
                form,
                lambda: actions.take_position(
                    actor=_user(request), proposal=proposal, **form.cleaned_data
                ),
            )
        except actions.ProposalClosed:
            return _closed(request, proposal)
        if done is not None:
            messages.success(request, _("Your position is recorded."))
            return redirect(proposal)
    for error in form.errors.values():
        messages.error(request, " ".join(str(message) for message in error))
    return redirect(proposal)


@login_required
@require_POST
def withdraw_objection(request: HttpRequest, slug: str, pk: int, objection_id: int) -> HttpResponse:
    proposal = _on_proposal(request, slug, pk)
    objection = get_objection_for(request.user, proposal, objection_id)
    try:
        actions.withdraw_objection(actor=_user(request), objection=objection)
    except actions.ProposalClosed:
        return _closed(request, proposal)
    messages.success(request, _("Your objection is withdrawn."))
    return redirect(proposal)


@login_required
@require_POST
def amend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    proposal = _on_proposal(request, slug, pk)
    form = AmendForm(request.POST)
    if form.is_valid():
        try:
            actions.amend_proposal(actor=_user(request), proposal=proposal, **form.cleaned_data)
        except actions.ProposalClosed:
            return _closed(request, proposal)
        messages.success(request, _("The text is amended; objectors can now withdraw."))
    return redirect(proposal)


@login_required
@require_POST
def add_comment(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    proposal = _on_proposal(request, slug, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        actions.comment(actor=_user(request), proposal=proposal, text=form.cleaned_data["text"])
    return redirect(proposal)


@login_required
@require_POST
def close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    proposal = _on_proposal(request, slug, pk)
    if not proposal.is_open:
        return _closed(request, proposal)
    user = _user(request)
    if not (can(user, Action.CLOSE_PROPOSALS, proposal.network) or proposal.led_by(user)):
        raise PermissionDenied  # before asking, so nobody is asked what they may not do
    consequence = _(
        "Nobody can take or change a position any more, and the proposal is decided now "
        "by its rule (%(rule)s) with the positions taken so far."
    ) % {"rule": proposal.get_rule_display()}
    if proposal.secret:
        consequence += " " + _(
            "Who took part is kept apart from the positions, for good: nobody will ever "
            "see who took which position."
        )
    page = needs_confirmation(
        request,
        question=_("Close “%(title)s” and decide it?") % {"title": proposal.title},
        consequence=consequence,
        cancel_url=proposal.get_absolute_url(),
        button=_("Close and decide"),
    )
    if page is not None:
        return page
    try:
        actions.close_proposal(actor=_user(request), proposal=proposal)
    except actions.ProposalClosed:
        return _closed(request, proposal)
    return redirect(proposal)


def _outcome_label(proposal: Proposal) -> str:
    if proposal.state != ProposalState.CLOSED:
        return str(proposal.get_state_display())
    label = str(proposal.get_outcome_display())
    if proposal.decided_by:
        label = f"{label} {proposal.get_decided_by_display()}"
    return label


@login_required
def proposals_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The network's proposals with their outcomes and tallies, as CSV or XLSX: for
    whoever may read the proposals list."""
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    header = [
        _("Title"),
        _("Decision rule"),
        _("Opened"),
        _("Closed"),
        _("Outcome"),
        _("Agree"),
        _("Disagree"),
        _("Abstain"),
        _("Object"),
        _("Took a position"),
        _("Could take a position"),
        _("Quorum needed"),
    ]
    rows = [
        [
            row.proposal.title,
            str(row.proposal.get_rule_display()),
            timezone.localdate(row.proposal.created_at),
            timezone.localdate(row.proposal.closed_at) if row.proposal.closed_at else None,
            _outcome_label(row.proposal),
            *(
                (row.tally.agree, row.tally.disagree, row.tally.abstain, row.tally.object)
                if row.tally is not None
                else (None, None, None, None)
            ),
            *(
                (row.turnout.taken, row.turnout.eligible, row.turnout.needed)
                if row.turnout is not None
                else (None, None, None)
            ),
        ]
        for row in queries.proposal_outcomes(network)
    ]
    filename = f"{network.slug}-proposals"
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows, sheet_title=_("Proposals"))
    return csv_response(filename, header, rows)


# Circles and mandates -----------------------------------------------------------------------


@login_required
def circle_form(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_GOVERNANCE)
    circle = get_circle_for(request.user, network, pk) if pk else None
    initial: dict[str, Any] = {}
    if circle is not None:
        initial = {field: getattr(circle, field) for field in actions.CIRCLE_FIELDS}
        initial["kind"] = circle.kind
    elif network.model == "vertical":
        initial = {
            "kind": "working_group",
            "parent": network.circles.filter(kind="coordination_body").first(),
        }
    form = CircleForm(request.POST or None, initial=initial, network=network)
    if circle is not None:
        del form.fields["kind"]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if circle is None:
            saved = run_action(
                form,
                lambda: actions.create_circle(
                    actor=_user(request),
                    network=network,
                    kind=data.pop("kind"),
                    name=data.pop("name"),
                    **data,
                ),
            )
        else:
            saved = run_action(
                form, lambda: actions.update_circle(actor=_user(request), circle=circle, **data)
            )
        if saved is not None:
            return redirect(saved)
    return render(
        request, "governance/circle_form.html", {"network": network, "circle": circle, "form": form}
    )


@login_required
def circle_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    circle = get_circle_for(request.user, network, pk)
    organizations = circle.member_kind == "organizations"
    form = AppointForm(request.POST or None, network=network, organizations=organizations)
    manage = can(request.user, Action.MANAGE_GOVERNANCE, network)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            saved = run_action(
                form,
                lambda: actions.appoint(
                    actor=_user(request),
                    circle=circle,
                    role=data["role"],
                    person=data.get("person"),
                    organization=data.get("organization"),
                    starts_on=data.get("starts_on"),
                    ends_on=data.get("ends_on"),
                    confirm_break=data.get("confirm", False),
                ),
            )
            if saved is not None:
                return redirect(circle)
    problems = queries.link_problems(network).get(circle.pk, [])
    current = Paginator(queries.circle_current_mandates(circle), MEMBERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "governance/circle_detail.html",
        {
            "network": network,
            "circle": circle,
            "current": current,
            "page": current,
            "past": list(queries.circle_past_mandates(circle)[:PAST_ON_CIRCLE]),
            "problems": [PROBLEM_LABELS[p] for p in problems],
            "children": queries.circle_children(circle),
            "form": form,
            "can_manage": manage,
            "elections": queries.circle_elections(circle),
            "nomination_form": NominationForm(network=network),
            "in_circle": circle.mandates.current().filter(person__user=_user(request)).exists(),
            "ElectionState": ElectionState,
        },
    )


@login_required
@require_POST
def end_mandate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_GOVERNANCE)
    mandate = get_mandate_for(request.user, network, pk)
    if mandate.ended_on is not None:
        messages.error(request, _("This mandate has ended already."))
        return redirect(mandate.circle)
    consequence = _(
        "%(holder)s stops being %(role)s of %(circle)s today. The mandate moves to the "
        "past holders and cannot be reopened: the seat must be given again."
    ) % {"holder": mandate.holder, "role": mandate.get_role_display(), "circle": mandate.circle}
    asking = request.POST.get("confirmed") != "1"
    if asking and (breaks := queries.links_broken_by_ending(mandate)):
        consequence += " " + _("It also breaks the double link of: %(circles)s.") % {
            "circles": ", ".join(circle.name for circle in breaks)
        }
        # The confirmation page says so: confirming it goes ahead despite the break.
        post = request.POST.copy()
        post["confirm"] = "1"
        request.POST = post  # type: ignore[assignment]
    page = needs_confirmation(
        request,
        question=_("End this mandate?"),
        consequence=consequence,
        cancel_url=mandate.circle.get_absolute_url(),
        button=_("End the mandate"),
    )
    if page is not None:
        return page
    try:
        actions.end_mandate(
            actor=_user(request), mandate=mandate, confirm_break=request.POST.get("confirm") == "1"
        )
    except actions.LinkWouldBreak as exc:
        return render(
            request,
            "governance/confirm_break.html",
            {"network": network, "mandate": mandate, "message": exc.messages[0]},
            status=409,
        )
    return redirect(mandate.circle)


@login_required
@require_POST
def renew_mandate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_GOVERNANCE)
    mandate = get_mandate_for(request.user, network, pk)
    try:
        actions.renew_mandate(actor=_user(request), mandate=mandate)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(mandate.circle)


@login_required
def mandates(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    rows = queries.mandates(network).order_by("circle__name", "-starts_on", "pk")
    page = Paginator(rows, MANDATES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "governance/mandates.html", {"network": network, "mandates": page, "page": page}
    )


# Elections ------------------------------------------------------------------------------------


@login_required
@require_POST
def open_election(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    circle = get_circle_for(request.user, network, pk)
    try:
        actions.open_election(
            actor=_user(request), circle=circle, role=request.POST.get("role", "leader")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(circle)


@login_required
@require_POST
def nominate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    election = get_election_for(request.user, network, pk)
    form = NominationForm(request.POST, network=network)
    if form.is_valid():
        run_action(
            form,
            lambda: actions.nominate(actor=_user(request), election=election, **form.cleaned_data),
        )
    for error in form.errors.values():
        messages.error(request, " ".join(str(message) for message in error))
    return redirect(election.circle)


@login_required
@require_POST
def consent_round(request: HttpRequest, slug: str, pk: int, nomination_id: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_GOVERNANCE)
    election = get_election_for(request.user, network, pk)
    nomination = get_nomination_for(request.user, election, nomination_id)
    proposal = actions.start_consent_round(actor=_user(request), nomination=nomination)
    return redirect(proposal)
