from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from minga.core.commands import actor_from, add_actor_argument


class Command(BaseCommand):
    help = (
        "The network's digest: `minga digest send --network SLUG [--period 2026-W48]` sends "
        "each person with something new one digest for the period (a week, or a month as "
        "2026-12 for those who chose monthly); a second run sends nothing again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        send = sub.add_parser("send", help="Send the period's digests (this week's by default).")
        send.add_argument("--network", required=True)
        send.add_argument("--period", default=None, help="2026-W48 (a week) or 2026-12 (a month)")
        add_actor_argument(send)

    def handle(self, *args: Any, **options: Any) -> None:
        from minga.communication import actions, digest
        from minga.communication.models import Frequency
        from minga.core.models import Network

        network = Network.objects.filter(slug=options["network"]).first()
        if network is None:
            raise CommandError(f"No network {options['network']!r}.")
        name = options["period"] or digest.current_period(Frequency.WEEKLY).name
        try:
            sent = actions.send_digests(
                actor=actor_from(options), network=network, period_name=name
            )
        except PermissionDenied as exc:
            raise CommandError(
                f"{options.get('actor')} may not do this in {network.slug}."
            ) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"{sent} digests sent for {name} in {network.slug}.")
