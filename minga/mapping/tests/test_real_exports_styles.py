"""Every real published form of fixtures/forms/ (see its SOURCES.md), exported in each style of
the main tools and imported: KoboToolbox CSV (`;` and `,`, names and labels headers, group
paths with `/`), KoboToolbox XLSX (a sheet per repeat, linked by `_index`/`_parent_index`/
`_parent_table_name`), ODK Central CSV (`-` paths, split geopoints) and its zip (a CSV per
repeat, KEY/PARENT_KEY). The layouts copy those of formpack's and Central's own outputs in
fixtures/exports/. The submissions are synthetic (seeded, valid per type); every select's
counts, over submissions and over a repeat's instances, are checked against counts taken here
from the generated submissions, never through Minga's reading of the file."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from minga.core.permissions import SYSTEM
from minga.mapping import actions, queries
from minga.mapping.models import Survey
from minga.mapping.xlsform import Form, Question, read_form

pytestmark = pytest.mark.django_db

FORMS = Path(__file__).parent / "fixtures" / "forms"
SUBMISSIONS = 12
ANSWERED = (
    "select_one",
    "select_multiple",
    "integer",
    "decimal",
    "date",
    "datetime",
    "time",
    "text",
    "geopoint",
)
# Kobo's metadata columns after the questions (formpack with KPI's copy fields), and the
# copies of them on each repeat sheet.
KOBO_META = [
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
]
CENTRAL_META = [
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
]
GEO_PARTS = ("latitude", "longitude", "altitude", "precision")
CENTRAL_GEO = ("Latitude", "Longitude", "Altitude", "Accuracy")

# pyxform-calculate.xls holds only calculate and note rows: nothing a person answers, so no
# export of it carries an answer to count. Every other published form is taken.
NOTHING_TO_ANSWER = {"pyxform-calculate.xls"}
PUBLISHED = sorted(
    p.name
    for p in FORMS.iterdir()
    if p.suffix in (".xls", ".xlsx") and p.name not in NOTHING_TO_ANSWER
)
STYLES = [
    "kobo-csv-names-semicolon",
    "kobo-csv-names-comma",
    "kobo-csv-labels-semicolon",
    "kobo-csv-labels-comma",
    "kobo-xlsx-names",
    "kobo-xlsx-labels",
    "central-csv",
    "central-zip",
]
# A CSV holds one table: a form's repeats can't go in it (Minga warns that they are missing);
# Central's zip and Kobo's XLSX carry them.
ONE_TABLE = {s for s in STYLES if "csv" in s}


@dataclass
class Instance:
    """One submission or one repeat instance: its answers and its nested repeats."""

    answers: dict[str, Any] = field(default_factory=dict)
    repeats: dict[str, list[Instance]] = field(default_factory=dict)


@dataclass
class Layout:
    form: Form
    language: str
    parent: dict[str, str]  # repeat -> enclosing repeat ("" at the top)

    def questions(self, repeat: str) -> list[Question]:
        """The columns of `repeat`'s table: every question but notes, as the tools write."""
        return [q for q in self.form.questions if q.repeat == repeat and q.type != "note"]

    def children(self, repeat: str) -> list[str]:
        return [r for r, p in self.parent.items() if p == repeat]


def layout_of(form: Form) -> Layout:
    repeats = [q.repeat for q in form.questions if q.repeat]
    known = set(repeats)
    parent: dict[str, str] = {}
    for question in form.questions:
        if question.repeat and question.repeat not in parent:
            before = question.group[: question.group.index(question.repeat)]
            parent[question.repeat] = next((g for g in reversed(before) if g in known), "")
    language = next((lang for lang in form.languages if lang != "default"), "default")
    return Layout(form, language, parent)


def value_for(form: Form, question: Question, rng: random.Random, n: int) -> Any:
    kind = question.type
    if kind == "select_one":
        return rng.choice(form.choices_of(question)).name
    if kind == "select_multiple":
        # A choice name holding a space can't be told apart in a space-separated answer.
        names = [c.name for c in form.choices_of(question) if " " not in c.name]
        return " ".join(rng.sample(names, rng.randint(1, min(3, len(names)))))
    if kind == "integer":
        return rng.randint(0, 90)
    if kind == "decimal":
        return round(rng.uniform(0, 100), 2)
    if kind == "date":
        return f"2024-03-{rng.randint(1, 28):02d}"
    if kind == "datetime":
        return f"2024-03-{rng.randint(1, 28):02d}T10:{rng.randint(0, 59):02d}:00.000+00:00"
    if kind == "time":
        return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00.000+00:00"
    if kind == "geopoint":
        return f"{rng.uniform(-30, 30):.6f} {rng.uniform(-80, 80):.6f} {rng.randint(0, 900)} 5.0"
    return f"{question.name} answer {n}"


