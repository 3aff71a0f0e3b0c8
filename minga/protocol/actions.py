"""The protocol's write path. What a case says is sealed here with the case's key before
any row is written; a case key is opened only with what its holder brings (an officer's
unlocked private key, the receipt, the printed recovery key), never with anything the
server keeps. Audit entries name cases by number only, and never who reported."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minga.core.audit import record
from minga.core.db import forget_wal_after_commit
from minga.core.events import AuditEvent
from minga.core.intake import check_size
from minga.core.models import AuditEntry, Network, Person, RoleName, User
from minga.core.permissions import SYSTEM, Action, can, require
from minga.protocol import keys
from minga.protocol.models import (
    PRINCIPLES,
    Case,
    CaseKey,
    CaseKind,
    CaseState,
    Entry,
    EntryKind,
    Holder,
    OfficerKey,
    PublishedText,
    PurgedCount,
    Read,
    Setup,
    StepAside,
    TextKind,
    TokenKey,
)

if TYPE_CHECKING:
    from minga.core.permissions import Actor

MAX_TEXT = 20_000  # characters in an account, a message, a measure or a note
# Uploads stay in memory up to Django's FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), never in a
# temporary file in clear.
MAX_ATTACHMENT_BYTES = 2_621_440


def kdf_cost() -> keys.Cost:
    return keys.FAST if settings.MINGA_PROTOCOL_KDF == "fast" else keys.INTERACTIVE


def setup_of(network: Network) -> Setup:
    setup = Setup.objects.filter(network=network).first()
    if setup is None:
        raise ValidationError(_("The protocol's confidential channel is not set up yet."))
    return setup


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("Write something here.")})
    if len(value) > MAX_TEXT:
        raise ValidationError(
            {field: _("At most %(count)s characters.") % {"count": f"{MAX_TEXT:,}"}}
        )
    return value


def _seal_json(case_key: bytes, value: Any) -> bytes:
    return keys.seal(case_key, json.dumps(value, ensure_ascii=False).encode("utf-8"))


def _person(user: User, network: Network) -> Person | None:
    return network.people.filter(user=user).first()


# Set-up and settings --------------------------------------------------------------------------


@transaction.atomic
def set_up(*, actor: Actor, network: Network) -> str:
    """Set up the confidential channel. Returns the recovery key's private half, as text
    to print and keep offline: shown this once, never stored."""
    require(actor, Action.MANAGE_PROTOCOL, network)
    if not isinstance(actor, User):
        # The recovery key opens every case: a coordinator receives it, never the system.
        raise ValidationError(_("A coordinator sets the channel up (as USERNAME)."))
    if Setup.objects.select_for_update().filter(network=network).exists():
        raise ValidationError(_("The protocol's confidential channel is already set up."))
    public, printed = keys.new_recovery_key()
    setup = Setup.objects.create(network=network, recovery_public=public)
    record(actor=actor, action=AuditEvent.PROTOCOL_SETUP, target=setup, network=network)
    return printed


@transaction.atomic
def change_settings(
    *,
    actor: Actor,
    network: Network,
    anonymous_channel: bool,
    retention_days: int,
    outside_help: str,
) -> Setup:
    require(actor, Action.MANAGE_PROTOCOL, network)
    setup = setup_of(network)
    if not 1 <= retention_days <= 3650:
        raise ValidationError({"retention_days": _("Between 1 and 3650 days.")})
    setup.anonymous_channel = anonymous_channel
    setup.retention_days = retention_days
    setup.outside_help = outside_help.strip()
    setup.save()
    record(actor=actor, action=AuditEvent.PROTOCOL_SETTINGS, target=setup, network=network)
    return setup


@transaction.atomic
def publish_text(
    *, actor: Actor, network: Network, kind: str, body_es: str, body_pt_br: str, body_en: str
) -> PublishedText:
    """A new version of the protocol's text or of the policy, in the three languages."""
    require(actor, Action.MANAGE_PROTOCOL, network)
    if kind not in TextKind.values:
        raise ValidationError({"kind": _("%(value)s is not a kind of text.") % {"value": kind}})
    if not any(body.strip() for body in (body_es, body_pt_br, body_en)):
        raise ValidationError({"body_es": _("Write the text in at least one language.")})
    last = (
        PublishedText.objects.select_for_update()
        .filter(network=network, kind=kind)
        .order_by("-version")
        .first()
    )
    text = PublishedText.objects.create(
        network=network,
        kind=kind,
        version=(last.version + 1) if last else 1,
        body_es=body_es.strip(),
        body_pt_br=body_pt_br.strip(),
        body_en=body_en.strip(),
        author=_person(actor, network) if isinstance(actor, User) else None,
    )
    record(actor=actor, action=AuditEvent.PROTOCOL_TEXT, target=text, network=network)
    return text


