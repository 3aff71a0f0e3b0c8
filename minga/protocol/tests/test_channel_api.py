"""The confidential channel through its API contract: reports with and without a token,
receipts in the body, cases opened for their officers only, keys granted and lost."""

from __future__ import annotations

import pytest

from minga.core.actions import issue_token
from minga.core.models import Role
from minga.protocol import actions
from minga.protocol.access import ATTEMPTS_PER_ADDRESS
from minga.protocol.models import Case, CaseKey, Holder, OfficerKey, Read, StepAside
from minga.protocol.tests.conftest import PAULA, PasswordApi, anonymous_post, second_officer

ACCOUNT = "El coordinador del taller me gritó delante de todos."


def test_an_anonymous_report_gives_a_receipt_that_reads_and_writes(world, protocol):
    answer = anonymous_post(
        "/networks/red/protocol/reports", {"account": ACCOUNT, "anonymous": True}
    )
    assert answer.status_code == 201
    body = answer.json()
    assert len(body["receipt"]) >= 16 and body["receipt"].isdigit()
    assert answer["Cache-Control"].startswith("max-age=0") or "no-store" in answer["Cache-Control"]
    seen = anonymous_post("/protocol/receipts/case", {"receipt": body["receipt"]})
    assert seen.status_code == 200
    assert seen.json()["account"] == ACCOUNT and seen.json()["state"] == "received"
    written = anonymous_post(
        "/protocol/receipts/messages", {"receipt": body["receipt"], "message": "¿Hay novedades?"}
    )
    assert written.status_code == 201
    assert [m["text"] for m in written.json()["messages"]] == ["¿Hay novedades?"]
    # The officer reads it all, and answers.
    case = protocol.officer_api.get(f"/protocol/reports/{body['id']}").json()
    assert case["account"] == ACCOUNT and case["reporter"]["name"] == ""
    reply = protocol.officer_api.post(
        f"/protocol/reports/{body['id']}/messages", {"message": "Te escuchamos."}
    )
    assert reply.status_code == 201
    seen = anonymous_post("/protocol/receipts/case", {"receipt": body["receipt"]}).json()
    assert [m["side"] for m in seen["messages"]] == ["reporter", "team"]
    assert all(m["author"] == "" for m in seen["messages"] if m["side"] == "team")
    # Every read is logged: the officer's and the reporter's.
    # (the reporter's two views and the view their message returns, the officer's one).
    assert Read.objects.filter(case_id=body["id"]).count() == 4


def test_a_wrong_receipt_is_404_and_reveals_nothing(world, protocol):
    anonymous_post("/networks/red/protocol/reports", {"account": ACCOUNT, "anonymous": True})
    for wrong in ("1234", "0" * 20, "abcd" * 5, ""):
        answer = anonymous_post("/protocol/receipts/case", {"receipt": wrong})
        assert answer.status_code == 404, wrong
        assert ACCOUNT not in answer.content.decode()


def test_receipt_look_ups_are_limited_per_address(world, protocol):
    for _ in range(ATTEMPTS_PER_ADDRESS):
        assert anonymous_post("/protocol/receipts/case", {"receipt": "1" * 20}).status_code == 404
    assert anonymous_post("/protocol/receipts/case", {"receipt": "1" * 20}).status_code == 429


def test_anonymous_reports_without_a_token_need_the_public_channel(world, protocol):
    actions.change_settings(
        actor=world.coordinator,
        network=world.network,
        anonymous_channel=False,
        retention_days=90,
        outside_help="",
    )
    answer = anonymous_post(
        "/networks/red/protocol/reports", {"account": ACCOUNT, "anonymous": True}
    )
    assert answer.status_code == 403
    assert (
        anonymous_post(
            "/networks/red/protocol/reports", {"account": ACCOUNT, "anonymous": False}
        ).status_code
        == 401
    )
    assert not Case.objects.exists()


def test_a_member_reports_with_their_name_and_no_receipt_comes_back(world, protocol, api_as):
    answer = api_as(world.member).post(
        "/networks/red/protocol/reports",
        {"account": ACCOUNT, "anonymous": False, "contact_email": "mateo@example.org"},
    )
    assert answer.status_code == 201 and answer.json()["receipt"] is None
    case = protocol.officer_api.get(f"/protocol/reports/{answer.json()['id']}").json()
    assert case["reporter"]["username"] == "mateo"
    assert case["reporter"]["email"] == "mateo@example.org"


