"""The financing app's write path: the catalogue of calls (one by one or imported), what
members draw on and lack, the network's needs, the survey link, joint applications and
their reminders, and the sustainability and financing plan."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from minga.core import intake
from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.l10n import cell_message
from minga.core.mail import send_templated_mail
from minga.core.models import (
    Network,
    Organization,
    OrganizationType,
    Person,
    Theme,
    User,
    check_choice,
)
from minga.core.permissions import Action, can, require
from minga.financing.calls_file import CallRow, CallsFileError, read_calls
from minga.financing.models import (
    WORKING_STAGES,
    Call,
    Document,
    Funder,
    FunderKind,
    FundingAccess,
    FundingProfile,
    JointApplication,
    LineStatus,
    Mechanism,
    Need,
    NeedKind,
    Partner,
    PlanLine,
    Reminder,
    SourceType,
    Stage,
    SurveyLink,
    SustainabilityPlan,
)

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from minga.core.permissions import Actor

# Reminders go to an application's team this many days before its deadline.
REMINDER_DAYS = (14, 7, 2)
MAX_DOCUMENT_BYTES = 10 * intake.MiB
CALL_FIELDS = (
    "title",
    "source_type",
    "countries",
    "org_types",
    "amount_min",
    "amount_max",
    "currency",
    "cofinancing",
    "deadline",
    "url",
    "criteria",
    "joint_allowed",
)


def local_today(network: Network) -> date:
    """Today where the network is: what year a grant or a need falls in."""
    return timezone.localdate(timezone=network.zone())


def _check_currency(currency: str, field: str = "currency") -> str:
    currency = currency.strip().upper()
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
        raise ValidationError(
            {field: _("Write a three-letter currency code, such as USD, EUR or BRL.")}
        )
    return currency


def _check_amount(value: Decimal | None, field: str) -> None:
    if value is not None and (value < 0 or value > Decimal("999999999999.99")):
        raise ValidationError({field: _("Give an amount between 0 and 999.999.999.999,99.")})


def _check_share(value: Decimal | None, field: str) -> None:
    if value is not None and not Decimal(0) <= value <= Decimal(100):
        raise ValidationError({field: _("Give a percentage between 0 and 100.")})


def _check_places(codes: Iterable[str], types: Iterable[str]) -> tuple[list[str], list[str]]:
    codes = [code.strip().upper() for code in codes if code.strip()]
    unknown = [code for code in codes if code not in dict(all_countries)]
    if unknown:
        raise ValidationError(
            {"countries": _("Not country codes: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    types = [kind.strip() for kind in types if kind.strip()]
    for kind in types:
        check_choice("org_types", kind, OrganizationType.values)
    return list(dict.fromkeys(codes)), list(dict.fromkeys(types))


def _themes(slugs: Iterable[str], field: str = "themes") -> list[Theme]:
    slugs = [slug.strip() for slug in slugs if slug.strip()]
    found = {theme.slug: theme for theme in Theme.objects.filter(slug__in=slugs)}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise ValidationError(
            {field: _("Unknown themes: %(slugs)s.") % {"slugs": ", ".join(unknown)}}
        )
    return [found[slug] for slug in dict.fromkeys(slugs)]


# The catalogue ------------------------------------------------------------------------------


def _funder(network: Network, name: str, source_type: str) -> Funder:
    """The network's funder of that name, whatever its letter case, or a new one."""
    name = name.strip()
    if not name:
        raise ValidationError({"funder": _("Name the funder.")})
    found = _funders_by_name(network).get(name.casefold())
    return found or Funder.objects.create(network=network, name=name, source_type=source_type)


def _funders_by_name(network: Network) -> dict[str, Funder]:
    # Compared in Python: SQLite's LIKE ignores the case of ASCII letters only ("Ó").
    return {f.name.casefold(): f for f in Funder.objects.filter(network=network)}


def same_call(network: Network, funder: Funder, title: str, deadline: datetime) -> Call | None:
    """The call with this funder, title (whatever its letter case) and deadline: the
    identity a re-import updates."""
    key = title.strip().casefold()
    return next(
        (
            call
            for call in Call.objects.filter(network=network, funder=funder, deadline=deadline)
            if call.title.casefold() == key
        ),
        None,
    )


