"""Read survey answers exported by KoboToolbox or Google Forms and decode them through a form.

Files stream row by row (constant memory): CSV in UTF-8 (with or without BOM) or Latin-1,
`;` or `,` delimited, or an .xlsx export. Headers may carry group paths (`about/country`),
labels instead of names (in any of the form's languages), and Kobo's 0/1 column per choice
of a select_multiple (`populations/women`), which is skipped. No Django import.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import math
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import getitem, itemgetter
from pathlib import Path
from typing import IO, Any

from minga.mapping.xlsform import Form, Question

# Columns Kobo and Google Forms add around the answers; never questions.
METADATA = {
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "phonenumber",
    "simserial",
    "subscriberid",
    "audit",
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
}
METADATA_PREFIXES = ("_", "meta/", "formhub/")
UUID_COLUMNS = ("_uuid", "meta/instanceid", "instanceid")
_CSV_DELIMITERS = (";", ",", "\t")
# Distinct cells remembered per column (decoded once each); bounds the importer's memory.
CACHED = 4096
_dumps = json.JSONEncoder(ensure_ascii=False).encode


class DataError(ValueError):
    """A file that cannot be read as a table at all (not a cell-level problem)."""


def fold(text: str) -> str:
    """Ignore case, accents and surrounding or repeated spaces: `" BOGOTÁ "` → `bogota`."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


# Reading files -----------------------------------------------------------------------------


PREFIX_BYTES = 1 << 20


class NotUtf8(DataError):
    """A byte past the prefix that chose UTF-8 does not decode: read the file as Latin-1."""


def detect_encoding(prefix: bytes) -> str:
    """`utf-8-sig` when the file's first bytes decode as UTF-8 (BOM or not), else `latin-1`.

    Only a bounded prefix is checked; a later byte that is not UTF-8 raises `NotUtf8` while
    the rows are read, and the importer starts over in Latin-1 (nothing is stored twice:
    the attempt runs in a savepoint that is rolled back)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(prefix, final=False)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8-sig"


def detect_delimiter(sample: str) -> str:
    """The delimiter that splits the header row into the most columns."""
    best, best_count = ",", 0
    for delimiter in _CSV_DELIMITERS:
        row = next(csv.reader(io.StringIO(sample), delimiter=delimiter), [])
        if len(row) > best_count:
            best, best_count = delimiter, len(row)
    return best


def _xlsx_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Table:
    """A header and a stream of rows; `rows` yields (row number in the file, cells), blank
    rows included (they keep the numbering; `Decoder.encode` skips them)."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    close: Any = None


