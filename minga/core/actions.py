"""The core app's write path: networks, organizations, people, roles, invitations, tokens.

Every function takes a keyword-only `actor`, checks first that the actor may act (through
`require` where a network's roles decide), runs in one transaction, appends to the audit
log, and schedules side effects (mail) for after the commit. Views, the API, commands and
the admin call these; none of them saves this state directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from types import EllipsisType
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.models import (
    LANGUAGE_CODES,
    ApiToken,
    GovernanceModel,
    Invitation,
    Network,
    Organization,
    OrganizationSize,
    OrganizationType,
    Person,
    Role,
    RoleName,
    StepProgress,
    StepState,
    Theme,
    User,
    check_choice,
    hash_secret,
    validate_time_zone,
)
from minga.core.permissions import SYSTEM, Action, Actor, forget_roles, require
from minga.core.steps import STEP_KEYS

NETWORK_FIELDS = (
    "name",
    "description",
    "languages",
    "model",
    "coordinating_organization",
    "time_zone",
)
ORGANIZATION_FIELDS = (
    "name",
    "country",
    "city",
    "type",
    "size",
    "website",
    "contact_email",
    "contact_phone",
)
INVITATION_DAYS = 14


def _check_roles(roles: Iterable[str]) -> list[str]:
    roles = list(dict.fromkeys(roles))
    for role in roles:
        check_choice("roles", role, RoleName.values)
    return roles


def _check_languages(languages: list[str]) -> None:
    if not languages:
        raise ValidationError({"languages": _("Choose at least one language.")})
    for code in languages:
        check_choice("languages", code, LANGUAGE_CODES)


# Networks ------------------------------------------------------------------------


@transaction.atomic
def create_network(
    *,
    actor: Actor,
    slug: str,
    name: str,
    model: str = GovernanceModel.VERTICAL,
    languages: list[str] | None = None,
    description: str = "",
) -> Network:
    """Create a network; a person creating it becomes its first coordinator."""
    # Anyone signed in may start a network, and so may Minga itself (`minga network
    # create`); there is no network yet whose roles `require` could check.
    if actor is not SYSTEM and not actor.is_authenticated:
        raise PermissionDenied
    if slugify(slug) != slug or not slug:
        raise ValidationError(
            {"slug": _("Use lowercase letters, digits and hyphens only, e.g. red-latam.")}
        )
    if Network.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("A network with this short name already exists.")})
    if not name.strip():
        raise ValidationError({"name": _("Give the network a name.")})
    check_choice("model", model, GovernanceModel.values)
    languages = languages if languages is not None else ["es", "pt-br"]
    _check_languages(languages)
    network = Network.objects.create(
        slug=slug, name=name.strip(), model=model, languages=languages, description=description
    )
    record(actor=actor, action=AuditEvent.NETWORK_CREATE, target=network, network=network)
    if isinstance(actor, User):
        person = Person.objects.create(network=network, user=actor)
        Role.objects.create(person=person, name=RoleName.COORDINATOR)
        forget_roles(actor)
    return network


@transaction.atomic
def update_network(*, actor: Actor, network: Network, **changes: Any) -> Network:
    require(actor, Action.CHANGE_NETWORK, network)
    unknown = set(changes) - set(NETWORK_FIELDS)
    if unknown:
        raise ValueError(f"not network fields: {sorted(unknown)}")
    if "model" in changes:
        check_choice("model", changes["model"], GovernanceModel.values)
    if "languages" in changes:
        _check_languages(changes["languages"])
    if "time_zone" in changes:
        try:
            validate_time_zone(changes["time_zone"])
        except ValidationError as exc:
            raise ValidationError({"time_zone": exc.messages}) from exc
    if "name" in changes and not str(changes["name"]).strip():
        raise ValidationError({"name": _("Give the network a name.")})
    coordinating = changes.get("coordinating_organization")
    if coordinating is not None:
        _check_organization(network, coordinating, "coordinating_organization")
    before = {field: _plain(getattr(network, field)) for field in changes}
    for field, value in changes.items():
        setattr(network, field, value)
    network.save()
    record(
        actor=actor,
        action=AuditEvent.NETWORK_UPDATE,
        target=network,
        network=network,
        data={"before": before, "after": {k: _plain(v) for k, v in changes.items()}},
    )
    return network


@transaction.atomic
def delete_network(*, actor: Actor, network: Network) -> None:
    """Delete a network and everything in it; the audit entry outlives it."""
    require(actor, Action.CHANGE_NETWORK, network)
    # Recorded without the network: its entries stay, detached, once it is gone.
    record(
        actor=actor,
        action=AuditEvent.NETWORK_DELETE,
        target=network,
        network=None,
        data={"slug": network.slug},
    )
    network.delete()


def _plain(value: Any) -> Any:
    """A value as the audit log's JSON keeps it (objects by primary key)."""
    return value.pk if isinstance(value, Organization) else value


