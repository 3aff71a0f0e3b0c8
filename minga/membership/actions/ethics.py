"""The code of ethics: published in versions, signed by each member organization."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.models import Network
from minga.core.permissions import Action, require
from minga.membership.actions._common import user_of
from minga.membership.models import EthicsCode, Signature

if TYPE_CHECKING:
    from minga.core.permissions import Actor


@transaction.atomic
def publish_code(*, actor: Actor, network: Network, text: str) -> EthicsCode:
    """A new version: everyone is asked to sign again."""
    require(actor, Action.MANAGE_MEMBERSHIP, network)
    if not text.strip():
        raise ValidationError({"text": _("Write the code of ethics.")})
    latest = network.ethics_codes.select_for_update().first()
    code = EthicsCode.objects.create(
        network=network,
        version=(latest.version + 1) if latest else 1,
        text=text.strip(),
        published_by=user_of(actor),
    )
    record(
        actor=actor,
        action=AuditEvent.ETHICS_PUBLISH,
        target=code,
        network=network,
        data={"version": code.version},
    )
    return code


@transaction.atomic
def sign_code(*, actor: Actor, code: EthicsCode) -> Signature:
    """The actor signs the current version for the organization they represent."""
    network = code.network
    require(actor, Action.SIGN_CODE, network)
    if network.ethics_codes.first() != code:
        raise ValidationError({"code": _("Sign the current version of the code.")})
    signer = user_of(actor)  # the system represents no organization
    person = (
        network.people.select_related("organization", "user").filter(user=signer).first()
        if signer
        else None
    )
    if signer is None or person is None or person.organization is None:
        raise ValidationError(
            {"organization": _("Only someone who represents an organization can sign.")}
        )
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                code=code,
                organization=person.organization,
                signer=signer,
                signer_name=signer.get_full_name() or signer.username,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"code": _("Your organization has signed this version already.")}
        ) from exc
    record(
        actor=actor,
        action=AuditEvent.ETHICS_SIGN,
        target=signature,
        network=network,
        data={"version": code.version},
    )
    return signature
