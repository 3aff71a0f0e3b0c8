from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from minga.core.commands import actor_from, add_actor_argument


class Command(BaseCommand):
    help = (
        "Funding calls: `minga funding import-calls --network SLUG FILE` (CSV or XLSX, all or "
        "nothing), `minga funding match --network SLUG [--organization ID] --json`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        imports = sub.add_parser("import-calls", help="Import a file of calls, all or nothing.")
        imports.add_argument("--network", required=True)
        imports.add_argument("file")
        add_actor_argument(imports)
        match = sub.add_parser("match", help="Open calls ranked by fit, with the reasons.")
        match.add_argument("--network", required=True)
        match.add_argument("--organization", type=int, default=None)
        match.add_argument("--json", action="store_true", help="Print JSON (the stable shape).")
        match.add_argument(
            "--language", default=None, help="Language of the reasons (default: the network's)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from minga.core.models import Network

        network = Network.objects.filter(slug=options["network"]).first()
        if network is None:
            raise CommandError(f"No network {options['network']!r}.")
        language = options.get("language") or network.language
        with translation.override(language):
            if options["verb"] == "import-calls":
                self._import(network, options)
            else:
                self._match(network, options)

    def _import(self, network: Any, options: dict[str, Any]) -> None:
        from minga.financing import actions

        actor = actor_from(options)
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        try:
            added, updated = actions.import_calls(
                actor=actor, network=network, data=data, name=path.name, max_bytes=None
            )
        except PermissionDenied as exc:
            raise CommandError(
                f"{options.get('actor')} may not do this in {network.slug}."
            ) from exc
        except ValidationError as exc:
            raise CommandError("Nothing was imported.\n" + "\n".join(exc.messages)) from exc
        self.stdout.write(f"{added} calls added, {updated} updated in {network.slug}.")

    def _match(self, network: Any, options: dict[str, Any]) -> None:
        from minga.financing import queries

        organization = None
        if options["organization"] is not None:
            organization = network.organizations.filter(pk=options["organization"]).first()
            if organization is None:
                raise CommandError(f"No organization {options['organization']} in {network.slug}.")
        rows = queries.match_rows(queries.matches(network, organization)[:])
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(f"{row['score']:5.2f}  {row['title']} (#{row['call']})")
            for reason in row["reasons"]:
                self.stdout.write(f"       - {reason}")
