"""Accounts: login with rate limiting, password reset, invitations, language."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from minga.core import actions, queries
from minga.core.models import Invitation, Person, User


def link_in(pattern: str, body: object) -> str:
    found = re.search(pattern, str(body))
    assert found is not None, body
    return found.group(1)


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_and_logout(world):
    client = Client()
    response = login(client, "mateo", "Long-pass-mateo-42")
    assert response.status_code == 302
    assert client.get("/n/red/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/n/red/").status_code == 302


def test_passwords_are_hashed_with_argon2_outside_tests(settings):
    user = User(username="argon")
    with override_settings(PASSWORD_HASHERS=settings.ACCOUNT_PASSWORD_HASHERS):
        user.set_password("Una-clave-larga-1")
    assert user.password.startswith("argon2$")


def test_failed_logins_lock_out_with_a_cool_off(world, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "mateo", "wrong").status_code == 200
    assert login(client, "mateo", "wrong").status_code == 429
    locked = login(client, "mateo", "Long-pass-mateo-42")
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    assert f"about {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in locked.content.decode()
    # Another person is not affected by mateo's lock.
    assert login(Client(), "ana", "Long-pass-ana-42").status_code == 302


def test_password_reset_mails_a_working_link_in_the_holders_language(world):
    world.member.language = "es"
    world.member.save()
    client = Client(headers={"accept-language": "en"})
    client.post("/accounts/password_reset/", {"email": "mateo@example.org"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    with translation.override("es"):
        assert message.subject == gettext("Choose a new Minga password")
    link = link_in(r"https?://[^/]+(/accounts/reset/\S+)", message.body)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Otra-clave-segura-99", "new_password2": "Otra-clave-segura-99"},
    )
    assert done.status_code == 302
    world.member.refresh_from_db()
    assert world.member.check_password("Otra-clave-segura-99")


def invite(world, capture, **extra):
    with capture(execute=True):
        invitation = actions.invite_person(
            actor=world.coordinator,
            network=world.network,
            email="nueva@example.org",
            organization=world.org_a,
            roles=["member", "treasurer"],
            **extra,
        )
    link = link_in(r"(/invitations/[^/\s]+/)", mail.outbox[-1].body)
    return invitation, link


def test_invitation_opens_an_account_and_joins_the_network(
    world, django_capture_on_commit_callbacks
):
    invitation, link = invite(world, django_capture_on_commit_callbacks, language="es")
    client = Client()
    assert client.get(link).status_code == 200
    response = client.post(link, {"username": "nueva", "password": "Clave-de-bienvenida-7"})
    assert response.status_code == 302
    assert response["Location"] == "/n/red/"
    person = Person.objects.get(user__username="nueva", network=world.network)
    assert person.organization == world.org_a
    assert person.role_names() == ["member", "treasurer"]
    assert person.user.language == "es"
    # The link works once.
    assert Client().get(link).status_code == 410
    invitation.refresh_from_db()
    assert invitation.accepted_by == person.user


def test_invitation_accepted_by_a_logged_in_person(world, django_capture_on_commit_callbacks):
    _invitation, link = invite(world, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(world.outsider)
    assert client.post(link).status_code == 302
    assert Person.objects.filter(user=world.outsider, network=world.network).exists()


def test_invitation_with_a_taken_username_shows_the_error_and_stores_nothing(
    world, django_capture_on_commit_callbacks
):
    _invitation, link = invite(world, django_capture_on_commit_callbacks)
    response = Client().post(link, {"username": "mateo", "password": "Clave-de-bienvenida-7"})
    assert response.status_code == 200
    assert "username" in response.content.decode().lower()
    assert User.objects.filter(username="mateo").count() == 1
    assert queries.pending_invitations(world.network).count() == 1


def test_expired_or_forged_invitation_links_are_refused(world, django_capture_on_commit_callbacks):
    invitation, link = invite(world, django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    assert Client().get(link).status_code == 410
    assert Client().get("/invitations/1:forged:signature/").status_code == 410


def test_browser_language_picks_the_page_language(world):
    client = Client(headers={"accept-language": "pt-BR,pt;q=0.9"})
    client.force_login(world.other_member)
    page = client.get("/n/red/").content.decode()
    assert '<html lang="pt-br">' in page
    with translation.override("pt-br"):
        assert gettext("How to create a collaborative network") in page


def test_language_switch_is_remembered_on_the_account(world):
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.member)
    client.post("/language/", {"language": "es", "next": "/n/red/"})
    world.member.refresh_from_db()
    assert world.member.language == "es"
    # Another device, another browser language: the person's choice still wins.
    other = Client(headers={"accept-language": "en"})
    other.force_login(world.member)
    assert '<html lang="es">' in other.get("/n/red/").content.decode()


def test_language_switch_refuses_foreign_redirects(db):
    response = Client().post("/language/", {"language": "es", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert response.cookies["django_language"].value == "es"


def test_a_session_is_read_while_it_lasts_and_not_after(db):
    """minga.core.sessions reads a session with its own query: what Django's would find."""
    from django.contrib.sessions.models import Session

    from minga.core.sessions import SessionStore

    kept = SessionStore()
    kept["step"] = "reach"
    kept.create()
    assert SessionStore(kept.session_key)["step"] == "reach"
    Session.objects.filter(session_key=kept.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(kept.session_key)
    assert "step" not in expired and expired.session_key is None
    assert "step" not in SessionStore("no-such-session-key-at-all")


def test_the_signed_in_user_is_read_as_djangos_backend_reads_them(world):
    """minga.core.backends reads a user with its own query: who Django's would find."""
    from django.conf import settings
    from django.contrib.auth.backends import ModelBackend as Djangos
    from django.utils.module_loading import import_string

    from minga.core import backends

    ours = import_string(backends.MINGAS)()
    assert backends.MINGAS in settings.AUTHENTICATION_BACKENDS
    for user in (world.member, world.coordinator, world.admin):
        found, expected = ours.get_user(user.pk), Djangos().get_user(user.pk)
        assert found is not None and expected is not None
        assert {f.attname: getattr(found, f.attname) for f in User._meta.concrete_fields} == {
            f.attname: getattr(expected, f.attname) for f in User._meta.concrete_fields
        }
    assert ours.get_user(10**9) is None
    User.objects.filter(pk=world.member.pk).update(is_active=False)
    assert ours.get_user(world.member.pk) is None


def test_a_session_signed_in_before_minga_named_its_backend_stays_signed_in(world, client):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from minga.core import backends
    from minga.core.sessions import SessionStore

    before = SessionStore()
    before[SESSION_KEY] = str(world.member.pk)
    before[BACKEND_SESSION_KEY] = backends.DJANGOS
    before[HASH_SESSION_KEY] = world.member.get_session_auth_hash()
    before.create()
    client.cookies["sessionid"] = before.session_key
    page = client.get("/n/red/")
    assert page.status_code == 200 and page.wsgi_request.user == world.member
    # A session whose password changed since is still refused.
    world.member.set_password("Another-long-pass-42")
    world.member.save()
    assert client.get("/n/red/").status_code == 302
