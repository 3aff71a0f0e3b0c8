from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from minga.core.commands import actor_from, add_actor_argument
from minga.core.models import Network
from minga.protocol import actions


class Command(BaseCommand):
    help = (
        "The protocol's confidential channel: `minga protocol setup --network SLUG` (prints "
        "the recovery key once), `minga protocol purge --network SLUG`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        setup = sub.add_parser("setup", help="Set up the channel; prints the recovery key once.")
        purge = sub.add_parser("purge", help="Purge closed cases past the network's retention.")
        for command in (setup, purge):
            command.add_argument("--network", required=True)
            add_actor_argument(command)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_from(options)
        network = Network.objects.filter(slug=options["network"]).first()
        if network is None:
            raise CommandError(f"No network {options['network']!r}.")
        try:
            if options["verb"] == "setup":
                printed = actions.set_up(actor=actor, network=network)
                self.stdout.write(
                    "The network's recovery key, shown this once (print it, keep it offline; "
                    f"the server keeps only its public half):\n\n    {printed}\n"
                )
            else:
                purged = actions.purge(actor=actor, network=network)
                self.stdout.write(f"Purged {purged} closed cases in {network.slug}.")
        except PermissionDenied as exc:
            raise CommandError(
                f"{options.get('actor')} may not do this in {network.slug}."
            ) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