@pytest.mark.parametrize("persona", ["coordinator", "member", "treasurer", "admin", "outsider"])
def test_nobody_but_the_officers_reads_a_case(world, protocol, api_as, persona):
    case_id = anonymous_post(
        "/networks/red/protocol/reports", {"account": ACCOUNT, "anonymous": True}
    ).json()["id"]
    user = getattr(world, persona)
    answer = api_as(user).get(f"/protocol/reports/{case_id}")
    assert answer.status_code in (403, 404), persona
    assert ACCOUNT not in answer.content.decode()
    # Even with a token issued against their own password.
    password = {"admin": "pw-root", "outsider": "pw-olga", "coordinator": "pw-carolina"}.get(
        persona, f"Long-pass-{user.username}-42"
    )
    with_password = PasswordApi(user.username, password).get(f"/protocol/reports/{case_id}")
    assert with_password.status_code in (403, 404)
    assert ACCOUNT not in with_password.content.decode()


def test_a_token_made_without_the_password_reads_no_contents(world, protocol, api_as):
    case_id = anonymous_post(
        "/networks/red/protocol/reports", {"account": ACCOUNT, "anonymous": True}
    ).json()["id"]
    answer = api_as(world.protocol_officer).get(f"/protocol/reports/{case_id}")
    assert answer.status_code == 403 and "password" in answer.json()["detail"]
    # The list says that the case exists, its state and dates: for coordinators too.
    listed = api_as(world.coordinator).get("/networks/red/protocol/cases").json()
    assert [c["id"] for c in listed] == [case_id] and "account" not in listed[0]


def test_a_new_officer_reads_earlier_cases_once_granted_and_a_leaver_loses_them(world, protocol):
    case_id = anonymous_post(
        "/networks/red/protocol/reports", {"account": ACCOUNT, "anonymous": True}
    ).json()["id"]
    rosa = second_officer(world)
    rosa_api = PasswordApi("rosa", "Long-pass-rosa-42")
    assert rosa_api.get(f"/protocol/reports/{case_id}").status_code == 403
    granted = protocol.officer_api.post("/networks/red/protocol/grants", {"officer": rosa.pk})
    assert granted.json() == {"cases": 1}
    assert rosa_api.get(f"/protocol/reports/{case_id}").json()["account"] == ACCOUNT
    # Rosa leaves the role: her key and every case key wrapped for her go.
    Role.objects.filter(person=rosa, name="protocol").delete()
    assert not OfficerKey.objects.filter(person=rosa).exists()
    assert (
        not CaseKey.objects.filter(case_id=case_id, holder=Holder.OFFICER)
        .exclude(officer__person__user=world.protocol_officer)
        .exists()
    )
    assert rosa_api.get(f"/protocol/reports/{case_id}").status_code in (403, 404)


def test_the_recovery_key_restores_access_after_a_password_reset(world, protocol):
    case_id = anonymous_post(
        "/networks/red/protocol/reports", {"account": ACCOUNT, "anonymous": True}
    ).json()["id"]
    actions.forget_keys(world.protocol_officer)  # what a reset by email does
    assert not OfficerKey.objects.filter(person__user=world.protocol_officer).exists()
    officer = actions.create_officer_key(
        actor=world.protocol_officer, network=world.network, password=PAULA
    )
    assert PasswordApi("paula", PAULA).get(f"/protocol/reports/{case_id}").status_code == 403
    with pytest.raises(Exception, match="recovery key"):
        actions.recover(
            actor=world.coordinator,
            network=world.network,
            recovery_key="AAAA-BBBB",
            officer=officer,
        )
    shared = actions.recover(
        actor=world.coordinator,
        network=world.network,
        recovery_key=protocol.recovery,
        officer=officer,
    )
    assert shared == 1
    assert (
        PasswordApi("paula", PAULA).get(f"/protocol/reports/{case_id}").json()["account"] == ACCOUNT
    )


def test_a_changed_password_locks_the_key_again(world, protocol, client_as):
    case_id = anonymous_post(
        "/networks/red/protocol/reports", {"account": ACCOUNT, "anonymous": True}
    ).json()["id"]
    client = client_as(world.protocol_officer)
    answer = client.post(
        "/accounts/password_change/",
        {
            "old_password": PAULA,
            "new_password1": "Otra-clave-larga-7",
            "new_password2": "Otra-clave-larga-7",
        },
    )
    assert answer.status_code == 302
    assert (
        PasswordApi("paula", "Otra-clave-larga-7")
        .get(f"/protocol/reports/{case_id}")
        .json()["account"]
        == ACCOUNT
    )


def test_an_officer_who_steps_aside_no_longer_reads_the_case(world, protocol):
    case_id = anonymous_post(
        "/networks/red/protocol/reports", {"account": ACCOUNT, "anonymous": True}
    ).json()["id"]
    assert protocol.officer_api.post(f"/protocol/reports/{case_id}/step-aside").status_code == 204
    assert protocol.officer_api.get(f"/protocol/reports/{case_id}").status_code == 403