def generate(layout: Layout, name: str) -> list[Instance]:
    rng = random.Random(f"minga:{name}")

    def make(repeat: str, depth: int) -> Instance:
        instance = Instance()
        for question in layout.questions(repeat):
            if question.type in ANSWERED and rng.random() < 0.85:  # some questions left unanswered
                instance.answers[question.name] = value_for(layout.form, question, rng, depth)
        for child in layout.children(repeat):
            instance.repeats[child] = [make(child, depth + 1) for _ in range(rng.randint(0, 3))]
        return instance

    return [make("", 0) for _ in range(SUBMISSIONS)]


# Independent counts ----------------------------------------------------------------------------


def instances_of(submissions: list[Instance], layout: Layout, repeat: str) -> list[list[Instance]]:
    """Per submission, the instances of `repeat` at any depth."""

    def walk(instance: Instance, current: str) -> list[Instance]:
        found: list[Instance] = []
        for child in layout.children(current):
            for item in instance.repeats.get(child, []):
                found.extend([item] if child == repeat else walk(item, child))
        return found

    return [walk(s, "") for s in submissions]


def expected_counts(layout: Layout, submissions: list[Instance]) -> dict[str, dict[str, Any]]:
    expected: dict[str, dict[str, Any]] = {}
    for question in layout.form.questions:
        if not question.is_select:
            continue
        per_submission = (
            [[s] for s in submissions]
            if not question.repeat
            else instances_of(submissions, layout, question.repeat)
        )
        counts: Counter[str] = Counter()
        by_submission: dict[str, set[int]] = defaultdict(set)
        answered = 0
        for index, items in enumerate(per_submission):
            for item in items:
                value = item.answers.get(question.name)
                if value is None:
                    continue
                answered += 1
                chosen = str(value).split() if question.type == "select_multiple" else [value]
                for choice in chosen:
                    counts[choice] += 1
                    by_submission[choice].add(index)
        entry: dict[str, Any] = {"answered": answered, "counts": dict(counts)}
        if question.repeat:
            entry["instances"] = sum(len(items) for items in per_submission)
            entry["submissions"] = sum(1 for items in per_submission if items)
            entry["submission_counts"] = {c: len(s) for c, s in by_submission.items()}
        expected[question.name] = entry
    return expected


# Writers ---------------------------------------------------------------------------------------


def kobo_header(layout: Layout, question: Question, labels: bool) -> tuple[str, str]:
    """(group path, own name or label): formpack's header is both joined by `/`."""
    if not labels:
        return "/".join(question.group), question.name
    parts = [layout.form.group_labels.get(g, {}).get(layout.language) or g for g in question.group]
    return "/".join(parts), question.label(layout.language)


def kobo_columns(layout: Layout, repeat: str, labels: bool) -> list[tuple[str, Any]]:
    """(header, how to read the cell from an Instance) as formpack lays them out."""
    form, lang = layout.form, layout.language
    columns: list[tuple[str, Any]] = []
    for question in layout.questions(repeat):
        groups, own = kobo_header(layout, question, labels)
        head = f"{groups}/{own}" if groups else own
        name = question.name

        def cell(instance: Instance, q: Question = question) -> Any:
            value = instance.answers.get(q.name)
            if value is None or not labels or not q.is_select:
                return value
            chosen = str(value).split() if q.type == "select_multiple" else [value]
            return " ".join(form.choice(q, v).label(lang) for v in chosen)  # type: ignore[union-attr]

        # formpack heads a geopoint's own column without its groups (FormGPSField.get_labels).
        columns.append((own if question.type == "geopoint" else head, cell))
        if question.type == "select_multiple":
            for choice in form.choices_of(question):
                sub = f"{head}/{choice.label(lang) if labels else choice.name}"

                def flag(instance: Instance, n: str = name, c: str = choice.name) -> Any:
                    value = instance.answers.get(n)
                    return "" if value is None else str(int(c in str(value).split()))

                columns.append((sub, flag))
        if question.type == "geopoint":
            prefix = f"{groups}/" if groups else ""
            for i, part in enumerate(GEO_PARTS):

                def geo(instance: Instance, n: str = name, i: int = i) -> Any:
                    value = instance.answers.get(n)
                    return None if value is None else str(value).split()[i]

                columns.append((f"{prefix}_{own}_{part}", geo))
    return columns


