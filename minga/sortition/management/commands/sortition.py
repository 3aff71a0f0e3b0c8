from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from minga.core import intake
from minga.core.text import comma_list
from minga.sortition.engine.model import Instance, SortitionInputError
from minga.sortition.engine.replacement import replay
from minga.sortition.engine.service import (
    ALGORITHMS,
    DEFAULT_PANELS,
    LOTTERY_ALGORITHMS,
    MAX_PANELS,
    DrawResult,
    run_draw,
    run_lottery,
)
from minga.sortition.inputs import PoolFileError, numbered_note, read_pool, translated


class Command(BaseCommand):
    help = (
        "Fair sortition (LEXIMIN) within quotas, with a verifiable seeded draw. "
        "`minga sortition draw --people people.csv --features features.csv --seats K "
        "--seed SEED [--algorithm leximin|goldilocks|legacy] [--id-column COLUMN] "
        "[--group-by COLUMN[,COLUMN...]] --json`; "
        "`minga sortition verify ... --panel id,id,... [--declined id,...] "
        "[--alternates id,...]` exits 0 iff that panel is the one drawn (after replacing, in "
        "order, the members who declined, first from the alternates). "
        "`minga sortition lottery --people P --features F --seats K [--panels M] "
        "[--algorithm leximin|goldilocks] [--group-by C] --out lottery.csv --json` "
        "writes the numbered table of panels to publish before the draw; "
        "`minga sortition verify --lottery lottery.csv --number N "
        "--panel id,id,...` exits 0 iff the table's hash matches and row N is that panel."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        for verb, text in (
            ("draw", "Compute the probabilities and draw a panel."),
            ("verify", "Re-run the draw, or read a lottery's table, and check a panel."),
            ("lottery", "Round the probabilities to a numbered table of panels to publish."),
        ):
            command = sub.add_parser(verb, help=text)
            # A lottery's check needs only its table: the pool's files are then optional.
            pool_required = verb != "verify"
            command.add_argument("--people", required=pool_required, type=Path, help="people.csv")
            command.add_argument(
                "--features", required=pool_required, type=Path, help="features.csv"
            )
            command.add_argument("--seats", required=pool_required, type=int)
            if verb != "lottery":
                command.add_argument(
                    "--seed", required=verb == "draw", help="The public random seed (text)."
                )
            algorithms = LOTTERY_ALGORITHMS if verb == "lottery" else ALGORITHMS
            command.add_argument("--algorithm", choices=algorithms, default="leximin")
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
            if verb == "lottery":
                command.add_argument(
                    "--panels",
                    type=int,
                    default=DEFAULT_PANELS,
                    help="How many numbered panels (default 1000: numbered 000 to 999).",
                )
                command.add_argument(
                    "--out", required=True, type=Path, help="Where to write the table (CSV)."
                )
            if verb in ("draw", "lottery"):
                command.add_argument("--json", action="store_true", help="Print JSON.")
            else:
                command.add_argument(
                    "--lottery",
                    type=Path,
                    help="A published lottery table: check its row --number instead of a draw.",
                )
                command.add_argument("--number", help="The number drawn (dice, drum or seed).")
                command.add_argument(
                    "--distribution",
                    type=Path,
                    help="The draw's published distribution.json: draw from it, once it is "
                    "shown to fit the pool's files and to be as fair as a fresh computation, "
                    "instead of from a fresh computation (whose panels may differ between "
                    "Minga's versions).",
                )
                command.add_argument(
                    "--sha256",
                    default="",
                    help="The published SHA-256 of the lottery table (default: the FILE.sha256 "
                    "written beside the table) or of the distribution.",
                )
                command.add_argument("--panel", required=True, help="Comma-separated ids.")
                command.add_argument(
                    "--declined",
                    default="",
                    help="Comma-separated ids of drawn members who declined, in order: each is "
                    "replaced by procedure minga-sortition-replacement-v1 before the check.",
                )
                command.add_argument(
                    "--alternates",
                    default="",
                    help="The draw's alternates, in order: a decline first seats the first of "
                    "them who keeps the quotas best.",
                )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "verify" and options["lottery"]:
            self._verify_lottery(options)
            return
        for name in ("people", "features", "seats", "seed"):
            if options.get(name) is None and name in options:
                raise CommandError(f"--{name} is required.")
        instance = self._instance(options)
        if options["verb"] == "lottery":
            self._lottery(instance, options)
            return
        if options["verb"] == "verify" and options["distribution"]:
            result = self._published(instance, options)
        else:
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

    def _lottery(self, instance: Instance, options: dict[str, Any]) -> None:
        from minga.sortition.engine.diagnosis import InfeasibleQuotas

        if not 1 <= options["panels"] <= MAX_PANELS:
            raise CommandError(f"--panels: from 1 to {MAX_PANELS}.")
        try:
            result = run_lottery(instance, options["panels"], options["algorithm"])
        except InfeasibleQuotas as exc:
            raise CommandError(exc.diagnosis.message()) from exc
        table = result.lottery.csv_bytes()
        out: Path = options["out"]
        out.write_bytes(table)
        # Beside the table, in sha256sum's format: what `verify --lottery` checks it against.
        Path(f"{out}.sha256").write_text(f"{result.lottery.sha256()}  {out.name}\n")
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), sort_keys=False))
            return
        self.stdout.write(f"Table: {out} ({result.lottery.panels} panels)")
        self.stdout.write(f"Table SHA-256: {result.lottery.sha256()}")
        self.stdout.write(
            f"Largest change from {options['algorithm']}: {result.lottery.max_change:.6f} "
            f"(bound k/m = {result.lottery.bound:.6f})"
        )

    def _verify_lottery(self, options: dict[str, Any]) -> None:
        from minga.sortition.engine.lottery import LotteryError, read_table, row_of

        path: Path = options["lottery"]
        if not path.is_file():
            raise CommandError(f"--lottery: no such file {path}")
        if not options["number"]:
            raise CommandError("--number: the number drawn.")
        try:
            intake.check_size(path.stat().st_size, path.name)
        except intake.IntakeError as exc:
            raise CommandError(exc.message) from exc
        data = path.read_bytes()
        found = hashlib.sha256(data).hexdigest()
        published = options["sha256"].strip().lower()
        sidecar = Path(f"{path}.sha256")
        if not published and sidecar.is_file():
            published = sidecar.read_text().split()[0].lower() if sidecar.read_text() else ""
        if not published:
            raise CommandError(
                f"Give the table's published SHA-256 (--sha256), or keep {sidecar.name} beside it."
            )
        if found != published:
            raise CommandError(
                f"The table's SHA-256 is {found}, not the published {published}: "
                "it is not the table that was published."
            )
        try:
            panel = row_of(read_table(data), options["number"])
        except LotteryError as exc:
            raise CommandError(str(exc)) from exc
        if sorted(comma_list(options["panel"])) != list(panel):
            raise CommandError(f"Not that row's panel. Row {options['number']}: {','.join(panel)}")
        self.stdout.write(
            f"OK: row {options['number']} of the table with SHA-256 {found} is that panel."
        )

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
                alternates=comma_list(options["alternates"]),
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

    def _published(self, instance: Instance, options: dict[str, Any]) -> DrawResult:
        from minga.sortition.engine.replacement import distribution_from_json
        from minga.sortition.engine.service import published_draw

        path: Path = options["distribution"]
        if not path.is_file():
            raise CommandError(f"--distribution: no such file {path}")
        try:
            intake.check_size(path.stat().st_size, path.name)
            published = distribution_from_json(json.loads(path.read_bytes()))
        except intake.IntakeError as exc:
            raise CommandError(exc.message) from exc
        except (ValueError, KeyError, TypeError, AssertionError) as exc:
            raise CommandError(f"--distribution: {path.name} is not a distribution.json") from exc
        if published.algorithm != options["algorithm"]:
            raise CommandError(
                f"--distribution: it is {published.algorithm}'s: "
                f"add --algorithm {published.algorithm}."
            )
        wanted = options["sha256"].strip().lower()
        if wanted and published.sha256() != wanted:
            raise CommandError(
                f"The distribution's SHA-256 is {published.sha256()}, not the published {wanted}."
            )
        try:
            return published_draw(instance, published, options["seed"])
        except ValueError as exc:
            raise CommandError(f"--distribution: not this pool's fair distribution: {exc}") from exc

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
