"""The confidential channel's pages: reporting (signed in and from the public page), the
receipt shown once and followed by POST only, an officer unlocking their key with their
password, and nobody else reading a case, whatever their role."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
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
    officer.cookies.pop("minga_protocol_key")
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


def test_an_error_report_blanks_the_cookie_that_opens_the_key(world, protocol, client_as):
    from django.views.debug import ExceptionReporter

    officer = client_as(world.protocol_officer)
    answer = officer.post("/n/red/protocol/unlock/", {"password": PAULA})
    cookie = answer.cookies["minga_protocol_key"].value
    request = officer.get("/n/red/protocol/cases/").wsgi_request
    assert request.COOKIES["minga_protocol_key"] == cookie
    try:
        raise RuntimeError("a failure")
    except RuntimeError as exc:
        text = ExceptionReporter(request, type(exc), exc, exc.__traceback__).get_traceback_text()
    assert "minga_protocol_key" in text and cookie not in text


def test_files_are_read_in_memory_only_and_their_downloads_are_logged(
    world, protocol, client_as, tmp_path, settings
):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)  # anything spooled would land here
    case, _receipt_text = actions.report(
        network=world.network, reporter=world.member, kind="other", account=ACCOUNT
    )
    officer = client_as(world.protocol_officer)
    officer.post("/n/red/protocol/unlock/", {"password": PAULA})
    small = SimpleUploadedFile("nota.txt", b"Nota breve del caso.", "text/plain")
    officer.post(f"/n/red/protocol/cases/{case.pk}/file/", {"file": small})
    large = SimpleUploadedFile("grande.bin", b"x" * (3 * 1024 * 1024), "application/octet-stream")
    officer.post(f"/n/red/protocol/cases/{case.pk}/file/", {"file": large})
    assert list(tmp_path.iterdir()) == []
    files = Entry.objects.filter(case=case, kind="attachment")
    assert files.count() == 1
    before = Read.objects.filter(case=case).count()
    download = officer.get(f"/n/red/protocol/cases/{case.pk}/files/{files.get().pk}/")
    assert download.content == b"Nota breve del caso."
    assert download["Content-Disposition"].startswith("attachment;")
    assert Read.objects.filter(case=case).count() == before + 1


def test_coordinators_see_no_type_and_a_new_officer_gets_nothing_until_admitted(
    world, protocol, client_as
):
    from minga.protocol.tests.conftest import second_officer

    case, _receipt_text = actions.report(
        network=world.network, reporter=world.member, kind="sexual", account=ACCOUNT
    )
    listed = client_as(world.coordinator).get("/n/red/protocol/cases/").content.decode()
    assert f"#{case.pk}" in listed and "Sexual harassment" not in listed
    rosa = second_officer(world)
    later, _receipt_text = actions.report(
        network=world.network, reporter=world.member, kind="other", account="Otro relato."
    )
    assert not later.keys.filter(officer__person=rosa).exists()  # not admitted yet


def test_a_receipt_opens_cases_of_its_own_network_only(world, protocol):
    other = world.other_network
    actions.set_up(actor=world.outsider, network=other)
    _case, receipt = actions.report(
        network=world.network, reporter=world.member, kind="other", account=ACCOUNT
    )
    page = Client().post(f"/n/{other.slug}/protocol/follow/", {"receipt": receipt})
    assert ACCOUNT not in page.content.decode()


def test_an_officer_shares_their_cases_from_the_cases_page(world, protocol, client_as):
    from minga.protocol.tests.conftest import second_officer

    actions.report(network=world.network, reporter=world.member, kind="other", account=ACCOUNT)
    rosa = second_officer(world)
    officer = client_as(world.protocol_officer)
    officer.post("/n/red/protocol/unlock/", {"password": PAULA})
    page = officer.post("/n/red/protocol/grant/", {"officer": rosa.pk}, follow=True)
    assert "1 case shared." in page.content.decode()
    rosa_client = client_as(rosa.user)
    rosa_client.post("/n/red/protocol/unlock/", {"password": "Long-pass-rosa-42"})
    case = Case.objects.get()
    assert ACCOUNT in rosa_client.get(f"/n/red/protocol/cases/{case.pk}/").content.decode()