def sheet_title(form: Form) -> str:
    title = form.title or "data"
    return title if len(title) <= 31 else title[:28] + "..."


def kobo_tables(layout: Layout, submissions: list[Instance], labels: bool) -> list[Any]:
    """[(sheet title, header, rows)]: the main table then one per repeat, as formpack writes."""
    main_title = sheet_title(layout.form)
    main_columns = kobo_columns(layout, "", labels)
    main_rows = []
    for index, submission in enumerate(submissions, 1):
        meta = [index, f"uuid-{index:04d}", "2024-03-05T10:00:00", None, None, None, None]
        meta += ["v1", None, index]
        main_rows.append([get(submission) for _h, get in main_columns] + meta)
    tables = [(main_title, [h for h, _g in main_columns] + [*KOBO_META, "_index"], main_rows)]
    for repeat in layout.parent:
        columns = kobo_columns(layout, repeat, labels)
        rows: list[list[Any]] = []
        tables.append(
            (
                repeat[:31],
                [h for h, _g in columns]
                + ["_index", "_parent_table_name", "_parent_index"]
                + [f"_submission_{m}" for m in KOBO_META],
                rows,
            )
        )
    counters: dict[str, int] = defaultdict(int)
    repeat_rows = {t[0]: t[2] for t in tables[1:]}

    def walk(
        instance: Instance, current: str, table: str, parent_index: int, submission: int
    ) -> None:
        for child in layout.children(current):
            for item in instance.repeats.get(child, []):
                counters[child] += 1
                own = counters[child]
                meta = [submission, f"uuid-{submission:04d}", "2024-03-05T10:00:00"]
                meta += [None, None, None, None, "v1", None]
                repeat_rows[child[:31]].append(
                    [get(item) for _h, get in kobo_columns(layout, child, labels)]
                    + [own, table, parent_index, *meta]
                )
                walk(item, child, child[:31], own, submission)

    for index, submission in enumerate(submissions, 1):
        walk(submission, "", main_title, index, index)
    return tables


def text(value: Any) -> str:
    return "" if value is None else str(value)


