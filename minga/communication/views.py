"""Communication pages: the step's summary, meetings and workshops (registering, the
waiting list, attendance, minutes), the calendars, the year at a glance, working groups."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from minga.communication import actions, charts, digest, queries
from minga.communication.access import (
    feed_person,
    get_consultation_for,
    get_event_for,
    get_group_for,
    get_initiative_for,
    get_member_for,
    get_resource_for,
    public_network,
)
from minga.communication.calendar import calendar_bytes, private_token, reset_token
from minga.communication.forms import (
    AnswerForm,
    ChannelForm,
    ConsultationForm,
    EventForm,
    FrequencyForm,
    GroupForm,
    InitiativeForm,
    MemberForm,
    MinutesForm,
    NewsForm,
    ObjectiveForm,
    OutputForm,
    ResourceFilterForm,
    ResourceForm,
    event_initial,
)
from minga.communication.models import (
    Bounce,
    ChatChannel,
    Event,
    Frequency,
    News,
    WorkingGroup,
)
from minga.core.access import acting_user as _user
from minga.core.access import get_network_for, get_person_for
from minga.core.exports import safe_filename
from minga.core.intake import INLINE_TYPES, download_extension
from minga.core.models import Network, StepState
from minga.core.permissions import Action, can
from minga.core.queries import step_state
from minga.core.steps import STEPS_BY_KEY
from minga.core.web import errors_to_messages, needs_confirmation, run_action

EVENTS_PER_PAGE = 20
ICS = "text/calendar; charset=utf-8"


def _base(request: HttpRequest, network: Network, **extra: Any) -> dict[str, Any]:
    return {
        "network": network,
        "can_manage": can(request.user, Action.MANAGE_EVENTS, network),
        **extra,
    }


def _year(request: HttpRequest, network: Network) -> int:
    text = request.GET.get("year", "")
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return timezone.localdate().year


def _rhythm(network: Network, year: int) -> dict[str, Any]:
    return {"year": queries.year_at_a_glance(network, year), "month_names": MONTHS}


@login_required
def communication_home(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug)
    year = timezone.localdate().year
    return render(
        request,
        "communication/step.html",
        _base(
            request,
            network,
            step=STEPS_BY_KEY["communication"],
            state=step_state(network, "communication"),
            states=StepState.choices,
            can_set_state=can(request.user, Action.SET_STEP_STATE, network),
            upcoming=queries.upcoming(network)[:5],
            groups=queries.groups(network)[:10],
            **_rhythm(network, year),
        ),
    )


@login_required
def event_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    showing_past = request.GET.get("past") == "1"
    rows = queries.past(network) if showing_past else queries.upcoming(network)
    page = Paginator(rows, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "communication/event_list.html",
        _base(request, network, page=page, showing_past=showing_past),
    )


@login_required
def rhythm_page(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    year = _year(request, network)
    return render(
        request,
        "communication/rhythm.html",
        _base(request, network, previous=year - 1, next=year + 1, **_rhythm(network, year)),
    )


@login_required
def event_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    event = get_event_for(request.user, network, pk)
    organizer = can(request.user, Action.MANAGE_EVENTS, network) or bool(
        event.group and event.group.led_by(request.user)
    )
    person = queries.person_of(request.user, network)
    mine = queries.registration_of(event, person)
    return render(
        request,
        "communication/event_detail.html",
        _base(
            request,
            network,
            event=event,
            dates=event.dates()[:24],
            places=queries.places(event),
            mine=mine,
            position=queries.waiting_position(mine) if mine else None,
            person=person,
            organizer=organizer,
            over=event.last_ends_at < timezone.now(),
            registrations=queries.registrations(event)[:200] if organizer else [],
            minutes_form=MinutesForm(initial={"agenda": event.agenda, "minutes": event.minutes})
            if organizer
            else None,
        ),
    )


@login_required
def event_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    event = get_event_for(request.user, network, pk) if pk else None
    manage = can(request.user, Action.MANAGE_EVENTS, network)
    led = list(
        WorkingGroup.objects.filter(
            network=network, memberships__person__user=_user(request), memberships__lead=True
        ).distinct()
    )
    if event is not None and not (manage or (event.group and event.group in led)):
        raise PermissionDenied
    if event is None and not (manage or led):
        raise PermissionDenied
    groups = (
        WorkingGroup.objects.filter(network=network)
        if manage
        else WorkingGroup.objects.filter(pk__in=[g.pk for g in led])
    )
    initial = event_initial(event) if event else {"time_zone": network.time_zone}
    form = EventForm(request.POST or None, initial=initial, network=network, groups=groups)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        group = values.pop("group")
        saved = run_action(
            form,
            lambda: actions.save_event(
                actor=_user(request), network=network, event=event, group=group, **values
            ),
        )
        if saved is not None:
            messages.success(request, _("Event saved."))
            return redirect(saved)
    return render(
        request, "communication/event_form.html", _base(request, network, form=form, event=event)
    )


@login_required
@require_POST
def event_register(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    event = get_event_for(request.user, network, pk)
    try:
        if request.POST.get("cancel"):
            actions.unregister(actor=_user(request), event=event)
            messages.success(request, _("Your registration is cancelled."))
        else:
            registration = actions.register(actor=_user(request), event=event)
            messages.success(
                request,
                _("You are on the waiting list.")
                if registration.status == "waiting"
                else _("You are registered."),
            )
    except ValidationError as exc:  # the event is over or cancelled
        messages.error(request, " ".join(exc.messages))
    return redirect(event)


@login_required
@require_POST
def event_attendance(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    event = get_event_for(request.user, network, pk)
    present = {int(v) for v in request.POST.getlist("attended") if v.isdigit()}
    listed = {int(v) for v in request.POST.getlist("listed") if v.isdigit()}
    actions.set_attendance(
        actor=_user(request), event=event, attended={pk: pk in present for pk in listed}
    )
    messages.success(request, _("Attendance saved."))
    return redirect(event)


@login_required
@require_POST
def event_minutes(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    event = get_event_for(request.user, network, pk)
    form = MinutesForm(request.POST)
    if form.is_valid():
        actions.save_minutes(actor=_user(request), event=event, **form.cleaned_data)
        messages.success(request, _("Saved."))
    return redirect(event)


@login_required
@require_POST
def event_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    event = get_event_for(request.user, network, pk)
    page = needs_confirmation(
        request,
        question=_("Cancel %(title)s?") % {"title": event.title},
        consequence=_("Subscribed calendars show it as cancelled; registrations stay as they are."),
        cancel_url=event.get_absolute_url(),
        button=_("Cancel the event"),
    )
    if page is not None:
        return page
    actions.cancel_event(actor=_user(request), event=event)
    messages.success(request, _("The event is cancelled."))
    return redirect(event)


@login_required
def event_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One event's file, to add it to one's calendar."""
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    event = get_event_for(request.user, network, pk)
    response = HttpResponse(calendar_bytes([event], event.title), content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(event.title, "ics")}"'
    return response


