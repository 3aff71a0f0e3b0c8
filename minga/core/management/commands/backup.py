from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minga.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the whole database to FILE while Minga runs: a SQLite "
        "file (online backup) or a pg_dump custom-format file. Confidential protocol contents "
        "stay encrypted in it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.parent.is_dir():
            raise CommandError(f"No folder {path.parent} to write {path.name} in.")
        try:
            kind = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = path.stat().st_size
        self.stdout.write(f"Backed up the {kind} database to {path} ({size:,} bytes).")