@transaction.atomic
def set_step_state(*, actor: Actor, network: Network, step: str, state: str) -> StepProgress:
    require(actor, Action.SET_STEP_STATE, network)
    check_choice("step", step, STEP_KEYS)
    check_choice("state", state, StepState.values)
    progress, _created = StepProgress.objects.update_or_create(
        network=network, step=step, defaults={"state": state}
    )
    record(
        actor=actor,
        action=AuditEvent.STEP_SET_STATE,
        target=progress,
        network=network,
        data={"step": step, "state": state},
    )
    return progress


# Organizations ----------------------------------------------------------------------


def _themes(names: Iterable[str]) -> list[Theme]:
    themes = []
    for raw in names:
        name = raw.strip()
        slug = slugify(name)
        if not slug:
            raise ValidationError({"themes": _("%(value)s is not a theme name.") % {"value": raw}})
        theme, _created = Theme.objects.get_or_create(slug=slug, defaults={"name": name})
        themes.append(theme)
    return themes


def _clean_organization(organization: Organization) -> None:
    check_choice("type", organization.type, OrganizationType.values)
    check_choice("size", organization.size, OrganizationSize.values)
    organization.full_clean(exclude=["network", "themes"], validate_unique=False)
    clash = organization.network.organizations.filter(name__iexact=organization.name)
    if clash.exclude(pk=organization.pk).exists():
        raise ValidationError({"name": _("This network already has an organization of that name.")})


@transaction.atomic
def create_organization(
    *, actor: Actor, network: Network, themes: Iterable[str] = (), **fields: Any
) -> Organization:
    require(actor, Action.MANAGE_ORGANIZATIONS, network)
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise ValueError(f"not organization fields: {sorted(unknown)}")
    organization = Organization(network=network, **fields)
    _clean_organization(organization)
    organization.save()
    organization.themes.set(_themes(themes))
    record(actor=actor, action=AuditEvent.ORGANIZATION_CREATE, target=organization, network=network)
    return organization


@transaction.atomic
def update_organization(
    *,
    actor: Actor,
    organization: Organization,
    themes: Iterable[str] | None = None,
    **changes: Any,
) -> Organization:
    require(actor, Action.MANAGE_ORGANIZATIONS, organization.network)
    unknown = set(changes) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise ValueError(f"not organization fields: {sorted(unknown)}")
    before = {field: str(getattr(organization, field)) for field in changes}
    for field, value in changes.items():
        setattr(organization, field, value)
    _clean_organization(organization)
    organization.save()
    data: dict[str, Any] = {"before": before, "after": {k: str(v) for k, v in changes.items()}}
    if themes is not None:
        organization.themes.set(_themes(themes))
        data["themes"] = sorted(t.slug for t in organization.themes.all())
    record(
        actor=actor,
        action=AuditEvent.ORGANIZATION_UPDATE,
        target=organization,
        network=organization.network,
        data=data,
    )
    return organization


