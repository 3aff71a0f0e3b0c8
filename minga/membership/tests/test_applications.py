"""Applications: the automatic eligibility check, approval and rejection, mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from minga.core import actions as core_actions
from minga.membership import actions
from minga.membership.models import Application, Membership
from minga.reach import actions as reach_actions


def test_application_reports_each_unmet_criterion(world, api_as):
    reach_actions.set_audience(
        actor=world.coordinator,
        network=world.network,
        member_kinds=["organization"],
        countries_=["AR", "CL"],
        themes=["Environment"],
        statements=["Sin violencia."],
    )
    plan = actions.create_plan(
        actor=world.coordinator, network=world.network, name="Abierta", kind="open"
    )
    response = api_as(world.member).post(
        "/networks/red/membership/applications", {"organization": world.org_a.pk, "plan": plan.pk}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["eligible"] is False
    assert [u["criterion"] for u in body["unmet"]] == ["country", "themes", "statement"]
    assert body["reasons"][0] == "Colombia is not among the network's countries."
    # Coordinators cannot approve it; they reject with a reason, and the applicant is told.
    api = api_as(world.coordinator)
    assert (
        api.post(f"/networks/red/membership/applications/{body['id']}/approve").status_code == 422
    )
    assert (
        api.post(
            f"/networks/red/membership/applications/{body['id']}/reject", {"reason": " "}
        ).status_code
        == 422
    )
    rejected = api.post(
        f"/networks/red/membership/applications/{body['id']}/reject",
        {"reason": "Trabajamos solo en el Cono Sur."},
    )
    assert rejected.json()["status"] == "rejected"


def test_approval_sets_up_the_membership_and_mails_in_the_applicants_language(
    world, api_as, django_capture_on_commit_callbacks
):
    plan = actions.create_plan(
        actor=world.coordinator, network=world.network, name="Fija", kind="fixed", fee="120.00"
    )
    world.member.language = "pt-br"
    world.member.save()
    core_actions.update_organization(
        actor=world.coordinator, organization=world.org_a, contact_email="hola@a.org"
    )
    applied = (
        api_as(world.member)
        .post(
            "/networks/red/membership/applications",
            {"organization": world.org_a.pk, "plan": plan.pk, "level": "occasional"},
        )
        .json()
    )
    assert applied["eligible"] is True  # no criteria set: nothing to fail
    with django_capture_on_commit_callbacks(execute=True):
        approved = api_as(world.coordinator).post(
            f"/networks/red/membership/applications/{applied['id']}/approve"
        )
    assert approved.json()["status"] == "approved"
    membership = Membership.objects.get(organization=world.org_a)
    assert (membership.plan, membership.level) == (plan, "occasional")
    assert mail.outbox[-1].to == ["hola@a.org"]
    assert "Fija" in mail.outbox[-1].body
    again = api_as(world.member).post(
        "/networks/red/membership/applications", {"organization": world.org_a.pk, "plan": plan.pk}
    )
    assert again.status_code == 422


def test_a_newcomer_applies_from_the_public_page(world, django_capture_on_commit_callbacks):
    reach_actions.set_charter_visibility(
        actor=world.coordinator, network=world.network, public=True, applications_open=False
    )
    plan = actions.create_plan(
        actor=world.coordinator, network=world.network, name="Abierta", kind="open"
    )
    assert Client().get("/n/red/membership/join/").status_code == 404
    reach_actions.set_charter_visibility(
        actor=world.coordinator, network=world.network, applications_open=True
    )
    response = Client().post(
        "/n/red/membership/join/",
        {
            "applicant_kind": "organization",
            "name": "Colectivo Nuevo",
            "country": "PE",
            "city": "Lima",
            "type": "collective",
            "size": "small",
            "themes": "Juventudes",
            "contact_name": "Rosa",
            "contact_email": "rosa@nuevo.org",
            "language": "es",
            "plan": plan.pk,
            "level": "active",
            "pledges": "Talleres",
        },
    )
    assert response.status_code == 200
    application = Application.objects.get(name="Colectivo Nuevo")
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve(actor=world.coordinator, application=application)
    organization = world.network.organizations.get(name="Colectivo Nuevo")
    assert Membership.objects.get(organization=organization).plan == plan
    # The contact is invited to open an account as the organization's representative.
    invited = world.network.invitations.get(email="rosa@nuevo.org")
    assert invited.organization == organization and invited.roles == ["member"]
    assert {m.to[0] for m in mail.outbox} == {"rosa@nuevo.org"}


def test_the_public_application_needs_applications_open(world):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    from minga.core.permissions import SYSTEM

    plan = actions.create_plan(
        actor=world.coordinator, network=world.network, name="Abierta", kind="open"
    )
    profile = {"name": "Colectivo Cerrado", "country": "PE"}
    for visitor in (AnonymousUser(), world.member):
        with pytest.raises(PermissionDenied):
            actions.apply_with_profile(actor=visitor, network=world.network, plan=plan, **profile)
    assert not Application.objects.exists()
    # The system (the demo loader) and coordinators may record one while closed.
    actions.apply_with_profile(actor=SYSTEM, network=world.network, plan=plan, **profile)
    reach_actions.set_charter_visibility(
        actor=world.coordinator, network=world.network, applications_open=True
    )
    application = actions.apply_with_profile(
        actor=AnonymousUser(), network=world.network, plan=plan, **profile
    )
    assert application.submitted_by is None
    assert Application.objects.count() == 2


def test_a_bad_plan_is_refused_and_nothing_stored(world, api_as):
    response = api_as(world.member).post(
        "/networks/red/membership/applications", {"organization": world.org_a.pk, "plan": 999}
    )
    assert response.status_code == 422
    assert not Application.objects.exists()