# Officers' keys -------------------------------------------------------------------------------


@transaction.atomic
def create_officer_key(*, actor: User, network: Network, password: str) -> OfficerKey:
    """An officer's key pair, its private half locked under their account's password. It
    opens the cases reported from now on; earlier ones once another officer grants access
    (`grant`) or a coordinator uses the recovery key (`recover`)."""
    require(actor, Action.READ_PROTOCOL_CASES, network)
    setup_of(network)
    person = _person(actor, network)
    if person is None:  # pragma: no cover - READ_PROTOCOL_CASES implies a person
        raise PermissionDenied
    if OfficerKey.objects.filter(person=person).exists():
        raise ValidationError(_("Your key is already set up."))
    if not actor.check_password(password):
        raise ValidationError({"password": _("That is not your password.")})
    locked = keys.new_officer_key(password, kdf_cost())
    # The first officer is admitted at once; later ones receive cases (new ones too) only
    # once an admitted officer shares theirs, or a coordinator uses the recovery key: a
    # role given by a coordinator or an administrator alone opens nothing.
    first = not OfficerKey.objects.filter(person__network=network, admitted=True).exists()
    officer = OfficerKey.objects.create(
        person=person,
        public=locked.public,
        locked=locked.locked,
        salt=locked.salt,
        admitted=first,
    )
    record(actor=actor, action=AuditEvent.PROTOCOL_OFFICER_KEY, target=person, network=network)
    return officer


def locked_key(officer: OfficerKey) -> keys.LockedKey:
    return keys.LockedKey(bytes(officer.public), bytes(officer.locked), bytes(officer.salt))


def _holders(network: Network) -> list[OfficerKey]:
    """The officers a new case is wrapped for: admitted, and still holding the role."""
    return list(
        OfficerKey.objects.filter(
            person__network=network, person__roles__name=RoleName.PROTOCOL, admitted=True
        ).distinct()
    )


def _share(wrapped_keys: Any, private: bytes, officer: OfficerKey) -> int:
    """Wrap for `officer` each case key of `wrapped_keys` (opened with `private`), but
    those of cases they stepped aside from or hold already. Returns how many."""
    aside = StepAside.objects.filter(person=officer.person).values("case_id")
    have = CaseKey.objects.filter(officer=officer).values("case_id")
    shared = 0
    for wrapped in wrapped_keys.exclude(case_id__in=aside).exclude(case_id__in=have):
        case_key = keys.unwrap(private, bytes(wrapped.wrapped))
        CaseKey.objects.create(
            case_id=wrapped.case_id,
            holder=Holder.OFFICER,
            officer=officer,
            wrapped=keys.wrap(bytes(officer.public), case_key),
        )
        shared += 1
    return shared


@transaction.atomic
def grant(*, actor: User, network: Network, private: bytes, officer: OfficerKey) -> int:
    """Give `officer` every case the granting officer can open (not those they stepped
    aside from). Returns how many cases were shared."""
    require(actor, Action.READ_PROTOCOL_CASES, network)
    granter = OfficerKey.objects.filter(person__network=network, person__user=actor).first()
    if granter is None or officer.person.network_id != network.pk or granter == officer:
        raise ValidationError({"officer": _("Choose another protocol officer of this network.")})
    if not officer.person.roles.filter(name=RoleName.PROTOCOL).exists():
        raise ValidationError({"officer": _("That person is not a protocol officer.")})
    shared = _share(CaseKey.objects.filter(officer=granter), private, officer)
    OfficerKey.objects.filter(pk=officer.pk).update(admitted=True)
    record(
        actor=actor,
        action=AuditEvent.PROTOCOL_GRANT,
        target=officer.person,
        network=network,
        data={"cases": shared},
    )
    return shared


