"""The core actions check their actor themselves, whoever calls them."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from minga.core import actions
from minga.core.models import (
    ApiToken,
    AuditEntry,
    Invitation,
    Network,
    Organization,
    Person,
    Role,
    StepProgress,
    User,
)
from minga.core.permissions import SYSTEM

MODELS = (Network, Organization, Person, Role, Invitation, StepProgress, ApiToken, AuditEntry)


def snapshot() -> dict[str, list[Any]]:
    """Every core row, so a refused action can be shown to have written nothing."""
    rows: dict[str, list[Any]] = {
        model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in MODELS
    }
    rows["Network"] += list(Network.objects.values_list("name", "model", "languages"))
    rows["Organization"] += list(Organization.objects.values_list("name", "city"))
    rows["Person"] += list(Person.objects.values_list("organization_id"))
    rows["User"] = list(User.objects.values_list("username", "email", "is_staff", "is_active"))
    return rows


# Each public core action, called by someone who lacks what it needs: the member
# representative `mateo` unless the line says otherwise. `t` is another person's token.
REFUSED = {
    "create_network": lambda w, t: actions.create_network(
        actor=cast(Any, AnonymousUser()), slug="anonima", name="Anónima"
    ),
    "update_network": lambda w, t: actions.update_network(
        actor=w.member, network=w.network, name="Otra"
    ),
    "delete_network": lambda w, t: actions.delete_network(actor=w.member, network=w.network),
    "set_step_state": lambda w, t: actions.set_step_state(
        actor=w.member, network=w.network, step="reach", state="done"
    ),
    "create_organization": lambda w, t: actions.create_organization(
        actor=w.member, network=w.network, name="Colectivo C", country="CL"
    ),
    "update_organization": lambda w, t: actions.update_organization(
        actor=w.member, organization=w.org_a, city="Cali"
    ),
    "delete_organization": lambda w, t: actions.delete_organization(
        actor=w.member, organization=w.org_a
    ),
    # A coordinator of another network has no say in this one.
    "add_person": lambda w, t: actions.add_person(
        actor=w.outsider, network=w.network, username="nuevo"
    ),
    "update_person": lambda w, t: actions.update_person(
        actor=w.member, person=w.network.people.get(user=w.other_member), organization=None
    ),
    "remove_person": lambda w, t: actions.remove_person(
        actor=w.member, person=w.network.people.get(user=w.other_member)
    ),
    "invite_person": lambda w, t: actions.invite_person(
        actor=w.member, network=w.network, email="nueva@example.org"
    ),
    # Accounts are the platform's: a network's coordinator does not change them.
    "update_account": lambda w, t: actions.update_account(
        actor=w.coordinator, user=w.member, is_staff=True
    ),
    "issue_token": lambda w, t: actions.issue_token(actor=w.member, user=w.coordinator),
    "revoke_token": lambda w, t: actions.revoke_token(actor=w.member, token=t),
}
# Nobody else's permission to check: the actor changes their own language, or the
# signed invitation link (and the account it opens) is the credential.
UNCHECKED = {"set_language", "accept_invitation", "create_account"}


@pytest.mark.parametrize("name", list(REFUSED))
def test_an_action_refuses_an_actor_without_the_role_and_writes_nothing(world, name):
    raw = actions.issue_token(actor=world.admin, user=world.admin)
    token = ApiToken.objects.get(prefix=raw[6:14])
    before = snapshot()
    with pytest.raises(PermissionDenied):
        REFUSED[name](world, token)
    assert snapshot() == before


def test_every_public_core_action_has_a_refusal_test():
    public = {
        name
        for name, value in vars(actions).items()
        if callable(value)
        and getattr(value, "__module__", "") == actions.__name__
        and not name.startswith("_")
    }
    assert public - UNCHECKED == set(REFUSED)


def test_the_system_may_do_what_a_coordinator_may_and_is_recorded_as_such(world):
    organization = actions.create_organization(
        actor=SYSTEM, network=world.network, name="Colectivo C", country="CL"
    )
    entry = AuditEntry.objects.get(action="organization.create", target_id=str(organization.pk))
    assert entry.by_system and entry.actor is None
    assert "Minga (automatically)" in entry.sentence()
    network = actions.create_network(actor=SYSTEM, slug="del-sistema", name="Del sistema")
    # Nobody became its coordinator: the system is not a person of any network.
    assert not network.people.exists()


def test_deleting_a_network_or_organization_or_removing_a_person_is_audited(world):
    person = world.network.people.get(user=world.other_member)
    actions.remove_person(actor=world.coordinator, person=person)
    assert not Person.objects.filter(pk=person.pk).exists()
    assert User.objects.filter(pk=world.other_member.pk).exists()
    actions.delete_organization(actor=world.coordinator, organization=world.org_b)
    actions.delete_network(actor=world.admin, network=world.network)
    assert not Network.objects.filter(slug="red").exists()
    entries = dict(
        AuditEntry.objects.filter(
            action__in=["person.remove", "organization.delete", "network.delete"]
        ).values_list("action", "actor__username")
    )
    assert entries == {
        "person.remove": "carolina",
        "organization.delete": "carolina",
        "network.delete": "root",
    }


def test_a_person_may_issue_and_revoke_their_own_token(world):
    raw = actions.issue_token(actor=world.member, user=world.member)
    token = ApiToken.objects.get(prefix=raw[6:14])
    actions.revoke_token(actor=world.member, token=token)
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert AuditEntry.objects.filter(action="token.revoke", actor=world.member).exists()
