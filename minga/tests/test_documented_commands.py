"""Every command shown in README.md and docs/**/*.md runs, in order, on a fresh demo database,
and prints what the text says it prints (#19, "Documentation that cannot drift").

What counts as a command (README, "Commands in this documentation", says the same to writers):

- Every line of a fenced block labelled `sh`, `bash`, `shell` or `zsh`, or of an unlabelled
  block whose first line starts with a command (`minga`, `make`, `sudo`, `.venv/bin/...`, ...).
  A trailing `\\` continues the line; `# ...` after the command is a comment. Blocks in any
  other language (`text`, `json`, `python`, ...) are not commands.
- In a `console` (or `shell-session`) block, or an unlabelled one starting with `$ `, a line
  starting with `$ ` is a command and the lines under it, up to the next `$ ` line, are what
  it prints on standard output, compared like a doctest with ELLIPSIS and NORMALIZE_WHITESPACE:
  `...` stands for any text, across lines too, and runs of blanks and line breaks compare
  equal. Placeholders in those lines are filled like the command's. A command without lines
  under it may print anything.
- An inline code span outside the blocks whose first word (after `VAR=value` settings) is a
  command word (`COMMAND_WORDS`, `COMMAND_PATHS`) and which has at least two words. A span of
  `minga` and lowercase words only (`minga survey import`, `minga worker`) names a command
  rather than showing one: the test checks that it exists (`minga --help` lists `worker`,
  `minga survey import --help` answers).
- A synopsis runs as follows: `[x]` is run with `x`, except a repetition `[x...]`, which is
  left out; `a|b` (or `[a | b]`) runs its first alternative; CAPITALS are placeholders
  (`PLACEHOLDERS`, some of them changed for one command in `OVERRIDES`). A command that
  elides arguments with `...`, or uses pipes or `&&`, cannot run as written.
- Commands this machine cannot or should not run (they serve forever, install packages,
  need root, or are `make test` itself) are listed in `NOT_RUN` by their exact text, with
  the reason. A new command in the docs fails until it runs or is listed; a listed command
  gone from the docs fails too. Even unrun, a `make TARGET` must name a Makefile target and
  a relative path a command names must exist.

Commands run through a subprocess, in the order of README.md and then docs/ (sorted paths),
in one temporary directory with `.venv/bin` first on PATH, on a fresh SQLite database where
`minga migrate` and `minga demo` have run, with mail written to files there
(`MINGA_EMAIL_URL=file://...`, so standard output holds only what the command prints).
Each must exit 0; a command shown again with the same text and no output under it runs once.
The temporary directory holds the files the placeholders name (`write_materials`). The commands
run on their own SQLite file on either run of the suite, so only the SQLite run runs them.
"""

from __future__ import annotations

import ast
import doctest
import os
import re
import shlex
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin"
DOCS = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]

SHELL_LANGUAGES = {"sh", "bash", "shell", "zsh"}
CONSOLE_LANGUAGES = {"console", "shell-session", "sh-session"}
COMMAND_WORDS = {"minga", "make", "sudo", "git", "systemctl", "nginx", "pip", "python3"}
COMMAND_PATHS = (".venv/bin/", "scripts/", "./", ".ci/", "bench/")

# The README's floor of test functions (README, "Two commands"); the suite collects about
# twice as many tests, with parametrized cases.
TEST_FUNCTIONS_FLOOR_TEXT = re.compile(r"more than ([\d,]+) test functions")