@transaction.atomic
def recover(*, actor: Actor, network: Network, recovery_key: str, officer: OfficerKey) -> int:
    """With the printed recovery key (a coordinator keeps it offline): give `officer`
    every case of the network. Returns how many."""
    require(actor, Action.MANAGE_PROTOCOL, network)
    if officer.person.network_id != network.pk:
        raise ValidationError({"officer": _("Choose a protocol officer of this network.")})
    try:
        private = keys.recovery_private(recovery_key)
    except keys.WrongSecret:
        private = b""
    if not private or keys.public_of(private) != bytes(setup_of(network).recovery_public):
        raise ValidationError({"recovery_key": _("That is not this network's recovery key.")})
    shared = _share(
        CaseKey.objects.filter(case__network=network, holder=Holder.RECOVERY), private, officer
    )
    OfficerKey.objects.filter(pk=officer.pk).update(admitted=True)
    record(
        actor=actor,
        action=AuditEvent.PROTOCOL_GRANT,
        target=officer.person,
        network=network,
        data={"cases": shared, "recovery": True},
    )
    return shared


def leave(person_id: int) -> None:
    """An officer who no longer holds the role loses their key and every case key wrapped
    for them (called when the role goes, `signals.py`; core's audit log records the change
    of role)."""
    OfficerKey.objects.filter(person_id=person_id).delete()  # case and token keys go with it


def relock(user: User, old: str, new: str) -> None:
    """The officer's private keys locked again under their new password."""
    for officer in OfficerKey.objects.filter(person__user=user):
        try:
            private = keys.unlock(locked_key(officer), old, kdf_cost())
        except keys.WrongSecret:
            continue  # locked under another password already: left as it is
        locked = keys.lock(private, new, kdf_cost())
        OfficerKey.objects.filter(pk=officer.pk).update(locked=locked.locked, salt=locked.salt)


def forget_keys(user: User) -> None:
    """A password reset without the old password: the private keys locked under it are
    lost. Access comes back by a grant from another officer, or the recovery key."""
    for officer in OfficerKey.objects.filter(person__user=user):
        leave(officer.person_id)


def keep_for_token(user: User, token_secret: str, password: str, token_hash: str) -> None:
    """A token issued against the password: each of the user's officer keys locked again
    under the token's secret, which the server keeps only hashed."""
    from minga.core.models import ApiToken

    token = ApiToken.objects.filter(key_hash=token_hash).first()
    if token is None:
        return
    for officer in OfficerKey.objects.filter(person__user=user):
        try:
            private = keys.unlock(locked_key(officer), password, kdf_cost())
        except keys.WrongSecret:
            continue
        TokenKey.objects.update_or_create(
            token=token,
            officer=officer,
            defaults={"locked": keys.seal(keys.token_key(token_secret), private)},
        )


# Reporting ------------------------------------------------------------------------------------


