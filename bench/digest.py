"""Time the weekly digest for a network of N people, rendered and sent to a loopback SMTP
sink, against rendering a plain Django template of the same size.

Usage: .venv/bin/python bench/digest.py [PEOPLE] [--json]   (default: 10000)
Prints the total and per-person time of `digest.send` (content, both parts, SMTP over
loopback to an aiosmtpd sink that keeps nothing) and of rendering one plain template of
the same length per person, and their ratio. The baseline is named "plain template of the
same size". `--json` adds a last line for bench/table.py (`make bench`).
"""

from __future__ import annotations

import os
import socket
import sys
import time
from datetime import timedelta
from typing import Any

from table import Row, configure, report


class _Sink:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


def main(people: int, as_json: bool = False) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    configure("sqlite")
    os.environ["MINGA_EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.core.management import call_command
    from django.template import engines
    from django.utils import timezone

    from minga.communication import actions, digest
    from minga.core import actions as core_actions
    from minga.core.models import Person, User

    call_command("migrate", verbosity=0)
    owner = User.objects.create(username="bench", email="bench@example.org")
    network = core_actions.create_network(actor=owner, slug="bench", name="Bench")
    users = User.objects.bulk_create(
        User(username=f"p{i}", email=f"p{i}@example.org", language=["es", "pt-br", "en"][i % 3])
        for i in range(people)
    )
    Person.objects.bulk_create(Person(network=network, user=user) for user in users)
    news = actions.post_news(actor=owner, network=network, title="Noticia", body="Texto " * 80)
    when = digest.current_period("weekly", timezone.localdate())
    # The digest tells the completed week's news: this one was published last week.
    news.published_at = when.start(timezone.get_current_timezone()) - timedelta(days=2)
    news.save(update_fields=["published_at"])

    controller = Controller(_Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        started = time.perf_counter()
        sent = digest.send(network, when)
        digest_seconds = time.perf_counter() - started
    finally:
        controller.stop()
    person = Person.objects.select_related("user", "network").first()
    assert person is not None
    mail = digest.message(
        person, digest.content_for(person, digest.network_content(network, when)), when
    )
    size = len(mail.body)
    plain = engines["django"].from_string("{% for i in lines %}{{ i }}\n{% endfor %}")
    lines = ["x" * 60] * max(size // 61, 1)
    started = time.perf_counter()
    for _ in range(sent):
        plain.render({"lines": lines})
    plain_seconds = time.perf_counter() - started
    per = digest_seconds / max(sent, 1) * 1000
    plain_per = plain_seconds / max(sent, 1) * 1000
    print(f"people: {people}, digests sent: {sent}, text part: {size} characters")
    print(f"digest (render + SMTP on loopback): {digest_seconds:7.1f} s, {per:6.2f} ms/person")
    print(f"plain template of the same size:    {plain_seconds:7.1f} s, {plain_per:6.2f} ms/person")
    print(f"ratio: {per / plain_per:5.1f}x")
    row = Row(
        "digest: render + send",
        f"{people:,} people",
        digest_seconds,
        "plain template of the same size",
        plain_seconds,
    )
    report([row], as_json)


if __name__ == "__main__":
    numbers = [arg for arg in sys.argv[1:] if arg != "--json"]
    main(int(numbers[0]) if numbers else 10000, "--json" in sys.argv[1:])
