"""The digest: what each person gets and in which language, sections left out, nobody with
nothing new mailed, sent once per period even after a crash, one-click unsubscribe,
refused addresses, the chat channels, and a real SMTP server on loopback."""

from __future__ import annotations

import email
import email.policy
import json
import smtplib
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from minga.communication import actions, digest
from minga.communication.models import Bounce, ChannelPost, Digest, DigestPreference
from minga.core.models import Person

WEEK = "2030-W10"  # Monday 4 March 2030


def _news(world, title="Nueva socia en la red"):
    news = actions.post_news(actor=world.coordinator, network=world.network, title=title)
    when = digest.period(WEEK)
    news.published_at = when.start(timezone.get_current_timezone()) - timedelta(days=2)
    news.save()
    return news


def _people(world):
    return {p.user.username: p for p in Person.objects.filter(network=world.network)}


def test_periods_are_iso_weeks_or_months():
    week = digest.period("2026-W48")
    assert (str(week.first), week.days, week.frequency) == ("2026-11-23", 7, "weekly")
    month = digest.period("2027-02")
    assert (str(month.first), month.days, month.frequency) == ("2027-02-01", 28, "monthly")
    for bad in ("2026-48", "2026-W60", "2026-13", "next week"):
        with pytest.raises(ValueError):
            digest.period(bad)


def test_each_person_gets_one_digest_in_their_language_and_nothing_new_means_no_mail(world):
    world.member.language = "es"
    world.member.save()
    world.other_member.language = "pt-br"
    world.other_member.save()
    when = digest.period(WEEK)
    assert digest.send(world.network, when) == 0  # nothing new
    assert mail.outbox == []
    _news(world)
    sent = digest.send(world.network, when)
    people = Person.objects.filter(network=world.network).exclude(user__email="")
    assert sent == people.count() and len(mail.outbox) == sent
    by_address = {m.to[0]: m for m in mail.outbox}
    for address, language in (("mateo@example.org", "es"), ("ana@example.org", "pt-br")):
        with translation.override(language):
            expected = gettext("What is new in %(name)s") % {"name": world.network.name}
        assert by_address[address].subject == expected != f"What is new in {world.network.name}"
    body = by_address["mateo@example.org"].body
    assert "Nueva socia en la red" in body
    assert "Convocatorias" not in body  # an empty section is left out
    html = by_address["mateo@example.org"].alternatives[0]  # type: ignore[attr-defined]
    assert html[1] == "text/html" and "Nueva socia en la red" in html[0]


def test_a_second_run_and_a_restart_after_a_crash_send_nobody_two(world):
    _news(world)
    when = digest.period(WEEK)
    first = digest.send(world.network, when, stop_after=2)  # the worker dies here
    assert first == 2
    rest = digest.send(world.network, when)
    again = digest.send(world.network, when)
    addresses = [m.to[0] for m in mail.outbox]
    assert again == 0 and first + rest == len(addresses)
    assert len(addresses) == len(set(addresses))
    assert Digest.objects.filter(period=WEEK, status="sent").count() == len(addresses)


def test_one_click_unsubscribe_stops_the_next_digests(world, client):
    _news(world)
    when = digest.period(WEEK)
    digest.send(world.network, when)
    message = next(m for m in mail.outbox if m.to == ["mateo@example.org"])
    header = message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header.strip("<>").split("://", 1)[1].split("/", 1)[1]
    person = _people(world)["mateo"]
    assert client.get("/" + url).status_code == 200  # asks, changes nothing
    assert not DigestPreference.objects.filter(person=person).exists()
    answer = client.post(
        "/" + url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 200
    assert DigestPreference.objects.get(person=person).frequency == "none"
    mail.outbox.clear()
    digest.send(world.network, digest.period("2030-W11"))
    assert "mateo@example.org" not in [m.to[0] for m in mail.outbox]
    assert client.post("/n/red/communication/unsubscribe/forged/").status_code == 404


def test_a_monthly_reader_gets_the_months_digest_not_the_weeks(world):
    person = _people(world)["mateo"]
    actions.set_digest_frequency(actor=world.member, person=person, frequency="monthly")
    _news(world)
    digest.send(world.network, digest.period(WEEK))
    assert "mateo@example.org" not in [m.to[0] for m in mail.outbox]
    mail.outbox.clear()
    digest.send(world.network, digest.period("2030-04"))  # March's news, told in April
    assert [m.to[0] for m in mail.outbox] == ["mateo@example.org"]


class _Refusing:
    """A mail connection whose server refuses one address for good."""

    def __init__(self, refused: str) -> None:
        self.refused = refused

    def open(self) -> None: ...

    def close(self) -> None: ...

    def send_messages(self, messages: list[Any]) -> int:
        for message in messages:
            if self.refused in message.to:
                raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"No such user")})
            mail.outbox.append(message)
        return len(messages)