@transaction.atomic
def report(
    *,
    network: Network,
    reporter: User | None,
    kind: str,
    account: str,
    anonymous: bool = False,
    contact_email: str | None = None,
) -> tuple[Case, str]:
    """File a report: the account told once, sealed with a new case key that is wrapped for
    every officer, for the recovery key and for the receipt. Returns the case and its
    receipt (shown once). `reporter` None: from the network's public page, which the
    coordinators switch on."""
    setup = setup_of(network)
    if reporter is None:
        if not setup.anonymous_channel:
            raise PermissionDenied
        anonymous = True
    else:
        require(reporter, Action.REPORT, network)
    if kind not in CaseKind.values:
        raise ValidationError({"kind": _("%(value)s is not a type of case.") % {"value": kind}})
    account = _text(account, "account")
    email = (contact_email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationError(
                {"contact_email": _("%(value)s is not an email address.") % {"value": email}}
            ) from exc
    case_key = keys.new_case_key()
    receipt = keys.new_receipt()
    from_receipt = keys.receipt_secrets(receipt, cost=kdf_cost())
    case = Case.objects.create(
        network=network, kind=kind, anonymous=anonymous, receipt_tag=from_receipt.tag
    )
    CaseKey.objects.create(
        case=case,
        holder=Holder.RECOVERY,
        wrapped=keys.wrap(bytes(setup.recovery_public), case_key),
    )
    CaseKey.objects.create(
        case=case, holder=Holder.RECEIPT, wrapped=keys.seal(from_receipt.key, case_key)
    )
    officers = _holders(network)
    for officer in officers:
        CaseKey.objects.create(
            case=case,
            holder=Holder.OFFICER,
            officer=officer,
            wrapped=keys.wrap(bytes(officer.public), case_key),
        )
    person = None if anonymous or reporter is None else _person(reporter, network)
    identity = {
        "person": person.pk if person else None,
        "name": str(person) if person else "",
        "username": person.user.username if person else "",
        "email": email,
    }
    Entry.objects.create(
        case=case, kind=EntryKind.ACCOUNT, sealed=keys.seal(case_key, account.encode())
    )
    Entry.objects.create(case=case, kind=EntryKind.IDENTITY, sealed=_seal_json(case_key, identity))
    record(actor=SYSTEM, action=AuditEvent.PROTOCOL_REPORT, target=case, network=network)
    addresses = [o.person.user.email for o in officers if o.person.user.email]
    transaction.on_commit(lambda: _tell_officers(network, addresses))
    return case, receipt


def _tell_officers(network: Network, addresses: list[str]) -> None:
    """Officers learn that a case arrived; never what it says."""
    for address in addresses:
        send_mail(
            _("A new case in %(network)s") % {"network": network.name},
            _(
                "A new case was reported through the protocol's confidential channel of "
                "%(network)s. Sign in to read it."
            )
            % {"network": network.name},
            None,
            [address],
        )


def _tell_reporter(network: Network, address: str, language: str) -> None:
    """The reporter chose to be emailed: there is news, never what it is."""
    with translation.override(language or settings.LANGUAGE_CODE):
        send_mail(
            _("News about your report to %(network)s") % {"network": network.name},
            _(
                "There is news about the report you made through the protocol's "
                "confidential channel of %(network)s. Open the channel's page and type "
                "your receipt to read it."
            )
            % {"network": network.name},
            None,
            [address],
        )


def identity_of(case: Case, case_key: bytes) -> dict[str, Any]:
    entry = case.entries.filter(kind=EntryKind.IDENTITY).first()
    if entry is None:
        return {}
    found: dict[str, Any] = json.loads(keys.unseal(case_key, bytes(entry.sealed)))
    return found


@transaction.atomic
def reporter_message(*, case: Case, case_key: bytes, message: str) -> Entry:
    """The reporter (with the receipt) writes to the team."""
    if case.is_closed:
        raise ValidationError({"message": _("This case is closed.")})
    text = _text(message, "message")
    return Entry.objects.create(
        case=case, kind=EntryKind.FROM_REPORTER, sealed=keys.seal(case_key, text.encode())
    )


def _officer_on(actor: User, case: Case) -> Person:
    require(actor, Action.READ_PROTOCOL_CASES, case.network)
    person = _person(actor, case.network)
    if person is None or StepAside.objects.filter(case=case, person=person).exists():
        raise PermissionDenied
    return person


@transaction.atomic
def team_message(*, actor: User, case: Case, case_key: bytes, message: str) -> Entry:
    """An officer's reply. The reporter is emailed that there is news, if they asked."""
    person = _officer_on(actor, case)
    if case.is_closed:
        raise ValidationError({"message": _("This case is closed.")})
    text = _text(message, "message")
    entry = Entry.objects.create(
        case=case,
        kind=EntryKind.FROM_TEAM,
        author=person,
        sealed=keys.seal(case_key, text.encode()),
    )
    if case.first_response_at is None:
        Case.objects.filter(pk=case.pk).update(first_response_at=entry.at)
        case.first_response_at = entry.at
    identity = identity_of(case, case_key)
    if identity.get("email"):
        address, language = identity["email"], translation.get_language()
        transaction.on_commit(lambda: _tell_reporter(case.network, address, language))
    return entry


@transaction.atomic
def change_state(*, actor: User, case: Case, case_key: bytes, state: str, note: str) -> Case:
    """Move the case on, with a note (sealed) saying why."""
    person = _officer_on(actor, case)
    if state not in CaseState.values or state == case.state:
        raise ValidationError({"state": _("Choose another state.")})
    text = _text(note, "note")
    Entry.objects.create(
        case=case,
        kind=EntryKind.STATE,
        author=person,
        sealed=_seal_json(case_key, {"state": state, "note": text}),
    )
    case.state = state
    case.closed_at = timezone.now() if state == CaseState.CLOSED else None
    if case.first_response_at is None:
        case.first_response_at = timezone.now()
    case.save(update_fields=["state", "closed_at", "first_response_at"])
    record(
        actor=actor,
        action=AuditEvent.PROTOCOL_STATE,
        target=case,
        network=case.network,
        data={"state": state},
    )
    return case


@transaction.atomic
def add_measure(*, actor: User, case: Case, case_key: bytes, measure: str) -> Entry:
    """A measure agreed (a mediation, a suspension from an activity, a referral)."""
    person = _officer_on(actor, case)
    text = _text(measure, "measure")
    return Entry.objects.create(
        case=case, kind=EntryKind.MEASURE, author=person, sealed=keys.seal(case_key, text.encode())
    )


@transaction.atomic
def set_checklist(*, actor: User, case: Case, case_key: bytes, checked: list[str]) -> Entry:
    """Which of the five principles the team has seen to on this case."""
    person = _officer_on(actor, case)
    known = [key for key, _label in PRINCIPLES]
    unknown = [key for key in checked if key not in known]
    if unknown:
        raise ValidationError(
            {"checked": _("%(value)s is not a principle.") % {"value": ", ".join(unknown)}}
        )
    return Entry.objects.create(
        case=case,
        kind=EntryKind.CHECKLIST,
        author=person,
        sealed=_seal_json(case_key, [key for key in known if key in checked]),
    )


@transaction.atomic
def attach(
    *, case: Case, case_key: bytes, name: str, content_type: str, data: bytes, actor: User | None
) -> Entry:
    """A file in the case, sealed with its name and type: from an officer (`actor`) or
    from the reporter with the receipt (`actor` None)."""
    author = _officer_on(actor, case) if actor is not None else None
    if case.is_closed:
        raise ValidationError({"file": _("This case is closed.")})
    # The file's name is the case's content: never in a message (they may be stored).
    check_size(len(data), _("The file"), MAX_ATTACHMENT_BYTES)
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    return Entry.objects.create(
        case=case,
        kind=EntryKind.ATTACHMENT,
        author=author,
        sealed=_seal_json(
            case_key, {"name": name[:200], "content_type": content_type[:100], "size": len(data)}
        ),
        sealed_file=keys.seal(case_key, data),
    )


@transaction.atomic
def step_aside(*, actor: User, case: Case) -> None:
    """An officer notes a conflict of interest: they no longer handle or read the case."""
    person = _officer_on(actor, case)
    StepAside.objects.get_or_create(case=case, person=person)
    CaseKey.objects.filter(case=case, officer__person=person).delete()
    # Not in the audit log: coordinators read it, and who stands aside from which case is
    # the case's business.


def log_read(case: Case, reader: User | None) -> None:
    """A read of the case: by this officer, or (None) by the reporter with the receipt."""
    Read.objects.create(case=case, reader=_person(reader, case.network) if reader else None)


@transaction.atomic
def purge(*, actor: Actor, network: Network, now: Any = None) -> int:
    """Delete the cases closed longer ago than the network keeps them, keeping only how
    many of each type were reported each month."""
    if actor is not SYSTEM and not can(actor, Action.MANAGE_PROTOCOL, network):
        raise PermissionDenied
    setup = Setup.objects.filter(network=network).first()
    if setup is None:
        return 0
    now = now or timezone.now()
    expired = Case.objects.filter(
        network=network,
        state=CaseState.CLOSED,
        closed_at__lt=now - timedelta(days=setup.retention_days),
    )
    purged = 0
    for case in expired.select_for_update():
        month = case.created_at.date().replace(day=1)
        count, _created = PurgedCount.objects.get_or_create(
            network=network, month=month, kind=case.kind
        )
        PurgedCount.objects.filter(pk=count.pk).update(count=count.count + 1)
        # Nothing of the case stays: its entries in the audit log go with it.
        AuditEntry.objects.filter(target_type="protocol.case", target_id=str(case.pk)).delete()
        case.delete()
        purged += 1
    if purged:
        forget_wal_after_commit()
        record(
            actor=actor,
            action=AuditEvent.PROTOCOL_PURGE,
            target=setup,
            network=network,
            data={"cases": purged},
        )
    return purged