@transaction.atomic
def save_funder(
    *, actor: Actor, network: Network, funder: Funder | None = None, **fields: Any
) -> Funder:
    """A funder's record: for a company, its values, mission and pillars."""
    require(actor, Action.MANAGE_FUNDING, network)
    if "source_type" in fields:
        check_choice("source_type", fields["source_type"], SourceType.values)
    if "kind" in fields:
        check_choice("kind", fields["kind"], FunderKind.values)
    if funder is None:
        funder = Funder(network=network)
    for field, value in fields.items():
        setattr(funder, field, value.strip() if isinstance(value, str) else value)
    if not funder.name:
        raise ValidationError({"name": _("Name the funder.")})
    if Funder.objects.filter(network=network, name=funder.name).exclude(pk=funder.pk).exists():
        raise ValidationError({"name": _("This network already has a funder with this name.")})
    funder.full_clean(exclude=["network"], validate_unique=False)
    funder.save()
    record(actor=actor, action=AuditEvent.FUNDING_FUNDER_SAVE, target=funder, network=network)
    return funder


@transaction.atomic
def save_call(
    *,
    actor: Actor,
    network: Network,
    call: Call | None = None,
    funder: str,
    themes: list[str] | None = None,
    **fields: Any,
) -> Call:
    """Add a call to the catalogue, or change one."""
    require(actor, Action.MANAGE_FUNDING, network)
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise ValueError(f"not call fields: {sorted(unknown)}")
    current = {field: getattr(call, field) for field in CALL_FIELDS} if call else {}
    values = {**current, **fields}
    if not str(values.get("title", "")).strip():
        raise ValidationError({"title": _("Give the call a title.")})
    check_choice("source_type", values.get("source_type", ""), SourceType.values)
    values["countries"], values["org_types"] = _check_places(
        values.get("countries") or [], values.get("org_types") or []
    )
    values["currency"] = _check_currency(values.get("currency") or "USD")
    for field in ("amount_min", "amount_max"):
        _check_amount(values.get(field), field)
    low, high = values.get("amount_min"), values.get("amount_max")
    if low is not None and high is not None and low > high:
        raise ValidationError({"amount_max": _("The largest amount is smaller than the smallest.")})
    _check_share(values.get("cofinancing"), "cofinancing")
    if values.get("deadline") is None:
        raise ValidationError({"deadline": _("Give the deadline.")})
    chosen = _themes(themes) if themes is not None else None
    row = call or Call(network=network)
    for field, value in values.items():
        setattr(row, field, value.strip() if isinstance(value, str) else value)
    row.funder = _funder(network, funder, row.source_type)
    clash = same_call(network, row.funder, row.title, row.deadline)
    if clash is not None and clash.pk != row.pk:
        raise ValidationError(
            {"title": _("The catalogue already has this call (same funder, title and deadline).")}
        )
    row.full_clean(exclude=["network", "funder", "themes"])
    row.save()
    if chosen is not None:
        row.themes.set(chosen)
    record(actor=actor, action=AuditEvent.FUNDING_CALL_SAVE, target=row, network=network)
    return row


@transaction.atomic
def delete_call(*, actor: Actor, call: Call) -> None:
    require(actor, Action.MANAGE_FUNDING, call.network)
    record(actor=actor, action=AuditEvent.FUNDING_CALL_DELETE, target=call, network=call.network)
    call.delete()


def country_codes() -> dict[str, str]:
    """Every ISO 3166 alpha-2 and alpha-3 code, to its alpha-2 code."""
    codes = {code: code for code in dict(all_countries)}
    for code in list(codes):
        alpha3 = all_countries.alpha3(code)
        if alpha3:
            codes[alpha3] = code
    return codes


def check_upload(size: int, name: str) -> bool:
    """An upload's size, before it is read: ValidationError on `file` past the limit."""
    try:
        intake.check_size(size, name)
    except intake.IntakeError as exc:
        raise ValidationError({"file": [exc.message]}) from exc
    return True


def read_calls_file(
    network: Network, data: bytes, name: str, *, max_bytes: Any = intake.UPLOAD_LIMIT
) -> list[CallRow]:
    """A file of calls, through the one intake, checked cell by cell; ValidationError on the
    `file` field with every bad cell otherwise."""
    try:
        rows = intake.table_rows(data, name, max_bytes=max_bytes, max_rows=20_000)
        return read_calls(
            rows,
            themes=set(Theme.objects.values_list("slug", flat=True)),
            countries=country_codes(),
            org_types=set(OrganizationType.values),
            zone=network.zone(),
        )
    except intake.IntakeError as exc:
        raise ValidationError({"file": [exc.message]}) from exc
    except CallsFileError as exc:
        if exc.header_missing:
            raise ValidationError(
                {
                    "file": [
                        _("%(file)s has no column %(columns)s (the first row names the columns).")
                        % {"file": name, "columns": ", ".join(exc.header_missing)}
                    ]
                }
            ) from exc
        raise ValidationError({"file": [cell_message(e) for e in exc.errors]}) from exc


