"""The language a person picks is stored on their account and used for their mail."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings
from django.core import mail
from django.test import Client

from minga.core import actions
from minga.core.models import User


def _login(client: Client, username: str) -> None:
    response = client.post(
        "/accounts/login/", {"username": username, "password": f"Long-pass-{username}-42"}
    )
    assert response.status_code == 302, response.content.decode()[:500]


def test_language_picked_on_the_login_page_is_stored_at_login_and_wins(world):
    actions.set_language(actor=world.member, language="es")
    client = Client(headers={"accept-language": "es"})
    client.post("/language/", {"language": "pt-br", "next": "/accounts/login/"})
    _login(client, "mateo")
    world.member.refresh_from_db()
    assert world.member.language == "pt-br"
    page = client.get("/n/red/")
    assert page.headers["Content-Language"] == "pt-br"
    # The choice is spent: a later login on this device keeps the account's language.
    client.logout()
    actions.set_language(actor=world.member, language="en")
    _login(client, "mateo")
    world.member.refresh_from_db()
    assert world.member.language == "en"


def test_account_without_a_language_takes_the_cookie_at_login(world):
    User.objects.filter(pk=world.member.pk).update(language="")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    _login(client, "mateo")
    world.member.refresh_from_db()
    assert world.member.language == "es"


def test_language_picked_in_the_header_is_stored_at_once_and_beats_accept_language(
    world, client_as
):
    client = client_as(world.member, "en")
    client.post("/language/", {"language": "pt-br", "next": "/"})
    world.member.refresh_from_db()
    assert world.member.language == "pt-br"
    assert client.get("/n/red/").headers["Content-Language"] == "pt-br"


def test_invitation_mail_goes_in_the_recipients_stored_language(
    world, settings, django_capture_on_commit_callbacks
):
    settings.MINGA_BASE_URL = "http://127.0.0.1:8123"
    actions.set_language(actor=world.member, language="pt-br")
    with django_capture_on_commit_callbacks(execute=True):
        actions.invite_person(
            actor=world.outsider,
            network=world.other_network,
            email=world.member.email,
            roles=["member"],
            language="es",
        )
    message = mail.outbox[-1]
    assert "http://127.0.0.1:8123/invitations/" in message.body
    assert "Abra este link para aceitar" in message.body, message.body


def test_base_url_of_mailed_links_follows_port(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("MINGA_BASE_URL",)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(PORT="8123", MINGA_VAR_DIR=str(tmp_path))
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'minga.settings';"
        " django.setup(); from django.conf import settings; print(settings.MINGA_BASE_URL)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.stdout.strip() == "http://127.0.0.1:8123", out.stderr


def test_the_language_menu_names_each_language_in_its_own_whatever_the_page(world, client_as):
    for language in ("es", "pt-br", "en"):
        page = client_as(world.member, language).get("/n/red/").content.decode()
        menu = page[page.index('<select id="language-switch"') : page.index("</select>")]
        assert '<option value="es" lang="es" ' in menu and ">Español</option>" in menu
        assert ">Português (Brasil)</option>" in menu and ">English</option>" in menu
        assert f'<option value="{language}" lang="{language}" selected>' in menu
