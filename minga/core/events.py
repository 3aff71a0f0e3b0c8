"""The audit log's vocabulary: every event an action records, with the sentence it reads as.

Like the permission matrix, one enumeration for the whole platform, so the audit page and
the API speak of every app's events the same way. A label is a sentence with `%(actor)s`
(who did it) and `%(target)s` (on what); `AuditEntry.sentence()` fills them in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.TextChoices):
    # Core: networks, organizations, people, invitations, accounts.
    NETWORK_CREATE = "network.create", _("%(actor)s created the network %(target)s.")
    NETWORK_UPDATE = "network.update", _("%(actor)s changed the network %(target)s.")
    NETWORK_DELETE = "network.delete", _("%(actor)s deleted the network %(target)s.")
    STEP_SET_STATE = "step.set_state", _("%(actor)s changed the state of the step %(target)s.")
    ORGANIZATION_CREATE = "organization.create", _("%(actor)s added the organization %(target)s.")
    ORGANIZATION_UPDATE = "organization.update", _("%(actor)s changed the organization %(target)s.")
    ORGANIZATION_DELETE = (
        "organization.delete",
        _("%(actor)s deleted the organization %(target)s."),
    )
    PERSON_ADD = "person.add", _("%(actor)s added %(target)s to the network.")
    PERSON_UPDATE = "person.update", _("%(actor)s changed the roles or organization of %(target)s.")
    PERSON_REMOVE = "person.remove", _("%(actor)s removed %(target)s from the network.")
    INVITATION_CREATE = "invitation.create", _("%(actor)s invited %(target)s.")
    INVITATION_ACCEPT = "invitation.accept", _("%(actor)s accepted the invitation %(target)s.")
    USER_CREATE = "user.create", _("%(actor)s created the account %(target)s.")
    USER_UPDATE = "user.update", _("%(actor)s changed the account %(target)s.")
    TOKEN_ISSUE = "token.issue", _("%(actor)s issued an API token for %(target)s.")
    TOKEN_REVOKE = "token.revoke", _("%(actor)s revoked the API token %(target)s.")
    # Reach.
    CHARTER_SAVE = "charter.save", _("%(actor)s saved a new version of the charter.")
    CHARTER_VISIBILITY = (
        "charter.visibility",
        _("%(actor)s changed who can see the charter and apply."),
    )
    AUDIENCE_SET = "audience.set", _("%(actor)s changed the audience's criteria.")
    ACTION_ITEM_ADD = "action_item.add", _("%(actor)s added %(target)s to the action plan.")
    ACTION_ITEM_UPDATE = (
        "action_item.update",
        _("%(actor)s changed %(target)s in the action plan."),
    )
    # Governance.
    CIRCLE_CREATE = "circle.create", _("%(actor)s created the circle %(target)s.")
    CIRCLE_UPDATE = "circle.update", _("%(actor)s changed the circle %(target)s.")
    MANDATE_APPOINT = "mandate.appoint", _("%(actor)s appointed %(target)s.")
    MANDATE_END = "mandate.end", _("%(actor)s ended the mandate %(target)s.")
    MANDATE_RENEW = "mandate.renew", _("%(actor)s renewed the mandate %(target)s.")
    PROPOSAL_OPEN = "proposal.open", _("%(actor)s opened the proposal %(target)s.")
    PROPOSAL_AMEND = "proposal.amend", _("%(actor)s amended the proposal %(target)s.")
    PROPOSAL_COMMENT = "proposal.comment", _("%(actor)s commented on the proposal %(target)s.")
    PROPOSAL_POSITION = (
        "proposal.position",
        _("%(actor)s took a position on the proposal %(target)s."),
    )
    PROPOSAL_CLOSE = "proposal.close", _("%(actor)s closed the proposal %(target)s.")
    ELECTION_OPEN = "election.open", _("%(actor)s opened the election %(target)s.")
    ELECTION_NOMINATE = "election.nominate", _("%(actor)s made the nomination %(target)s.")
    # Membership.
    PLAN_CREATE = "plan.create", _("%(actor)s created the membership plan %(target)s.")
    APPLICATION_SUBMIT = "application.submit", _("%(actor)s submitted the application %(target)s.")
    APPLICATION_APPROVE = (
        "application.approve",
        _("%(actor)s approved the application %(target)s."),
    )
    APPLICATION_REJECT = "application.reject", _("%(actor)s rejected the application %(target)s.")
    MEMBERSHIP_LEVEL = (
        "membership.level",
        _("%(actor)s changed the participation commitment of %(target)s."),
    )
    CONTRIBUTION_PLEDGE = "contribution.pledge", _("%(actor)s pledged the contribution %(target)s.")
    CONTRIBUTION_DELIVERED = (
        "contribution.delivered",
        _("%(actor)s marked the contribution %(target)s as delivered or not."),
    )
    ETHICS_PUBLISH = "ethics.publish", _("%(actor)s published the code of ethics %(target)s.")
    ETHICS_SIGN = "ethics.sign", _("%(actor)s signed the code of ethics %(target)s.")
    DUES_INVOICE = "dues.invoice", _("%(actor)s invoiced %(target)s.")
    DUES_PAYMENT = "dues.payment", _("%(actor)s recorded the payment %(target)s.")
    DUES_CORRECTION = "dues.correction", _("%(actor)s recorded the correction %(target)s.")
    # Mapping.
    SURVEY_CREATE = "survey.create", _("%(actor)s created the survey %(target)s.")
    SURVEY_IMPORT = "survey.import", _("%(actor)s imported responses into the survey %(target)s.")
    # Sortition.
    DRAW_CREATE = "draw.create", _("%(actor)s created the draw %(target)s.")
    DRAW_QUOTAS = "draw.quotas", _("%(actor)s set the quotas of the draw %(target)s.")
    DRAW_COMPUTE = (
        "draw.compute",
        _("%(actor)s asked for the selection probabilities of the draw %(target)s."),
    )
    DRAW_COMPUTED = (
        "draw.computed",
        _("%(actor)s computed the selection probabilities of the draw %(target)s."),
    )
    DRAW_COMPUTE_FAILED = (
        "draw.compute_failed",
        _("%(actor)s could not compute the selection probabilities of the draw %(target)s."),
    )
    DRAW_PUBLISH = "draw.publish", _("%(actor)s published the draw %(target)s.")
    DRAW_SEED = "draw.seed", _("%(actor)s entered the public seed of the draw %(target)s.")
    DRAW_DRAW = "draw.draw", _("%(actor)s drew the panel of the draw %(target)s.")
    DRAW_SEAT = "draw.seat", _("%(actor)s seated the people drawn in %(target)s.")
    DRAW_DECLINE = "draw.decline", _("%(actor)s recorded a decline in the draw %(target)s.")
    # The violence-prevention protocol: never who reported, never what a case says.
    PROTOCOL_SETUP = "protocol.setup", _("%(actor)s set up the protocol's confidential channel.")
    PROTOCOL_SETTINGS = "protocol.settings", _("%(actor)s changed the protocol's settings.")
    PROTOCOL_TEXT = "protocol.text", _("%(actor)s published a new version of %(target)s.")
    PROTOCOL_OFFICER_KEY = (
        "protocol.officer_key",
        _("%(actor)s set up their key to read the protocol's cases."),
    )
    # Recorded by the system: the log never says who reported.
    PROTOCOL_REPORT = (
        "protocol.report",
        _("%(actor)s received a report in the confidential channel: case %(target)s."),
    )
    PROTOCOL_STATE = "protocol.state", _("%(actor)s changed the state of the case %(target)s.")
    PROTOCOL_GRANT = (
        "protocol.grant",
        _("%(actor)s gave %(target)s access to the protocol's cases."),
    )
    PROTOCOL_PURGE = "protocol.purge", _("%(actor)s purged the closed cases past retention.")
    # Financing.
    FUNDING_CALL_SAVE = "funding.call_save", _("%(actor)s saved the funding call %(target)s.")
    FUNDING_CALL_DELETE = (
        "funding.call_delete",
        _("%(actor)s deleted the funding call %(target)s."),
    )
    FUNDING_CALLS_IMPORT = (
        "funding.calls_import",
        _("%(actor)s imported funding calls into the catalogue of %(target)s."),
    )
    FUNDING_FUNDER_SAVE = "funding.funder_save", _("%(actor)s saved the funder %(target)s.")
    FUNDING_ACCESS = (
        "funding.access",
        _("%(actor)s recorded the current funding of %(target)s."),
    )
    FUNDING_NEED = "funding.need", _("%(actor)s recorded the funding need %(target)s.")
    FUNDING_NEED_DELETE = (
        "funding.need_delete",
        _("%(actor)s removed the funding need %(target)s."),
    )
    FUNDING_SURVEY_LINK = (
        "funding.survey_link",
        _("%(actor)s linked the survey %(target)s to the gap analysis."),
    )
    APPLICATION_CREATE = (
        "funding.application_create",
        _("%(actor)s started the joint application %(target)s."),
    )
    APPLICATION_UPDATE = (
        "funding.application_update",
        _("%(actor)s changed the joint application %(target)s."),
    )
    APPLICATION_STAGE = (
        "funding.application_stage",
        _("%(actor)s moved the joint application %(target)s to another stage."),
    )
    APPLICATION_PARTNER = (
        "funding.application_partner",
        _("%(actor)s changed the partners of the joint application %(target)s."),
    )
    APPLICATION_DOCUMENT = (
        "funding.application_document",
        _("%(actor)s attached a document to the joint application %(target)s."),
    )
    # Communication.
    EVENT_SAVE = "event.save", _("%(actor)s saved the event %(target)s.")
    EVENT_CANCEL = "event.cancel", _("%(actor)s cancelled the event %(target)s.")
    EVENT_MINUTES = "event.minutes", _("%(actor)s wrote the agenda or minutes of %(target)s.")
    EVENT_ATTENDANCE = (
        "event.attendance",
        _("%(actor)s recorded who attended %(target)s."),
    )
    EVENT_REGISTER = "event.register", _("%(actor)s registered for %(target)s.")
    EVENT_UNREGISTER = (
        "event.unregister",
        _("%(actor)s cancelled their registration for %(target)s."),
    )
    INITIATIVE_PROMOTE = (
        "initiative.promote",
        _("%(actor)s promoted the initiative %(target)s."),
    )
    RESOURCE_SHARE = "resource.share", _("%(actor)s shared the resource %(target)s.")
    RESOURCE_REMOVE = "resource.remove", _("%(actor)s removed the resource %(target)s.")
    CONSULTATION_OPEN = (
        "consultation.open",
        _("%(actor)s opened the quick consultation %(target)s."),
    )
    NEWS_POST = "news.post", _("%(actor)s posted the news %(target)s.")
    CHANNEL_SAVE = (
        "channel.save",
        _("%(actor)s configured a chat channel for the digest of %(target)s."),
    )
    GROUP_SAVE = "group.save", _("%(actor)s saved the working group %(target)s.")
    GROUP_MEMBERS = (
        "group.members",
        _("%(actor)s changed the members of the working group %(target)s."),
    )
    GROUP_OBJECTIVES = (
        "group.objectives",
        _("%(actor)s changed the objectives or outputs of the working group %(target)s."),
    )
    FUNDING_PLAN = (
        "funding.plan",
        _("%(actor)s changed the sustainability and financing plan of %(target)s."),
    )
    DRAW_LOTTERY = (
        "draw.lottery",
        _("%(actor)s made a lottery of numbered panels for the draw %(target)s."),
    )
    DRAW_NUMBER = (
        "draw.number",
        _("%(actor)s entered the number drawn for %(target)s."),
    )
    DRAW_ALTERNATES = (
        "draw.alternates",
        _("%(actor)s chose the alternates of the draw %(target)s."),
    )
    PESTEL_SAVE = "pestel.save", _("%(actor)s saved the PESTEL trend %(target)s.")
    PESTEL_DELETE = "pestel.delete", _("%(actor)s deleted the PESTEL trend %(target)s.")
    PESTEL_RATE = "pestel.rate", _("%(actor)s rated the PESTEL trend %(target)s.")
    SWOT_SAVE = "swot.save", _("%(actor)s saved the SWOT item %(target)s.")
    SWOT_DELETE = "swot.delete", _("%(actor)s deleted the SWOT item %(target)s.")
    SWOT_WEIGH = "swot.weigh", _("%(actor)s weighed the SWOT item %(target)s.")
    SWOT_FROM_CONSULTATION = (
        "swot.consultation",
        _("%(actor)s brought the answers of the consultation %(target)s to the SWOT."),
    )
    BASIS_SAVE = "basis.save", _("%(actor)s changed the basis of the network %(target)s.")
    PILLAR_SAVE = "pillar.save", _("%(actor)s saved the strategic pillar %(target)s.")
    PILLAR_DELETE = "pillar.delete", _("%(actor)s deleted the strategic pillar %(target)s.")
    OBJECTIVE_SAVE = "objective.save", _("%(actor)s saved the objective %(target)s.")
    OBJECTIVE_DELETE = "objective.delete", _("%(actor)s deleted the objective %(target)s.")
    PRIORITIZATION_OPEN = (
        "prioritization.open",
        _("%(actor)s opened the prioritization %(target)s."),
    )
    BALLOT_CAST = "ballot.cast", _("%(actor)s cast a ballot in the prioritization %(target)s.")
    PRIORITIZATION_CLOSE = (
        "prioritization.close",
        _("%(actor)s closed the prioritization %(target)s."),
    )
    OBJECTIVES_PROPOSE = (
        "objectives.propose",
        _("%(actor)s put the result of the prioritization %(target)s to a proposal."),
    )
    OBJECTIVES_ADOPT = (
        "objectives.adopt",
        _("%(actor)s adopted the objectives prioritized in %(target)s."),
    )
    PROJECT_SAVE = "project.save", _("%(actor)s saved the programmatic project %(target)s.")
    PROJECT_DELETE = (
        "project.delete",
        _("%(actor)s deleted the programmatic project %(target)s."),
    )
    RESULT_SAVE = "result.save", _("%(actor)s saved the result %(target)s.")
    RESULT_DELETE = "result.delete", _("%(actor)s deleted the result %(target)s.")
    INDICATOR_SAVE = "indicator.save", _("%(actor)s saved the indicator %(target)s.")
    INDICATOR_DELETE = "indicator.delete", _("%(actor)s deleted the indicator %(target)s.")
    MEASUREMENT_RECORD = (
        "measurement.record",
        _("%(actor)s recorded a measurement of the indicator %(target)s."),
    )
    MEASUREMENT_DELETE = (
        "measurement.delete",
        _("%(actor)s deleted a measurement of the indicator %(target)s."),
    )
    MEASUREMENTS_IMPORT = (
        "measurement.import",
        _("%(actor)s imported measurements of the indicator %(target)s."),
    )


# Reading an entry ------------------------------------------------------------------------
#
# An entry's `target_repr` is the object's text when it was recorded: the people's own
# words (names, titles) but, for some objects, stored values or labels in the language
# of that moment ("Red: reach done", "… · Member · …"). The events below are rewritten
# when read, from the entry's data and the choices of the models they name (by label:
# core imports no step app), so the reader sees titles and labels in their language.


def _quoted(text: object) -> str:
    return f"«{text}»"


def _choices_of(model_label: str, field: str) -> list[tuple[str, Any]]:
    try:
        model = apps.get_model(model_label)
    except LookupError:
        return []
    return list(model._meta.get_field(field).flatchoices)


def _label_of(model_label: str, field: str, value: object) -> str | None:
    for choice, label in _choices_of(model_label, field):
        if choice == value:
            return str(label)
    return None


def _relabel(model_label: str, field: str, text: str) -> str:
    """`text` with any label of the field as recorded (in English) in the reader's language."""
    for _choice, label in _choices_of(model_label, field):
        with translation.override("en"):
            english = str(label)
        if english and english in text:
            text = text.replace(english, str(label))
    return text


