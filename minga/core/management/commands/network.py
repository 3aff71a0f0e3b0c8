from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from minga.core import actions
from minga.core.commands import actor_from, add_actor_argument
from minga.core.models import GovernanceModel, Network
from minga.core.text import comma_list


class Command(BaseCommand):
    help = (
        "Manage networks: `minga network create SLUG --name NAME [--model horizontal|vertical]"
        " [--as USERNAME]`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="Create a network.")
        create.add_argument("slug")
        create.add_argument("--name", required=True)
        create.add_argument("--model", choices=GovernanceModel.values, default="vertical")
        create.add_argument(
            "--languages", default="es,pt-br", help="Comma-separated: es, pt-br, en."
        )
        # The person named becomes the network's first coordinator.
        add_actor_argument(create)
        sub.add_parser("list", help="List networks.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "list":
            for network in Network.objects.all():
                self.stdout.write(f"{network.slug}\t{network.name}\t{network.model}")
            return
        try:
            network = actions.create_network(
                actor=actor_from(options),
                slug=options["slug"],
                name=options["name"],
                model=options["model"],
                languages=comma_list(options["languages"]),
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            ) from exc
        self.stdout.write(f"Created network {network.slug}: {network.name} ({network.model})")