@transaction.atomic
def import_calls(
    *, actor: Actor, network: Network, data: bytes, name: str, max_bytes: Any = intake.UPLOAD_LIMIT
) -> tuple[int, int]:
    """Import a file of calls, all or nothing: (added, updated). The same funder, title and
    deadline update the call already in the catalogue instead of adding it twice."""
    require(actor, Action.MANAGE_FUNDING, network)
    rows = read_calls_file(network, data, name, max_bytes=max_bytes)
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    funders = _funders_by_name(network)
    added = updated = 0
    for row in rows:
        funder = funders.get(row.funder.casefold())
        if funder is None:
            funder = Funder.objects.create(
                network=network, name=row.funder, source_type=row.source_type
            )
            funders[row.funder.casefold()] = funder
        call = same_call(network, funder, row.title, row.deadline)
        if call is None:
            call = Call(network=network, funder=funder)
            added += 1
        else:
            updated += 1
        call.title = row.title
        call.source_type = row.source_type
        call.countries = list(row.countries)
        call.org_types = list(row.org_types)
        call.amount_min, call.amount_max = row.amount_min, row.amount_max
        call.currency = row.currency
        call.deadline = row.deadline
        call.url = row.url
        call.criteria = row.criteria
        call.joint_allowed = row.joint_allowed
        if row.has_cofinancing:
            call.cofinancing = row.cofinancing
        call.save()
        call.themes.set([themes[slug] for slug in row.themes])
    record(
        actor=actor,
        action=AuditEvent.FUNDING_CALLS_IMPORT,
        target=network,
        network=network,
        data={"file": name, "added": added, "updated": updated},
    )
    return added, updated


# What members draw on, and what the network needs ----------------------------------------


def _require_own(actor: Actor, action: Action, organization: Organization) -> None:
    """One's own organization, unless one manages the network's funding."""
    network = organization.network
    require(actor, action, network)
    if can(actor, Action.MANAGE_FUNDING, network):
        return
    if (
        not isinstance(actor, User)
        or not Person.objects.filter(
            network=network, user=actor, organization=organization
        ).exists()
    ):
        raise PermissionDenied


@transaction.atomic
def record_access(
    *,
    actor: Actor,
    organization: Organization,
    sources: dict[str, tuple[Decimal | None, str]],
    lacks: str = "",
    needed_amount: Decimal | None = None,
    currency: str = "USD",
) -> FundingProfile:
    """An organization's access to funding today: the source types it draws on (each with
    an approximate annual amount), what it lacks, and the amount it looks for."""
    _require_own(actor, Action.RECORD_FUNDING_ACCESS, organization)
    for source_type, (amount, source_currency) in sources.items():
        check_choice("sources", source_type, SourceType.values)
        _check_amount(amount, "sources")
        _check_currency(source_currency, "sources")
    _check_amount(needed_amount, "needed_amount")
    profile, _created = FundingProfile.objects.get_or_create(organization=organization)
    profile.lacks = lacks.strip()
    profile.needed_amount = needed_amount
    profile.currency = _check_currency(currency)
    profile.save()
    organization.funding_access.exclude(source_type__in=list(sources)).delete()
    for source_type, (amount, source_currency) in sources.items():
        FundingAccess.objects.update_or_create(
            organization=organization,
            source_type=source_type,
            defaults={"annual_amount": amount, "currency": _check_currency(source_currency)},
        )
    record(
        actor=actor,
        action=AuditEvent.FUNDING_ACCESS,
        target=organization,
        network=organization.network,
        data={"sources": sorted(sources)},
    )
    return profile