@transaction.atomic
def delete_organization(*, actor: Actor, organization: Organization) -> None:
    """Delete an organization; its people stay in the network without one."""
    network = organization.network
    require(actor, Action.MANAGE_ORGANIZATIONS, network)
    record(actor=actor, action=AuditEvent.ORGANIZATION_DELETE, target=organization, network=network)
    organization.delete()


# People --------------------------------------------------------------------------------


def _check_organization(
    network: Network, organization: Organization | None, field: str = "organization"
) -> None:
    if organization is not None and organization.network_id != network.pk:
        raise ValidationError({field: _("The organization belongs to another network.")})


def _set_roles(person: Person, roles: list[str]) -> None:
    person.roles.exclude(name__in=roles).delete()
    existing = set(person.roles.values_list("name", flat=True))
    Role.objects.bulk_create(
        [Role(person=person, name=name) for name in roles if name not in existing]
    )
    forget_roles(person.user)


@transaction.atomic
def add_person(
    *,
    actor: Actor,
    network: Network,
    username: str,
    email: str = "",
    password: str | None = None,
    organization: Organization | None = None,
    roles: Iterable[str] = (RoleName.MEMBER,),
    first_name: str = "",
    last_name: str = "",
    language: str = "",
) -> Person:
    """Add a person to the network, creating their account if the username is new."""
    require(actor, Action.MANAGE_PEOPLE, network)
    roles = _check_roles(roles)
    _check_organization(network, organization)
    if language:
        check_choice("language", language, LANGUAGE_CODES)
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            language=language,
        )
        user.full_clean(exclude=["password"])
        if password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ValidationError({"password": exc.messages}) from exc
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    elif Person.objects.filter(network=network, user=user).exists():
        raise ValidationError({"username": _("This person is already in the network.")})
    person = Person.objects.create(network=network, user=user, organization=organization)
    _set_roles(person, roles)
    record(
        actor=actor,
        action=AuditEvent.PERSON_ADD,
        target=person,
        network=network,
        data={"roles": roles},
    )
    return person


@transaction.atomic
def update_person(
    *,
    actor: Actor,
    person: Person,
    organization: Organization | EllipsisType | None = ...,
    roles: Iterable[str] | None = None,
) -> Person:
    require(actor, Action.MANAGE_PEOPLE, person.network)
    data: dict[str, Any] = {}
    if organization is not ...:
        assert organization is None or isinstance(organization, Organization)
        _check_organization(person.network, organization)
        person.organization = organization
        person.save(update_fields=["organization"])
        data["organization"] = organization.pk if organization else None
    if roles is not None:
        roles = _check_roles(roles)
        _set_roles(person, roles)
        data["roles"] = roles
    record(
        actor=actor,
        action=AuditEvent.PERSON_UPDATE,
        target=person,
        network=person.network,
        data=data,
    )
    return person


@transaction.atomic
def remove_person(*, actor: Actor, person: Person) -> None:
    """Take a person out of the network with their roles; their account stays."""
    require(actor, Action.MANAGE_PEOPLE, person.network)
    record(
        actor=actor,
        action=AuditEvent.PERSON_REMOVE,
        target=person,
        network=person.network,
        data={"roles": person.role_names()},
    )
    person.delete()
    forget_roles(person.user)


@transaction.atomic
def set_language(*, actor: User, language: str) -> None:
    """Change the actor's own interface language: there is nobody else to check."""
    check_choice("language", language, LANGUAGE_CODES)
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])


# Invitations --------------------------------------------------------------------------