def open_table(path: Path, encoding: str | None = None) -> Table:
    """The file as a table; `encoding` forces a CSV's encoding (else it is detected)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _open_xlsx(path)
    return _open_csv(path, encoding)


def _has_content(row: list[str]) -> bool:
    joined = "".join(row)
    return bool(joined) and not joined.isspace()


def _open_csv(path: Path, encoding: str | None = None) -> Table:
    with path.open("rb") as raw:
        prefix = raw.read(PREFIX_BYTES)
    if encoding is None:
        encoding = detect_encoding(prefix)
    sample = prefix[: 64 * 1024].decode(encoding, errors="replace")
    if not sample.strip():
        raise DataError("the data file is empty")
    handle: IO[str] = path.open("r", encoding=encoding, newline="")
    reader = csv.reader(handle, delimiter=detect_delimiter(sample))
    try:
        header = next(reader, [])
    except UnicodeDecodeError as exc:
        handle.close()
        raise NotUtf8(str(exc)) from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        # Row numbers count records after the header (row 1), as a spreadsheet shows them.
        # Blank rows are left in (`Decoder.encode` skips them): checking each row here costs
        # more than checking the few that decode to nothing.
        try:
            yield from enumerate(reader, start=2)
        except UnicodeDecodeError as exc:
            raise NotUtf8(str(exc)) from exc
        finally:
            handle.close()

    return Table(header=[h.strip() for h in header], rows=rows(), close=handle.close)


def _open_xlsx(path: Path) -> Table:
    import openpyxl  # only for .xlsx exports: loading it costs every command's start-up

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # not a workbook
        raise DataError(f"the data file is not a readable .xlsx workbook ({exc})") from exc
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    header = [_xlsx_cell(v).strip() for v in next(iterator, ())]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, values in enumerate(iterator, start=2):
            yield number, [_xlsx_cell(v) for v in values]
        workbook.close()

    return Table(header=header, rows=rows(), close=workbook.close)


# Decoding ------------------------------------------------------------------------------------


@dataclass
class CellError:
    row: int
    column: str
    value: str
    why: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: value {self.value!r}: {self.why}"


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


@dataclass
class Decoder:
    """Maps a file's columns onto a form's questions and turns cells into answers.

    Answers: select_one → choice name; select_multiple → list of choice names (form order);
    integer → int; decimal → float; date → ISO date; text → the text, stripped.
    """

    form: Form
    header: list[str]
    columns: dict[int, Question] = field(default_factory=dict)
    uuid_column: int | None = None
    _choice_names: dict[str, dict[str, str]] = field(default_factory=dict)
    _choice_labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_name = {q.name.casefold(): q for q in self.form.questions}
        by_label = {
            fold(label): q for q in self.form.questions for label in q.labels.values() if label
        }
        for question in self.form.questions:
            if not question.is_select:
                continue
            names = {c.name: c.name for c in self.form.choices_of(question)}
            labels: dict[str, str] = {}
            for choice in self.form.choices_of(question):
                for label in choice.labels.values():
                    labels.setdefault(fold(label), choice.name)
                labels.setdefault(fold(choice.name), choice.name)
            self._choice_names[question.name] = names
            self._choice_labels[question.name] = labels
        errors = []
        taken: dict[str, str] = {}
        for index, raw in enumerate(self.header):
            head = raw.strip()
            lowered = head.casefold()
            if lowered in UUID_COLUMNS:
                self.uuid_column = index
                continue
            if not head or lowered in METADATA or lowered.startswith(METADATA_PREFIXES):
                continue
            matched = self._question_for(head, by_name, by_label)
            if matched is None:
                if self._is_choice_column(head, by_name, by_label):
                    continue
                errors.append(
                    f"column {column_name(index)}: header {head!r}: not a question of the form"
                )
                continue
            if matched.name in taken:
                errors.append(
                    f"column {column_name(index)}: header {head!r}: "
                    f"question {matched.name} already read from column {taken[matched.name]}"
                )
                continue
            taken[matched.name] = column_name(index)
            self.columns[index] = matched
        if not self.columns and not errors:
            errors.append("no column of the file is a question of the form")
        if errors:
            raise DataError("; ".join(errors))
        # The fast path (`encode`): columns in question-name order, as sorted JSON keys are.
        order = sorted(self.columns, key=lambda index: self.columns[index].name)
        self._cells = [self._cells_of(self.columns[index]) for index in order]
        picked = itemgetter(*order)
        self._pick: Callable[[list[str]], Iterable[str]] = (
            picked if len(order) > 1 else lambda row: (picked(row),)
        )
        self._width = max([*order, self.uuid_column or 0]) + 1
        selects = [i for i, index in enumerate(order) if self.columns[index].is_select]
        self._selects = [(self.columns[order[i]].name, self._cells[i]) for i in selects]
        chosen = [order[i] for i in selects] or [0]
        # itemgetter of two or more indexes returns a tuple; of one, the bare cell.
        self._chosen = itemgetter(*chosen, *chosen) if len(chosen) < 2 else itemgetter(*chosen)
        self._chosen_count = len(selects)
        self._pending: list[Counter[str]] = [Counter() for _ in selects]

    def select_cells(self, row: list[str]) -> tuple[str, ...]:
        """The select questions' cells of a row passed to `encode`. A tuple of strings only:
        the garbage collector stops tracking it at once, so a batch of them costs collections
        nothing (rows kept as lists would be traversed again and again)."""
        if not self._chosen_count:
            return ()
        cells: tuple[str, ...] = self._chosen(row)
        return cells[: self._chosen_count]

    def _cells_of(self, question: Question) -> _Cells:
        def convert(value: str) -> Any:
            return self._value(question, value)

        return _Cells(question.name, convert)

    @staticmethod
    def _question_for(
        head: str, by_name: dict[str, Question], by_label: dict[str, Question]
    ) -> Question | None:
        last = head.rsplit("/", 1)[-1].strip()
        return (
            by_name.get(last.casefold())
            or by_name.get(head.casefold())
            or by_label.get(fold(head))
            or by_label.get(fold(last))
        )

    def _is_choice_column(
        self, head: str, by_name: dict[str, Question], by_label: dict[str, Question]
    ) -> bool:
        """Kobo's 0/1 column per choice: `[group/]question/choice`, names or labels."""
        if "/" not in head:
            return False
        parent, choice = head.rsplit("/", 1)
        found = self._question_for(parent, by_name, by_label)
        if found is None or found.type != "select_multiple":
            return False
        question = found
        choice = choice.strip()
        return (
            choice in self._choice_names[question.name]
            or fold(choice) in self._choice_labels[question.name]
        )

    def decode(self, number: int, row: list[str]) -> Decoded | list[CellError]:
        answers: dict[str, Any] = {}
        errors: list[CellError] = []
        for index, question in self.columns.items():
            raw = row[index] if index < len(row) else ""
            value = raw.strip()
            if not value:
                continue
            try:
                answers[question.name] = self._value(question, value)
            except ValueError as exc:
                errors.append(CellError(number, self.header[index], raw, str(exc)))
        if errors:
            return errors
        uuid = ""
        if self.uuid_column is not None and self.uuid_column < len(row):
            uuid = row[self.uuid_column].strip()
        return Decoded(key=uuid or content_key(answers), answers=answers)

    def encode(self, number: int, row: list[str]) -> tuple[str, str] | list[CellError] | None:
        """`(key, answers)` with the answers as JSON text with sorted keys (the text that
        `content_key` hashes), the row's errors, or None for a blank row: `decode` with
        each distinct cell of a column decoded once. Pads a short `row` in place."""
        if len(row) < self._width:
            row.extend([""] * (self._width - len(row)))
        try:
            fragments = map(getitem, self._cells, self._pick(row))
            text = "{" + ", ".join(filter(None, fragments)) + "}"
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
        return _hash(text), text

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

    def _value(self, question: Question, value: str) -> Any:
        if question.type == "select_one":
            return self._choice(question, value)
        if question.type == "select_multiple":
            return self._choices(question, value)
        if question.type == "integer":
            try:
                number = float(value.replace(",", "."))
            except ValueError:
                raise ValueError("not a whole number") from None
            if not number.is_integer():
                raise ValueError("not a whole number")
            return int(number)
        if question.type == "decimal":
            try:
                number = float(value.replace(",", ".") if value.count(",") == 1 else value)
            except ValueError:
                raise ValueError("not a number") from None
            if not math.isfinite(number):
                raise ValueError("not a number")
            return number
        if question.type == "date":
            return parse_date(value)
        return value

    def _choice(self, question: Question, value: str) -> str:
        names = self._choice_names[question.name]
        if value in names:
            return value
        found = self._choice_labels[question.name].get(fold(value))
        if found is None:
            raise ValueError(f"not a choice of {question.list_name}")
        return found

    def _choices(self, question: Question, value: str) -> list[str]:
        names = self._choice_names[question.name]
        tokens = value.split()
        if all(token in names for token in tokens):
            chosen = set(tokens)
        else:
            chosen = self._labels_in(question, value)
        order = list(names)
        return sorted(chosen, key=order.index)

    def _labels_in(self, question: Question, value: str) -> set[str]:
        """Labels joined by `, ` (Google Forms), `;` or spaces (Kobo), where a label may hold
        the separator itself."""
        labels = self._choice_labels[question.name]
        whole = labels.get(fold(value))
        if whole is not None:
            return {whole}
        for separator in (", ", ";", ",", " "):
            parts = [p for p in value.split(separator) if p.strip()]
            found = _cover(parts, separator, labels) if len(parts) <= 200 else None
            if found:
                return found
        raise ValueError(f"not choices of {question.list_name}")


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
    raise ValueError("not a date (YYYY-MM-DD)")


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
