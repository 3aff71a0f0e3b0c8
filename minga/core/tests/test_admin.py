"""The admin cannot bypass the write path: every change it allows leaves an audit row."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from minga.core import actions
from minga.core.models import ApiToken, AuditEntry, Network, Organization, Person, User

ORGANIZATION_FORM = {
    "name": "Fundación A renombrada",
    "country": "CO",
    "city": "Cali",
    "type": "ngo",
    "size": "medium",
    "website": "",
    "contact_email": "",
    "contact_phone": "",
}
NETWORK_FORM = {
    "name": "Red renombrada",
    "description": "",
    "model": "horizontal",
    "languages": '["es", "en"]',
}


def _delete(client, model, objects):
    """Delete the first object on its own page and the rest with the bulk action."""
    base = f"/admin/core/{model._meta.model_name}"
    first, *rest = objects
    response = client.post(f"{base}/{first.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(
        f"{base}/",
        {"action": "delete_selected", "_selected_action": [o.pk for o in rest], "post": "yes"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not model.objects.filter(pk__in=[o.pk for o in objects]).exists()


# For each Minga model in the admin, each change the admin allows, done through its pages,
# and the audit events it must leave.
CASES = {
    Network: {
        "add": (
            lambda c, w: c.post("/admin/core/network/add/", {"slug": "red-nueva", **NETWORK_FORM}),
            ["network.create"],
        ),
        "change": (
            lambda c, w: c.post(f"/admin/core/network/{w.network.pk}/change/", NETWORK_FORM),
            ["network.update"],
        ),
        "delete": (
            lambda c, w: _delete(c, Network, [w.network, w.other_network]),
            ["network.delete", "network.delete"],
        ),
    },
    Organization: {
        "add": (
            lambda c, w: c.post(
                "/admin/core/organization/add/",
                {**ORGANIZATION_FORM, "network": w.network.pk, "name": "Colectivo C"},
            ),
            ["organization.create"],
        ),
        "change": (
            lambda c, w: c.post(
                f"/admin/core/organization/{w.org_a.pk}/change/", ORGANIZATION_FORM
            ),
            ["organization.update"],
        ),
        "delete": (
            lambda c, w: _delete(c, Organization, [w.org_a, w.org_b]),
            ["organization.delete", "organization.delete"],
        ),
    },
    Person: {
        "delete": (
            lambda c, w: _delete(c, Person, list(w.network.people.exclude(user=w.coordinator))),
            ["person.remove"] * 4,
        ),
    },
    ApiToken: {
        "delete": (
            lambda c, w: _delete(c, ApiToken, list(ApiToken.objects.filter(user=w.member))),
            ["token.revoke", "token.revoke"],
        ),
    },
    User: {
        "change": (
            lambda c, w: c.post(
                f"/admin/core/user/{w.member.pk}/change/",
                {
                    "first_name": "Mateo",
                    "last_name": "Quispe",
                    "email": "mateo@example.org",
                    "language": "es",
                    "is_active": "on",
                },
            ),
            ["user.update"],
        ),
    },
    AuditEntry: {},
}


def _allowed(model_admin, admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    allowed = {
        "add": model_admin.has_add_permission(request),
        "change": model_admin.has_change_permission(request),
        "delete": model_admin.has_delete_permission(request),
    }
    if "delete_selected" in model_admin.get_actions(request):
        assert allowed["delete"]
    return {op for op, yes in allowed.items() if yes}


def test_every_change_a_minga_model_admin_allows_has_an_audited_case(world):
    registered = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("minga.")
    }
    assert set(registered) == set(CASES)
    for model, model_admin in registered.items():
        assert _allowed(model_admin, world.admin) == set(CASES[model]), model


@pytest.mark.parametrize(
    ("model", "op"), [(model, op) for model, ops in CASES.items() for op in ops]
)
def test_an_admin_change_goes_through_its_action_and_is_audited(world, client_as, model, op):
    client = client_as(world.admin)
    do, events = CASES[model][op]
    for _ in range(2):  # tokens to revoke
        actions.issue_token(actor=world.member, user=world.member)
    before = AuditEntry.objects.count()
    response = do(client, world)
    if response is not None:
        assert response.status_code == 302, response.content.decode()[:2000]
    new = AuditEntry.objects.order_by("pk")[before:]
    assert [entry.action for entry in new] == events
    assert all(entry.actor == world.admin for entry in new)


def test_admin_changes_land_as_the_form_says(world, client_as):
    client = client_as(world.admin)
    client.post(f"/admin/core/organization/{world.org_a.pk}/change/", ORGANIZATION_FORM)
    world.org_a.refresh_from_db()
    assert (world.org_a.name, world.org_a.city) == ("Fundación A renombrada", "Cali")
    client.post(f"/admin/core/network/{world.network.pk}/change/", NETWORK_FORM)
    world.network.refresh_from_db()
    assert (world.network.model, world.network.languages) == ("horizontal", ["es", "en"])
    entry = AuditEntry.objects.get(action="network.update")
    assert set(entry.data["after"]) == {"name", "model", "languages"}


def test_the_admin_neither_sets_passwords_nor_edits_the_audit_log(world, client_as):
    client = client_as(world.admin)
    assert client.get(f"/admin/core/user/{world.member.pk}/password/").status_code == 403
    entry = AuditEntry.objects.order_by("pk")[0]
    assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200
    assert (
        client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_staff_member_without_the_role_is_refused_by_the_action(world, client_as):
    from django.contrib.auth.models import Permission

    world.member.is_staff = True
    world.member.save()
    world.member.user_permissions.add(Permission.objects.get(codename="delete_network"))
    before = AuditEntry.objects.count()
    response = client_as(world.member).post(
        f"/admin/core/network/{world.other_network.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert Network.objects.filter(pk=world.other_network.pk).exists()
    assert AuditEntry.objects.count() == before