# Calendars ----------------------------------------------------------------------------


@login_required
def calendars(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    person = queries.person_of(request.user, network)
    if request.method == "POST" and person is not None:
        reset_token(person)
        messages.success(request, _("Your calendar has a new address; the old one stops working."))
        return redirect("calendars", slug=slug)
    base = str(settings.MINGA_BASE_URL).rstrip("/")
    private = base + reverse("private_feed", args=[slug, private_token(person)]) if person else None
    return render(
        request,
        "communication/calendars.html",
        _base(
            request,
            network,
            public=base + reverse("public_feed", args=[slug]),
            private=private,
        ),
    )


def public_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """No login: only the events the coordinators marked public."""
    network = public_network(slug)
    events = queries.feed_events(network, public_only=True)
    return HttpResponse(calendar_bytes(events, network.name), content_type=ICS)


def private_feed(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The address is the credential: every event of the network, for that person."""
    person = feed_person(slug, token)
    network = person.network
    events = queries.feed_events(network, public_only=False)
    with translation.override(digest.language_of(person)):
        body = calendar_bytes(
            events, network.name, queries.funding_deadlines(network), network.time_zone
        )
    response = HttpResponse(body, content_type=ICS)
    response["Cache-Control"] = "private, no-store"
    return response


# Working groups -------------------------------------------------------------------------


@login_required
def group_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    manage = can(request.user, Action.MANAGE_EVENTS, network)
    form = GroupForm(request.POST or None) if manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        saved = run_action(
            form,
            lambda: actions.save_group(actor=_user(request), network=network, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, _("Working group created."))
            return redirect(saved)
    page = Paginator(queries.groups(network), 50).get_page(request.GET.get("page"))
    return render(
        request, "communication/group_list.html", _base(request, network, page=page, form=form)
    )


@login_required
def group_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    group = get_group_for(request.user, network, pk)
    manage = actions.may_manage_group(_user(request), group)
    year = timezone.localdate().year
    return render(
        request,
        "communication/group_detail.html",
        _base(
            request,
            network,
            group=group,
            manage=manage,
            members=group.memberships.select_related("person__user", "person__organization")[:200],
            objectives=group.objectives.all()[:100],
            outputs=group.outputs.all()[:50],
            events=Event.objects.filter(group=group).order_by("-starts_at", "-pk")[:20],
            member_form=MemberForm(network=network) if manage else None,
            objective_form=ObjectiveForm(initial={"year": year}) if manage else None,
            output_form=OutputForm(initial={"on": timezone.localdate()}) if manage else None,
            group_form=GroupForm(initial={"name": group.name, "description": group.description})
            if manage
            else None,
        ),
    )


@login_required
@require_POST
def group_change(request: HttpRequest, slug: str, pk: int, part: str) -> HttpResponse:
    """The group's own forms: its name, a member, an objective, an output."""
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    group = get_group_for(request.user, network, pk)
    user = _user(request)
    form: Any
    act: Callable[[], object]
    if part == "group":
        form = GroupForm(request.POST)
        act = lambda: actions.save_group(  # noqa: E731
            actor=user, network=network, group=group, **form.cleaned_data
        )
    elif part == "member":
        form = MemberForm(request.POST, network=network)
        act = lambda: actions.set_group_member(actor=user, group=group, **form.cleaned_data)  # noqa: E731
    elif part == "objective":
        form = ObjectiveForm(request.POST)
        act = lambda: actions.save_objective(actor=user, group=group, **form.values())  # noqa: E731
    elif part == "output":
        form = OutputForm(request.POST)
        act = lambda: actions.add_output(actor=user, group=group, **form.cleaned_data)  # noqa: E731
    else:
        raise PermissionDenied
    if form.is_valid() and run_action(form, act) is not None:
        messages.success(request, _("Saved."))
    errors_to_messages(request, form)
    return redirect(group)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int, member: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    found = get_member_for(request.user, network, pk, member)
    actions.remove_group_member(actor=_user(request), member=found)
    messages.success(request, _("Removed from the group."))
    return redirect(found.group)


# The digest -------------------------------------------------------------------------------


@login_required
def digest_page(request: HttpRequest, slug: str) -> HttpResponse:
    """One's digest as it would go now, and how often one gets it; for coordinators, the
    news, the chat channels, the last sendings and the refused addresses."""
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    manage = can(request.user, Action.MANAGE_EVENTS, network)
    person = queries.person_of(request.user, network)
    viewed = person
    chosen = request.GET.get("person", "")
    if manage and chosen.isdigit():  # coordinators preview anyone's digest
        viewed = get_person_for(request.user, network, int(chosen))
    form = FrequencyForm(
        request.POST if "frequency" in request.POST else None,
        initial={"frequency": digest.preferences(person) if person else Frequency.WEEKLY},
    )
    if request.method == "POST" and "frequency" in request.POST and person and form.is_valid():
        actions.set_digest_frequency(
            actor=_user(request), person=person, frequency=form.cleaned_data["frequency"]
        )
        messages.success(request, _("Saved."))
        return redirect("digest", slug=slug)
    # A "never" reader's preview shows the week's.
    when = digest.current_period(digest.preferences(viewed) if viewed else Frequency.WEEKLY)
    preview = digest.content_for(viewed, digest.network_content(network, when)) if viewed else None
    return render(
        request,
        "communication/digest.html",
        _base(
            request,
            network,
            form=form if person else None,
            preview=preview,
            viewed=viewed,
            period=when,
            news_form=NewsForm() if manage else None,
            channel_form=ChannelForm() if manage else None,
            news=News.objects.filter(network=network)[:10],
            channels=ChatChannel.objects.filter(network=network)[:20] if manage else [],
            sendings=queries.digest_sendings(network)[:12] if manage else [],
            bounces=Bounce.objects.filter(person__network=network).select_related("person__user")[
                :50
            ]
            if manage
            else [],
        ),
    )


@login_required
@require_POST
def news_post(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_EVENTS)
    form = NewsForm(request.POST)
    if form.is_valid() and run_action(
        form, lambda: actions.post_news(actor=_user(request), network=network, **form.cleaned_data)
    ):
        messages.success(request, _("News posted."))
    errors_to_messages(request, form)
    return redirect("digest", slug=slug)


@login_required
@require_POST
def channel_add(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.MANAGE_EVENTS)
    form = ChannelForm(request.POST)
    if form.is_valid() and run_action(
        form,
        lambda: actions.save_channel(actor=_user(request), network=network, **form.cleaned_data),
    ):
        messages.success(request, _("The channel gets the digest's news from now on."))
    errors_to_messages(request, form)
    return redirect("digest", slug=slug)


@csrf_exempt  # the signed link is the credential; mail clients post it with one click
def unsubscribe_page(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """GET asks (a link scanner must not unsubscribe anyone); POST unsubscribes, as
    RFC 8058's one-click does."""
    person = digest.person_for_unsubscribe(token)
    if person is None or person.network.slug != slug:
        raise Http404("No such link")
    done = False
    if request.method == "POST":
        actions.unsubscribe(person=person)
        done = True
    return render(
        request,
        "communication/unsubscribe.html",
        {"public_network": person.network, "done": done, "action": request.get_full_path()},
    )


# Initiatives and resources ---------------------------------------------------------------


def _file_response(content: bytes, content_type: str, name: str) -> HttpResponse:
    """Images and PDF are shown in the browser; anything else is downloaded. Nothing a file
    holds may run here: no sniffing, no scripts, no framing of this site's pages."""
    inline = content_type in INLINE_TYPES
    stem = name.rpartition(".")[0] or name
    filename = safe_filename(stem, download_extension(content_type, name))
    response = HttpResponse(
        content, content_type=content_type if inline else "application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
def initiative_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    own = queries.person_of(request.user, network)
    form = InitiativeForm(
        request.POST or None,
        request.FILES or None,
        initial={"organization": own.organization if own else None},
        network=network,
    )
    if request.method == "POST" and form.is_valid():
        image = form.cleaned_data["image"]
        saved = run_action(
            form,
            lambda: actions.promote_initiative(
                actor=_user(request),
                network=network,
                organization=form.cleaned_data["organization"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                links=form.cleaned_data["links"].splitlines(),
                image=image.read(actions.MAX_IMAGE_BYTES + 1) if image else None,
                image_name=image.name if image else "image",
            ),
        )
        if saved is not None:
            messages.success(request, _("Initiative published."))
            return redirect(saved)
    page = Paginator(queries.initiatives(network), 20).get_page(request.GET.get("page"))
    return render(
        request, "communication/initiative_list.html", _base(request, network, page=page, form=form)
    )


@login_required
def initiative_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    initiative = get_initiative_for(request.user, network, pk)
    return render(
        request,
        "communication/initiative_detail.html",
        _base(request, network, initiative=initiative),
    )


@login_required
def initiative_image(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    initiative = get_initiative_for(request.user, network, pk)
    if not initiative.image:
        raise Http404("No picture")
    extension = "jpg" if initiative.image_type == "image/jpeg" else "png"
    return _file_response(bytes(initiative.image), initiative.image_type, f"picture.{extension}")


@login_required
def resource_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    filters = ResourceFilterForm(request.GET or None)
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        saved = run_action(
            form,
            lambda: actions.share_resource(
                actor=_user(request),
                network=network,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                url=form.cleaned_data["url"],
                content=upload.read(actions.MAX_RESOURCE_BYTES + 1) if upload else None,
                file_name=upload.name if upload else "",
                language=form.cleaned_data["language"],
                themes=list(form.cleaned_data["themes"]),
                licence=form.cleaned_data["licence"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Resource shared."))
            return redirect(saved)
    page = Paginator(queries.resources(network, filters.filters()), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "communication/resource_list.html",
        _base(request, network, page=page, filters=filters, form=form),
    )


@login_required
def resource_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    resource = get_resource_for(request.user, network, pk)
    if request.method == "POST":
        actions.remove_resource(actor=_user(request), resource=resource)
        messages.success(request, _("Resource removed."))
        return redirect("resources", slug=slug)
    mine = resource.shared_by is not None and resource.shared_by.user_id == request.user.pk
    return render(
        request,
        "communication/resource_detail.html",
        _base(
            request,
            network,
            resource=resource,
            may_remove=mine or can(request.user, Action.MANAGE_EVENTS, network),
        ),
    )


@login_required
def resource_download(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    resource = get_resource_for(request.user, network, pk, with_content=True)
    actions.count_download(resource)
    if not resource.content:
        return redirect(resource.url)
    return _file_response(bytes(resource.content), resource.content_type, resource.file_name)


# Quick consultations and engagement -----------------------------------------------------


@login_required
def consultation_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    manage = can(request.user, Action.MANAGE_EVENTS, network)
    form = ConsultationForm(request.POST or None) if manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        zone = network.zone()
        saved = run_action(
            form,
            lambda: actions.open_consultation(
                actor=_user(request),
                network=network,
                question=data["question"],
                kind=data["kind"],
                choices=data["choices"].splitlines(),
                closes_at=datetime.combine(data["closes_on"], datetime.max.time(), tzinfo=zone),
            ),
        )
        if saved is not None:
            messages.success(request, _("The consultation is open."))
            return redirect(saved)
    page = Paginator(queries.consultations(network), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "communication/consultation_list.html",
        _base(request, network, page=page, form=form, now=timezone.now()),
    )


@login_required
def consultation_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request.user, slug, Action.VIEW_EVENTS)
    consultation = get_consultation_for(request.user, network, pk)
    person = queries.person_of(request.user, network)
    mine = consultation.answers.filter(person=person).first() if person else None
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                actions.answer_consultation(
                    actor=_user(request), consultation=consultation, **form.cleaned_data
                )
                messages.success(request, _("Thank you: your answer counts."))
                return redirect(consultation)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
    manage = can(request.user, Action.MANAGE_EVENTS, network)
    # Results once one has answered, or once it closed; always for coordinators.
    shown = manage or mine is not None or not consultation.is_open()
    rows = queries.results(consultation) if shown else []
    texts = consultation.answers.exclude(text="").order_by("-answered_at")[:50] if shown else []
    return render(
        request,
        "communication/consultation_detail.html",
        _base(
            request,
            network,
            consultation=consultation,
            mine=mine,
            person=person,
            shown=shown,
            chart=charts.results_chart(rows, consultation.question) if rows else "",
            rows=rows,
            texts=texts,
            total=consultation.answers.count(),
        ),
    )


@login_required
def engagement_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Coordinators: each organization's participation by quarter, falling ones flagged."""
    network = get_network_for(request.user, slug, Action.MANAGE_EVENTS)
    quarters = queries.quarters()
    page = Paginator(network.organizations.order_by("name", "pk"), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "communication/engagement.html",
        _base(
            request,
            network,
            page=page,
            rows=[
                (row, list(zip(quarters, row.totals, strict=True)))
                for row in queries.engagement(list(page.object_list))
            ],
            quarters=quarters,
        ),
    )
