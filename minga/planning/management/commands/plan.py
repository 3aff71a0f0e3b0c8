from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

FORMATS = ("pdf", "md")


class Command(BaseCommand):
    help = (
        "The strategic plan: `minga plan export --network SLUG --format pdf|md -o FILE "
        "[--language es|pt-br|en]` writes it as one document (default: the network's first "
        "language)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        export = sub.add_parser("export", help="Write the plan as a PDF or Markdown file.")
        export.add_argument("--network", required=True, help="The network's short name.")
        export.add_argument("--format", required=True, choices=FORMATS)
        export.add_argument("-o", "--output", required=True, help="The file to write.")
        export.add_argument(
            "--language", default=None, help="es, pt-br or en (default: the network's first)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from minga.core.models import LANGUAGE_CODES, Network

        network = Network.objects.filter(slug=options["network"]).first()
        if network is None:
            raise CommandError(f"No network {options['network']!r}.")
        language = options.get("language") or network.language
        if language not in LANGUAGE_CODES:
            raise CommandError(
                f"No language {language!r}: choose one of {', '.join(LANGUAGE_CODES)}."
            )
        path = Path(options["output"])
        with translation.override(language):
            body = self._render(network, options["format"])
        try:
            if isinstance(body, bytes):
                path.write_bytes(body)
            else:
                path.write_text(body, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        self.stdout.write(
            f"Wrote the strategic plan of {network.slug} to {path} ({options['format']}, "
            f"{language})."
        )

    def _render(self, network: Any, format_: str) -> str | bytes:
        from minga.core.pdf import PdfUnavailable
        from minga.planning import export

        if format_ == "md":
            return export.markdown(network)
        try:
            return export.pdf(network)
        except PdfUnavailable as exc:
            raise CommandError(str(exc)) from exc
