from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from minga.core import intake
from minga.core.text import comma_list
from minga.sortition.engine.model import Instance, SortitionInputError
from minga.sortition.engine.replacement import replay
from minga.sortition.engine.service import ALGORITHMS, DrawResult, run_draw
from minga.sortition.inputs import PoolFileError, numbered_note, read_pool, translated


class Command(BaseCommand):
    help = (
        "Fair sortition (LEXIMIN) within quotas, with a verifiable seeded draw. "
        "`minga sortition draw --people people.csv --features features.csv --seats K "
        "--seed SEED [--algorithm leximin|legacy] [--id-column COLUMN] "
        "[--group-by COLUMN[,COLUMN...]] --json`; "
        "`minga sortition verify ... --panel id,id,... [--declined id,...]` exits 0 iff that "
        "panel is the one drawn (after replacing, in order, the members who declined)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        for verb, text in (
            ("draw", "Compute the probabilities and draw a panel."),
            ("verify", "Re-run the draw and check a published panel."),
        ):
            command = sub.add_parser(verb, help=text)
            command.add_argument("--people", required=True, type=Path, help="people.csv")
            command.add_argument("--features", required=True, type=Path, help="features.csv")
            command.add_argument("--seats", required=True, type=int)
            command.add_argument("--seed", required=True, help="The public random seed (text).")
            command.add_argument("--algorithm", choices=ALGORITHMS, default="leximin")
            command.add_argument(
                "--id-column",
                default="",
                help="Column of people.csv holding the ids (default: id). A file of nothing but "
                "feature columns, like the replication data of Flanigan et al., has its people "
                "numbered 0, 1, 2, ... in file order.",
            )
            command.add_argument(
                "--group-by",
                default="",
                help="Column of which at most one member is drawn (an organization), or several, "
                "comma-separated, compared ignoring case (a household: "
                "primary_address1,primary_zip).",
            )
            if verb == "draw":
                command.add_argument("--json", action="store_true", help="Print JSON.")
            else:
                command.add_argument("--panel", required=True, help="Comma-separated ids.")
                command.add_argument(
                    "--declined",
                    default="",
                    help="Comma-separated ids of drawn members who declined, in order: each is "
                    "replaced by procedure minga-sortition-replacement-v1 before the check.",
                )

    def handle(self, *args: Any, **options: Any) -> None:
        instance = self._instance(options)
        result = self._draw(instance, options)
        if options["verb"] == "verify":
            self._verify(instance, result, options)
            return
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), sort_keys=False))
            return
        self.stdout.write(f"Algorithm: {result.algorithm}; seed: {result.seed!r}")
        self.stdout.write(f"Distribution SHA-256: {result.distribution_sha256}")
        self.stdout.write(f"Smallest probability: {result.min_probability:.6f}")
        self.stdout.write(f"Panel ({len(result.panel)}): {', '.join(result.panel)}")
        self.stdout.write(f"Seconds: {result.seconds:.2f}")
        for note in self.notes:
            self.stdout.write(note)

    def _verify(self, instance: Instance, result: DrawResult, options: dict[str, Any]) -> None:
        claimed = sorted(comma_list(options["panel"]))
        declined = comma_list(options["declined"])
        try:
            final = replay(
                instance=instance,
                distribution=result.distribution,
                distribution_sha256=result.distribution_sha256,
                seed=result.seed,
                panel=result.panel,
                declined=declined,
            )
        except ValueError as exc:
            raise CommandError(f"--declined: {exc}") from exc
        after = f" after {len(declined)} decline(s)" if declined else ""
        if claimed != final:
            raise CommandError(
                f"Not the drawn panel. Seed {result.seed!r} draws: {','.join(result.panel)}"
                + (f"; after the declines: {','.join(final)}" if declined else "")
            )
        self.stdout.write(
            f"OK: the panel is the one drawn with seed {result.seed!r}{after} "
            f"(distribution {result.distribution_sha256})."
        )

    def _instance(self, options: dict[str, Any]) -> Instance:
        for name in ("people", "features"):
            if not options[name].is_file():
                raise CommandError(f"--{name}: no such file {options[name]}")
        people, features = options["people"], options["features"]
        try:
            # Read whole into memory, so bounded first (survey import streams its rows instead).
            for path in (people, features):
                intake.check_size(path.stat().st_size, path.name)
            pool = read_pool(
                people.read_bytes(),
                features.read_bytes(),
                people_name=people.name,
                features_name=features.name,
                id_column=options["id_column"],
                group_by=options["group_by"],
            )
            instance = Instance(tuple(pool.people.people), pool.quotas, options["seats"])
        except (PoolFileError, intake.IntakeError) as exc:
            raise CommandError(exc.message) from exc
        except SortitionInputError as exc:
            raise CommandError(translated(exc)) from exc
        self.notes = [numbered_note(people.name)] if pool.people.id_column is None else []
        if options["verb"] == "verify" or options["json"]:
            # On stderr, so that the JSON and verify's one line on stdout stay as they are.
            for note in self.notes:
                self.stderr.write(note)
        return instance

    def _draw(self, instance: Instance, options: dict[str, Any]) -> DrawResult:
        bar = tqdm(total=len(instance.people), desc="computing probabilities", disable=None)

        def progress(done: int, total: int) -> None:
            bar.update(done - bar.n)

        from minga.sortition.engine.diagnosis import InfeasibleQuotas

        try:
            return run_draw(instance, options["seed"], options["algorithm"], progress)
        except InfeasibleQuotas as exc:
            if options.get("json"):
                self.stdout.write(
                    json.dumps({"error": "infeasible", "diagnosis": exc.diagnosis.as_json()})
                )
            raise CommandError(exc.diagnosis.message()) from exc
        finally:
            bar.close()