def _step_state(data: dict[str, Any], target: str) -> str | None:
    from minga.core.models import StepState
    from minga.core.steps import STEPS_BY_KEY

    step = STEPS_BY_KEY.get(str(data.get("step")))
    if step is None or data.get("state") not in StepState.values:
        return None
    return str(
        _("«%(step)s» to «%(state)s»")
        % {"step": step.title, "state": StepState(data["state"]).label}
    )


def _ethics_publish(data: dict[str, Any], target: str) -> str | None:
    if "version" not in data:
        return None
    return str(_("version %(version)s") % {"version": data["version"]})


def _ethics_sign(data: dict[str, Any], target: str) -> str | None:
    suffix = f" signed v{data.get('version')}"
    if "version" not in data or not target.endswith(suffix):
        return None
    return str(
        _("version %(version)s, for %(organization)s")
        % {"version": data["version"], "organization": _quoted(target.removesuffix(suffix))}
    )


def _mandate(data: dict[str, Any], target: str) -> str | None:
    return _quoted(_relabel("governance.Mandate", "role", target))


def _election(data: dict[str, Any], target: str) -> str | None:
    return _quoted(_relabel("governance.Election", "role", target))


def _contribution(data: dict[str, Any], target: str) -> str | None:
    return _quoted(_relabel("membership.Contribution", "kind", target))


