from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from minga.core.commands import actor_from, add_actor_argument
from minga.core.models import Network
from minga.membership import actions


class Command(BaseCommand):
    help = "The dues ledger: `minga dues invoice --network SLUG --period 2027` (or 2027-03)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        invoice = sub.add_parser("invoice", help="Invoice every paying member for a period.")
        invoice.add_argument("--network", required=True)
        invoice.add_argument(
            "--period", required=True, help="YYYY for annual plans, YYYY-MM for monthly"
        )
        add_actor_argument(invoice)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_from(options)
        network = Network.objects.filter(slug=options["network"]).first()
        if network is None:
            raise CommandError(f"No network {options['network']!r}.")
        try:
            created = actions.invoice_period(actor=actor, network=network, period=options["period"])
        except PermissionDenied as exc:
            raise CommandError(
                f"{options.get('actor')} may not invoice dues in {network.slug} (see their roles)."
            ) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(" ".join(m) for m in exc.message_dict.values())) from exc
        self.stdout.write(f"Created {created} invoices for {options['period']} in {network.slug}.")
