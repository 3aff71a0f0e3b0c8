"""The confidential channel's pages: reporting (signed in and from the public page), the
receipt shown once and followed by POST only, an officer unlocking their key with their
password, and nobody else reading a case, whatever their role."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from minga.protocol import actions
from minga.protocol.models import Case, Entry, Read
from minga.protocol.tests.conftest import PAULA

ACCOUNT = "Me excluyeron de la reunión por ser mujer."


def _receipt(page: str) -> str:
    found = re.search(r'class="receipt"><strong>([\d ]+)</strong>', page)
    assert found, page
    return found.group(1)


def test_a_member_reports_and_follows_with_the_receipt(
    world, protocol, client_as, django_capture_on_commit_callbacks
):
    client = client_as(world.member)
    form = client.get("/n/red/protocol/report/")
    assert form.status_code == 200 and "no-store" in form["Cache-Control"]
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/n/red/protocol/report/",
            {"kind": "discrimination", "account": ACCOUNT, "contact_email": "mateo@example.org"},
        )
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    receipt = _receipt(answer.content.decode())
    assert [m.to for m in mail.outbox] == [["paula@example.org"]]
    assert ACCOUNT not in mail.outbox[0].body
    followed = client.post("/n/red/protocol/follow/", {"receipt": receipt})
    assert ACCOUNT in followed.content.decode()
    # The officer replies; the reporter gets an email saying only that there is news.
    officer = client_as(world.protocol_officer)
    case = Case.objects.get()
    assert officer.post("/n/red/protocol/unlock/", {"password": PAULA}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(
            f"/n/red/protocol/cases/{case.pk}/reply/", {"message": "Te escuchamos, Mateo."}
        )
    news = mail.outbox[-1]
    assert news.to == ["mateo@example.org"] and "Te escuchamos" not in news.body
    followed = client.post("/n/red/protocol/follow/", {"receipt": receipt}).content.decode()
    assert "Te escuchamos, Mateo." in followed


def test_the_public_page_takes_anonymous_reports_only_when_switched_on(world, protocol):
    public = Client()
    assert public.get("/n/red/protocol/public/").status_code == 200
    answer = public.post("/n/red/protocol/public/", {"kind": "other", "account": ACCOUNT})
    receipt = _receipt(answer.content.decode())
    assert Case.objects.get().anonymous
    assert ACCOUNT in public.post("/n/red/protocol/follow/", {"receipt": receipt}).content.decode()
    wrong = public.post("/n/red/protocol/follow/", {"receipt": "9" * 20}).content.decode()
    assert ACCOUNT not in wrong and "No report has this receipt" in wrong
    actions.change_settings(
        actor=world.coordinator,
        network=world.network,
        anonymous_channel=False,
        retention_days=90,
        outside_help="",
    )
    assert public.get("/n/red/protocol/public/").status_code == 404


def test_an_officer_reads_a_case_only_after_unlocking_with_their_password(
    world, protocol, client_as
):
    case, _receipt_text = actions.report(
        network=world.network, reporter=world.member, kind="other", account=ACCOUNT
    )
    officer = client_as(world.protocol_officer)
    locked = officer.get(f"/n/red/protocol/cases/{case.pk}/").content.decode()
    assert ACCOUNT not in locked and 'name="password"' in locked
    officer.post("/n/red/protocol/unlock/", {"password": "wrong"})
    assert ACCOUNT not in officer.get(f"/n/red/protocol/cases/{case.pk}/").content.decode()
    officer.post("/n/red/protocol/unlock/", {"password": PAULA})
    opened = officer.get(f"/n/red/protocol/cases/{case.pk}/")
    assert ACCOUNT in opened.content.decode() and "no-store" in opened["Cache-Control"]
    assert Read.objects.filter(case=case, reader__user=world.protocol_officer).count() == 1
    # The session alone (its cookie of the key gone) opens nothing.
    officer.cookies.pop("minga_protocol")
    assert ACCOUNT not in officer.get(f"/n/red/protocol/cases/{case.pk}/").content.decode()


@pytest.mark.parametrize("persona", ["coordinator", "member", "treasurer", "admin", "outsider"])
def test_no_other_role_reads_a_case_on_any_page(world, protocol, client_as, persona):
    case, _receipt_text = actions.report(
        network=world.network, reporter=world.member, kind="other", account=ACCOUNT
    )
    entry = Entry.objects.filter(case=case, kind="account").get()
    client = client_as(getattr(world, persona))
    for url in (
        f"/n/red/protocol/cases/{case.pk}/",
        f"/n/red/protocol/cases/{case.pk}/files/{entry.pk}/",
        "/n/red/protocol/cases/",
        "/n/red/protocol/statistics/",
        f"/admin/protocol/case/{case.pk}/change/",
        "/admin/protocol/entry/",
    ):
        answer = client.get(url)
        assert ACCOUNT not in answer.content.decode(), (persona, url)
    assert client.get(f"/n/red/protocol/cases/{case.pk}/").status_code in (403, 404)


def test_coordinators_set_up_once_and_see_the_recovery_key_once(world, client_as):
    client = client_as(world.coordinator)
    first = client.post("/n/red/protocol/setup/").content.decode()
    key = re.search(r'class="receipt"><strong>([A-Z2-7-]+)</strong>', first)
    assert key and len(key.group(1)) > 40
    again = client.get("/n/red/protocol/setup/").content.decode()
    assert key.group(1) not in again
    assert client_as(world.member).get("/n/red/protocol/setup/").status_code == 403


def test_published_texts_are_versioned_and_shown_in_the_readers_language(
    world, protocol, client_as
):
    client = client_as(world.coordinator)
    for body in ("Primera versión", "Segunda versión"):
        client.post(
            "/n/red/protocol/setup/texts/",
            {
                "kind": "protocol",
                "body_es": body,
                "body_pt_br": "Versão em português",
                "body_en": "",
            },
        )
    page = client_as(world.member, "es").get("/n/red/protocol/").content.decode()
    assert "Segunda versión" in page and "Primera versión" not in page
    assert (
        "Versão em português"
        in client_as(world.member, "pt-br").get("/n/red/protocol/").content.decode()
    )