@transaction.atomic
def save_need(
    *,
    actor: Actor,
    network: Network,
    need: Need | None = None,
    title: str,
    kind: str,
    year: int,
    amount: Decimal,
    currency: str = "USD",
    themes: list[str] | None = None,
) -> Need:
    """What the network needs funding for in a year: a project, an area, or its own
    institutional strengthening."""
    require(actor, Action.MANAGE_FUNDING, network)
    check_choice("kind", kind, NeedKind.values)
    if not title.strip():
        raise ValidationError({"title": _("Say what the funding is for.")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    _check_amount(amount, "amount")
    row = need or Need(network=network)
    row.title, row.kind, row.year, row.amount = title.strip(), kind, year, amount
    row.currency = _check_currency(currency)
    row.save()
    if themes is not None:
        row.themes.set(_themes(themes))
    record(actor=actor, action=AuditEvent.FUNDING_NEED, target=row, network=network)
    return row


@transaction.atomic
def delete_need(*, actor: Actor, need: Need) -> None:
    require(actor, Action.MANAGE_FUNDING, need.network)
    record(actor=actor, action=AuditEvent.FUNDING_NEED_DELETE, target=need, network=need.network)
    need.delete()


@transaction.atomic
def link_survey(
    *,
    actor: Actor,
    network: Network,
    survey: Any,
    needs_question: str = "",
    funding_choice: str = "",
    sources_question: str = "",
    source_choices: dict[str, str] | None = None,
    offers_question: str = "",
) -> SurveyLink:
    """Which of a mapping survey's questions feed the gap analysis: chosen once."""
    require(actor, Action.MANAGE_FUNDING, network)
    if survey.network_id != network.pk:
        raise ValidationError({"survey": _("This survey is not one of this network's.")})
    form = survey.parsed_form()
    selects = {q.name: q for q in form.questions if q.type.startswith("select_")}
    for field, name in (
        ("needs_question", needs_question),
        ("sources_question", sources_question),
        ("offers_question", offers_question),
    ):
        if name and name not in selects:
            raise ValidationError(
                {field: _("The survey has no choice question %(name)s.") % {"name": name}}
            )

    def choices_of(question: str) -> set[str]:
        return {c.name for c in form.choices.get(selects[question].list_name or "", [])}

    if funding_choice and (not needs_question or funding_choice not in choices_of(needs_question)):
        raise ValidationError(
            {
                "funding_choice": _("%(name)s is not a choice of that question.")
                % {"name": funding_choice}
            }
        )
    source_choices = {k: v for k, v in (source_choices or {}).items() if v}
    for choice, source_type in source_choices.items():
        if not sources_question or choice not in choices_of(sources_question):
            raise ValidationError(
                {
                    "source_choices": _("%(name)s is not a choice of that question.")
                    % {"name": choice}
                }
            )
        check_choice("source_choices", source_type, SourceType.values)
    link, _created = SurveyLink.objects.update_or_create(
        network=network,
        defaults={
            "survey": survey,
            "needs_question": needs_question,
            "funding_choice": funding_choice,
            "sources_question": sources_question,
            "source_choices": source_choices,
            "offers_question": offers_question,
        },
    )
    record(actor=actor, action=AuditEvent.FUNDING_SURVEY_LINK, target=survey, network=network)
    return link


# Joint applications -------------------------------------------------------------------------


def _require_team(actor: Actor, application: JointApplication) -> None:
    network = application.network
    require(actor, Action.APPLY_FOR_FUNDING, network)
    if not can(actor, Action.MANAGE_FUNDING, network) and not application.on_team(actor):
        raise PermissionDenied


def _check_partner_shares(application: JointApplication) -> None:
    total = sum((p.budget_share or Decimal(0) for p in application.partners.all()), Decimal(0))
    if total > 100:
        raise ValidationError({"budget_share": _("The partners' shares add up to more than 100%.")})


@transaction.atomic
def start_application(
    *,
    actor: Actor,
    network: Network,
    title: str,
    lead: Organization,
    deadline: datetime | None = None,
    call: Call | None = None,
    budget: Decimal | None = None,
    currency: str = "",
    notes: str = "",
) -> JointApplication:
    """A joint application, led by the actor's own organization (coordinators and the
    treasurer may name any lead). Without a deadline, the call's."""
    require(actor, Action.APPLY_FOR_FUNDING, network)
    if lead.network_id != network.pk:
        raise ValidationError({"lead": _("The lead organization is not in this network.")})
    if (
        not can(actor, Action.MANAGE_FUNDING, network)
        and not Person.objects.filter(
            network=network, user=actor if isinstance(actor, User) else None, organization=lead
        ).exists()
    ):
        raise PermissionDenied
    if call is not None and call.network_id != network.pk:
        raise ValidationError({"call": _("This call is not in this network's catalogue.")})
    if deadline is None and call is not None:
        deadline = call.deadline
    if deadline is None:
        raise ValidationError({"deadline": _("Give the deadline.")})
    if not title.strip():
        if call is None:
            raise ValidationError({"title": _("Give the application a title.")})
        title = call.title
    _check_amount(budget, "budget")
    application = JointApplication.objects.create(
        network=network,
        call=call,
        title=title.strip()[:300],
        lead=lead,
        deadline=deadline,
        budget=budget,
        currency=_check_currency(currency or (call.currency if call else "USD")),
        notes=notes,
        created_by=actor if isinstance(actor, User) else None,
    )
    record(actor=actor, action=AuditEvent.APPLICATION_CREATE, target=application, network=network)
    return application


@transaction.atomic
def update_application(
    *, actor: Actor, application: JointApplication, **fields: Any
) -> JointApplication:
    """The title, deadline, budget and notes."""
    _require_team(actor, application)
    allowed = {"title", "deadline", "budget", "currency", "notes"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not application fields: {sorted(unknown)}")
    if "title" in fields and not str(fields["title"]).strip():
        raise ValidationError({"title": _("Give the application a title.")})
    if "budget" in fields:
        _check_amount(fields["budget"], "budget")
    if "currency" in fields:
        fields["currency"] = _check_currency(fields["currency"])
    if "deadline" in fields and fields["deadline"] is None:
        raise ValidationError({"deadline": _("Give the deadline.")})
    for field, value in fields.items():
        setattr(application, field, value.strip() if isinstance(value, str) else value)
    application.save()
    record(
        actor=actor,
        action=AuditEvent.APPLICATION_UPDATE,
        target=application,
        network=application.network,
        data={"changed": sorted(fields)},
    )
    return application


@transaction.atomic
def set_stage(
    *,
    actor: Actor,
    application: JointApplication,
    stage: str,
    awarded_amount: Decimal | None = None,
    awarded_on: date | None = None,
) -> JointApplication:
    """Move an application along the pipeline. Awarded needs the amount; it then counts
    in the network's income in the year it was awarded."""
    _require_team(actor, application)
    check_choice("stage", stage, Stage.values)
    if stage == Stage.AWARDED:
        if awarded_amount is None:
            raise ValidationError({"awarded_amount": _("Give the amount awarded.")})
        _check_amount(awarded_amount, "awarded_amount")
        application.awarded_amount = awarded_amount
        application.awarded_on = awarded_on or local_today(application.network)
    else:
        application.awarded_amount = None
        application.awarded_on = None
    before = application.stage
    application.stage = stage
    application.save()
    record(
        actor=actor,
        action=AuditEvent.APPLICATION_STAGE,
        target=application,
        network=application.network,
        data={"before": before, "after": stage},
    )
    return application


@transaction.atomic
def set_partner(
    *,
    actor: Actor,
    application: JointApplication,
    organization: Organization,
    role: str = "",
    budget_share: Decimal | None = None,
) -> Partner:
    """Add a partner organization, or change its role and share of the budget."""
    _require_team(actor, application)
    if organization.network_id != application.network_id:
        raise ValidationError({"organization": _("This organization is not in this network.")})
    if organization.pk == application.lead_id:
        raise ValidationError({"organization": _("The lead organization is not its own partner.")})
    _check_share(budget_share, "budget_share")
    partner, _created = Partner.objects.update_or_create(
        application=application,
        organization=organization,
        defaults={"role": role.strip()[:200], "budget_share": budget_share},
    )
    _check_partner_shares(application)
    record(
        actor=actor,
        action=AuditEvent.APPLICATION_PARTNER,
        target=application,
        network=application.network,
        data={"organization": organization.pk, "added": _created},
    )
    return partner


@transaction.atomic
def remove_partner(*, actor: Actor, partner: Partner) -> None:
    application = partner.application
    _require_team(actor, application)
    partner.delete()
    record(
        actor=actor,
        action=AuditEvent.APPLICATION_PARTNER,
        target=application,
        network=application.network,
        data={"organization": partner.organization_id, "removed": True},
    )


@transaction.atomic
def attach_document(
    *, actor: Actor, application: JointApplication, name: str, content: bytes
) -> Document:
    """A file of the application (at most 10 MB), for its team."""
    _require_team(actor, application)
    try:
        intake.check_size(len(content), name, MAX_DOCUMENT_BYTES)
    except intake.IntakeError as exc:
        raise ValidationError({"file": [exc.message]}) from exc
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    document = Document.objects.create(
        application=application,
        name=(name.replace("/", "_").replace("\\", "_").strip() or "document")[:200],
        content=content,
        size=len(content),
        uploaded_by=actor if isinstance(actor, User) else None,
    )
    record(
        actor=actor,
        action=AuditEvent.APPLICATION_DOCUMENT,
        target=application,
        network=application.network,
        data={"document": document.name},
    )
    return document


def remind_deadlines(now: datetime | None = None) -> int:
    """Mail each working application's team 14, 7 and 2 days before its deadline; how
    many reminders went out. Each (application, deadline, days) is claimed by inserting
    its row before the mail is sent, so a second run, or a second worker, sends nothing
    again. A team that joins late hears only the nearest reminder, once."""
    now = now or timezone.now()
    horizon = now + timedelta(days=max(REMINDER_DAYS))
    sent = 0
    due = JointApplication.objects.filter(
        stage__in=WORKING_STAGES, deadline__gt=now, deadline__lte=horizon
    ).select_related("network")
    for application in due.iterator():
        left = application.deadline - now
        days = min(d for d in REMINDER_DAYS if left <= timedelta(days=d))
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    application=application, deadline=application.deadline, days_before=days
                )
        except IntegrityError:
            continue  # already sent, by an earlier run or another worker
        for person in application.team():
            if not person.user.email:
                continue
            try:
                send_templated_mail(
                    to=person.user.email,
                    template="financing/mail/deadline",
                    # The days truly left; `days` is only the tier claimed.
                    context={
                        "application": application,
                        "days": max(1, math.ceil(left / timedelta(days=1))),
                        "person": person,
                    },
                    language=person.user.language or None,
                )
            except Exception:  # one refused address must not cost the rest of the team
                log.exception("deadline reminder to %s failed", person.user.email)
        sent += 1
    return sent


# The sustainability and financing plan ------------------------------------------------------


@transaction.atomic
def save_plan(
    *,
    actor: Actor,
    network: Network,
    mechanisms: list[str],
    legal_conditions: str = "",
    institutional_conditions: str = "",
    follow_up: str = "",
) -> SustainabilityPlan:
    require(actor, Action.MANAGE_FUNDING, network)
    for mechanism in mechanisms:
        check_choice("mechanisms", mechanism, Mechanism.values)
    plan, _created = SustainabilityPlan.objects.get_or_create(network=network)
    plan.mechanisms = list(dict.fromkeys(mechanisms))
    plan.legal_conditions = legal_conditions.strip()
    plan.institutional_conditions = institutional_conditions.strip()
    plan.follow_up = follow_up.strip()
    plan.save()
    record(actor=actor, action=AuditEvent.FUNDING_PLAN, target=network, network=network)
    return plan


@transaction.atomic
def save_plan_line(
    *,
    actor: Actor,
    network: Network,
    line: PlanLine | None = None,
    title: str,
    deadline: date,
    mechanism: str = Mechanism.OTHER,
    owner: Person | None = None,
    status: str = LineStatus.PLANNED,
    progress: Decimal = Decimal(0),
) -> PlanLine:
    """A line of action of the plan, with its deadline, owner and progress."""
    require(actor, Action.MANAGE_FUNDING, network)
    if not title.strip():
        raise ValidationError({"title": _("Name the line of action.")})
    check_choice("mechanism", mechanism, Mechanism.values)
    check_choice("status", status, LineStatus.values)
    _check_share(progress, "progress")
    if owner is not None and owner.network_id != network.pk:
        raise ValidationError({"owner": _("This person is not in this network.")})
    row = line or PlanLine(network=network)
    row.title, row.deadline, row.mechanism = title.strip()[:300], deadline, mechanism
    row.owner, row.status, row.progress = owner, status, progress
    row.save()
    record(actor=actor, action=AuditEvent.FUNDING_PLAN, target=network, network=network)
    return row


@transaction.atomic
def delete_plan_line(*, actor: Actor, line: PlanLine) -> None:
    require(actor, Action.MANAGE_FUNDING, line.network)
    line.delete()
    record(actor=actor, action=AuditEvent.FUNDING_PLAN, target=line.network, network=line.network)