@transaction.atomic
def invite_person(
    *,
    actor: Actor,
    network: Network,
    email: str,
    organization: Organization | None = None,
    roles: Iterable[str] = (RoleName.MEMBER,),
    language: str = "es",
) -> Invitation:
    """Invite someone by email; they choose their account when they follow the link."""
    from minga.core.tasks import send_invitation

    require(actor, Action.MANAGE_PEOPLE, network)
    roles = _check_roles(roles)
    _check_organization(network, organization)
    check_choice("language", language, LANGUAGE_CODES)
    invitation = Invitation(
        network=network,
        email=email,
        organization=organization,
        roles=roles,
        language=language,
        invited_by=actor if isinstance(actor, User) else None,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    invitation.full_clean(exclude=["invited_by", "accepted_by", "organization", "network"])
    invitation.save()
    record(
        actor=actor,
        action=AuditEvent.INVITATION_CREATE,
        target=invitation,
        network=network,
        data={"email": email, "roles": roles},
    )
    transaction.on_commit(lambda: send_invitation.enqueue(invitation.pk))
    return invitation


@transaction.atomic
def accept_invitation(*, actor: User, invitation: Invitation) -> Person:
    """Join the invitation's network as `actor`. The signed link is the credential: whoever
    holds it may accept, once and before it expires, so no role is checked."""
    # Lock the row so two clicks on the same link cannot both succeed.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable():
        raise ValidationError(_("This invitation has expired or was already used."))
    person = Person.objects.filter(network=invitation.network, user=actor).first()
    if person is None:
        person = Person.objects.create(
            network=invitation.network, user=actor, organization=invitation.organization
        )
    elif invitation.organization is not None:
        person.organization = invitation.organization
        person.save(update_fields=["organization"])
    _set_roles(person, sorted(set(person.role_names()) | set(invitation.roles)))
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record(
        actor=actor,
        action=AuditEvent.INVITATION_ACCEPT,
        target=invitation,
        network=invitation.network,
    )
    return person


@transaction.atomic
def create_account(
    *, username: str, email: str, password: str, language: str, first_name: str = ""
) -> User:
    """An account opened by following an invitation (there is no open sign-up)."""
    user = User(username=username, email=email, language=language, first_name=first_name)
    user.full_clean(exclude=["password"])
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    try:
        user.save()
    except IntegrityError as exc:
        raise ValidationError({"username": _("This username is taken.")}) from exc
    record(actor=user, action=AuditEvent.USER_CREATE, target=user, network=None)
    return user


ACCOUNT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "language",
    "is_active",
    "is_staff",
    "is_superuser",
)


@transaction.atomic
def update_account(*, actor: Actor, user: User, **changes: Any) -> User:
    """Change an account's names, address, language or standing on the platform."""
    # Accounts belong to no network: only platform administrators (or Minga itself)
    # change them; a person changes their own language through `set_language`.
    if not (actor is SYSTEM or actor.is_superuser):
        raise PermissionDenied
    unknown = set(changes) - set(ACCOUNT_FIELDS)
    if unknown:
        raise ValueError(f"not account fields: {sorted(unknown)}")
    if changes.get("language"):
        check_choice("language", changes["language"], LANGUAGE_CODES)
    before = {field: getattr(user, field) for field in changes}
    for field, value in changes.items():
        setattr(user, field, value)
    user.full_clean(exclude=["password"])
    user.save()
    record(
        actor=actor,
        action=AuditEvent.USER_UPDATE,
        target=user,
        network=None,
        data={"before": before, "after": changes},
    )
    return user


# API tokens ---------------------------------------------------------------------------


@transaction.atomic
def issue_token(*, actor: Actor, user: User) -> str:
    """Create an API token for `user` and return it; only its hash is kept."""
    # A token belongs to no network: its holder asks for it, or a platform administrator
    # or Minga itself (`minga createtoken` without --as) issues it.
    if not (actor is SYSTEM or actor.is_superuser or actor == user):
        raise PermissionDenied
    raw = ApiToken.generate()
    token = ApiToken.objects.create(user=user, key_hash=hash_secret(raw), prefix=raw[6:14])
    record(actor=actor, action=AuditEvent.TOKEN_ISSUE, target=token, network=None)
    return raw


@transaction.atomic
def revoke_token(*, actor: Actor, token: ApiToken) -> None:
    """Delete an API token: requests carrying it are refused from now on."""
    if not (actor is SYSTEM or actor.is_superuser or actor == token.user):
        raise PermissionDenied
    record(actor=actor, action=AuditEvent.TOKEN_REVOKE, target=token, network=None)
    token.delete()