# Why a command is not run here. Keys are the commands exactly as written (blanks collapsed,
# comments dropped).
SERVES_FOREVER = "serves until stopped"
THE_WHOLE_SUITE = "runs the whole suite, this test included"
INSTALLS = "installs into .venv or the machine; the test runs inside the installed .venv"
PRODUCTION = (
    "sets up a production machine as root (docs/deploy.md); "
    "minga/core/tests/test_deploy_files.py checks the files it copies"
)
LONG = "runs for many minutes; a shorter form runs in `make test` or `make bench`"
ELIDED = "its arguments are elided (`...`); the full command is shown and run elsewhere"
NOT_RUN: dict[str, str] = {
    "make run": SERVES_FOREVER,
    "minga worker": SERVES_FOREVER + " (`minga worker --batch` runs what is queued and exits)",
    "minga serve --production": SERVES_FOREVER
    + " (minga/tests/test_crashes.py and test_production_load.py start it)",
    "minga serve [--production]": SERVES_FOREVER,
    "scripts/with-postgres.sh .venv/bin/python bench/load.py --production": LONG,
    "bench/load.py --production": LONG,
    "PORT=8123 make run": SERVES_FOREVER,
    "make test": THE_WHOLE_SUITE,
    "make install": INSTALLS,
    "make lint": "lint and import contracts: the first step of `make test`",
    "make messages": "rewrites the translation catalogues and needs GNU gettext",
    "make bench": LONG,
    "make bench-full": LONG,
    ".venv/bin/python bench/tally.py 1000": "a benchmark; test_bench_scripts.py runs it small",
    ".venv/bin/python bench/table.py --only tally,digest": LONG,
    "scripts/with-postgres.sh .venv/bin/python bench/tally.py --database postgres": (
        "starts a PostgreSQL server of its own; test_bench_scripts.py runs the script"
    ),
    '.venv/bin/pip install -e ".[bench]"': INSTALLS,
    "MINGA_FUZZ_EXAMPLES=100 MINGA_FUZZ_COVERAGE=1 .venv/bin/pytest "
    "minga/core/tests/test_api_fuzz.py": LONG,
    ".venv/bin/python bench/scale.py --scale 1": LONG,
    "scripts/with-postgres.sh .venv/bin/python bench/scale.py --database postgres": LONG,
    ".venv/bin/gunicorn -c minga/gunicorn.conf.py": SERVES_FOREVER,
    "minga sortition lottery ... --out lottery.csv --json": ELIDED,
    "minga sortition verify ... --seed SEED --panel id,id,... [--declined id,...] "
    "[--alternates id,...]": ELIDED,
    # docs/deploy.md, "One machine, or the first one" and "Health, backups, upgrades".
    "sudo useradd --system --home /opt/minga minga": PRODUCTION,
    "sudo git clone https://example.org/minga.git /opt/minga && cd /opt/minga": PRODUCTION,
    "sudo -u minga make install": PRODUCTION,
    "sudo mkdir -p /etc/minga /var/lib/minga && sudo chown minga /var/lib/minga": PRODUCTION,
    "sudo cp deploy/minga.env.example /etc/minga/env && sudoedit /etc/minga/env": PRODUCTION,
    "set -a; . /etc/minga/env; set +a": PRODUCTION,
    "sudo -E -u minga .venv/bin/minga check --deploy": PRODUCTION,
    "sudo -E -u minga .venv/bin/minga migrate --noinput": PRODUCTION,
    "sudo -E -u minga .venv/bin/minga collectstatic --noinput": PRODUCTION,
    "sudo -E -u minga .venv/bin/minga createsuperuser": PRODUCTION,
    "sudo cp deploy/systemd/minga-web.service deploy/systemd/minga-worker@.service "
    "/etc/systemd/system/": PRODUCTION,
    "sudo systemctl enable --now minga-web minga-worker@1": PRODUCTION,
    "sudo cp deploy/nginx/minga.conf /etc/nginx/sites-enabled/ && sudo systemctl reload nginx": (
        PRODUCTION
    ),
    "git pull && make install": PRODUCTION,
    "systemctl restart minga-web minga-worker@*": PRODUCTION,
}


@dataclass
class Run:
    """What a command's run can read: its folder and the database it runs on."""

    folder: Path
    database: Path

    def first_id(self, sql: str) -> str:
        with sqlite3.connect(self.database) as db:
            row = db.execute(sql).fetchone()
        assert row, f"the demo has no row for {sql}"
        return str(row[0])

    def lottery_row(self, number: int) -> str:
        for line in (self.folder / "lottery.csv").read_text().splitlines()[1:]:
            cells = line.split(",")
            if int(cells[0]) == number:
                return ",".join(cells[1:])
        raise AssertionError(f"lottery.csv has no row {number}")


Value = str | Callable[[Run], str]
LOTTERY_NUMBER = 7