_AMOUNT = re.compile(r"(-?\d+(?:\.\d+)?) ([A-Z]{3})$")


def _payment(data: dict[str, Any], target: str) -> str | None:
    from minga.core.l10n import number

    match = _AMOUNT.search(target)
    if match is None:
        return None
    places = len(match.group(1).partition(".")[2]) or None
    amount = f"{number(Decimal(match.group(1)), places)} {match.group(2)}"
    return _quoted(target[: match.start()] + amount)


READABLE_TARGETS: dict[str, Callable[[dict[str, Any], str], str | None]] = {
    AuditEvent.STEP_SET_STATE: _step_state,
    AuditEvent.ETHICS_PUBLISH: _ethics_publish,
    AuditEvent.ETHICS_SIGN: _ethics_sign,
    AuditEvent.MANDATE_APPOINT: _mandate,
    AuditEvent.MANDATE_END: _mandate,
    AuditEvent.MANDATE_RENEW: _mandate,
    AuditEvent.ELECTION_OPEN: _election,
    AuditEvent.ELECTION_NOMINATE: _election,
    AuditEvent.CONTRIBUTION_PLEDGE: _contribution,
    AuditEvent.DUES_PAYMENT: _payment,
}


def readable_target(action: str, data: dict[str, Any], target_repr: str) -> str:
    """The entry's object as the reader should see it, quoted: «…»."""
    rewrite = READABLE_TARGETS.get(action)
    text = rewrite(data if isinstance(data, dict) else {}, target_repr) if rewrite else None
    return text if text is not None else _quoted(target_repr)
