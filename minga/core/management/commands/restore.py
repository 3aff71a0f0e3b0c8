from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minga.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Load a backup made by `minga backup` into the configured database (of the same "
        "kind). A database that already holds Minga's tables is overwritten only with "
        "--replace. Stop the web and worker processes first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="Overwrite a database that holds data."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file {path}.")
        try:
            kind = restore(path, replace=options["replace"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored the {kind} database from {path}.")
