"""`minga survey import|systematize|crosstab|top|template|list`: surveys from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minga.core.commands import actor_from, add_actor_argument

# The app's modules are imported by the verbs that use them, so that `minga survey --help`
# answers without setting up Django's apps (minga/cli.py, bench/startup.py).
if TYPE_CHECKING:
    from minga.core.models import Network
    from minga.mapping.models import Survey


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "\n".join(
            f"{field}: {message}"
            for field, messages in exc.message_dict.items()
            for message in messages
        )
    return "\n".join(exc.messages)


def _network(slug: str | None) -> Network:
    """The named network, or the only one when no name is given."""
    from minga.core.models import Network

    if slug:
        network = Network.objects.filter(slug=slug).first()
        if network is None:
            raise ValidationError({"network": _("No network %(slug)s.") % {"slug": slug}})
        return network
    networks = list(Network.objects.all()[:2])
    if len(networks) != 1:
        raise ValidationError({"network": _("Name the network with --network SLUG.")})
    return networks[0]


class Command(BaseCommand):
    help = "Mapping surveys: import Kobo/Google Forms answers, systematize them, crosstab, top."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        imp = sub.add_parser("import", help="Import answers (all or nothing).")
        imp.add_argument("--network", help="Network slug (optional if there is only one).")
        imp.add_argument("--form", required=True, help="The XLSForm (.xlsx or .xls).")
        imp.add_argument("--data", required=True, help="The export: .csv or .xlsx.")
        imp.add_argument("--name", required=True, help="The survey's name, e.g. mapping-2024.")
        imp.add_argument(
            "--title",
            default="",
            help="The survey's title (default: the form's); two surveys never share one.",
        )
        imp.add_argument(
            "--organizations",
            action="store_true",
            help="Create or update the answering organizations (needs --as).",
        )
        add_actor_argument(imp)
        for verb, text in (
            ("systematize", "Counts and percents of every select question."),
            ("crosstab", "Counts of one question's choices by another's."),
            ("top", "Grouped answers of a text question, most frequent first."),
        ):
            command = sub.add_parser(verb, help=text)
            command.add_argument("name")
            if verb == "crosstab":
                command.add_argument("row_question")
                command.add_argument("col_question")
            if verb == "top":
                command.add_argument("text_question")
            command.add_argument("--network")
            command.add_argument("--json", action="store_true", help="Print JSON.")
            command.add_argument("--where", help="Only respondents with QUESTION=CHOICE.")
        listing = sub.add_parser("list", help="List a network's surveys.")
        listing.add_argument("--network")
        template = sub.add_parser("template", help="Write the built-in questionnaire (XLSForm).")
        template.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        from minga.core.intake import IntakeError

        try:
            getattr(self, f"do_{options['verb']}")(options)
        except IntakeError as exc:
            raise CommandError(exc.message) from exc
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(
                _("%(actor)s may not do this in the network (see their roles).")
                % {"actor": options.get("actor")}
            ) from exc

    def _survey(self, options: dict[str, Any]) -> Survey:
        from minga.mapping.models import Survey

        network = _network(options.get("network"))
        survey = Survey.objects.filter(network=network, name=options["name"]).first()
        if survey is None:
            raise CommandError(
                _("No survey %(name)s in the network %(network)s.")
                % {"name": options["name"], "network": network.slug}
            )
        return survey

    def _print(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    def do_import(self, options: dict[str, Any]) -> None:
        from tqdm import tqdm

        from minga.core import intake
        from minga.core.permissions import SYSTEM
        from minga.mapping import actions
        from minga.mapping.xlsform import FormError, read_form

        network = _network(options.get("network"))
        actor = actor_from(options)
        if options["organizations"] and actor is SYSTEM:
            raise CommandError(_("--organizations needs --as USERNAME."))
        # The one intake checks the files (zip bounds, XML entities, CSV limits) before any
        # parser reads them; no size limit on files on disk (the importer streams them).
        try:
            intake.sniff_file(Path(options["form"]))
            intake.sniff_file(Path(options["data"]))
            form = read_form(Path(options["form"]))
        except intake.IntakeError as exc:
            raise CommandError(exc.message) from exc
        except FormError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        except OSError as exc:
            raise CommandError(f"--form: {exc}") from exc
        with tqdm(
            desc="import", unit=" rows", disable=options["verbosity"] == 0, file=self.stderr
        ) as bar:

            def advance(rows: int) -> None:
                bar.update(rows)

            result = actions.import_responses(
                actor=actor,
                network=network,
                name=options["name"],
                form=form,
                data=Path(options["data"]),
                create_organizations=options["organizations"],
                progress=advance,
                title=options["title"],
            )
        self.stdout.write(
            _("Imported %(created)d responses into %(survey)s (%(duplicates)d already there).")
            % {
                "created": result.created,
                "survey": result.survey.name,
                "duplicates": result.duplicates,
            }
        )
        for repeat, count in result.instances.items():
            self.stdout.write(
                "  "
                + _("%(count)d instances of the repeat %(repeat)s")
                % {"count": count, "repeat": repeat}
            )
        for warning in result.warnings:
            self.stdout.write(warning)
        if options["organizations"]:
            self.stdout.write(
                _(
                    "Organizations: %(created)d created, %(updated)d updated, %(skipped)d "
                    "skipped (no known country)."
                )
                % {
                    "created": result.organizations_created,
                    "updated": result.organizations_updated,
                    "skipped": len(result.organizations_skipped),
                }
            )

    def do_systematize(self, options: dict[str, Any]) -> None:
        from minga.mapping import queries

        survey = self._survey(options)
        data = queries.systematize(survey, queries.parse_where(options["where"], survey))
        if options["json"]:
            self._print(data)
            return
        self.stdout.write(f"{survey.name}: {data['respondents']} respondents")
        for name, question in data["questions"].items():
            self.stdout.write(f"\n{name} ({question['type']}): {question['answered']} answered")
            if "repeat" in question:
                self.stdout.write(
                    f"  (once per instance of {question['repeat']}: {question['instances']} "
                    f"instances in {question['submissions']} submissions)"
                )
            for choice, figures in question["options"].items():
                self.stdout.write(f"  {choice:<30} {figures['count']:>7} {figures['percent']:>7}%")

    def do_crosstab(self, options: dict[str, Any]) -> None:
        from minga.mapping import queries

        survey = self._survey(options)
        where = queries.parse_where(options["where"], survey)
        table = queries.crosstab(survey, options["row_question"], options["col_question"], where)
        if options["json"]:
            self._print(table)
            return
        for row, cells in table.items():
            self.stdout.write(f"{row}: " + ", ".join(f"{k}={v}" for k, v in cells.items()))

    def do_top(self, options: dict[str, Any]) -> None:
        from minga.mapping import queries

        survey = self._survey(options)
        where = queries.parse_where(options["where"], survey)
        items = queries.top(survey, options["text_question"], where)
        if options["json"]:
            self._print(items)
            return
        for item in items:
            self.stdout.write(f"{item['count']:>7}  {item['value']}")

    def do_list(self, options: dict[str, Any]) -> None:
        from minga.mapping import queries

        network = _network(options.get("network"))
        for survey in queries.surveys_of(network):
            self.stdout.write(f"{survey.name}\t{survey.respondents}\t{survey}")

    def do_template(self, options: dict[str, Any]) -> None:
        from minga.mapping.template import template_bytes

        Path(options["path"]).write_bytes(template_bytes())
        self.stdout.write(f"Wrote the built-in questionnaire to {options['path']}.")