def test_case_handling_through_the_api(world, protocol):
    case_id = anonymous_post(
        "/networks/red/protocol/reports",
        {"account": ACCOUNT, "anonymous": True, "kind": "harassment"},
    ).json()["id"]
    api = protocol.officer_api
    assert (
        api.post(
            f"/protocol/reports/{case_id}/state",
            {"state": "containment", "note": "Primera escucha."},
        ).status_code
        == 200
    )
    api.post(f"/protocol/reports/{case_id}/measures", {"measure": "Mediación con el equipo."})
    api.put(f"/protocol/reports/{case_id}/principles", {"principles": ["listening", "containment"]})
    api.post(
        f"/protocol/reports/{case_id}/attachments",
        {"name": "captura.png", "content_type": "image/png", "content_base64": "iVBORw0KGgo="},
    )
    case = api.get(f"/protocol/reports/{case_id}").json()
    assert case["state"] == "containment" and case["kind"] == "harassment"
    assert case["history"][0]["note"] == "Primera escucha."
    assert [m["text"] for m in case["measures"]] == ["Mediación con el equipo."]
    assert case["principles"] == {
        "listening": True,
        "confidentiality": False,
        "no_revictimization": False,
        "containment": True,
        "information": False,
    }
    assert case["attachments"][0]["name"] == "captura.png"
    assert api.post(
        f"/protocol/reports/{case_id}/state", {"state": "closed", "note": "Acordado."}
    ).json()["closed_at"]


def test_only_a_token_issued_with_the_password_is_kept_for_the_officer(world, protocol):
    # `minga createtoken` (no password): nothing kept for that token.
    raw = issue_token(actor=world.protocol_officer, user=world.protocol_officer)
    assert raw
    officer = OfficerKey.objects.get(person__user=world.protocol_officer)
    assert officer.tokens.count() == 1  # the fixture's, issued against the password


CONTENT_CALLS = [
    ("get", "/protocol/reports/{id}", None),
    ("get", "/protocol/reports/{id}/reads", None),
    ("post", "/protocol/reports/{id}/messages", {"message": "Hola"}),
    ("post", "/protocol/reports/{id}/state", {"state": "closed", "note": "Cerrado"}),
    ("post", "/protocol/reports/{id}/measures", {"measure": "Medida"}),
    ("put", "/protocol/reports/{id}/principles", {"principles": ["listening"]}),
    (
        "post",
        "/protocol/reports/{id}/attachments",
        {"name": "a.txt", "content_base64": "SG9sYQ=="},
    ),
    ("post", "/protocol/reports/{id}/step-aside", None),
    ("post", "/networks/red/protocol/grants", {"officer": 1}),
]


@pytest.mark.parametrize("persona", ["coordinator", "member", "treasurer", "admin", "outsider"])
def test_every_content_endpoint_refuses_every_other_role(world, protocol, persona):
    case_id = anonymous_post(
        "/networks/red/protocol/reports", {"account": ACCOUNT, "anonymous": True}
    ).json()["id"]
    user = getattr(world, persona)
    password = {"admin": "pw-root", "outsider": "pw-olga", "coordinator": "pw-carolina"}.get(
        persona, f"Long-pass-{user.username}-42"
    )
    api = PasswordApi(user.username, password)  # a token issued against their password
    for method, path, body in CONTENT_CALLS:
        url = path.format(id=case_id)
        answer = getattr(api, method)(url) if body is None else getattr(api, method)(url, body)
        assert answer.status_code in (403, 404), (persona, method, url, answer.status_code)
        assert ACCOUNT not in answer.content.decode()
    assert Case.objects.get(pk=case_id).state == "received"
    assert not CaseKey.objects.filter(case_id=case_id, officer__person__user=user).exists()


def test_grants_and_recovery_respect_stepping_aside_and_leaving_with_the_person(world, protocol):
    case_id = anonymous_post(
        "/networks/red/protocol/reports", {"account": ACCOUNT, "anonymous": True}
    ).json()["id"]
    rosa = second_officer(world)
    StepAside.objects.create(case_id=case_id, person=rosa)
    shared = protocol.officer_api.post("/networks/red/protocol/grants", {"officer": rosa.pk})
    assert shared.json() == {"cases": 0}
    officer = OfficerKey.objects.get(person=rosa)
    assert (
        actions.recover(
            actor=world.coordinator,
            network=world.network,
            recovery_key=protocol.recovery,
            officer=officer,
        )
        == 0
    )
    # Deleting the person deletes their key and every case key wrapped for them.
    rosa.delete()
    assert not OfficerKey.objects.filter(pk=officer.pk).exists()
    assert not CaseKey.objects.filter(officer_id=officer.pk).exists()


def test_the_daily_task_purges_every_network(world, protocol):
    from datetime import timedelta

    from django.utils import timezone

    from minga.protocol.tasks import purge_expired_cases

    case_id = anonymous_post(
        "/networks/red/protocol/reports", {"account": ACCOUNT, "anonymous": True}
    ).json()["id"]
    Case.objects.filter(pk=case_id).update(
        state="closed", closed_at=timezone.now() - timedelta(days=120)
    )
    purge_expired_cases.call()
    assert not Case.objects.filter(pk=case_id).exists()