def write_csv(path: Path, header: list[str], rows: list[list[Any]], delimiter: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    writer.writerows([text(v) for v in row] for row in rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def write_xlsx(path: Path, tables: list[Any]) -> None:
    book = openpyxl.Workbook(write_only=True)
    for title, header, rows in tables:
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    book.save(path)


def central_columns(layout: Layout, repeat: str) -> list[tuple[str, Any]]:
    """ODK Central's columns: `-` group paths (relative to the repeat), a select_multiple's
    `path/choice` 0/1 columns, a geopoint in four columns."""
    columns: list[tuple[str, Any]] = []
    for question in layout.questions(repeat):
        group = question.group
        if repeat:
            group = group[group.index(repeat) + 1 :]
        head = "-".join((*group, question.name))
        name = question.name
        if question.type == "geopoint":
            for i, part in enumerate(CENTRAL_GEO):

                def geo(instance: Instance, n: str = name, i: int = i) -> Any:
                    value = instance.answers.get(n)
                    return None if value is None else str(value).split()[i]

                columns.append((f"{head}-{part}", geo))
            continue
        columns.append((head, lambda instance, n=name: instance.answers.get(n)))
        if question.type == "select_multiple":
            for choice in layout.form.choices_of(question):

                def flag(instance: Instance, n: str = name, c: str = choice.name) -> Any:
                    value = instance.answers.get(n)
                    return int(c in str(value).split()) if value is not None else 0

                columns.append((f"{head}/{choice.name}", flag))
    return columns


def central_tables(layout: Layout, submissions: list[Instance], form_id: str) -> dict[str, Any]:
    columns = central_columns(layout, "")
    main_rows = []
    for index, submission in enumerate(submissions, 1):
        key = f"uuid:{index:08d}-0000-4000-8000-000000000000"
        main_rows.append(
            [
                "2024-03-05T10:00:00.000Z",
                *(get(submission) for _h, get in columns),
                *(key, "", "", 0, 0, "", "", "", 0, "v1"),
            ]
        )
    tables: dict[str, Any] = {
        f"{form_id}.csv": (["SubmissionDate", *(h for h, _g in columns), *CENTRAL_META], main_rows)
    }
    for repeat in layout.parent:
        header = [h for h, _g in central_columns(layout, repeat)] + ["PARENT_KEY", "KEY"]
        tables[f"{form_id}-{repeat}.csv"] = (header, [])

    def walk(instance: Instance, current: str, key: str) -> None:
        for child in layout.children(current):
            for n, item in enumerate(instance.repeats.get(child, []), 1):
                own = f"{key}/{child}[{n}]"
                row = [get(item) for _h, get in central_columns(layout, child)] + [key, own]
                tables[f"{form_id}-{child}.csv"][1].append(row)
                walk(item, child, own)

    for index, submission in enumerate(submissions, 1):
        walk(submission, "", f"uuid:{index:08d}-0000-4000-8000-000000000000")
    return tables


def write_export(layout: Layout, submissions: list[Instance], style: str, tmp: Path) -> Path:
    if style.startswith("kobo"):
        tables = kobo_tables(layout, submissions, labels="labels" in style)
        if style.startswith("kobo-xlsx"):
            path = tmp / "export.xlsx"
            write_xlsx(path, tables)
            return path
        path = tmp / "export.csv"
        _title, header, rows = tables[0]
        write_csv(path, header, rows, ";" if style.endswith("semicolon") else ",")
        return path
    tables_ = central_tables(layout, submissions, "form")
    if style == "central-csv":
        path = tmp / "form.csv"
        header, rows = tables_["form.csv"]
        buffer = io.StringIO()
        csv.writer(buffer).writerows([header, *([text(v) for v in r] for r in rows)])
        path.write_text(buffer.getvalue(), encoding="utf-8")
        return path
    path = tmp / "form.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, (header, rows) in tables_.items():
            buffer = io.StringIO()
            csv.writer(buffer).writerows([header, *([text(v) for v in r] for r in rows)])
            archive.writestr(name, buffer.getvalue())
    return path


# The test --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def forms() -> dict[str, Form]:
    return {name: read_form((FORMS / name).read_bytes()) for name in PUBLISHED}


CASES = [
    # The Central styles of the forms with a `deviceid` question also carry Central's own
    # `DeviceID` column: both must be read apart (answers.ODK_CENTRAL_COLUMNS).
    pytest.param(name, style, id=f"{name}-{style}")
    for name in PUBLISHED
    for style in STYLES
]


@pytest.mark.parametrize(("name", "style"), CASES)
def test_each_published_form_exported_in_each_style_counts_as_generated(
    world, forms, tmp_path, name, style
):
    form = forms[name]
    layout = layout_of(form)
    submissions = generate(layout, name)
    data = write_export(layout, submissions, style, tmp_path)
    result = actions.import_responses(
        actor=SYSTEM, network=world.network, name="real", form=form, data=data
    )
    assert result.created == SUBMISSIONS
    repeats = bool(layout.parent)
    if repeats and style in ONE_TABLE:
        # A CSV carries only the main table: Minga says its repeats are missing.
        assert result.warnings
    else:
        assert result.warnings == []
        expected_instances = {
            r: sum(len(i) for i in instances_of(submissions, layout, r)) for r in layout.parent
        }
        assert {r: n for r, n in result.instances.items() if n} == {
            r: n for r, n in expected_instances.items() if n
        }
    figures = queries.systematize(Survey.objects.get(name="real"))
    assert figures["respondents"] == SUBMISSIONS
    for question, expected in expected_counts(layout, submissions).items():
        entry = figures["questions"][question]
        found = {c: o["count"] for c, o in entry["options"].items() if o["count"]}
        if entry.get("repeat") and style in ONE_TABLE:
            assert found == {} and entry["instances"] == 0
            continue
        assert entry["answered"] == expected["answered"], question
        assert found == expected["counts"], question
        if "instances" in expected:
            assert entry["instances"] == expected["instances"], question
            assert entry["submissions"] == expected["submissions"], question
            by_submission = {
                c: o["submissions"] for c, o in entry["options"].items() if o["submissions"]
            }
            assert by_submission == expected["submission_counts"], question
