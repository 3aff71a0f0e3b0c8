"""Decode survey answers exported by KoboToolbox, ODK Central or Google Forms through a form.

The file itself is read by `minga.core.intake` (encodings, delimiters, workbooks, zips, limits);
this module takes its tables: a main table of submissions and, for forms with repeat groups,
one table per repeat (a KoboToolbox XLSX sheet linked by `_index`/`_parent_index`, an ODK
Central CSV linked by `KEY`/`PARENT_KEY`). Headers may carry group paths joined by `/`
(KoboToolbox) or `-` (ODK Central), labels instead of names (in any of the form's languages,
with or without the groups' labels), and a 0/1 column per choice of a select_multiple.

Answers are a dict `{question key: value}` (its name, or its group path where two groups hold
the same name: `Question.key`); the instances of a repeat are a list of such
dicts under the repeat's name (nested repeats inside their parent's instances). No Django
import: messages are `Message`s (an English msgid and its parameters) that the caller
translates.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import getitem, itemgetter
from pathlib import Path
from typing import Any

from minga.core import intake
from minga.mapping.xlsform import METADATA_TYPES, SKIPPED_TYPES, Form, Question


def _(text: str) -> str:
    """Marks a msgid for `makemessages`; the caller translates the `Message` (no Django here)."""
    return text


# Columns Kobo, ODK Central and Google Forms add around the answers; never questions.
METADATA = {
    *METADATA_TYPES,
    "audit_url",
    "instanceid",
    "timestamp",
    "marca temporal",
    "carimbo de data/hora",
    "email address",
    "dirección de correo electrónico",
    "endereço de e-mail",
    "score",
    "puntuación",
    "pontuação",
    # ODK Central
    "submissiondate",
    "submitterid",
    "submittername",
    "attachmentspresent",
    "attachmentsexpected",
    "status",
    "reviewstate",
    "edits",
    "formversion",
    "meta-instanceid",
    "meta-instancename",
    "meta-deprecatedid",
    "meta-audit",
}
METADATA_PREFIXES = ("_", "meta/", "formhub/", "meta-")
# The columns ODK Central adds to every export, spelled as it spells them. A form may have
# a question of the same name in other case (`deviceid`): the exact spelling tells them apart.
ODK_CENTRAL_COLUMNS = frozenset(
    {
        "SubmissionDate",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "ReviewState",
        "DeviceID",
        "Edits",
        "FormVersion",
    }
)
UUID_COLUMNS = ("_uuid", "meta/instanceid", "instanceid")
# How the tables of a repeat name their rows and their parents' rows.
KOBO_INDEX, KOBO_PARENT, KOBO_PARENT_TABLE = "_index", "_parent_index", "_parent_table_name"
ODK_KEY, ODK_PARENT = "KEY", "PARENT_KEY"
# ODK Central splits a geopoint into four columns `path-Latitude`...
GEOPOINT_PARTS = ("latitude", "longitude", "altitude", "accuracy")
TRUE_CELLS = {"1", "1.0", "true", "yes"}
FALSE_CELLS = {"", "0", "0.0", "false", "no", "n/a"}
# Distinct cells remembered per column (decoded once each); bounds the importer's memory.
CACHED = 4096
_dumps = json.JSONEncoder(ensure_ascii=False).encode
_SEPARATORS = re.compile(r"[/-]")
# `kids_details[2]`: a repeat's instance in KoboToolbox's legacy (KoboCAT) flattened exports.
_INSTANCE = re.compile(r"([^/\[\]]+)\[(\d+)\]")
LEGACY_EMPTY = "n/a"


class Message:
    """A sentence for a person: an English msgid with `%(name)s` parameters, translated by
    whoever shows it (`render(gettext)`); parameters may be messages themselves."""

    __slots__ = ("params", "text")

    def __init__(self, text: str, **params: Any) -> None:
        self.text = text
        self.params = params

    def render(self, translate: Callable[[str], str] | None = None) -> str:
        params = {
            key: value.render(translate) if isinstance(value, Message) else value
            for key, value in self.params.items()
        }
        text = translate(self.text) if translate is not None else self.text
        return text % params if params else text

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.render()!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.text, self.params) == (
            other.text,
            other.params,
        )

    def __hash__(self) -> int:
        return hash(self.text)


class DataError(ValueError):
    """A file that cannot be read as an export of the form (not a cell-level problem)."""

    def __init__(self, messages: list[Message] | Message) -> None:
        self.messages = messages if isinstance(messages, list) else [messages]
        super().__init__("; ".join(map(str, self.messages)))


# Typographic quotes that editors put in place of typed ones (a form's `'` may come out as `’`).
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Ignore case, accents, typographic quotes and surrounding or repeated spaces:
    `" BOGOTÁ "` → `bogota`, `don’t` → `don't`."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _has_content(row: list[str]) -> bool:
    joined = "".join(row)
    return bool(joined) and not joined.isspace()


# Tables --------------------------------------------------------------------------------------


Source = Message | str


def located(source: Source, text: str, **params: Any) -> Message:
    """`text` after the file or sheet it is about (`export.xlsx, sheet loop, row 3...`)."""
    if source:
        return Message(_("%(source)s, %(detail)s"), source=source, detail=Message(text, **params))
    return Message(text, **params)


@dataclass
class Table:
    """A header and a stream of rows: (row number in the file, cells), blank rows included
    or not (numbers are the file's own either way; the decoder skips blank rows). `source`
    names the table in messages (`export.csv`, `export.xlsx, sheet loop`); `name` is the
    sheet's or file's own name."""

    source: Source
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    name: str = ""


@dataclass
class Export:
    """What an export holds: its main table and one table per repeat group (if any)."""

    main: Table
    repeats: list[Table] = field(default_factory=list)
    # The file's name without its extension (an ODK Central zip's form id, its CSVs' prefix).
    stem: str = ""
    close: Callable[[], None] | None = None


def _refused(exc: intake.IntakeError) -> DataError:
    return DataError(Message(exc.template, **exc.params))


def _guarded(rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    """The intake checks rows as they are read: its refusals become this module's errors."""
    try:
        yield from rows
    except intake.IntakeError as exc:
        raise _refused(exc) from exc


def _table(rows: Iterator[tuple[int, list[str]]], source: Source, name: str, label: str) -> Table:
    rows = _guarded(rows)
    first = next(rows, None)
    if first is None:
        raise DataError(Message(_("%(file)s: the data file is empty"), file=label))
    return Table(source=source, header=[h.strip() for h in first[1]], rows=rows, name=name)


def open_export(path: Path, name: str | None = None, *, max_rows: int | None = None) -> Export:
    """The export in `path`, read through the intake (its kind told by its content): a CSV
    (KoboToolbox, ODK Central without repeats, Google Forms), an .xlsx (KoboToolbox: a sheet
    per repeat) or a zip of CSVs (ODK Central: a file per repeat). `name` is the file's name
    as the person knows it (messages name it). A CSV is streamed; a workbook or zip is read
    whole (the intake bounds it first). Raises DataError."""
    label = name or path.name
    limit = intake.MAX_ROWS if max_rows is None else max_rows
    try:
        if path.stat().st_size == 0:
            raise DataError(Message(_("%(file)s: the data file is empty"), file=label))
        kind = intake.sniff_file(path, label, max_rows=limit)
        stem = label.rsplit(".", 1)[0] if "." in label else label
        if kind == "csv":
            rows = intake.csv_file_rows(path, label, max_rows=limit)
            return Export(main=_table(rows, label, label, label), stem=stem)
        if kind == "xlsx":
            return _workbook_export(path.read_bytes(), label, limit)
        if kind == "zip":
            return _zip_export(path.read_bytes(), label, limit)
        raise DataError(
            Message(
                _(
                    "%(file)s is an old Excel workbook (.xls): save it as .xlsx or CSV and import "
                    "that"
                ),
                file=label,
            )
        )
    except intake.IntakeError as exc:
        raise _refused(exc) from exc
    except OSError as exc:
        raise DataError(
            Message(_("%(file)s cannot be read: %(detail)s"), file=label, detail=exc.strerror)
        ) from exc


def _workbook_export(data: bytes, label: str, limit: int) -> Export:
    """A KoboToolbox XLSX export: the submissions on the first sheet, a sheet per repeat."""
    workbook = intake.open_workbook(data, label, max_rows=limit)
    tables = []
    try:
        for title in workbook.sheetnames:
            rows = intake.sheet_rows(workbook, title, label, max_rows=limit)
            source = Message(_("%(file)s, sheet %(sheet)s"), file=label, sheet=title)
            try:
                tables.append(_table(rows, source, title, label))
            except DataError:
                if not tables:
                    raise
                continue  # an empty sheet after the first: nothing to read
    except BaseException:
        workbook.close()
        raise
    return Export(main=tables[0], repeats=tables[1:], close=workbook.close)


def _zip_export(data: bytes, label: str, limit: int) -> Export:
    """An ODK Central export: `FORM.csv` for the submissions, `FORM-REPEAT.csv` per repeat
    (their rows carry PARENT_KEY). Other files (media) are left alone."""
    members = intake.zip_members(data, label)
    main: list[Table] = []
    repeats: list[Table] = []
    for member, content in sorted(members.items()):
        if not member.lower().endswith(".csv"):
            continue
        member_label = f"{label}: {member}"
        text = intake.decode_text(content, member_label)
        source = Message(_("%(file)s, file %(member)s"), file=label, member=member)
        table = _table(intake.csv_rows(text, member_label, max_rows=limit), source, member, label)
        (repeats if ODK_PARENT in table.header else main).append(table)
    if len(main) != 1:
        raise DataError(
            Message(
                _(
                    "%(file)s: a zip export holds one CSV file of submissions (without a "
                    "PARENT_KEY column); this one holds %(count)d"
                ),
                file=label,
                count=len(main),
            )
        )
    stem = str(main[0].name).rsplit("/", 1)[-1]
    stem = stem[:-4] if stem.lower().endswith(".csv") else stem
    return Export(main=main[0], repeats=repeats, stem=stem)


# Messages of cells ---------------------------------------------------------------------------


@dataclass
class CellError:
    row: int
    column: str
    value: str
    why: Message | str
    source: Source = ""

    def message(self) -> Message:
        return located(
            self.source,
            _("row %(row)d, column %(column)s: value %(value)s: %(why)s"),
            row=self.row,
            column=self.column,
            value=repr(self.value),
            why=self.why,
        )

    def __str__(self) -> str:
        return str(self.message())


@dataclass
class Decoded:
    key: str
    answers: dict[str, Any]


class _Cells(dict[str, str | None]):
    """One column's cells → JSON fragments (`"name": value`, None for an empty cell).
    Remembers up to CACHED distinct cells, so a repeated answer is decoded once."""

    def __init__(self, name: str, convert: Callable[[str], Any]) -> None:
        super().__init__()
        self.prefix = _dumps(name) + ": "
        self.convert = convert
        self.answers: dict[str, Any] = {}

    def value(self, raw: str) -> Any:
        """The cell's answer (None when empty); ValueError when it is not valid."""
        try:
            return self.answers[raw]
        except KeyError:
            pass
        text = raw.strip()
        value = self.convert(text) if text else None
        if len(self.answers) < CACHED:
            self.answers[raw] = value
        return value

    def __missing__(self, raw: str) -> str | None:
        value = self.value(raw)
        fragment = None if value is None else self.prefix + _dumps(value)
        if len(self) < CACHED:
            self[raw] = fragment
        return fragment


# Which question a header names -----------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """What a header may name: a question's answer column, or one choice's 0/1 column."""

    question: Question
    choice: str = ""


class Headers:
    """The form's questions by every spelling an export may give them: names (any case),
    group paths joined by `/` or `-`, labels in each language, labels behind their groups'
    labels, and `question/choice` columns (names or labels). Built once per form."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.order = {q.key: position for position, q in enumerate(form.questions)}
        self.names: dict[str, list[_Target]] = {}
        self.labels: dict[str, list[_Target]] = {}
        # A select_multiple's choices by name and by folded label, built when first asked.
        self._choices: dict[str, tuple[set[str], dict[str, str]]] = {}
        for question in form.questions:
            target = _Target(question)
            for key in self._name_keys(question):
                self._add(self.names, key.casefold(), target)
            for key in self._label_keys(question):
                self._add(self.labels, fold(key), target)

    @staticmethod
    def _add(table: dict[str, list[_Target]], key: str, target: _Target) -> None:
        found = table.setdefault(key, [])
        if target not in found:
            found.append(target)

    @staticmethod
    def _name_keys(question: Question) -> list[str]:
        keys = [question.name]
        groups = list(question.group)
        # Paths from the root and, inside a repeat, from the repeat (ODK Central's repeat CSVs).
        starts = [0]
        if question.repeat and question.repeat in groups:
            starts.append(len(groups) - groups[::-1].index(question.repeat))
        for start in starts:
            path = [*groups[start:], question.name]
            if len(path) > 1:
                keys += ["/".join(path), "-".join(path)]
        return keys

    def _label_keys(self, question: Question) -> list[str]:
        keys = []
        for language, label in question.labels.items():
            if not label:
                continue
            keys.append(label)
            if question.group:
                groups = [
                    self.form.group_labels.get(group, {}).get(language) or group
                    for group in question.group
                ]
                keys.append("/".join([*groups, label]))
        return keys

    def _questions(self, head: str) -> list[_Target]:
        return self.names.get(head.casefold()) or self.labels.get(fold(head)) or []

    def _choice_of(self, question: Question, ending: str) -> str:
        known = self._choices.get(question.key)
        if known is None:
            names = {c.name for c in self.form.choices_of(question)}
            labels: dict[str, str] = {}
            for choice in self.form.choices_of(question):
                for label in choice.labels.values():
                    if label:
                        labels.setdefault(fold(label), choice.name)
            known = self._choices[question.key] = (names, labels)
        names, labels = known
        if ending in names:
            return ending
        return labels.get(fold(ending), "")

    def _choice_columns(self, head: str) -> list[_Target]:
        """`question/choice` (names or labels, a label may hold `/` itself): every split at
        a `/` whose left side names a select_multiple and right side one of its choices."""
        found: list[_Target] = []
        for match in re.finditer("/", head):
            left, right = head[: match.start()].strip(), head[match.end() :].strip()
            if not left or not right:
                continue
            for target in self._questions(left):
                if target.question.type != "select_multiple":
                    continue
                choice = self._choice_of(target.question, right)
                if choice:
                    chosen = _Target(target.question, choice)
                    if chosen not in found:
                        found.append(chosen)
        return found

    def targets(self, head: str) -> list[_Target]:
        """What `head` may name, best spelling first: names and paths, labels, choice
        columns, then the header's tail after a `/` or `-` (a path the form does not share)."""
        found = self._questions(head) or self._choice_columns(head)
        if found:
            return found
        for match in _SEPARATORS.finditer(head):
            tail = head[match.end() :].strip()
            if tail:
                found = self._questions(tail) or self._choice_columns(tail)
                if found:
                    return found
        return []

    def repeat_of(self, header: Iterable[str]) -> Counter[str]:
        """How many of a table's columns name questions of each section (`""`: no repeat)."""
        sections: Counter[str] = Counter()
        for raw in header:
            head = raw.strip()
            if not head or head.casefold().startswith(METADATA_PREFIXES):
                continue
            targets = self.targets(head)
            repeats = {target.question.repeat for target in targets}
            if len(repeats) == 1:
                sections[repeats.pop()] += 1
        return sections


def _question_path(question: Question) -> str:
    return question.path


def _picker(order: list[int]) -> Callable[[list[str]], Iterable[str]]:
    """The cells at `order` of a row, as a tuple (itemgetter of one index returns the bare
    cell)."""
    if not order:
        return lambda row: ()
    picked = itemgetter(*order)
    if len(order) > 1:
        return picked
    return lambda row: (picked(row),)


# Decoding ------------------------------------------------------------------------------------


def _foreign(question: Question, section: str) -> Callable[[str], Any]:
    """A column on the wrong table: any answer in it is refused (and says where it belongs)."""

    def refuse(_value: str) -> Any:
        if question.repeat:
            raise ValueError(
                Message(
                    _(
                        "question %(question)s is inside the repeat %(repeat)s: its answers "
                        "belong on that repeat's sheet or file"
                    ),
                    question=question.key,
                    repeat=question.repeat,
                )
            )
        raise ValueError(
            Message(
                _(
                    "question %(question)s is asked once per submission: its answers belong "
                    "on the main sheet or file, not on the repeat %(repeat)s"
                ),
                question=question.key,
                repeat=section,
            )
        )

    return refuse


@dataclass
class Decoder:
    """Maps a table's columns onto a form's questions and turns cells into answers.

    `section` is the repeat whose instances the table holds ("" for the submissions).
    Answers: select_one → choice name; select_multiple → list of choice names (form order);
    integer → int; decimal → float; range → int or float; date → ISO date; rank → list of
    choice names (ranked order); geopoint → `lat lon alt acc`; others → the text, stripped.
    """

    form: Form
    header: list[str]
    source: Source = ""
    section: str = ""
    headers: Headers | None = None
    # A main table whose repeats hold every question may name none itself (ODK Central).
    require_questions: bool = True
    columns: dict[int, Question] = field(default_factory=dict)
    uuid_column: int | None = None
    index_column: int | None = None
    parent_column: int | None = None
    parent_table_column: int | None = None
    # Several columns that make one answer: a select_multiple's 0/1 columns (when the export
    # has no column of its own), an ODK geopoint's four parts.
    choice_columns: dict[int, tuple[Question, str]] = field(default_factory=dict)
    point_columns: dict[int, tuple[Question, int]] = field(default_factory=dict)
    # KoboToolbox's legacy CSV flattens repeats into `kids/kids_details[2]/kids_name`: the
    # question and the (repeat, instance number) path down to it; its empty cells read `n/a`.
    flat_columns: dict[int, tuple[Question, tuple[tuple[str, int], ...]]] = field(
        default_factory=dict
    )
    _choice_names: dict[str, dict[str, str]] = field(default_factory=dict)
    _choice_labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.headers is None:
            self.headers = Headers(self.form)
        for question in self.form.questions:
            if not (question.is_select or question.type == "rank"):
                continue
            names = {c.name: c.name for c in self.form.choices_of(question)}
            labels: dict[str, str] = {}
            for choice in self.form.choices_of(question):
                for label in choice.labels.values():
                    labels.setdefault(fold(label), choice.name)
                labels.setdefault(fold(choice.name), choice.name)
            self._choice_names[question.key] = names
            self._choice_labels[question.key] = labels
        self._convert: dict[int, Callable[[str], Any]] = {}
        self._map_columns()
        # Skipped types (notes, calculations, the device's metadata) were never part of a
        # submission's identity: keys of files imported before they were read stay the same.
        self._hashed = {
            index for index, question in self.columns.items() if question.type not in SKIPPED_TYPES
        }
        # The fast path (`encode`): columns in question-name order, as sorted JSON keys are.
        order = sorted(self.columns, key=lambda index: self.columns[index].key)
        self._order = order
        self._cells = [self._cells_of(index) for index in order]
        self._hashed_flags = [index in self._hashed for index in order]
        self._all_hashed = all(self._hashed_flags)
        self._pick: Callable[[list[str]], Iterable[str]] = _picker(order)
        used = [
            *order,
            *self.choice_columns,
            *self.point_columns,
            *self.flat_columns,
            *(
                c
                for c in (
                    self.uuid_column,
                    self.index_column,
                    self.parent_column,
                    self.parent_table_column,
                )
                if c is not None
            ),
        ]
        self._width = max([*used, 0]) + 1
        # Several columns making one answer: decoded row by row (`decode`), not cell by cell.
        self.fast = not self.choice_columns and not self.point_columns and not self.flat_columns
        selects = [
            i
            for i, index in enumerate(order)
            if self.columns[index].is_select and self.columns[index].repeat == self.section
        ]
        self._selects = [(self.columns[order[i]].key, self._cells[i]) for i in selects]
        chosen = [order[i] for i in selects] or [0]
        # itemgetter of two or more indexes returns a tuple; of one, the bare cell.
        self._chosen = itemgetter(*chosen, *chosen) if len(chosen) < 2 else itemgetter(*chosen)
        self._chosen_count = len(selects)
        self._pending: list[Counter[str]] = [Counter() for _ in selects]

    # Columns ---------------------------------------------------------------------------------

    def _map_columns(self) -> None:
        assert self.headers is not None
        errors: list[Message] = []
        # (index, head, candidates) of the columns that name several questions.
        ambiguous: list[tuple[int, str, list[_Target]]] = []
        resolved: dict[int, _Target] = {}
        skipped: set[int] = set()
        for index, raw in enumerate(self.header):
            head = raw.strip()
            if not head:
                continue
            lowered = head.casefold()
            if lowered in UUID_COLUMNS:
                self.uuid_column = index
                continue
            if head in (KOBO_INDEX, ODK_KEY) and not self.headers.names.get(lowered):
                self.index_column = index
                if head == ODK_KEY and not self.section:
                    self.uuid_column = index  # ODK Central's KEY is the instanceID
                continue
            if head in (KOBO_PARENT, ODK_PARENT) and not self.headers.names.get(lowered):
                self.parent_column = index
                continue
            if head == KOBO_PARENT_TABLE:
                self.parent_table_column = index
                continue
            named = self.headers.names.get(lowered)
            if head in ODK_CENTRAL_COLUMNS and not self.headers.form.question(head):
                skipped.add(index)
                continue
            if not named and (
                lowered in METADATA
                or lowered.startswith(METADATA_PREFIXES)
                or lowered.rsplit("/", 1)[-1].startswith("_")
            ):
                skipped.add(index)
                continue
            if _INSTANCE.search(head):
                flat = self._flat_column(head)
                if flat is not None:
                    self.flat_columns[index] = flat
                    continue
            candidates = self._preferred(self.headers.targets(head))
            if not candidates:
                part = self._point_part(head)
                if part is not None:
                    self.point_columns[index] = part
                    continue
                if head.endswith("_URL") and self._preferred(self.headers.targets(head[:-4])):
                    continue  # KoboToolbox's link to a media answer
                errors.append(
                    located(
                        self.source,
                        _("column %(column)s: header %(header)s: not a question of the form"),
                        column=column_name(index),
                        header=repr(head),
                    )
                )
                continue
            if len(candidates) == 1:
                resolved[index] = candidates[0]
            else:
                ambiguous.append((index, head, candidates))
        if ambiguous:
            errors += self._by_position(ambiguous, resolved)
        taken: dict[str, str] = {}
        mains = {t.question.key for t in resolved.values() if not t.choice}
        for index, target in sorted(resolved.items()):
            question = target.question
            head = self.header[index].strip()
            if target.choice:
                if question.key not in mains:
                    self.choice_columns[index] = (question, target.choice)
                continue
            if question.key in taken:
                errors.append(
                    located(
                        self.source,
                        _(
                            "column %(column)s: header %(header)s: question %(question)s "
                            "already read from column %(other)s"
                        ),
                        column=column_name(index),
                        header=repr(head),
                        question=question.key,
                        other=taken[question.key],
                    )
                )
                continue
            taken[question.key] = column_name(index)
            self.columns[index] = question
            if question.repeat != self.section:
                self._convert[index] = _foreign(question, self.section)
        if (
            self.require_questions
            and not self.section
            and not self.columns
            and not self.choice_columns
            and not self.point_columns
            and not errors
        ):
            errors.append(
                located(self.source, _("no column of the file is a question of the form"))
            )
        if errors:
            raise DataError(errors)

    def _preferred(self, targets: list[_Target]) -> list[_Target]:
        """This table's own questions first; questions of other sections only without them."""
        own = [t for t in targets if t.question.repeat == self.section]
        return own or targets

    def _point_part(self, head: str) -> tuple[Question, int] | None:
        assert self.headers is not None
        base, _dash, part = head.rpartition("-")
        if not base or part.casefold() not in GEOPOINT_PARTS:
            return None
        found = [
            t for t in self._preferred(self.headers.targets(base)) if t.question.type == "geopoint"
        ]
        if len(found) != 1:
            return None
        return found[0].question, GEOPOINT_PARTS.index(part.casefold())

    def _by_position(
        self,
        ambiguous: list[tuple[int, str, list[_Target]]],
        resolved: dict[int, _Target],
    ) -> list[Message]:
        """Columns whose header names several questions (two questions labelled "Please
        specify"): exports list columns in the form's order, so the questions already placed
        around a column tell which it is; a choice column belongs to the select_multiple read
        just before it. Where that still leaves a choice, the message names the questions."""
        assert self.headers is not None
        order = self.headers.order
        errors: list[Message] = []
        taken = {t.question.key for t in resolved.values() if not t.choice}
        for position, (index, head, candidates) in enumerate(ambiguous):
            choices = [t for t in candidates if t.choice]
            if choices and len(choices) == len(candidates):
                before = [
                    (i, t.question.key)
                    for i, t in resolved.items()
                    if i < index
                    and not t.choice
                    and any(c.question.key == t.question.key for c in choices)
                ]
                if before:
                    nearest = max(before)[1]
                    resolved[index] = next(c for c in choices if c.question.key == nearest)
                    continue
            left = max(
                (order[t.question.key] for i, t in resolved.items() if i < index),
                default=-1,
            )
            right = min(
                (order[t.question.key] for i, t in resolved.items() if i > index),
                default=len(order),
            )
            free = [t for t in candidates if t.choice or t.question.key not in taken]
            between = [t for t in free if left < order[t.question.key] < right] or free
            same = [
                other
                for other in ambiguous[position:]
                if {t.question.key for t in other[2]} == {t.question.key for t in candidates}
                and other[0] not in resolved
            ]
            if len(between) == 1 or (between and len(same) >= len(between)):
                chosen = min(between, key=lambda t: order[t.question.key])
                resolved[index] = chosen
                if not chosen.choice:
                    taken.add(chosen.question.key)
                continue
            names = [t.question.key + (f"/{t.choice}" if t.choice else "") for t in candidates]
            paths = [
                _question_path(t.question) + (f"/{t.choice}" if t.choice else "")
                for t in candidates
            ]
            errors.append(
                located(
                    self.source,
                    _(
                        "column %(column)s: header %(header)s could be question %(questions)s "
                        "(%(paths)s); export with names, or with the groups in the headers, "
                        "to tell them apart"
                    ),
                    column=column_name(index),
                    header=repr(head),
                    questions=" / ".join(names),
                    paths=", ".join(paths),
                )
            )
        return errors

    # Cells -----------------------------------------------------------------------------------

    def _cells_of(self, index: int) -> _Cells:
        question = self.columns[index]
        convert = self._convert.get(index)
        if convert is None:

            def convert(value: str) -> Any:
                return self._value(question, value)

            self._convert[index] = convert
        return _Cells(question.key, convert)

    def select_cells(self, row: list[str]) -> tuple[str, ...]:
        """The select questions' cells of a row passed to `encode`. A tuple of strings only:
        the garbage collector stops tracking it at once, so a batch of them costs collections
        nothing (rows kept as lists would be traversed again and again)."""
        if not self._chosen_count:
            return ()
        cells: tuple[str, ...] = self._chosen(row)
        return cells[: self._chosen_count]

    def cell(self, row: list[str], index: int | None) -> str:
        if index is None or index >= len(row):
            return ""
        return row[index].strip()

    def decode(self, number: int, row: list[str]) -> Decoded | list[CellError]:
        answers: dict[str, Any] = {}
        errors: list[CellError] = []
        for index, question in self.columns.items():
            raw = row[index] if index < len(row) else ""
            value = raw.strip()
            if not value or (self.flat_columns and value == LEGACY_EMPTY):
                continue
            try:
                answers[question.key] = self._convert[index](value)
            except ValueError as exc:
                errors.append(self._error(number, index, raw, exc))
        self._decode_choices(number, row, answers, errors)
        self._decode_points(number, row, answers, errors)
        if self.flat_columns:
            self._decode_flat(number, row, answers, errors)
        if errors:
            return errors
        uuid = self.cell(row, self.uuid_column)
        return Decoded(key=uuid or content_key(self._hashed_part(answers)), answers=answers)

    def _error(self, number: int, index: int, raw: str, exc: ValueError) -> CellError:
        why = exc.args[0] if exc.args else ""
        return CellError(number, self.header[index], raw, why, self.source)

    def _decode_choices(
        self, number: int, row: list[str], answers: dict[str, Any], errors: list[CellError]
    ) -> None:
        chosen: dict[str, set[str]] = {}
        for index, (question, choice) in self.choice_columns.items():
            raw = row[index] if index < len(row) else ""
            cell = raw.strip().casefold()
            picked = chosen.setdefault(question.key, set())
            if cell in TRUE_CELLS:
                picked.add(choice)
            elif cell not in FALSE_CELLS:
                errors.append(
                    CellError(
                        number,
                        self.header[index],
                        raw,
                        Message(_("not 1 or 0 (chosen or not)")),
                        self.source,
                    )
                )
        for name, picked in chosen.items():
            if picked:
                order = list(self._choice_names[name])
                answers[name] = sorted(picked, key=order.index)

    def _flat_column(self, head: str) -> tuple[Question, tuple[tuple[str, int], ...]] | None:
        assert self.headers is not None
        path = tuple((m.group(1), int(m.group(2))) for m in _INSTANCE.finditer(head))
        innermost = path[-1][0]
        found = [
            t
            for t in self.headers.targets(_INSTANCE.sub(r"\1", head))
            if not t.choice and t.question.repeat == innermost
        ]
        if len(found) != 1:
            return None
        return found[0].question, path

    def _decode_flat(
        self, number: int, row: list[str], answers: dict[str, Any], errors: list[CellError]
    ) -> None:
        """Rebuild the repeats of a legacy flattened row: instances by number (those with no
        answer are not there), nested as their paths say."""
        tree: dict[str, dict[int, dict[str, Any]]] = {}
        for index, (question, path) in self.flat_columns.items():
            raw = row[index] if index < len(row) else ""
            value = raw.strip()
            if not value or value == LEGACY_EMPTY:
                continue
            try:
                decoded = self._value(question, value)
            except ValueError as exc:
                errors.append(self._error(number, index, raw, exc))
                continue
            level = tree
            node: dict[str, Any] = {}
            for repeat, instance in path:
                node = level.setdefault(repeat, {}).setdefault(instance, {})
                level = node.setdefault("", {})
            node.setdefault("answers", {})[question.key] = decoded

        def build(level: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
            built: dict[str, list[dict[str, Any]]] = {}
            for repeat, instances in level.items():
                for _number, node in sorted(instances.items()):
                    instance = dict(node.get("answers", {}))
                    instance.update(build(node.get("", {})))
                    if instance:
                        built.setdefault(repeat, []).append(instance)
            return built

        answers.update(build(tree))

    def _decode_points(
        self, number: int, row: list[str], answers: dict[str, Any], errors: list[CellError]
    ) -> None:
        parts: dict[str, list[str]] = {}
        for index, (question, part) in self.point_columns.items():
            raw = row[index] if index < len(row) else ""
            value = raw.strip()
            if value:
                try:
                    float(value)
                except ValueError:
                    errors.append(
                        CellError(
                            number, self.header[index], raw, Message(_("not a number")), self.source
                        )
                    )
                    continue
            parts.setdefault(question.key, ["", "", "", ""])[part] = value
        for name, values in parts.items():
            if any(values):
                answers[name] = " ".join(v for v in values if v)

    def _hashed_part(self, answers: dict[str, Any]) -> dict[str, Any]:
        if self._all_hashed:
            return answers
        unhashed = {self.columns[i].key for i in self.columns if i not in self._hashed}
        return {k: v for k, v in answers.items() if k not in unhashed}

    def finish(self, key: str, answers: dict[str, Any]) -> tuple[str, str]:
        """`(key, answers as JSON text)` of answers built by `decode` (and their repeats)."""
        text = json.dumps(answers, sort_keys=True, ensure_ascii=False)
        if key:
            return key, text
        if self._all_hashed:
            return _hash(text), text
        return content_key(self._hashed_part(answers)), text

    def encode(self, number: int, row: list[str]) -> tuple[str, str] | list[CellError] | None:
        """`(key, answers)` with the answers as JSON text with sorted keys (the text that
        `content_key` hashes), the row's errors, or None for a blank row: `decode` with
        each distinct cell of a column decoded once. Pads a short `row` in place."""
        if len(row) < self._width:
            row.extend([""] * (self._width - len(row)))
        if not self.fast:
            decoded = self.decode(number, row)
            if isinstance(decoded, list):
                return decoded
            if not decoded.answers and not _has_content(row):
                return None
            return self.finish(self.cell(row, self.uuid_column), decoded.answers)
        try:
            if self._all_hashed:
                fragments: Iterable[str | None] = map(getitem, self._cells, self._pick(row))
                text = "{" + ", ".join(filter(None, fragments)) + "}"
                hashed = text
            else:
                listed = list(map(getitem, self._cells, self._pick(row)))
                text = "{" + ", ".join(filter(None, listed)) + "}"
                hashed = (
                    "{"
                    + ", ".join(
                        f for f, flag in zip(listed, self._hashed_flags, strict=True) if f and flag
                    )
                    + "}"
                )
        except ValueError:
            decoded = self.decode(number, row)
            if isinstance(decoded, list):
                return decoded
            raise  # pragma: no cover (both paths decode the same way)
        key = row[self.uuid_column].strip() if self.uuid_column is not None else ""
        if key:
            return key, text
        if text == "{}" and not _has_content(row):
            return None
        return _hash(hashed), text

    def count_selects(self, cells: list[tuple[str, ...]]) -> bool:
        """Count the `select_cells` of valid rows, cell by cell (decoded later, each distinct
        cell once). True when a column holds so many distinct cells that it is time to
        `drain_counts` (memory stays bounded)."""
        full = False
        for position, counter in enumerate(self._pending):
            counter.update(map(itemgetter(position), cells))
            full = full or len(counter) >= CACHED
        return full

    def drain_counts(self) -> Iterator[tuple[str, Any, int]]:
        """`(question, answer, how many rows)` of the select cells counted so far; forgets
        them."""
        for (name, column), counter in zip(self._selects, self._pending, strict=True):
            for raw, times in counter.items():
                yield name, column.value(raw), times
            counter.clear()

    def select_counts(self, cells: list[tuple[str, ...]]) -> Iterator[tuple[str, Any, int]]:
        """`count_selects` and `drain_counts` at once."""
        self.count_selects(cells)
        return self.drain_counts()

    # Values ----------------------------------------------------------------------------------

    def _value(self, question: Question, value: str) -> Any:
        kind = question.type
        if kind == "select_one":
            return self._choice(question, value)
        if kind == "select_multiple":
            return self._choices(question, value)
        if kind == "integer":
            try:
                number = float(value.replace(",", "."))
            except ValueError:
                raise ValueError(Message(_("not a whole number"))) from None
            if not number.is_integer():
                raise ValueError(Message(_("not a whole number")))
            return int(number)
        if kind in ("decimal", "range"):
            try:
                number = float(value.replace(",", ".") if value.count(",") == 1 else value)
            except ValueError:
                raise ValueError(Message(_("not a number"))) from None
            if not math.isfinite(number):
                raise ValueError(Message(_("not a number")))
            if kind == "range" and number.is_integer():
                return int(number)
            return number
        if kind == "date":
            return parse_date(value)
        if kind == "rank" and question.key in self._choice_names:
            return self._ranked(question, value)
        return value

    def _choice(self, question: Question, value: str) -> str:
        names = self._choice_names[question.key]
        if value in names:
            return value
        found = self._choice_labels[question.key].get(fold(value))
        if found is None:
            raise ValueError(Message(_("not a choice of %(list)s"), list=question.list_name))
        return found

    def _choices(self, question: Question, value: str) -> list[str]:
        names = self._choice_names[question.key]
        tokens = value.split()
        if all(token in names for token in tokens):
            chosen = set(tokens)
        else:
            chosen = self._labels_in(question, value)
        order = list(names)
        return sorted(chosen, key=order.index)

    def _ranked(self, question: Question, value: str) -> list[str]:
        names = self._choice_names[question.key]
        tokens = value.split()
        if all(token in names for token in tokens):
            return list(dict.fromkeys(tokens))
        raise ValueError(Message(_("not choices of %(list)s"), list=question.list_name))

    def _labels_in(self, question: Question, value: str) -> set[str]:
        """Labels joined by `, ` (Google Forms), `;` or spaces (Kobo), where a label may hold
        the separator itself."""
        labels = self._choice_labels[question.key]
        whole = labels.get(fold(value))
        if whole is not None:
            return {whole}
        for separator in (", ", ";", ",", " "):
            parts = [p for p in value.split(separator) if p.strip()]
            found = _cover(parts, separator, labels) if len(parts) <= 200 else None
            if found:
                return found
        raise ValueError(Message(_("not choices of %(list)s"), list=question.list_name))


def _cover(parts: list[str], separator: str, labels: dict[str, str]) -> set[str] | None:
    """Choices whose labels, joined by `separator`, make up exactly `parts` (longest label
    first). Memoized by position, so a long cell costs O(n²) look-ups, not 2ⁿ."""
    memo: dict[int, set[str] | None] = {len(parts): set()}

    def from_(start: int) -> set[str] | None:
        if start not in memo:
            memo[start] = None
            for end in range(len(parts), start, -1):
                found = labels.get(fold(separator.join(parts[start:end])))
                if found is not None:
                    rest = from_(end)
                    if rest is not None:
                        memo[start] = {found, *rest}
                        break
        return memo[start]

    return from_(0)


def parse_date(value: str) -> str:
    text = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(text[:10], pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(Message(_("not a date (YYYY-MM-DD)")))


def content_key(answers: dict[str, Any]) -> str:
    """A submission's identity when the export has no `_uuid`: a hash of its answers."""
    return _hash(json.dumps(answers, sort_keys=True, ensure_ascii=False))


def _hash(text: str) -> str:
    return "sha1:" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def column_name(index: int) -> str:
    """A spreadsheet's letters for a 0-based column (0 → A, 26 → AA), without loading openpyxl
    for a CSV import."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# Repeats -------------------------------------------------------------------------------------

# A row's reference as its children name it: (table, index) for KoboToolbox (`_index` counts
# per sheet), ("", KEY) for ODK Central (KEYs are paths, unique across files).
Ref = tuple[str, str]


@dataclass
class _Pending:
    """A repeat's rows waiting for their submission: the first row's place, for messages."""

    repeats: dict[str, list[dict[str, Any]]]
    source: Source
    row: int
    column: str
    value: str


@dataclass
class Repeats:
    """The instances of every repeat table, nested under their parents, waiting for the main
    table's rows (`take`). `missing`: repeats of the form that the export has no table for."""

    by_parent: dict[Ref, _Pending] = field(default_factory=dict)
    tables: dict[str, Source] = field(default_factory=dict)  # repeat → source
    missing: list[str] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    error_total: int = 0
    kobo: bool = False

    def take(self, decoder: Decoder, row: list[str]) -> dict[str, list[dict[str, Any]]] | None:
        """The repeats of the submission in `row` (once: a second row with the same index
        gets none)."""
        if not self.by_parent or decoder.index_column is None:
            return None
        pending = self.by_parent.pop(("", decoder.cell(row, decoder.index_column)), None)
        return pending.repeats if pending is not None else None

    def orphans(self, main_source: Source) -> list[CellError]:
        """Rows whose submission the main table does not hold (after every row was taken)."""
        return [
            CellError(
                pending.row,
                pending.column,
                pending.value,
                Message(
                    _("no submission of %(main)s has this index"),
                    main=main_source,
                ),
                pending.source,
            )
            for pending in self.by_parent.values()
        ]


def repeat_names(form: Form) -> list[str]:
    """The form's repeats that hold questions, in the form's order."""
    return list(dict.fromkeys(q.repeat for q in form.questions if q.repeat))


def _repeat_by_name(form: Form, table: Table, stem: str) -> str:
    """The repeat a table holds, by its sheet's or file's name: KoboToolbox names a sheet
    after its repeat (cut to 31 characters with `...`), ODK Central a file `FORM-REPEAT.csv`
    (`~1`, `~2` where two repeats share a name)."""
    groups = list(dict.fromkeys([*form.group_labels, *(q.repeat for q in form.questions)]))
    name = table.name
    if name.lower().endswith(".csv"):
        name = name[:-4].rsplit("/", 1)[-1]
        if stem and name.startswith(stem + "-"):
            name = name[len(stem) + 1 :]
        name = re.sub(r"~\d+$", "", name)
    if name in groups:
        return name
    if name.endswith("..."):
        prefix = name[:-3]
        found = [g for g in groups if g.startswith(prefix)]
        if len(found) == 1:
            return found[0]
    return ""


def read_repeats(form: Form, export: Export, headers: Headers) -> Repeats:
    """Decode every repeat table of `export` and nest the instances under their parents.

    Raises DataError when a table is no repeat of the form or says nothing of its parents;
    cell errors are collected (`errors`, `error_total`) like the main table's."""
    result = Repeats()
    problems: list[Message] = []
    decoded: list[tuple[str, Decoder, Table]] = []
    for table in export.repeats:
        sections = headers.repeat_of(table.header)
        sections.pop("", None)
        repeat = sections.most_common(1)[0][0] if sections else ""
        repeat = repeat or _repeat_by_name(form, table, export.stem)
        if not repeat:
            problems.append(
                Message(
                    _(
                        "%(source)s: not a repeat group of the form (no column names one of "
                        "the repeat's questions, nor does its name)"
                    ),
                    source=table.source,
                )
            )
            continue
        if repeat in result.tables:
            problems.append(
                Message(
                    _("%(source)s: the repeat %(repeat)s is already read from %(other)s"),
                    source=table.source,
                    repeat=repeat,
                    other=result.tables[repeat],
                )
            )
            continue
        try:
            decoder = Decoder(
                form, table.header, source=table.source, section=repeat, headers=headers
            )
        except DataError as exc:
            problems += exc.messages
            continue
        if decoder.parent_column is None:
            problems.append(
                Message(
                    _(
                        "%(source)s: no %(kobo)s or %(odk)s column, so its rows cannot be "
                        "linked to their submissions"
                    ),
                    source=table.source,
                    kobo=KOBO_PARENT,
                    odk=ODK_PARENT,
                )
            )
            continue
        result.tables[repeat] = table.source
        decoded.append((repeat, decoder, table))
    if problems:
        raise DataError(problems)
    result.kobo = any(
        decoder.header[decoder.parent_column].strip() == KOBO_PARENT
        for _repeat, decoder, _table in decoded
        if decoder.parent_column is not None
    )
    # Every instance by its own reference, so children find their parents in any table order.
    instances: dict[Ref, dict[str, Any]] = {}
    links: list[tuple[str, Ref, dict[str, Any], int, Source, str, str]] = []
    for repeat, decoder, table in decoded:
        for number, row in table.rows:
            if len(row) < decoder._width:
                row.extend([""] * (decoder._width - len(row)))
            if not _has_content(row):
                continue
            answers = decoder.decode(number, row)
            if isinstance(answers, list):
                result.error_total += len(answers)
                result.errors.extend(answers[: max(0, 10 - len(result.errors))])
                continue
            parent_value = decoder.cell(row, decoder.parent_column)
            if result.kobo:
                parent_table = decoder.cell(row, decoder.parent_table_column)
                parent: Ref = (parent_table if parent_table in result.tables else "", parent_value)
                own: Ref = (repeat, decoder.cell(row, decoder.index_column))
            else:
                parent = ("", parent_value)
                own = ("", decoder.cell(row, decoder.index_column))
            if own[1]:
                instances[own] = answers.answers
            assert decoder.parent_column is not None
            links.append(
                (
                    repeat,
                    parent,
                    answers.answers,
                    number,
                    table.source,
                    decoder.header[decoder.parent_column].strip(),
                    parent_value,
                )
            )
    for repeat, parent, answers_, number, source, column, value in links:
        parent_instance = instances.get(parent) if parent[0] or not result.kobo else None
        if parent_instance is not None and parent_instance is not answers_:
            parent_instance.setdefault(repeat, []).append(answers_)
            continue
        if result.kobo and parent[0]:
            result.error_total += 1
            if len(result.errors) < 10:
                result.errors.append(
                    CellError(
                        number,
                        column,
                        value,
                        Message(
                            _("no row of the repeat %(repeat)s has this index"), repeat=parent[0]
                        ),
                        source,
                    )
                )
            continue
        pending = result.by_parent.get(parent)
        if pending is None:
            pending = result.by_parent[parent] = _Pending({}, source, number, column, value)
        pending.repeats.setdefault(repeat, []).append(answers_)
    result.missing = [r for r in repeat_names(form) if r not in result.tables]
    return result