# Placeholders, from the demo network (minga/core/demo.py and the apps' demo.py).
PLACEHOLDERS: dict[str, Value] = {
    "SLUG": "demo",
    "NAME": "mapeo-2024",  # the demo's survey
    "USERNAME": "coordinadora",
    "USER": "coordinadora",
    "THEIR_USERNAME": "coordinadora",
    "ID": lambda run: run.first_id(
        "SELECT o.id FROM core_organization o JOIN core_network n ON o.network_id = n.id "
        "WHERE n.slug = 'demo' ORDER BY o.id"
    ),
    "QUESTION": "country",
    "CHOICE": "co",
    "ROW": "country",
    "COL": "focus",
    "TEXT_QUESTION": "city",
    "PATH": "questionnaire.xlsx",
    "FILE": "backup.sqlite3",  # minga backup FILE, then minga restore FILE
    "FORM": "form",  # write_materials: form.xlsx, data.csv
    "DATA": "data",
    "K": "6",  # people.csv has 60 people; features.csv's quotas fit 6 seats
    "SEED": "4711",
    "COLUMN": "id",
    "N": str(LOTTERY_NUMBER),
    "id,...": lambda run: run.lottery_row(LOTTERY_NUMBER),
    "id,id,...": lambda run: run.lottery_row(LOTTERY_NUMBER),
    "HEX": lambda run: (run.folder / "lottery.csv.sha256").read_text().split()[0],
    "MINGA_SECRET_KEY=...": "MINGA_SECRET_KEY=" + "documented-commands-" * 3,
}

# Placeholders that mean something else in one command, by the start of its text as written.
OVERRIDES: list[tuple[str, dict[str, Value]]] = [
    ("minga network create", {"SLUG": "red-nueva", "NAME": "Red-nueva"}),
    ("minga funding import-calls", {"FILE": "calls.csv"}),
    ("minga plan export", {"FILE": "strategic-plan"}),  # as md, then as pdf
    ("minga survey import", {"NAME": "importada"}),
    ("minga protocol setup", {"SLUG": "demo-circulos"}),  # the demo's own is set up
]

# `minga restore FILE` without --replace loads into a fresh database, as the text says.
FRESH_DATABASE = {"minga restore FILE"}

FIXTURES = REPO / "minga" / "mapping" / "tests" / "fixtures" / "exports"
FORM_FIXTURE, DATA_FIXTURE = (
    "odk-central-selectMultiple-form.xlsx",
    "odk-central-selectMultiple.csv",
)
CALLS_CSV = (
    "title,funder,source_type,themes,countries,org_types,amount_min,amount_max,currency,"
    "deadline,url,criteria,joint_allowed\n"
    "Datos abiertos,Banco Sur,private,,,,,15000.50,USD,2030-04-15,,,false\n"
)


def write_materials(folder: Path, env: dict[str, str]) -> None:
    """The files the placeholders name, in the commands' folder before the first one runs:
    people.csv and features.csv (a pool of 60 for 6 seats), calls.csv (funding calls), form.xlsx
    and data.csv (an ODK Central form and export from the mapping tests' fixtures), and
    lottery.csv with its .sha256, made by the `minga sortition lottery` the README shows (its
    summary of commands verifies a lottery before the section that makes one)."""
    from minga.sortition.engine.csvio import write_features, write_people
    from minga.sortition.engine.synthetic import correlated_pool

    pool = correlated_pool(60, 6, seed=11)
    (folder / "people.csv").write_text(write_people(pool), encoding="utf-8")
    (folder / "features.csv").write_text(write_features(pool), encoding="utf-8")
    (folder / "calls.csv").write_text(CALLS_CSV, encoding="utf-8")
    for name, fixture in (("form.xlsx", FORM_FIXTURE), ("data.csv", DATA_FIXTURE)):
        (folder / name).write_bytes((FIXTURES / fixture).read_bytes())
    pool_files = ["--people", "people.csv", "--features", "features.csv", "--seats", "6"]
    lottery = ["minga", "sortition", "lottery", *pool_files, "--out", "lottery.csv", "--json"]
    done = run(lottery, folder, env)
    assert done.returncode == 0, done.stderr[-3000:]


@dataclass
class Command:
    path: str
    line: int
    text: str  # as written, blanks collapsed, comment dropped
    expected: list[str] | None = None  # a console block's output lines
    names_only: bool = False  # `minga survey import`: a command's name, checked with --help

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


# ---------------------------------------------------------------------------------------------
# Reading the docs


FENCE = re.compile(r"^\s*(```+|~~~+)\s*([\w+-]*)")


def _first_word(text: str) -> str:
    for word in text.split():
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", word):
            return word
    return ""


def _is_command_word(word: str) -> bool:
    return word in COMMAND_WORDS or word.startswith(COMMAND_PATHS)