def test_a_refused_address_is_marked_and_not_tried_every_week(world, monkeypatch):
    _news(world)
    monkeypatch.setattr(digest, "get_connection", lambda: _Refusing("ana@example.org"))
    digest.send(world.network, digest.period(WEEK))
    bounce = Bounce.objects.get()
    assert (bounce.address, bounce.code) == ("ana@example.org", 550)
    assert Digest.objects.get(person__user=world.other_member).status == "failed"
    _news(world, "Otra noticia")
    mail.outbox.clear()
    digest.send(world.network, digest.period("2030-W11"))
    assert not Digest.objects.filter(person__user=world.other_member, period="2030-W11").exists()


class _Mailbox:
    """aiosmtpd's handler: keeps what it accepts, refuses one address with 550."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == "ana@example.org":
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 Message accepted"


def test_a_real_smtp_server_on_loopback_receives_the_digest(world):
    handler = _Mailbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
        ):
            _news(world)
            sent = digest.send(world.network, digest.period(WEEK))
    finally:
        controller.stop()
    assert sent == len(handler.messages) >= 3
    parsed = [
        email.message_from_bytes(raw, policy=email.policy.default) for raw in handler.messages
    ]
    first = parsed[0]
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert str(first["List-Unsubscribe"]).strip().startswith("<http")
    kinds = [part.get_content_type() for part in first.walk()]
    assert "text/plain" in kinds and "text/html" in kinds
    plain = first.get_body(("plain",))
    assert plain is not None and "Nueva socia en la red" in plain.get_content()
    # The server refused Ana for good: marked, not sent, not counted.
    assert Bounce.objects.get().address == "ana@example.org"
    assert "ana@example.org" not in [m["To"] for m in parsed]


class _Hook(BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        _Hook.received.append((self.path, json.loads(self.rfile.read(length))))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args: Any) -> None: ...


@override_settings(MINGA_WEBHOOKS_TO_LOOPBACK=True)
def test_the_news_goes_once_to_slack_mattermost_and_telegram_fakes(world):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    _Hook.received.clear()
    try:
        for kind, url, chat in (
            ("slack", f"{base}/services/T0/B0/x", ""),
            ("mattermost", f"{base}/hooks/abc", ""),
            ("telegram", f"{base}/bot123:ABC", "-100200"),
        ):
            actions.save_channel(
                actor=world.coordinator, network=world.network, kind=kind, url=url, chat_id=chat
            )
        _news(world)
        digest.send(world.network, digest.period(WEEK))
        digest.send(world.network, digest.period(WEEK))
    finally:
        server.shutdown()
    paths = sorted(path for path, _body in _Hook.received)
    assert paths == ["/bot123:ABC/sendMessage", "/hooks/abc", "/services/T0/B0/x"]
    telegram = next(body for path, body in _Hook.received if path.startswith("/bot"))
    assert telegram["chat_id"] == "-100200" and "Nueva socia en la red" in telegram["text"]
    assert ChannelPost.objects.filter(status="sent").count() == 3


def test_a_webhook_must_be_on_the_internet(world):
    from django.core.exceptions import ValidationError

    for url in (
        "http://hooks.example.org/x",
        "https://127.0.0.1/x",
        "https://10.0.0.5/x",
        "https://localhost/x",
        "https://[::1]/x",
    ):
        with pytest.raises(ValidationError):
            actions.save_channel(
                actor=world.coordinator, network=world.network, kind="slack", url=url
            )


def test_the_command_prints_how_many_were_sent(world, capsys):
    _news(world)
    call_command("digest", "send", "--network", "red", "--period", WEEK)
    out = capsys.readouterr().out
    assert out.startswith(f"{len(mail.outbox)} digests sent for {WEEK} in red")
    call_command("digest", "send", "--network", "red", "--period", WEEK)
    assert capsys.readouterr().out.startswith(f"0 digests sent for {WEEK}")


@pytest.mark.django_db
def test_on_a_fresh_demo_each_person_with_something_new_gets_exactly_one_digest(capsys):
    call_command("demo")
    capsys.readouterr()
    call_command("digest", "send", "--network", "demo")
    first = capsys.readouterr().out
    people = Person.objects.filter(network__slug="demo").exclude(user__email="").count()
    assert first.startswith(f"{people} digests sent")
    addresses = [m.to[0] for m in mail.outbox if "List-Unsubscribe" in m.extra_headers]
    assert len(addresses) == people == len(set(addresses))
    call_command("digest", "send", "--network", "demo")
    assert capsys.readouterr().out.startswith("0 digests sent")


def test_coordinators_preview_anyones_digest_and_members_only_their_own(world, client_as):
    ana = _people(world)["ana"]
    page = client_as(world.coordinator).get(f"/n/red/communication/digest/?person={ana.pk}")
    assert page.context["viewed"] == ana
    mine = client_as(world.member).get(f"/n/red/communication/digest/?person={ana.pk}")
    assert mine.context["viewed"] == _people(world)["mateo"]
