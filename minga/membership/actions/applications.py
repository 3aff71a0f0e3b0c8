"""Applications to join: checked against the audience's criteria when submitted,
then approved (setting up the organization and its membership) or rejected."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from minga.core import actions as core_actions
from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.models import LANGUAGE_CODES, Network, Organization
from minga.core.permissions import Action, can, require
from minga.membership.actions._common import user_of
from minga.membership.models import (
    Application,
    ApplicationStatus,
    Membership,
    ParticipationLevel,
    Plan,
)
from minga.membership.queries import current_membership
from minga.reach.eligibility import Applicant, Criteria, check

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from minga.core.permissions import Actor


def _criteria(network: Network) -> Criteria | None:
    from minga.reach.models import AudienceCriteria

    audience = AudienceCriteria.objects.filter(network=network).first()
    return audience.criteria() if audience else None


def _applications_open(network: Network) -> bool:
    from minga.reach.models import Charter

    return Charter.objects.filter(network=network, applications_open=True).exists()


def _evaluate(application: Application) -> None:
    criteria = _criteria(application.network)
    if criteria is None:  # no audience set yet: nothing to fail
        application.eligible, application.unmet = True, []
        return
    unmet = check(
        criteria,
        Applicant(
            kind=application.applicant_kind,
            country=application.country,
            themes=frozenset(slugify(theme) for theme in application.themes),
            accepted_statements=frozenset(application.accepted_statements),
        ),
    )
    application.eligible = not unmet
    application.unmet = [{"criterion": u.criterion, "value": u.value} for u in unmet]


def _check_plan(network: Network, plan: Plan) -> None:
    if plan.network_id != network.pk or not plan.active:
        raise ValidationError({"plan": _("This plan is not open to new members.")})


@transaction.atomic
def apply_for_organization(
    *,
    actor: Actor,
    network: Network,
    organization: Organization,
    plan: Plan,
    level: str = ParticipationLevel.ACTIVE,
    accepted_statements: Iterable[int] = (),
    pledges: str = "",
) -> Application:
    """An organization already in the network's directory applies for membership."""
    require(actor, Action.APPLY, network)
    if organization.network_id != network.pk:
        raise ValidationError({"organization": _("The organization belongs to another network.")})
    _check_plan(network, plan)
    if current_membership(organization) is not None:
        raise ValidationError({"organization": _("This organization is a member already.")})
    if network.applications.filter(
        organization=organization, status=ApplicationStatus.PENDING
    ).exists():
        raise ValidationError({"organization": _("This organization has an application pending.")})
    submitter = user_of(actor)
    application = Application(
        network=network,
        organization=organization,
        applicant_kind="company" if organization.type == "company" else "organization",
        name=organization.name,
        country=str(organization.country.code),
        city=organization.city,
        type=organization.type,
        size=organization.size,
        themes=[theme.name for theme in organization.themes.all()],
        website=organization.website,
        # Who to ask and to tell: the person who applied for it.
        contact_name=str(submitter)[:150] if submitter else "",
        contact_email=organization.contact_email or (submitter.email if submitter else ""),
        language=(submitter.language if submitter else "") or "es",
        plan=plan,
        level=level,
        accepted_statements=sorted(set(accepted_statements)),
        pledges=pledges,
        submitted_by=submitter,
    )
    return _submit(application, actor)


@transaction.atomic
def apply_with_profile(
    *, actor: Actor | AnonymousUser, network: Network, plan: Plan, **profile: Any
) -> Application:
    """A newcomer applies from the public page with its profile.

    Anyone may, anonymous visitors included, while the coordinators keep applications
    open on the charter; when they are closed, only those who manage membership (and
    the system) may record one."""
    if not (_applications_open(network) or can(actor, Action.MANAGE_MEMBERSHIP, network)):
        raise PermissionDenied
    _check_plan(network, plan)
    language = profile.get("language") or "es"
    if language not in LANGUAGE_CODES:
        raise ValidationError({"language": _("Choose es, pt-br or en.")})
    application = Application(network=network, plan=plan, submitted_by=user_of(actor), **profile)
    application.full_clean(
        exclude=[
            "network",
            "plan",
            "organization",
            "submitted_by",
            "decided_by",
            "unmet",
            "themes",
            "accepted_statements",
        ]
    )
    return _submit(application, actor)


def _submit(application: Application, actor: Actor | AnonymousUser) -> Application:
    if application.level not in ParticipationLevel.values:
        raise ValidationError(
            {
                "level": _("%(value)s is not one of: core, active, occasional.")
                % {"value": application.level}
            }
        )
    _evaluate(application)
    application.save()
    record(
        actor=actor,
        action=AuditEvent.APPLICATION_SUBMIT,
        target=application,
        network=application.network,
        data={"eligible": application.eligible, "unmet": application.unmet},
    )
    return application


def _tell_applicant(application: Application) -> None:
    from minga.membership.tasks import send_application_decision

    if application.contact_email:
        transaction.on_commit(lambda: send_application_decision.enqueue(application.pk))


@transaction.atomic
def approve(*, actor: Actor, application: Application) -> Membership:
    """Set up the organization, its representative and the chosen plan."""
    network = application.network
    require(actor, Action.MANAGE_MEMBERSHIP, network)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.PENDING:
        raise ValidationError({"application": _("This application was decided already.")})
    _evaluate(application)
    if not application.eligible:
        raise ValidationError(
            {"application": _("It does not meet the audience's criteria; reject it with a reason.")}
        )
    organization = application.organization
    if organization is None:
        organization = network.organizations.filter(name__iexact=application.name).first()
    if organization is None:
        organization = core_actions.create_organization(
            actor=actor,
            network=network,
            name=application.name,
            country=application.country,
            city=application.city,
            type=application.type if application.type else "ngo",
            size=application.size,
            website=application.website,
            contact_email=application.contact_email,
            themes=application.themes,
        )
        if application.contact_email:
            core_actions.invite_person(
                actor=actor,
                network=network,
                email=application.contact_email,
                organization=organization,
                roles=["member"],
                language=application.language,
            )
    membership = Membership.objects.create(
        network=network,
        organization=organization,
        plan=application.plan,
        level=application.level,
        joined_on=timezone.localdate(),
    )
    application.organization = organization
    application.status = ApplicationStatus.APPROVED
    application.decided_by = user_of(actor)
    application.decided_at = timezone.now()
    application.save()
    record(actor=actor, action=AuditEvent.APPLICATION_APPROVE, target=application, network=network)
    _tell_applicant(application)
    return membership


@transaction.atomic
def reject(*, actor: Actor, application: Application, reason: str) -> Application:
    require(actor, Action.MANAGE_MEMBERSHIP, application.network)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.PENDING:
        raise ValidationError({"application": _("This application was decided already.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the application is rejected.")})
    application.status = ApplicationStatus.REJECTED
    application.decision_reason = reason.strip()
    application.decided_by = user_of(actor)
    application.decided_at = timezone.now()
    application.save()
    record(
        actor=actor,
        action=AuditEvent.APPLICATION_REJECT,
        target=application,
        network=application.network,
    )
    _tell_applicant(application)
    return application