def _clean(line: str) -> str:
    """A command as written: the comment dropped, blanks collapsed."""
    line = re.sub(r"(^|\s)#\s.*$", "", line)
    return " ".join(line.split())


def _joined(lines: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """Lines with their `\\` continuations joined, each with its first line's number."""
    pending: tuple[int, str] | None = None
    for number, line in lines:
        if pending is not None:
            number, line = pending[0], pending[1] + " " + line.strip()
            pending = None
        if line.rstrip().endswith("\\"):
            pending = (number, line.rstrip()[:-1])
            continue
        yield number, line
    if pending is not None:
        yield pending


def _block_commands(path: str, language: str, lines: list[tuple[int, str]]) -> list[Command]:
    commands: list[Command] = []
    if language not in CONSOLE_LANGUAGES:
        for number, line in _joined(lines):
            if text := _clean(line):
                commands.append(Command(path, number, text))
        return commands
    outputs: list[list[str]] = []
    for number, line in _joined(lines):
        if line.lstrip().startswith("$ "):
            commands.append(Command(path, number, _clean(line.lstrip()[2:])))
            outputs.append([])
        elif outputs:
            outputs[-1].append(line)
        elif line.strip():
            raise AssertionError(f"{path}:{number}: console output before any `$ ` command")
    for command, output in zip(commands, outputs, strict=True):
        while output and not output[-1].strip():
            output.pop()
        command.expected = output or None
    return commands


NAMES_ONLY = re.compile(r"^minga( [a-z][a-z-]*)+$")


def _inline_commands(path: str, text: str) -> list[Command]:
    commands = []
    for match in re.finditer(r"(?<!`)`([^`]+)`(?!`)", text):
        span = " ".join(match.group(1).split())
        words = span.split()
        if len(words) < 2 or not _is_command_word(_first_word(span)):
            continue
        number = text.count("\n", 0, match.start()) + 1
        commands.append(Command(path, number, span, names_only=bool(NAMES_ONLY.match(span))))
    return commands


def documented_commands(path: Path, root: Path = REPO) -> list[Command]:
    """The commands of one markdown file, in order: blocks and inline spans as they come."""
    name = str(path.relative_to(root))
    found: list[Command] = []
    prose: list[str] = []
    block: list[tuple[int, str]] | None = None
    fence, language = "", ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        opening = FENCE.match(line)
        if block is None and opening:
            block, fence, language = [], opening.group(1), opening.group(2).lower()
            prose.append("")
            continue
        if block is not None:
            if line.strip().startswith(fence) and not line.strip()[len(fence) :].strip():
                first = next((text.strip() for _, text in block if text.strip()), "")
                if language == "" and first.startswith("$ "):
                    language = "console"
                elif language == "" and _is_command_word(_first_word(first)):
                    language = "sh"
                if language in SHELL_LANGUAGES | CONSOLE_LANGUAGES:
                    found += _block_commands(name, language, block)
                block = None
            else:
                block.append((number, line))
            prose.append("")
            continue
        prose.append(line)
    assert block is None, f"{name}: a fenced block is never closed"
    found += _inline_commands(name, "\n".join(prose))
    return sorted(found, key=lambda command: command.line)


def all_commands() -> list[Command]:
    return [command for path in DOCS for command in documented_commands(path)]


# ---------------------------------------------------------------------------------------------
# Turning a documented command into one the machine runs


def _placeholders_for(text: str) -> dict[str, Value]:
    values = dict(PLACEHOLDERS)
    for start, changes in OVERRIDES:
        if text.startswith(start):
            values.update(changes)
    return values


def substitute(text: str, run: Run, *, command: str | None = None) -> str:
    """The placeholders of a command (or of what `command` prints) replaced by their values."""
    values = _placeholders_for(command or text)
    keys = sorted(values, key=len, reverse=True)
    pattern = re.compile("|".join(rf"(?<![\w.]){re.escape(key)}(?!\w)" for key in keys))

    def value(match: re.Match[str]) -> str:
        found = values[match.group(0)]
        return found if isinstance(found, str) else found(run)

    result = pattern.sub(value, text)
    if command is not None:
        return result
    left = [
        word
        for word in re.findall(r"(?<![\w.-])[A-Z][A-Z0-9_]*(?![\w=])", result)
        if not word.isdigit()
    ]
    assert not left, f"no value for the placeholders {left}: add them to PLACEHOLDERS"
    return result


def expand_synopsis(text: str) -> list[str]:
    """`[x]` with x, `[x...]` left out, `a|b` as a; then the words, as a shell splits them."""
    optional = re.compile(r"\[([^\[\]]*)\]")
    while match := optional.search(text):
        inside = match.group(1).strip()
        chosen = "" if inside.endswith("...") else inside.split("|")[0].strip()
        text = text[: match.start()] + chosen + text[match.end() :]
    words = shlex.split(text)
    for word in words:
        assert word not in {"|", "&&", "||", ";", ">", "<"}, (
            f"{word!r}: pipes and lists of commands do not run here; list it in NOT_RUN"
        )
        assert word != "..." and not word.endswith("..."), (
            "elided arguments (`...`): write the command out, or list it in NOT_RUN"
        )
    return [word.split("|")[0] if "|" in word else word for word in words]


def environment(folder: Path, database: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MINGA_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["MINGA_VAR_DIR"] = str(folder / "var")
    env["MINGA_DATABASE_URL"] = f"sqlite:///{database}"
    env["MINGA_EMAIL_URL"] = f"file://{folder / 'mail'}"
    return env


def run(words: list[str], folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """One command, its leading `VAR=value` words set in its environment."""
    words, settings = list(words), {}
    while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
        key, _, value = words.pop(0).partition("=")
        settings[key] = value
    program = words[0]
    if "/" in program and not Path(program).is_absolute():
        program = str(REPO / program)
    return subprocess.run(
        [program, *words[1:]],
        cwd=folder,
        env={**env, **settings},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def prints_as_claimed(expected: str, got: str) -> bool:
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    return doctest.OutputChecker().check_output(expected + "\n", got, flags)


# ---------------------------------------------------------------------------------------------
# The tests


def test_the_docs_show_commands_and_every_unrun_one_is_still_shown() -> None:
    commands = all_commands()
    texts = {command.text for command in commands if not command.names_only}
    assert len(commands) > 30 and "minga network list" in texts
    stale = sorted(set(NOT_RUN) - texts)
    assert not stale, f"NOT_RUN lists commands no document shows any more: {stale}"


def test_commands_not_run_still_name_make_targets_and_files_that_exist() -> None:
    makefile = (REPO / "Makefile").read_text()
    targets = set(re.findall(r"^([\w.-]+):", makefile, flags=re.MULTILINE))
    problems = []
    for command in all_commands():
        if command.text not in NOT_RUN or command.names_only:
            continue
        words = command.text.replace("&&", " ").replace(";", " ").split()
        for before, word in zip(["", *words[:-1]], words, strict=True):
            if before == "make" and word not in targets:
                problems.append(f"{command.where}: `make {word}`: no such target in the Makefile")
            path = word.split("=", 1)[-1]
            relative = "/" in path and not path.startswith(("/", "http", "-"))
            if relative and not (REPO / path).exists():
                problems.append(f"{command.where}: {word}: no such file in the repository")
    assert not problems, "\n".join(problems)


def test_the_readme_states_a_floor_of_tests_that_holds() -> None:
    """The README gives no count or time that nothing checks; its floor of test functions is
    counted here, without collecting (parametrized tests add about as many again)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    claimed = TEST_FUNCTIONS_FLOOR_TEXT.search(" ".join(readme.split()))
    assert claimed, "README.md should say 'more than N test functions'"
    floor = int(claimed.group(1).replace(",", ""))
    functions = 0
    for path in (REPO / "minga").rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions += node.name.startswith("test_")
    assert functions > floor, f"{functions} test functions, the README claims more than {floor}"


def test_a_docs_tree_without_shell_blocks_gives_no_commands(tmp_path: Path) -> None:
    guide = tmp_path / "guia.md"
    guide.write_text(
        "# Guía para coordinadoras\n\nAbra **Protocolo → Configuración** y pulse «Guardar».\n\n"
        "```\nUn esquema: red → círculos → personas\n```\n\n```text\nminga no corre aquí\n```\n"
        "`minga` es el programa; `MINGA_BEHIND_PROXY=1` es un ajuste.\n",
        encoding="utf-8",
    )
    assert documented_commands(guide, root=tmp_path) == []


def test_the_convention_reads_blocks_spans_synopses_and_claimed_output(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Run `minga survey top NAME Q --network SLUG --json`; `minga worker` names one.\n\n"
        "```console\n$ minga network list   # every network\ndemo ...\n\n$ minga --help\n```\n"
        "```sh\nminga demo [--if-empty | --reset] \\\n    [--x Y...]\n```\n",
        encoding="utf-8",
    )
    found = documented_commands(page, root=tmp_path)
    assert [(c.where, c.text, c.expected, c.names_only) for c in found] == [
        ("page.md:1", "minga survey top NAME Q --network SLUG --json", None, False),
        ("page.md:1", "minga worker", None, True),
        ("page.md:4", "minga network list", ["demo ..."], False),
        ("page.md:7", "minga --help", None, False),
        ("page.md:10", "minga demo [--if-empty | --reset] [--x Y...]", None, False),
    ]
    assert expand_synopsis("minga demo [--if-empty | --reset] [--x Y...]") == [
        "minga",
        "demo",
        "--if-empty",
    ]
    assert expand_synopsis("minga plan export --format pdf|md [--language es]")[-3:] == [
        "pdf",
        "--language",
        "es",
    ]
    with pytest.raises(AssertionError, match="elided"):
        expand_synopsis("minga sortition lottery ... --json")
    with pytest.raises(AssertionError, match="pipes"):
        expand_synopsis("minga network list | head")
    state = Run(tmp_path, tmp_path / "none.sqlite3")
    assert substitute("minga survey top NAME --network SLUG", state) == (
        "minga survey top mapeo-2024 --network demo"
    )
    with pytest.raises(AssertionError, match="UNKNOWN"):
        substitute("minga survey top UNKNOWN --network SLUG", state)
    assert prints_as_claimed("demo ...\nred ...", "demo\tRed uno\thorizontal\nred\tRed dos\n")
    assert not prints_as_claimed("1 digests sent.", "0 digests sent.\n")


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the commands run on a SQLite file of their own on either run; the SQLite run runs them",
)
def test_every_documented_command_runs_in_order_and_prints_what_the_text_claims(
    tmp_path: Path,
) -> None:
    folder = tmp_path
    database = folder / "var" / "minga.sqlite3"
    env = environment(folder, database)
    for setup in (["minga", "migrate", "-v", "0"], ["minga", "demo", "--if-empty"]):
        done = run(setup, folder, env)
        assert done.returncode == 0, done.stderr[-3000:]
    write_materials(folder, env)
    state = Run(folder, database)

    failures: list[str] = []
    listed = run(["minga", "--help"], folder, env).stdout.split()
    already_run: set[str] = set()
    for command in all_commands():
        if command.text in NOT_RUN and not command.names_only:
            continue
        if command.expected is None and command.text in already_run:
            continue  # shown again, claiming nothing new: it ran once
        already_run.add(command.text)
        name = command.text.split()[1:]
        if command.names_only and len(name) == 1:  # `minga migrate`: listed by `minga --help`
            if name[0] not in listed:
                failures.append(f"{command.where}: `minga --help` lists no command {name[0]}")
            continue
        try:
            if command.names_only:
                words = [*command.text.split(), "--help"]
            else:
                words = expand_synopsis(substitute(command.text, state))
        except AssertionError as problem:
            failures.append(f"{command.where}: `{command.text}`: {problem}")
            continue
        command_env = env
        if command.text in FRESH_DATABASE:
            fresh = folder / f"fresh-{len(list(folder.glob('fresh-*.sqlite3')))}.sqlite3"
            command_env = environment(folder, fresh)
        started = time.perf_counter()
        done = run(words, folder, command_env)
        print(f"{time.perf_counter() - started:6.2f} s  {command.where}  {' '.join(words)}")
        shown = " ".join(shlex.quote(word) for word in words)
        if done.returncode != 0:
            failures.append(
                f"{command.where}: `{shown}` exited {done.returncode}:\n"
                f"{done.stdout[-1500:]}{done.stderr[-1500:]}"
            )
        elif command.expected is not None:
            claimed = substitute("\n".join(command.expected), state, command=command.text)
            if not prints_as_claimed(claimed, done.stdout):
                failures.append(
                    f"{command.where}: `{shown}` printed\n{done.stdout[-3000:]}\n"
                    f"where the text claims\n{claimed}"
                )
    assert not failures, "\n\n".join(failures)
